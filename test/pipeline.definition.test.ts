import { describe, expect, it } from 'vitest';
import { parsePipeline, parsePipelineYaml, selectPipeline } from '../src/core/pipeline/definition.js';

const ok = { phases: [{ name: 'DEPLOY', type: 'run', command: './deploy.sh' }] };

function problems(raw: unknown): string {
  try {
    parsePipeline(raw, 'p', 'redeploy.yaml');
  } catch (error) {
    return (error as { userMessage: string }).userMessage;
  }
  throw new Error('expected the definition to be refused');
}

describe('pipeline definitions', () => {
  it('applies defaults', () => {
    const p = parsePipeline(ok, 'p');
    expect(p.phases[0]).toMatchObject({ args: [], timeoutSeconds: 900, verify: false, skipFlags: [], resultAs: 'json' });
    expect(p.lockTtlSeconds).toBe(300);
  });

  it.each([
    [{ phases: [{ name: 'DEPLOY', type: 'shell', command: 'x' }] }, "redeploy.yaml: 'phases[0].type' must be one of run, env-check, git-sync, worktree, health, version-check, notify, flux-ready, sequence (the phase type)."],
    [{ phases: [{ name: 'deploy', type: 'run', command: 'x' }] }, "redeploy.yaml: 'phases[0].name' must be an UPPER_SNAKE phase name like PIN_UPDATE."],
    [{ phases: [{ name: 'DEPLOY', type: 'run' }] }, "redeploy.yaml: 'phases[0].command' is missing; add it (expected string)."],
    [{ phases: [{ name: 'DEPLOY', type: 'run', command: 'x', args: ['--port', 8080] }] }, `redeploy.yaml: 'phases[0].args[1]' is a number; quote it in YAML ("...") so it is used as text.`],
    [{ phases: [{ name: 'DEPLOY', type: 'run', command: 'x', timeout: 5 }] }, "redeploy.yaml: 'phases[0]': unknown key 'timeout'; remove it or check its spelling."],
    [{ phases: [{ name: 'DEPLOY', type: 'run', command: 'x', timeoutSeconds: -1 }] }, "redeploy.yaml: 'phases[0].timeoutSeconds' must be a positive number of seconds."],
    [{ phases: [{ name: 'DEPLOY', type: 'run', command: 'x', parseJson: 'first-line' }] }, "redeploy.yaml: 'phases[0].parseJson' must be 'last-line' (the only supported mode)."],
    [{ phases: [{ name: 'E', type: 'env-check', require: ['MY-VAR'] }] }, "redeploy.yaml: 'phases[0].require[0]' must be an environment variable name like POSTGRES_PASSWORD."],
    [{ phases: [{ name: 'I', type: 'run', command: 'x', when: { skipReason: 'nope' } }] }, "redeploy.yaml: 'phases[0].when' needs at least one of flag, notFlag, envSet, envUnset, fileExists or fileMissing."],
    [{ phases: [] }, "redeploy.yaml: 'phases' must list at least one phase."],
    [{ phases: [{ name: 'H', type: 'health', endpoints: {} }] }, "redeploy.yaml: 'phases[0].endpoints' must name at least one endpoint, like omninode-runtime: http://localhost:8085/health."],
  ])('refuses bad keys with a sentence naming the key and the fix (%#)', (raw, message) => {
    expect(problems(raw)).toBe(message);
  });

  it('checks placeholders: unknown names, {pkg} outside version-check, {worktree} before a worktree phase', () => {
    const message = problems({
      phases: [
        { name: 'A', type: 'run', command: 'x', args: ['{verison}', '{pkg}', '{worktree}/x', '{env:}'] },
        { name: 'W', type: 'worktree', repo: 'r', path: 'p' },
        { name: 'B', type: 'run', command: 'x', args: ['{worktree}/ok', '{version:pkg-a}', '{{literal}}'] },
      ],
    });
    expect(message.split('\n')).toEqual([
      "redeploy.yaml: 'phases[0].args[0]' has an unknown placeholder {verison}; known ones are {run_id}, {versions}, {ticket}, {worktree}, {version:<pkg>}, {pkg}, {env:NAME}. Write {{ and }} for literal braces.",
      "redeploy.yaml: 'phases[0].args[1]' uses {pkg}, which only exists inside a version-check (it is the package being checked).",
      "redeploy.yaml: 'phases[0].args[2]' uses {worktree}, but no worktree phase comes before this phase; add one earlier or use an explicit path.",
      "redeploy.yaml: 'phases[0].args[3]' {env:} must name an environment variable, like {env:OMNI_HOME}.",
    ]);
  });

  it('refuses duplicate phase names, two worktrees and bad regexes', () => {
    const message = problems({
      phases: [
        { name: 'W', type: 'worktree', repo: 'r', path: 'p' },
        { name: 'W', type: 'worktree', repo: 'r', path: 'q' },
        { name: 'V', type: 'version-check', command: 'x', args: ['{pkg}'], outputPattern: '(' },
      ],
    });
    expect(message).toContain("'phases[1].name' W is used by two phases; give each phase a unique name.");
    expect(message).toContain("'phases[1]' is a second worktree phase; a pipeline has at most one.");
    expect(message).toMatch(/'phases\[2\]\.outputPattern' is not a valid regular expression/);
  });

  it('reads pipeline files, maps environments and picks a pipeline', () => {
    const file = parsePipelineYaml(
      ['pipelines:', '  runtime: { phases: [{ name: DEPLOY, type: run, command: a }] }', '  api: { phases: [{ name: DEPLOY, type: run, command: b }] }', 'environments:', '  staging: api', 'defaultPipeline: runtime'].join('\n'),
      'p.yaml',
    );
    expect(selectPipeline(file, { environment: 'staging' }).name).toBe('api');
    expect(selectPipeline(file, { environment: 'dev' }).name).toBe('runtime');
    expect(selectPipeline(file, { pipeline: 'api' }).name).toBe('api');
    expect(() => selectPipeline(file, { pipeline: 'nope' })).toThrow(
      "No redeploy pipeline named 'nope'. Known pipelines: runtime, api; add it under 'pipelines' (or map the environment under 'environments') in the pipeline file.",
    );
  });

  it('refuses an environment mapped to a missing pipeline, and YAML syntax errors', () => {
    expect(() => parsePipelineYaml('pipelines:\n  a: { phases: [{ name: D, type: run, command: x }] }\nenvironments: { prod: b }\n', 'p.yaml')).toThrow(
      "p.yaml: 'environments.prod' names pipeline 'b', which is not under 'pipelines' (known: a).",
    );
    expect(() => parsePipelineYaml('pipelines: [', 'p.yaml')).toThrow(/^p\.yaml is not valid YAML: .*Fix the YAML syntax at that line\.$/s);
  });
});
