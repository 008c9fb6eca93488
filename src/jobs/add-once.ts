import { Job, type JobsOptions, type Queue } from 'bullmq';

/**
 * Adds a job under a fixed id and tells whether this call created it, in ONE round trip. BullMQ's
 * add script already refuses a second job with the same id (it only records a "duplicated"
 * event); beside it goes an EXISTS of the job's key, written in the same tick on the same
 * connection just before the script, so Redis runs the two back to back with nothing of this
 * process between them and both answers come back together. Before, the bot asked (getJob),
 * waited, then added: two round trips per ack.
 *
 * Not a MULTI on purpose: ioredis builds a pipeline object per transaction (copying BullMQ's
 * scripts onto it), which measured as more CPU and more latency on the ack path than the round
 * trip it saves. Two deliveries racing through two bot processes may both hear "created"; they
 * still make one job, since the script dedupes by id.
 */
export async function addOnce(queue: Queue, name: string, data: unknown, opts: JobsOptions & { jobId: string }): Promise<boolean> {
  const client = await queue.getBackend().client;
  const job = new Job(queue, name, data, opts, opts.jobId);
  // No await between these two: each writes its command to the socket synchronously.
  const existed = client.runCommand('exists', [queue.toKey(opts.jobId)]) as Promise<number>;
  const added = job.addJob(client);
  const [count] = await Promise.all([existed, added]);
  return Number(count) === 0;
}
