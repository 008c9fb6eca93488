import { isAbsolute, resolve } from 'node:path';
import { PhaseFailed } from '../errors.js';
import type { RedeployFlags } from '../flags.js';
import type { Notifier } from '../notifier.js';
import { substitute, type Placeholder } from '../placeholders.js';
import type { PhaseRecord, PhaseStatus } from '../state.js';
import type { VersionPin } from '../versions.js';
import type { ClusterPort } from '../../cluster/cluster-port.js';

/** Expands templates from a definition: text (arguments, URLs) and paths (relative to cwdBase). */
export interface Templates {
  text(template: string, pkg?: string): string;
  path(template: string): string;
}

/** What a phase can see and use. */
export interface PhaseContext {
  runId: string;
  ticket: string;
  pins: readonly VersionPin[];
  versionsText: string;
  /** The run's variables (envDefaults applied); never process.env. */
  env: Readonly<Record<string, string | undefined>>;
  flags: RedeployFlags;
  cwdBase: string;
  templates: Templates;
  /** Statuses of all phases so far, in pipeline order (notify summarizes them). */
  phaseStatuses(): Array<[string, PhaseStatus]>;
  notifier?: Notifier;
  /** Redacts text before it leaves the phase (the notification is sent from inside it). */
  redact(text: string): string;
  /** The environment's cluster, for `flux-ready` phases. */
  cluster?: ClusterPort;
}

/** A completed phase; failures throw PhaseFailed with the same parts. */
export interface PhaseOutcome {
  fields?: Partial<PhaseRecord>;
  /** Raw output, kept (truncated, redacted) for a thread reply. */
  output?: string;
  /** Seed-style progress lines ("ENV_CHECK: POSTGRES_PASSWORD OK"). */
  log?: string[];
  /** Short line for the progress display. */
  detail?: string;
  /** Set by the worktree phase: where `{worktree}` points from now on. */
  worktreePath?: string;
}

export interface TemplateValues {
  runId: string;
  ticket: string;
  versionsText: string;
  pins: readonly VersionPin[];
  env: Readonly<Record<string, string | undefined>>;
  worktreePath: string | null;
  cwdBase: string;
}

/**
 * `strict` templates fail the phase with a sentence when a value is missing (an unset variable, no
 * worktree yet); `display` templates show `<unset:NAME>` instead, for the dry-run plan.
 */
export function makeTemplates(values: () => TemplateValues, mode: 'strict' | 'display'): Templates {
  const unavailable = (sentence: string, shown: string): string => {
    if (mode === 'display') return shown;
    throw new PhaseFailed(sentence);
  };
  const resolveOne = (p: Placeholder, pkg: string | undefined): string => {
    const v = values();
    switch (p.name) {
      case 'run_id':
        return v.runId;
      case 'ticket':
        return v.ticket;
      case 'versions':
        return v.versionsText;
      case 'worktree':
        return (
          v.worktreePath ??
          unavailable('{worktree} is used, but no worktree was prepared in this run. Let the worktree phase run (do not skip it) when later phases use {worktree}.', '<worktree>')
        );
      case 'env': {
        const value = v.env[p.arg ?? ''];
        if (value !== undefined && value !== '') return value;
        return unavailable(`${p.raw} is used, but ${p.arg} is not set. Set it in the redeploy environment, or give it a default under envDefaults in the pipeline.`, `<unset:${p.arg}>`);
      }
      case 'version': {
        const pin = v.pins.find((x) => x.pkg === p.arg);
        return pin?.version ?? unavailable(`${p.raw} is used, but --versions does not list ${p.arg}. Add ${p.arg}=<version> to --versions.`, `<no version for ${p.arg}>`);
      }
      case 'pkg':
        return pkg ?? unavailable('{pkg} is only available inside a version-check.', '<pkg>');
      default:
        // Definitions are validated at load time; an unknown placeholder here is a bug, kept visible.
        return p.raw;
    }
  };
  const text = (template: string, pkg?: string) => substitute(template, (p) => resolveOne(p, pkg));
  return {
    text,
    path: (template) => {
      const expanded = text(template);
      return isAbsolute(expanded) ? expanded : resolve(values().cwdBase, expanded);
    },
  };
}

/**
 * The environment of every command: exactly the run's variables plus the step's own. PATH and HOME
 * fall back to the worker's so `git`, `uv` and `docker` resolve when the caller passed only secrets.
 */
export function commandEnv(ctx: PhaseContext, extra: Readonly<Record<string, string>> = {}, pkg?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME'] as const) {
    const inherited = process.env[name];
    if (inherited !== undefined) env[name] = inherited;
  }
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(extra)) env[k] = ctx.templates.text(v, pkg);
  return env;
}
