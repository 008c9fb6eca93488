/**
 * The workspace's people, channels and user groups as the emulated Slack knows
 * them. Anything not configured still resolves, with a name derived from its id
 * ("U_ALICE" -> "alice", "C_DEPLOY" -> "deploy"), so tests only configure what
 * they assert on. User groups are the exception: an unknown group is an error in
 * Slack and a likely bug in an approval policy, so it stays one here.
 */

export interface DirectoryUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
}

export interface DirectoryChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
}

/** "U_ALICE" -> "alice", "C_DEPLOY" -> "deploy", "U123" -> "u123". */
export function nameFromId(id: string): string {
  const withoutPrefix = /^[A-Z]_/.test(id) ? id.slice(2) : id;
  return withoutPrefix.toLowerCase().replace(/_/g, '-');
}

export class Directory {
  private readonly users = new Map<string, DirectoryUser>();
  private readonly channels = new Map<string, DirectoryChannel>();
  private readonly usergroups = new Map<string, string[]>();

  setUser(id: string, name: string, realName: string = name, isBot = false): void {
    this.users.set(id, { id, name, realName, isBot });
  }

  user(id: string): DirectoryUser {
    const name = nameFromId(id);
    return this.users.get(id) ?? { id, name, realName: name, isBot: false };
  }

  setChannel(id: string, name: string, isPrivate = false): void {
    this.channels.set(id, { id, name, isPrivate, isIm: id.startsWith('D') });
  }

  channel(id: string): DirectoryChannel {
    const known = this.channels.get(id);
    if (known) return known;
    // Slack's ids: C public, G legacy private, D direct message.
    return { id, name: nameFromId(id), isPrivate: id.startsWith('G'), isIm: id.startsWith('D') };
  }

  setUsergroup(id: string, userIds: string[]): void {
    this.usergroups.set(id, [...userIds]);
  }

  usergroup(id: string): string[] | undefined {
    const members = this.usergroups.get(id);
    return members ? [...members] : undefined;
  }
}
