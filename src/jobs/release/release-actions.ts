/** Button and modal ids of the release card, shared by the jobs that render and the bot that receives. */
export const RELEASE_APPROVE_ACTION = 'release_approve';
export const RELEASE_REJECT_ACTION = 'release_reject';
export const RELEASE_RETRY_ACTION = 'release_retry';
export const RELEASE_REJECT_MODAL = 'release_reject_modal';
