import type { WebClient } from '@slack/web-api';
import type { ApprovalPolicy } from '../core/release/release-config.js';

/**
 * Who may approve: listed users, members of listed user groups (asked of Slack, cached a minute),
 * or anyone when the policy lists nobody.
 */
export class ApproverDirectory {
  private readonly groups = new Map<string, { at: number; members: Set<string> }>();

  constructor(
    private readonly client: WebClient,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async mayApprove(policy: ApprovalPolicy, user: string): Promise<boolean> {
    if (policy.approvers.length === 0 || policy.approvers.includes(user)) return true;
    for (const group of policy.approvers.filter((a) => a.startsWith('S'))) {
      if ((await this.members(group)).has(user)) return true;
    }
    return false;
  }

  /** Is `user` one of these user IDs or in one of these user groups? (An empty list: nobody.) */
  async isMember(ids: string[], user: string): Promise<boolean> {
    return ids.length > 0 && this.mayApprove({ approvers: ids } as ApprovalPolicy, user);
  }

  private async members(group: string): Promise<Set<string>> {
    const cached = this.groups.get(group);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.members;
    const result = await this.client.usergroups.users.list({ usergroup: group });
    const members = new Set(result.users ?? []);
    this.groups.set(group, { at: this.now(), members });
    return members;
  }
}

/** "<@U1>, <!subteam^S1>" for the refusal sentence. */
export function describeApprovers(policy: ApprovalPolicy): string {
  if (policy.approvers.length === 0) return 'anyone but the requester';
  return policy.approvers.map((a) => (a.startsWith('S') ? `<!subteam^${a}>` : `<@${a}>`)).join(', ');
}
