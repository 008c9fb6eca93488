import { EnvironmentAccess } from '../core/permissions/environment-access.js';
import type { GroupMembership } from '../core/permissions/group-membership.js';
import type { ApprovalPolicy } from '../core/release/release-config.js';

/**
 * Who may approve: listed users, members of listed user groups (asked of Slack through the
 * membership port, cached briefly), or anyone when the policy lists nobody.
 */
export class ApproverDirectory {
  private readonly access: EnvironmentAccess;

  constructor(membership: GroupMembership) {
    this.access = new EnvironmentAccess(membership);
  }

  mayApprove(policy: ApprovalPolicy, user: string): Promise<boolean> {
    return this.access.isListed(policy.approvers, user);
  }

  /** Is `user` one of these user IDs or in one of these user groups? (An empty list: nobody.) */
  async isMember(ids: string[], user: string): Promise<boolean> {
    return ids.length > 0 && this.access.isListed(ids, user);
  }
}

/** "<@U1>, <!subteam^S1>" for the refusal sentence. */
export function describeApprovers(policy: ApprovalPolicy): string {
  if (policy.approvers.length === 0) return 'anyone but the requester';
  return policy.approvers.map((a) => (a.startsWith('S') ? `<!subteam^${a}>` : `<@${a}>`)).join(', ');
}
