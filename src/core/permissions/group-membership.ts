/**
 * The port through which the core asks whether someone is in a user group. The Slack adapter
 * (src/bot/slack-group-membership.ts) answers from `usergroups.users.list`.
 */
export interface GroupMembership {
  isMember(group: string, user: string): Promise<boolean>;
}
