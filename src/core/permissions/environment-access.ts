import { NotAllowedToAct, WrongChannelForEnvironment } from './access-errors.js';
import { isUserGroup, mentionOf, orList, type AccessRules } from './access-rules.js';
import type { GroupMembership } from './group-membership.js';

/**
 * What someone wants to do with an environment, and which list decides it. `deploy` (locks) is for
 * anyone who may roll out or release there; `use` checks only the channel.
 */
export type EnvironmentAction = 'rollout' | 'release' | 'deploy' | 'use';

const VERB: Record<'rollout' | 'release', string> = {
  rollout: 'roll out to',
  release: 'request releases of',
};

const LIST: Record<'rollout' | 'release', keyof AccessRules> = {
  rollout: 'rolloutBy',
  release: 'releaseBy',
};

export interface Actor {
  user: string;
  /** Where the request came from: a channel, or a DM (D…). */
  channel: string;
}

export interface EnvironmentRef extends Partial<AccessRules> {
  name: string;
  /** Which ways of changing it exist decide whose list counts for locks. */
  readOnly?: boolean;
  allowRollout?: boolean;
  release?: unknown;
}

/**
 * Who may act on an environment, and from where. Pure rules: group membership is asked through the
 * GroupMembership port, so Slack stays out of the core.
 */
export class EnvironmentAccess {
  constructor(private readonly groups: GroupMembership) {}

  /**
   * Throws a sentence naming the allowed channels or people when the actor may not. `doing` words
   * the refusal for a specific act ("save the catalog of"); by default the action's verb.
   */
  async assertMay(env: EnvironmentRef, action: EnvironmentAction, actor: Actor, doing?: string): Promise<void> {
    assertChannel(env, actor.channel);
    if (action === 'use') return;
    if (action === 'deploy') return this.assertMayDeploy(env, actor, doing ?? 'lock or unlock');
    const allowed = env[LIST[action]] ?? [];
    if (await this.isListed(allowed, actor.user)) return;
    throw new NotAllowedToAct(
      `Only ${orList(allowed.map(describePrincipal))} may ${doing ?? VERB[action]} \`${env.name}\`. Ask one of them to do it, or ask an admin to add you to ${LIST[action]} of \`${env.name}\` in the config.`,
    );
  }

  /** Locks: whoever may change the environment in one of the ways it can be changed. */
  private async assertMayDeploy(env: EnvironmentRef, actor: Actor, doing: string): Promise<void> {
    const rollouts = !env.readOnly && env.allowRollout !== false;
    const releases = env.release !== undefined;
    const counted: Array<'rolloutBy' | 'releaseBy'> = [...(rollouts || !releases ? (['rolloutBy'] as const) : []), ...(releases ? (['releaseBy'] as const) : [])];
    const lists = counted.map((key) => env[key] ?? []);
    for (const list of lists) if (await this.isListed(list, actor.user)) return;
    const allowed = [...new Set(lists.flat())];
    throw new NotAllowedToAct(
      `Only ${orList(allowed.map(describePrincipal))} may ${doing} \`${env.name}\` (those in its ${counted.join(' or ')}). Ask one of them to do it.`,
    );
  }

  /**
   * Empty list: anyone. Users are compared first, so a listed user costs no Slack call. A group Slack
   * cannot answer for only matters when no other entry lets the user in.
   */
  async isListed(allowed: string[], user: string): Promise<boolean> {
    if (allowed.length === 0 || allowed.includes(user)) return true;
    let failure: unknown;
    for (const group of allowed.filter(isUserGroup)) {
      try {
        if (await this.groups.isMember(group, user)) return true;
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return false;
  }
}

/** Channel restriction alone (no Slack call): also used when a channel is bound with /rwenv set. */
export function assertChannel(env: EnvironmentRef, channel: string): void {
  const channels = env.channels ?? [];
  if (channels.length === 0 || channels.includes(channel)) return;
  const where = orList(channels.map((c) => `<#${c}>`));
  throw new WrongChannelForEnvironment(
    `\`${env.name}\` may only be used from ${where}. Run the command there${channel.startsWith('D') ? ' (not in a direct message)' : ''}.`,
  );
}

function describePrincipal(principal: string): string {
  return isUserGroup(principal) ? `members of ${mentionOf(principal)}` : mentionOf(principal);
}
