import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The node flags of the image's ENTRYPOINT (["node", ...flags, "bin/rollbot.js"]), so the benches
 * start node as production does. BENCH_NODE_FLAGS (space-separated, may be empty) overrides them.
 */
export async function imageNodeFlags(): Promise<{ flags: string[]; source: string }> {
  const override = process.env.BENCH_NODE_FLAGS;
  if (override !== undefined) return { flags: override.split(' ').filter(Boolean), source: 'BENCH_NODE_FLAGS' };
  const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const args = entrypoint ? (JSON.parse(entrypoint) as string[]) : [];
  return { flags: args.slice(1).filter((a) => a.startsWith('--')), source: "the Dockerfile's ENTRYPOINT" };
}
