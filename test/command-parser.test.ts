import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/core/commands/parse.js';
import { tokenize } from '../src/core/commands/tokenize.js';

describe('tokenize', () => {
  it('groups quoted words and accepts Slack smart quotes', () => {
    expect(tokenize('redeploy --versions "a=1, b=2" x')).toEqual(['redeploy', '--versions', 'a=1, b=2', 'x']);
    expect(tokenize('say \u201Chello world\u201D')).toEqual(['say', 'hello world']);
  });

  it('drops a leading bot mention', () => {
    expect(tokenize('<@U0BOT> rollout papi 42')).toEqual(['rollout', 'papi', '42']);
  });
});

describe('one parser for every door', () => {
  const expected = { kind: 'rollout', service: 'papi', pr: 42, env: 'rdebug', sha: undefined, dryRun: false };

  it('parses a slash command', () => {
    expect(parseCommand('papi 42 --env rdebug', { slashCommand: '/rollout' })).toEqual(expected);
  });

  it('parses the same command as a mention or a DM', () => {
    expect(parseCommand('<@U0BOT> rollout papi 42 --env rdebug')).toEqual(expected);
    expect(parseCommand('rollout papi 42 --env=rdebug')).toEqual(expected);
  });

  it('parses --sha and --dry-run', () => {
    expect(parseCommand('rollout papi 42 --sha A1B2C3D4 --dry-run')).toMatchObject({ sha: 'a1b2c3d4', dryRun: true });
  });

  it('parses rwenv actions, including the seed forms /rwenv-set and /rwenv-cur', () => {
    expect(parseCommand('list', { slashCommand: '/rwenv' })).toEqual({ kind: 'rwenv', action: 'list' });
    expect(parseCommand('dev', { slashCommand: '/rwenv-set' })).toEqual({ kind: 'rwenv', action: 'set', env: 'dev' });
    expect(parseCommand('', { slashCommand: '/rwenv-cur' })).toEqual({ kind: 'rwenv', action: 'cur' });
  });

  it('answers help for help and for unknown words', () => {
    expect(parseCommand('help')).toEqual({ kind: 'help', topic: undefined });
    expect(parseCommand('dance now')).toEqual({ kind: 'help', reason: "I don't know 'dance'." });
  });

  it('rejects bad arguments with a sentence and the usage', () => {
    expect(() => parseCommand('rollout')).toThrow(/^Which service\? Usage: `\/rollout <service> <pr>/);
    expect(() => parseCommand('rollout papi a..b')).toThrow("'a..b' is neither a pull request number nor a branch name");
    expect(() => parseCommand('rollout ../../etc 1')).toThrow("'../../etc' is not a valid service name");
    expect(() => parseCommand('rollout papi 1 --yolo')).toThrow(/^Unknown flag '--yolo'\. Usage:/);
    expect(() => parseCommand('rollout papi 1 2')).toThrow(/^Unexpected '2'/);
    expect(() => parseCommand('rollout papi 1 --sha xyz')).toThrow(/is not a commit SHA/);
    expect(() => parseCommand('rwenv set')).toThrow(/^Which environment\?/);
  });
});
