/**
 * Graceful close with a deadline: BullMQ's close() waits for blocking Redis calls, which can hang
 * while a connection is still reconnecting (Redis restarted). After `ms` the fallback (a hard
 * disconnect) runs, so shutdown always ends.
 */
export async function closeWithin(close: () => Promise<unknown>, ms: number, fallback: () => Promise<unknown> | unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([close().then(() => 'closed' as const, () => 'closed' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') await Promise.race([Promise.resolve(fallback()).catch(() => undefined), new Promise((r) => setTimeout(r, ms))]);
}
