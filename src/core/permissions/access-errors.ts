import { RollbotError } from '../errors.js';

/** The person may not do this in this environment; the sentence says who may. */
export class NotAllowedToAct extends RollbotError {
  readonly code = 'not_allowed';
}

/** The environment is not used from this channel; the sentence says from where. */
export class WrongChannelForEnvironment extends RollbotError {
  readonly code = 'wrong_channel';
}

/** Slack would not say who is in a user group named by the config (missing scope, deleted group). */
export class GroupLookupFailed extends RollbotError {
  readonly code = 'group_lookup_failed';
  override readonly transient = true;
  constructor(group: string, reason: string, options?: { cause?: unknown }) {
    super(
      `Could not check the members of user group <!subteam^${group}> with Slack (${reason}), so nothing was done. Check that the group exists and the app has the usergroups:read scope, then try again.`,
      options,
    );
  }
}
