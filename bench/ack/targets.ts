import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { freePort } from '../../src/local-mode/redis-process.js';
import { imageNodeFlags } from '../support/image-flags.js';

export interface RunningTarget {
  url: string;
  /** CPU time (user + system) the target's process has used so far, in ms (from /proc, 10 ms ticks). */
  cpuMs(): number;
  stop(): Promise<void>;
}

const TARGET_FILE = join(dirname(fileURLToPath(import.meta.url)), 'ack-target.ts');

/**
 * Starts ack-target.ts in its own Node process (with this process's tsx loader flags, plus the node
 * flags production starts with, the same for every target) and waits for READY. env carries the
 * BENCH_* settings the target reads.
 */
export async function startTarget(kind: 'rollbot' | 'bare' | 'bare-express', env: Record<string, string>): Promise<RunningTarget> {
  const port = await freePort();
  const { flags } = await imageNodeFlags();
  const child = execa(process.execPath, [...flags, ...process.execArgv, TARGET_FILE], {
    env: { ...env, BENCH_TARGET: kind, BENCH_PORT: String(port) },
    reject: false,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} target did not start within 30 s:\n${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`${kind} target exited (${result.exitCode ?? result.signal}) before READY:\n${stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    cpuMs() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
