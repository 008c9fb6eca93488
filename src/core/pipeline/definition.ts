import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError, ZodIssue } from 'zod';
import {
  pipelineFileSchema,
  pipelineSchema,
  type Condition,
  type PhaseDefinition,
  type PipelineBody,
  type PipelineDefinition,
  type PipelineFile,
  type StepDefinition,
} from './definition-schema.js';
import { PipelineDefinitionError, PipelineNotFound } from './errors.js';
import { checkTemplate, type TemplateSite } from './placeholders.js';

export type { PipelineDefinition, PipelineFile, PhaseDefinition, StepDefinition } from './definition-schema.js';

type Path = (string | number)[];

function keyPath(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

/** One sentence per zod issue, naming the key and what to write instead. */
function describeIssue(issue: ZodIssue, source: string): string {
  const key = keyPath(issue.path) || '(top level)';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${source}: ${key === '(top level)' ? '' : `'${key}': `}unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}; remove it or check its spelling.`;
    case 'invalid_union_discriminator':
      return `${source}: '${key}' must be one of ${issue.options.map((o) => String(o)).join(', ')} (the phase type).`;
    case 'invalid_type':
      if (issue.received === 'undefined') return `${source}: '${key}' is missing; add it (expected ${issue.expected}).`;
      if (issue.expected === 'string' && (issue.received === 'number' || issue.received === 'boolean')) {
        return `${source}: '${key}' is a ${issue.received}; quote it in YAML ("...") so it is used as text.`;
      }
      return `${source}: '${key}' must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, not a ${issue.received}.`;
    case 'invalid_literal':
      if (!issue.message.startsWith('Invalid literal')) return `${source}: '${key}' ${issue.message.replace(/\.$/, '')}.`;
      return `${source}: '${key}' must be ${JSON.stringify(issue.expected)}.`;
    case 'invalid_enum_value':
      return `${source}: '${key}' must be one of ${issue.options.join(', ')}.`;
    default:
      return `${source}: '${key}' ${issue.message.replace(/\.$/, '')}.`;
  }
}

function describeZodError(error: ZodError, source: string): string {
  return error.issues.map((i) => describeIssue(i, source)).join('\n');
}

function templatesOf(step: PhaseDefinition | StepDefinition): Array<{ key: string; text: string; site: TemplateSite }> {
  const out: Array<{ key: string; text: string; site: TemplateSite }> = [];
  const add = (key: string, text: string | undefined, site: TemplateSite = 'general') => {
    if (text !== undefined) out.push({ key, text, site });
  };
  const addCondition = (key: string, c: Condition | undefined) => {
    add(`${key}.fileExists`, c?.fileExists);
    add(`${key}.fileMissing`, c?.fileMissing);
  };
  addCondition('when', step.when);
  switch (step.type) {
    case 'run':
      add('command', step.command);
      step.args.forEach((a, i) => add(`args[${i}]`, a));
      add('cwd', step.cwd);
      for (const [k, v] of Object.entries(step.env)) add(`env.${k}`, v);
      break;
    case 'version-check':
      add('command', step.command, 'version-check');
      step.args.forEach((a, i) => add(`args[${i}]`, a, 'version-check'));
      add('cwd', step.cwd);
      for (const [k, v] of Object.entries(step.env)) add(`env.${k}`, v, 'version-check');
      break;
    case 'git-sync':
      step.repos.forEach((r, i) => add(`repos[${i}]`, r));
      break;
    case 'worktree':
      add('repo', step.repo);
      add('path', step.path);
      add('branch', step.branch);
      break;
    case 'health':
      for (const [k, v] of Object.entries(step.endpoints)) add(`endpoints.${k}`, v);
      break;
    case 'env-check':
      step.groups.forEach((g, i) => addCondition(`groups[${i}].when`, g.when));
      break;
    case 'notify':
      add('template', step.template, 'notify');
      break;
    case 'sequence':
      step.steps.forEach((s, i) => out.push(...templatesOf(s).map((t) => ({ ...t, key: `steps[${i}].${t.key}` }))));
      break;
  }
  return out;
}

/** Checks zod cannot express: unique names, placeholders, regexes, one worktree. */
function crossCheck(body: PipelineBody, at: string, source: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let worktreeSeen = false;
  body.phases.forEach((phase, index) => {
    const key = `${at}.phases[${index}]`;
    if (seen.has(phase.name)) problems.push(`${source}: '${key}.name' ${phase.name} is used by two phases; give each phase a unique name.`);
    seen.add(phase.name);
    if (phase.type === 'worktree' && worktreeSeen) problems.push(`${source}: '${key}' is a second worktree phase; a pipeline has at most one.`);
    for (const t of templatesOf(phase)) {
      for (const problem of checkTemplate(t.text, t.site, worktreeSeen)) problems.push(`${source}: '${key}.${t.key}' ${problem}.`);
    }
    const patterns: Array<[string, string | undefined]> =
      phase.type === 'version-check'
        ? [['outputPattern', phase.outputPattern]]
        : phase.type === 'sequence'
          ? phase.steps.map((s, i): [string, string | undefined] => [`steps[${i}].outputPattern`, s.type === 'version-check' ? s.outputPattern : undefined])
          : [];
    for (const [k, pattern] of patterns) {
      if (pattern === undefined) continue;
      try {
        new RegExp(pattern, 'm');
      } catch (error) {
        problems.push(`${source}: '${key}.${k}' is not a valid regular expression (${(error as Error).message}); fix it, e.g. "^Version:\\\\s*(\\\\S+)".`);
      }
    }
    if (phase.type === 'worktree') worktreeSeen = true;
  });
  return problems;
}

function fail(problems: string[]): never {
  throw new PipelineDefinitionError(problems.join('\n'));
}

/** Validates one pipeline given as an object (not a whole file). */
export function parsePipeline(raw: unknown, name: string, source = 'pipeline'): PipelineDefinition {
  const result = pipelineSchema.safeParse(raw);
  if (!result.success) fail([describeZodError(result.error, source)]);
  const problems = crossCheck(result.data, '(pipeline)', source).map((p) => p.replace("'(pipeline).", "'"));
  if (problems.length) fail(problems);
  return { ...result.data, name };
}

/** Validates a whole pipeline file (`pipelines:`, `environments:`, `defaultPipeline:`). */
export function parsePipelineFile(raw: unknown, source = 'pipeline file'): PipelineFile {
  const result = pipelineFileSchema.safeParse(raw ?? {});
  if (!result.success) fail([describeZodError(result.error, source)]);
  const file = result.data;
  const problems: string[] = [];
  for (const [name, body] of Object.entries(file.pipelines)) problems.push(...crossCheck(body, `pipelines.${name}`, source));
  const names = Object.keys(file.pipelines);
  for (const [env, pipeline] of Object.entries(file.environments)) {
    if (!file.pipelines[pipeline]) problems.push(`${source}: 'environments.${env}' names pipeline '${pipeline}', which is not under 'pipelines' (known: ${names.join(', ')}).`);
  }
  if (file.defaultPipeline !== undefined && !file.pipelines[file.defaultPipeline]) {
    problems.push(`${source}: 'defaultPipeline' names '${file.defaultPipeline}', which is not under 'pipelines' (known: ${names.join(', ')}).`);
  }
  if (problems.length) fail(problems);
  return file;
}

export function parsePipelineYaml(text: string, source = 'pipeline file'): PipelineFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new PipelineDefinitionError(`${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}. Fix the YAML syntax at that line.`);
  }
  return parsePipelineFile(raw, source);
}

export function loadPipelineFile(path: string): PipelineFile {
  const source = resolve(path);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch {
    throw new PipelineDefinitionError(`Pipeline file ${source} was not found. Create it (see examples/redeploy-seed004.yaml) or point the redeploy configuration at it.`);
  }
  return parsePipelineYaml(text, source);
}

/**
 * Picks the pipeline: by name, else the one mapped to the environment, else `defaultPipeline`,
 * else the only one.
 */
export function selectPipeline(file: PipelineFile, by: { pipeline?: string; environment?: string } = {}): PipelineDefinition {
  const names = Object.keys(file.pipelines);
  const pick = (name: string, what: string): PipelineDefinition => {
    const body = file.pipelines[name];
    if (!body) throw new PipelineNotFound(what, names);
    return { ...body, name };
  };
  if (by.pipeline) return pick(by.pipeline, `named '${by.pipeline}'`);
  if (by.environment && file.environments[by.environment]) return pick(file.environments[by.environment]!, `for environment '${by.environment}'`);
  if (file.defaultPipeline) return pick(file.defaultPipeline, `named '${file.defaultPipeline}'`);
  if (names.length === 1) return pick(names[0]!, `named '${names[0]}'`);
  throw new PipelineNotFound(by.environment ? `is mapped to environment '${by.environment}' and no defaultPipeline is set` : 'was chosen and no defaultPipeline is set', names);
}
