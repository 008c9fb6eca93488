/** A parsed request, whichever door it came through (slash command, mention, DM, console, CLI). */
export type Command =
  | RolloutCommand
  | { kind: 'rwenv'; action: 'list' }
  | { kind: 'rwenv'; action: 'cur' }
  | { kind: 'rwenv'; action: 'set'; env: string }
  | { kind: 'help'; topic?: string; reason?: string };

export interface RolloutCommand {
  kind: 'rollout';
  service: string;
  pr?: number;
  env?: string;
  sha?: string;
  dryRun: boolean;
}

export type CommandKind = Command['kind'];
