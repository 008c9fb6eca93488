import { Job, type JobsOptions, type Queue } from 'bullmq';

/**
 * Adds a job under a fixed id and tells whether this call created it, in ONE round trip: an EXISTS
 * of the job's key and BullMQ's own add script go to Redis in one MULTI, so nothing runs between
 * them. The add script already refuses a second job with the same id (it only records a
 * "duplicated" event); the EXISTS beside it only says which of two deliveries came first, exactly,
 * even when they race. Before, the bot asked (getJob) and then added: two round trips per ack.
 */
export async function addOnce(queue: Queue, name: string, data: unknown, opts: JobsOptions & { jobId: string }): Promise<boolean> {
  const client = await queue.getBackend().client;
  const job = new Job(queue, name, data, opts, opts.jobId);
  const multi = client.multi();
  multi.runCommand('exists', [queue.toKey(opts.jobId)]);
  // With a transaction BullMQ only queues its script (synchronously, as in its own addBulk); the
  // result arrives with exec(). Its promise settles at once and carries nothing.
  void job.addJob(multi).catch(() => undefined);
  const results = await multi.exec();
  if (!results) throw new Error(`Redis discarded the transaction adding job ${opts.jobId}.`);
  const [existsError, existed] = results[0]!;
  const [addError, added] = results[1]!;
  if (addError) {
    // A script cache flushed under a live connection (SCRIPT FLUSH, a failover to a replica that
    // never saw it): BullMQ's ordinary add loads the script again; its id still dedupes.
    if (!/NOSCRIPT/.test(addError.message)) throw addError;
    await queue.add(name, data, opts);
  } else if (typeof added === 'number' && added < 0) {
    throw new Error(`BullMQ refused job ${opts.jobId} (code ${added}).`);
  }
  if (existsError) throw existsError;
  return Number(existed) === 0;
}
