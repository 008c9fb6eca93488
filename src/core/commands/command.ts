import type { RedeployArgs } from '../pipeline/args.js';
import type { GuardCommand } from './guard-commands.js';
/** A parsed request, whichever door it came through (slash command, mention, DM, console, CLI). */
export type Command =
  | RolloutCommand
  | { kind: 'rwenv'; action: 'list' }
  | { kind: 'rwenv'; action: 'cur' }
  | { kind: 'rwenv'; action: 'set'; env: string }
  | ServicesCommand
  | FluxCommand
  | ReleaseCommand
  | RedeployCommand
  | GuardCommand
  | { kind: 'lock'; env: string; reason: string; durationMs?: number; duration?: string }
  | { kind: 'unlock'; env: string; force: boolean }
  | { kind: 'locks' }
  | { kind: 'audit'; service?: string; limit: number }
  | { kind: 'status'; service: string; env?: string }
  | { kind: 'help'; topic?: string; reason?: string };

export type ServicesCommand =
  | { kind: 'services'; action: 'list'; env?: string; page: number }
  | { kind: 'services'; action: 'show' | 'namespace' | 'where'; service: string; env?: string }
  | { kind: 'services'; action: 'regenerate'; env?: string; save: boolean };

export const FLUX_GET_TARGETS = ['kustomizations', 'helmreleases', 'sources', 'all'] as const;
export const FLUX_RESOURCE_KINDS = ['kustomization', 'helmrelease', 'source'] as const;
export const FLUX_WRITE_ACTIONS = ['reconcile', 'suspend', 'resume'] as const;

export type FluxCommand =
  | { kind: 'flux'; action: 'get'; target: (typeof FLUX_GET_TARGETS)[number]; env?: string }
  | {
      kind: 'flux';
      action: (typeof FLUX_WRITE_ACTIONS)[number];
      resource: (typeof FLUX_RESOURCE_KINDS)[number];
      name: string;
      env?: string;
    };

export interface RolloutCommand {
  kind: 'rollout';
  service: string;
  pr?: number;
  /** The head branch of the PR to roll out (`/rollout papi my-feature`). */
  branch?: string;
  env?: string;
  sha?: string;
  dryRun: boolean;
  /** Through a freeze (break-glass only). */
  force?: boolean;
}

export type CommandKind = Command['kind'];

export interface ReleaseCommand {
  kind: 'release';
  service: string;
  sha: string;
  env?: string;
  tag?: string;
  pr?: number;
  /** Through a freeze (break-glass only). */
  force?: boolean;
}

export type RedeployCommand =
  | { kind: 'redeploy'; action: 'run'; env?: string; args: RedeployArgs }
  | { kind: 'redeploy'; action: 'list'; env?: string }
  | { kind: 'redeploy'; action: 'status'; env?: string; runId: string };
