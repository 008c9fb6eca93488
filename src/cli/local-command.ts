import { createInterface } from 'node:readline';
import type { EnvOptions } from '../core/config/env-options.js';
import { blocksToText } from '../console/blocks-to-text.js';
import { sendAsUser } from '../console/send-as-user.js';
import { startLocalMode } from '../local-mode/local-mode.js';
import type { RecordEvent } from '../slack-emulator/types.js';

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');

/** A message has settled once it no longer shows work in progress (⏳ running, 🔁 will retry). */
export function isSettled(message: { blocks?: unknown[] }): boolean {
  const header = (message.blocks ?? []).find((b) => (b as { type?: string }).type === 'header') as { text?: { text?: string } } | undefined;
  return !header || !/^(⏳|🔁)/.test(header.text?.text ?? '');
}

function printEvents(write: (line: string) => void) {
  return (event: RecordEvent) => {
    if (event.kind === 'message' && event.message.source !== 'user') {
      write(`\n[${event.message.channel}] rollbot:\n${indent(blocksToText(event.message))}`);
    } else if (event.kind === 'message_updated' && isSettled(event.message)) {
      write(`\n[${event.message.channel}] rollbot (updated):\n${indent(blocksToText(event.message))}`);
    } else if (event.kind === 'ephemeral') {
      write(`\n[${event.ephemeral.channel}] rollbot (only visible to you):\n${indent(blocksToText(event.ephemeral))}`);
    }
  };
}

/** `rollbot local` / `npm start`: everything in one process, plus a prompt on a terminal. */
export async function runLocal(options: EnvOptions, configPath: string | undefined, home: string): Promise<void> {
  const write = (line: string) => process.stdout.write(line + '\n');
  const local = await startLocalMode({ home, port: options.port, host: options.host, configPath, redisUrl: options.redisUrl, log: write });
  local.emulator.onRecord(printEvents(write));
  write(`
Open ${local.consoleUrl}: a Slack-like console (switch users to approve releases).
Or from another terminal (channel C_DEPLOY is bound to rdebug, C_RELEASE to prod):
  npx rollbot say "/rollout papi"                 (alice's open PR on the emulated GitHub; --user U_BOB has two to pick from)
  npx rollbot say "/rollout papi 42"              (followed into the emulated cluster until live)
  npx rollbot say "/rollout papi 43"              (its image was never built: ImagePullBackOff, Roll back)
  npx rollbot say "/status papi"
  npx rollbot say "@rollbot what namespace is papi in?"
  npx rollbot say "/history papi"    then    npx rollbot say "/rollback papi"
  npx rollbot say --channel C_RELEASE "/release papi <sha>"      (a papi commit: git -C <demo>/sources/papi.git log)
  npx rollbot say '/redeploy --versions "omniintelligence=0.8.0,omninode-claude=0.4.0"'
Or type here (as alice in C_DEPLOY). Ctrl+C stops everything.
`);
  const stop = () => {
    void local.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
    rl.prompt();
    rl.on('line', (line) => {
      if (!line.trim()) return rl.prompt();
      void sendAsUser(local.user, { text: line, channel: 'C_DEPLOY' })
        .then((result) => {
          const ack = result.ack as { text?: string; blocks?: unknown[] } | undefined;
          if (ack) write(indent(blocksToText(ack)));
        })
        .catch((error: unknown) => write(`could not send: ${String(error)}`))
        .finally(() => rl.prompt());
    });
    rl.on('close', stop);
  }
}
