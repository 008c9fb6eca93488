import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunStateStore } from '../src/core/pipeline/file-state-store.js';
import { listRecentRuns } from '../src/core/pipeline/list.js';
import { MemoryRunStateStore } from '../src/core/pipeline/memory-state-store.js';
import type { RunState, RunStateStore } from '../src/core/pipeline/state.js';

function state(runId: string, startedAt: string, patch: Partial<RunState> = {}): RunState {
  return {
    schema: 1,
    run_id: runId,
    pipeline: 'p',
    mode: 'full',
    status: 'failed',
    worktree_ticket: runId,
    worktree_path: null,
    versions_requested: { a: '1.0' },
    versions_str: 'a=1.0',
    flags: {},
    started_at: startedAt,
    updated_at: startedAt,
    failed_phase: 'DEPLOY',
    phases: { DEPLOY: { status: 'failed' } },
    ...patch,
  };
}

let dir: string;
let now: number;
const clock = () => now;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollbot-state-'));
  now = Date.parse('2026-03-01T10:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => RunStateStore]> = [
  ['memory', () => new MemoryRunStateStore(clock)],
  ['file', () => new FileRunStateStore(join(dir, 'state'), clock)],
];

describe.each(stores)('%s run state store', (_name, make) => {
  it('round-trips a state and lists the most recent first', async () => {
    const store = make();
    expect(await store.get('redeploy-20260301-aaaaaa')).toBeUndefined();
    await store.put(state('redeploy-20260301-aaaaaa', '2026-03-01T10:00:00.000Z'));
    await store.put(state('redeploy-20260302-bbbbbb', '2026-03-02T10:00:00.000Z', { status: 'success', phases: {} }));
    await store.put(state('redeploy-20260301-cccccc', '2026-03-01T12:00:00.000Z', { status: 'running', phases: { VERIFY: { status: 'running' } } }));
    expect((await store.get('redeploy-20260301-aaaaaa'))?.phases.DEPLOY?.status).toBe('failed');
    expect((await store.listRecent(2)).map((s) => s.run_id)).toEqual(['redeploy-20260302-bbbbbb', 'redeploy-20260301-cccccc']);
    expect((await listRecentRuns(store)).split('\n')).toEqual([
      'redeploy-20260302-bbbbbb  succeeded  a=1.0  started 2026-03-02T10:00:00Z',
      'redeploy-20260301-cccccc  running VERIFY  a=1.0  started 2026-03-01T12:00:00Z',
      'redeploy-20260301-aaaaaa  failed at DEPLOY  a=1.0  started 2026-03-01T10:00:00Z',
    ]);
  });

  it('gives a run lock to one holder until it is released or expires', async () => {
    const store = make();
    const id = 'redeploy-20260301-aaaaaa';
    const a = await store.tryAcquireRunLock(id, 60_000);
    expect(a).toBeDefined();
    expect(await store.tryAcquireRunLock(id, 60_000)).toBeUndefined();
    // Only the holder's token releases or renews it.
    await store.releaseRunLock(id, 'not-the-token');
    expect(await store.tryAcquireRunLock(id, 60_000)).toBeUndefined();
    expect(await store.renewRunLock(id, 'not-the-token', 60_000)).toBe(false);
    await store.releaseRunLock(id, a!);
    const b = await store.tryAcquireRunLock(id, 60_000);
    expect(b).toBeDefined();

    // Renewing pushes the expiry; without renewal it expires and someone else may take it.
    now += 50_000;
    expect(await store.renewRunLock(id, b!, 60_000)).toBe(true);
    now += 50_000;
    expect(await store.tryAcquireRunLock(id, 60_000)).toBeUndefined();
    now += 20_000;
    const c = await store.tryAcquireRunLock(id, 60_000);
    expect(c).toBeDefined();
    expect(await store.renewRunLock(id, b!, 60_000)).toBe(false);
    // Locks are per run.
    expect(await store.tryAcquireRunLock('redeploy-20260301-bbbbbb', 60_000)).toBeDefined();
  });
});

describe('file run state store', () => {
  it('writes atomically (temp file + rename): no temp files remain, and the file is whole JSON', async () => {
    const store = new FileRunStateStore(join(dir, 'state'), clock);
    const big = state('redeploy-20260301-aaaaaa', '2026-03-01T10:00:00.000Z', { phases: { DEPLOY: { status: 'failed', output: 'x'.repeat(200_000) } } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put({ ...big, updated_at: `t${i}` })));
    expect(await readdir(join(dir, 'state'))).toEqual(['redeploy-20260301-aaaaaa.json']);
    expect((await store.get('redeploy-20260301-aaaaaa'))?.phases.DEPLOY?.output).toHaveLength(200_000);
  });

  it('refuses run ids that are not run ids before touching a path', async () => {
    const store = new FileRunStateStore(join(dir, 'state'), clock);
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(store.tryAcquireRunLock('../x', 1000)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('takes over a corrupt or expired lock file, and ignores stray files when listing', async () => {
    const store = new FileRunStateStore(join(dir, 'state'), clock);
    await store.put(state('redeploy-20260301-aaaaaa', '2026-03-01T10:00:00.000Z'));
    await writeFile(join(dir, 'state', 'redeploy-20260301-aaaaaa.lock'), '{not json');
    await writeFile(join(dir, 'state', 'notes.json'), '{}');
    expect(await store.tryAcquireRunLock('redeploy-20260301-aaaaaa', 1000)).toBeDefined();
    expect((await store.listRecent(10)).map((s) => s.run_id)).toEqual(['redeploy-20260301-aaaaaa']);
    expect(await new FileRunStateStore(join(dir, 'missing')).listRecent(10)).toEqual([]);
  });

  it('lets only one of many concurrent acquirers win', async () => {
    const stores = Array.from({ length: 10 }, () => new FileRunStateStore(join(dir, 'state'), clock));
    const tokens = await Promise.all(stores.map((s) => s.tryAcquireRunLock('redeploy-20260301-aaaaaa', 60_000)));
    expect(tokens.filter(Boolean)).toHaveLength(1);
  });
});
