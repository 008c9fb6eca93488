import { conditionEnvNames } from './conditions.js';
import type { PhaseDefinition, PipelineDefinition, StepDefinition } from './definition-schema.js';

/** Variable names whose values are secrets wherever they appear. */
export const SECRET_NAME = /token|secret|password|key/i;

/**
 * Values shorter than this are not redacted: replacing every "1" or "on" in a log would destroy
 * the output while protecting nothing (a value that short is not a secret).
 */
export const MIN_SECRET_LENGTH = 4;

interface Needle {
  text: string;
  name: string;
}

/**
 * Replaces secret values with `[redacted:NAME]` in every text the pipeline emits: command output,
 * errors, results, notifications, progress snapshots and stored state. Also catches the forms a
 * value takes when a tool prints it URL-encoded or JSON-escaped.
 */
export class Redactor {
  private readonly needles: Needle[];
  private readonly pattern: RegExp | null;

  constructor(secrets: Iterable<readonly [name: string, value: string]>) {
    const byText = new Map<string, string>();
    // Sorted by name so two variables with the same value always redact to the same name.
    for (const [name, value] of [...secrets].sort(([a], [b]) => a.localeCompare(b))) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) {
        if (!byText.has(form)) byText.set(form, name);
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.needles = [...byText].map(([text, name]) => ({ text, name })).sort((a, b) => b.text.length - a.text.length);
    this.pattern = this.needles.length ? new RegExp(this.needles.map((n) => escapeRegExp(n.text)).join('|'), 'g') : null;
  }

  /** Secrets are the named variables plus every variable whose name looks secret. */
  static fromEnvironment(env: Readonly<Record<string, string | undefined>>, namedVariables: Iterable<string> = []): Redactor {
    const names = new Set(namedVariables);
    for (const name of Object.keys(env)) if (SECRET_NAME.test(name)) names.add(name);
    const secrets: Array<[string, string]> = [];
    for (const name of names) {
      const value = env[name];
      if (value) secrets.push([name, value]);
    }
    return new Redactor(secrets);
  }

  /** The names that will be redacted (never the values). */
  get names(): string[] {
    return [...new Set(this.needles.map((n) => n.name))].sort();
  }

  redact(text: string): string {
    if (!this.pattern) return text;
    const names = new Map(this.needles.map((n) => [n.text, n.name]));
    return text.replace(this.pattern, (match) => `[redacted:${names.get(match) ?? 'secret'}]`);
  }

  /** Redacts every string inside JSON-like data (objects, arrays), keys included. */
  redactValue<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function envCheckNames(step: PhaseDefinition | StepDefinition): string[] {
  if (step.type === 'env-check') {
    return [...conditionEnvNames(step.when), ...step.require, ...step.groups.flatMap((g) => [...g.require, ...conditionEnvNames(g.when)])];
  }
  if (step.type === 'sequence') return step.steps.flatMap(envCheckNames);
  return [];
}

/** Every variable an env-check names (and the pipeline's `redact` list) is treated as a secret. */
export function secretNamesOf(definition: PipelineDefinition): string[] {
  const names = new Set(definition.redact);
  for (const phase of definition.phases) for (const n of envCheckNames(phase)) names.add(n);
  return [...names];
}

export function redactorFor(definition: PipelineDefinition, env: Readonly<Record<string, string | undefined>>): Redactor {
  return Redactor.fromEnvironment(env, secretNamesOf(definition));
}
