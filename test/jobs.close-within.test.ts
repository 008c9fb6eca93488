import { describe, expect, it } from 'vitest';
import { closeWithin } from '../src/jobs/close-within.js';

describe('closing with a deadline', () => {
  it('uses the graceful close when it finishes in time', async () => {
    let forced = false;
    await closeWithin(async () => undefined, 1000, () => (forced = true));
    expect(forced).toBe(false);
  });

  it('falls back to a hard disconnect when the graceful close hangs', async () => {
    let forced = false;
    await closeWithin(() => new Promise(() => undefined), 50, () => (forced = true));
    expect(forced).toBe(true);
  });

  it('ends even when the fallback hangs too', async () => {
    await expect(closeWithin(() => new Promise(() => undefined), 20, () => new Promise(() => undefined))).resolves.toBeUndefined();
  });
});
