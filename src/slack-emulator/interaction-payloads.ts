import { payloadTeam, payloadUser, type WorkspaceRef } from './workspace-ref.js';

export interface BlockActionFields {
  userId: string;
  userName: string;
  channelId: string;
  channelName: string;
  messageTs: string;
  /**
   * The message as the user saw it (Slack embeds the whole message in the payload). Left out for
   * ephemeral messages, as Slack does: those can only be answered through response_url.
   */
  message?: Record<string, unknown>;
  isEphemeral: boolean;
  action: {
    actionId: string;
    blockId: string;
    value: string | undefined;
    type: string;
    text: unknown;
    /** A select menu sends the chosen option instead of a value. */
    selectedOption?: unknown;
  };
  actionTs: string;
  responseUrl: string;
  triggerId: string;
}

/** The block_actions payload Slack posts (form field `payload`) when a button is clicked. */
export function blockActionsPayload(ws: WorkspaceRef, f: BlockActionFields): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: payloadUser(ws, f.userId, f.userName),
    api_app_id: ws.apiAppId,
    token: ws.verificationToken,
    container: {
      type: 'message',
      message_ts: f.messageTs,
      channel_id: f.channelId,
      is_ephemeral: f.isEphemeral,
    },
    trigger_id: f.triggerId,
    team: payloadTeam(ws),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channelId, name: f.channelName },
    ...(f.isEphemeral || !f.message ? {} : { message: f.message }),
    state: { values: {} },
    response_url: f.responseUrl,
    actions: [
      {
        action_id: f.action.actionId,
        block_id: f.action.blockId,
        ...(f.action.text !== undefined ? { text: f.action.text } : {}),
        ...(f.action.selectedOption !== undefined ? { selected_option: f.action.selectedOption } : f.action.value !== undefined ? { value: f.action.value } : {}),
        type: f.action.type,
        action_ts: f.actionTs,
      },
    ],
  };
}

export interface ViewSubmissionFields {
  userId: string;
  userName: string;
  triggerId: string;
  view: {
    id: string;
    callbackId: string;
    privateMetadata: string;
    blocks: unknown[];
    title: unknown;
    stateValues: Record<string, Record<string, unknown>>;
  };
}

/** The view_submission payload Slack posts when a modal's submit button is pressed. */
export function viewSubmissionPayload(ws: WorkspaceRef, f: ViewSubmissionFields): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: payloadTeam(ws),
    user: payloadUser(ws, f.userId, f.userName),
    api_app_id: ws.apiAppId,
    token: ws.verificationToken,
    trigger_id: f.triggerId,
    view: {
      id: f.view.id,
      team_id: ws.teamId,
      type: 'modal',
      blocks: f.view.blocks,
      private_metadata: f.view.privateMetadata,
      callback_id: f.view.callbackId,
      state: { values: f.view.stateValues },
      hash: `emulated.${f.view.id}`,
      title: f.view.title,
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: f.view.id,
      app_id: ws.apiAppId,
      external_id: '',
      app_installed_team_id: ws.teamId,
      bot_id: null,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/**
 * Slack's state.values shape from a convenient one: a plain string becomes a
 * plain_text_input value; objects are taken as already Slack-shaped.
 */
export function toStateValues(
  values: Record<string, Record<string, string | Record<string, unknown>>>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [blockId, actions] of Object.entries(values)) {
    const block: Record<string, unknown> = {};
    for (const [actionId, value] of Object.entries(actions)) {
      block[actionId] = typeof value === 'string' ? { type: 'plain_text_input', value } : value;
    }
    out[blockId] = block;
  }
  return out;
}
