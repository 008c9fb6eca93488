import type { WebClient } from '@slack/web-api';
import { GroupLookupFailed } from '../core/permissions/access-errors.js';
import type { GroupMembership } from '../core/permissions/group-membership.js';

/**
 * Who is in a user group, from Slack's `usergroups.users.list` (scope usergroups:read), cached
 * briefly so a burst of clicks costs one call and a change in Slack counts within a minute.
 */
export class SlackGroupMembership implements GroupMembership {
  private readonly cache = new Map<string, { at: number; members: Set<string> }>();

  constructor(
    private readonly client: WebClient,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async isMember(group: string, user: string): Promise<boolean> {
    return (await this.members(group)).has(user);
  }

  async members(group: string): Promise<Set<string>> {
    const cached = this.cache.get(group);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.members;
    let users: string[];
    try {
      users = (await this.client.usergroups.users.list({ usergroup: group })).users ?? [];
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      throw new GroupLookupFailed(group, code ?? (error instanceof Error ? error.message : String(error)), { cause: error });
    }
    const members = new Set(users);
    this.cache.set(group, { at: this.now(), members });
    return members;
  }
}
