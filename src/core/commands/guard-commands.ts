/** `/history`, `/rollback`, `/freeze`, `/unfreeze`, `/freezes` (issue 14). */
export interface HistoryCommand {
  kind: 'history';
  service: string;
  env?: string;
  limit: number;
}

export interface RollbackCommand {
  kind: 'rollback';
  service: string;
  env?: string;
  /** Back to this tag; the previous one when absent. */
  to?: string;
  /** Through a freeze (break-glass only). */
  force: boolean;
}

export type FreezeCommand =
  | { kind: 'freeze'; env: string; durationMs: number; duration: string; reason: string }
  | { kind: 'unfreeze'; env: string }
  | { kind: 'freezes' };

export type GuardCommand = HistoryCommand | RollbackCommand | FreezeCommand;
