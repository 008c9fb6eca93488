import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/local-mode/redis-process.js';

/** The real CLI as a person runs it (bin/rollbot.js through tsx): what they read on stderr. */
const bin = join(import.meta.dirname, '..', 'bin', 'rollbot.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [bin, ...args], { reject: false, env: { ...env, ROLLBOT_CONFIG: '' }, extendEnv: true, timeout: 30_000 });

describe('the CLI tells people what to do, never "Something went wrong inside rollbot"', () => {
  it('`rollbot say` with no local mode running says so and how to start it', async () => {
    const port = await freePort(); // nothing listens here
    const result = await run(['say', '/rollout papi 42'], { PORT: String(port) });
    expect(result.stderr.trim()).toBe(
      `Local mode is not running (nothing answers on http://127.0.0.1:${port}). Start it with \`npm start\` in another terminal, or set PORT to the port it uses.`,
    );
    expect(result.exitCode).toBe(2);
  });

  it.each([
    [['say'], /^Say what\? Usage: rollbot say "\/rollout papi 42"/],
    [['rollout', 'papi', '1', '--config'], /^--config needs a value, e\.g\. --config rollbot\.yaml\.$/],
    [['rollout', 'papi', '1', '--config', '/nonexistent/rollbot.yaml'], /\/nonexistent\/rollbot\.yaml/],
  ])('%j', async (args, expected) => {
    const result = await run(args);
    expect(result.stderr.trim()).toMatch(expected);
    expect(result.stderr).not.toContain('Something went wrong');
    expect(result.exitCode).toBe(2);
  });

  it('a malformed PORT names the variable and the fix', async () => {
    const result = await run(['say', 'hi'], { PORT: 'abc' });
    expect(result.stderr.trim()).toBe("Environment variable PORT='abc' is not a whole number; set it to e.g. 3000 or unset it.");
    expect(result.exitCode).toBe(2);
  });
});
