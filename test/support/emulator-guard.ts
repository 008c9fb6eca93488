/**
 * Loaded before every test file (vitest.config.ts setupFiles): any answer the Slack emulator gave
 * as an error that no test took with `emulator.takeRefusals()` fails the test it happened in (or the
 * file, when it happened in a hook). Real Slack would have refused that message, so a bot that
 * logs and carries on must not pass.
 */
import { afterAll, afterEach } from 'vitest';
import { takeUntakenRefusals, type Refusal } from '../../src/slack-emulator/index.js';

function describeRefusal(r: Refusal): string {
  const detail = r.problems?.length ? `\n      ${r.problems.join('\n      ')}` : '';
  const where = typeof r.args.channel === 'string' ? ` (channel ${r.args.channel})` : '';
  return `  ${r.method}${where} → ${r.error}${detail}`;
}

function failOnRefusals(): void {
  const refusals = takeUntakenRefusals();
  if (refusals.length === 0) return;
  throw new Error(
    `The Slack emulator refused ${refusals.length} call(s), as real Slack would:\n${refusals.map(describeRefusal).join('\n')}\n` +
      'Fix what the bot sends, or take the refusal with emulator.takeRefusals() in a test that provokes it on purpose.',
  );
}

afterEach(failOnRefusals);
afterAll(failOnRefusals);
