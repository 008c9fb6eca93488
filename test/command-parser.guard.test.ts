import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/core/commands/parse.js';

describe('parsing /history, /rollback, /freeze and timed /lock', () => {
  it('reads every door the same way', () => {
    expect(parseCommand('papi --env prod -n 5', { slashCommand: '/history' })).toEqual({ kind: 'history', service: 'papi', env: 'prod', limit: 5 });
    expect(parseCommand('<@U0BOT> history papi')).toEqual({ kind: 'history', service: 'papi', env: undefined, limit: 10 });
    expect(parseCommand('papi --to ps-42-abcdef1 --force', { slashCommand: '/rollback' })).toEqual({ kind: 'rollback', service: 'papi', env: undefined, to: 'ps-42-abcdef1', force: true });
    expect(parseCommand('rollbot rollback papi --env live')).toMatchObject({ kind: 'rollback', service: 'papi', env: 'live', force: false });
    expect(parseCommand('prod 4h release week', { slashCommand: '/freeze' })).toEqual({ kind: 'freeze', env: 'prod', durationMs: 4 * 3600_000, duration: '4h', reason: 'release week' });
    expect(parseCommand('prod', { slashCommand: '/unfreeze' })).toEqual({ kind: 'unfreeze', env: 'prod' });
    expect(parseCommand('', { slashCommand: '/freezes' })).toEqual({ kind: 'freezes' });
    expect(parseCommand('prod 2h db migration', { slashCommand: '/lock' })).toEqual({ kind: 'lock', env: 'prod', reason: 'db migration', durationMs: 7_200_000, duration: '2h' });
    expect(parseCommand('prod db migration', { slashCommand: '/lock' })).toEqual({ kind: 'lock', env: 'prod', reason: 'db migration' });
    expect(parseCommand('rollout papi 42 --force')).toMatchObject({ kind: 'rollout', force: true });
    expect(parseCommand('release papi abcdef1 --force')).toMatchObject({ kind: 'release', force: true });
  });

  it('refuses bad input with a sentence and the usage', () => {
    expect(() => parseCommand('history')).toThrow(/^Which service\? Usage: `\/history <service>/);
    expect(() => parseCommand('history papi --limit 99')).toThrow('--limit takes a number from 1 to 40.');
    expect(() => parseCommand('rollback papi --to "bad tag"')).toThrow("'bad tag' is not a valid image tag.");
    expect(() => parseCommand('rollback papi extra')).toThrow(/^Unexpected 'extra'\. Usage: `\/rollback/);
    expect(() => parseCommand('rollback papi --yes')).toThrow(/^Unknown flag '--yes'\. Usage: `\/rollback/);
    expect(() => parseCommand('freeze prod')).toThrow('For how long?');
    expect(() => parseCommand('unfreeze')).toThrow('Which environment?');
  });
});
