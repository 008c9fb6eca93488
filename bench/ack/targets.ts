import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { freePort } from '../../src/local-mode/redis-process.js';

export interface RunningTarget {
  url: string;
  stop(): Promise<void>;
}

const TARGET_FILE = join(dirname(fileURLToPath(import.meta.url)), 'ack-target.ts');

/**
 * Starts ack-target.ts in its own Node process (with this process's tsx loader flags) and waits for
 * READY. env carries the BENCH_* settings the target reads.
 */
export async function startTarget(kind: 'rollbot' | 'bare', env: Record<string, string>): Promise<RunningTarget> {
  const port = await freePort();
  const child = execa(process.execPath, [...process.execArgv, TARGET_FILE], {
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
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
