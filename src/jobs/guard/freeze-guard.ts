import type { EnvironmentConfig } from '../../core/config/schema.js';
import { RollbotError } from '../../core/errors.js';
import { configFreezeAt, momentText, type ActiveFreeze } from '../../core/guard/freeze-windows.js';
import type { FreezeStore } from './freeze-store.js';

/** Who is in a list of user and user-group IDs (the bot asks Slack about groups). */
export interface MembershipCheck {
  isMember(ids: string[], user: string): Promise<boolean>;
}

const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : /^[UW][A-Z0-9_]+$/.test(id) ? `<@${id}>` : id);

export function describeFreeze(freeze: ActiveFreeze): string {
  const who = freeze.source === 'manual' ? `by ${mention(freeze.by ?? 'someone')}` : `by the config's freeze ${freeze.label}`;
  return `${who} until ${momentText(freeze.until, freeze.timezone)}${freeze.reason ? ` (${freeze.reason})` : ''}`;
}

export class EnvironmentFrozen extends RollbotError {
  readonly code = 'environment_frozen';
  constructor(
    env: EnvironmentConfig,
    readonly freeze: ActiveFreeze,
    what: string,
  ) {
    const breakGlass = env.freeze?.breakGlass ?? [];
    super(
      `\`${env.name}\` is frozen ${describeFreeze(freeze)}, so the ${what} was refused. Try again after the freeze${
        breakGlass.length
          ? `; in an emergency someone in its break-glass list (${breakGlass.map(mention).join(', ')}) can add \`--force\`.`
          : '. Nobody can force it: add `freeze.breakGlass` to the environment in the config to allow emergencies.'
      }`,
    );
  }
}

export class BreakGlassDenied extends RollbotError {
  readonly code = 'break_glass_denied';
}

/**
 * Freezes: the environment's configured windows and ranges plus `/freeze`. During one, rollouts,
 * releases and rollbacks are refused; `--force` by someone in `freeze.breakGlass` goes through (the
 * caller audits and announces it).
 */
export class FreezeGuard {
  constructor(
    /** `/freeze`s in Redis; absent where there is no Redis (a terminal without REDIS_URL). */
    private readonly store: Pick<FreezeStore, 'get'> | undefined,
    private readonly membership?: MembershipCheck,
  ) {}

  /** The freeze in force now (the one that lasts longest), if any. */
  async active(env: EnvironmentConfig, now: number): Promise<ActiveFreeze | undefined> {
    const manual = await this.store?.get(env.name, now);
    const fromConfig = configFreezeAt(env.freeze, now);
    const fromStore: ActiveFreeze | undefined = manual && {
      source: 'manual',
      since: manual.since,
      until: manual.until,
      reason: manual.reason || undefined,
      by: manual.by,
      timezone: env.freeze?.timezone ?? 'UTC',
    };
    return [fromStore, fromConfig].filter((f): f is ActiveFreeze => f !== undefined).sort((a, b) => b.until - a.until)[0];
  }

  /**
   * Throws EnvironmentFrozen during a freeze unless `force` comes from someone allowed to break the
   * glass; returns the freeze that was forced (to audit and announce), or undefined when none.
   */
  async check(env: EnvironmentConfig, user: string, force: boolean, now: number, what: string): Promise<ActiveFreeze | undefined> {
    const freeze = await this.active(env, now);
    if (!freeze) return undefined;
    if (!force) throw new EnvironmentFrozen(env, freeze, what);
    const breakGlass = env.freeze?.breakGlass ?? [];
    if (breakGlass.length === 0 || !(await this.mayBreakGlass(breakGlass, user))) {
      throw new BreakGlassDenied(
        `\`${env.name}\` is frozen ${describeFreeze(freeze)}, and only ${breakGlass.length ? breakGlass.map(mention).join(', ') : 'people in `freeze.breakGlass` (none configured)'} may use \`--force\` through it. Ask one of them.`,
      );
    }
    return freeze;
  }

  private async mayBreakGlass(ids: string[], user: string): Promise<boolean> {
    if (ids.includes(user)) return true;
    return this.membership ? this.membership.isMember(ids.filter((id) => id.startsWith('S')), user) : false;
  }
}
