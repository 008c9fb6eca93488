/** Button action ids of issue 14, shared by the jobs and cards that offer them and the bot that receives. */
export const ROLLBACK_ACTION = 'rollback_to';

/** The value a Roll back button carries. */
export function rollbackButtonValue(env: string, service: string, to?: string, undo?: string): string {
  return JSON.stringify({ env, service, ...(to ? { to } : {}), ...(undo ? { undo } : {}) });
}
