import type { PhaseOf, StepOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';

type HealthStep = PhaseOf<'health'> | StepOf<'health'>;

interface EndpointVerdict {
  name: string;
  url: string;
  ok: boolean;
  attempts: number;
  /** "200 OK", "503 Service Unavailable", "connection refused", "no answer within 5s" */
  last: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeFetchError(error: unknown, timeoutSeconds: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutSeconds}s`;
  if (e.cause?.code === 'ECONNREFUSED') return 'connection refused';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

/**
 * Polls one endpoint until it answers 2xx or the deadline passes. The deadline uses the real
 * clock, not the run's injectable one: it bounds real waiting.
 */
async function probe(name: string, url: string, step: HealthStep, deadline: number): Promise<EndpointVerdict> {
  let attempts = 0;
  let last = 'not tried';
  for (;;) {
    attempts += 1;
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(step.requestTimeoutSeconds * 1000) });
      await response.body?.cancel().catch(() => undefined);
      last = `${response.status} ${response.statusText}`.trim();
      if (response.status >= 200 && response.status < 300) return { name, url, ok: true, attempts, last };
    } catch (error) {
      last = describeFetchError(error, step.requestTimeoutSeconds);
    }
    const pause = step.intervalSeconds * 1000;
    if (Date.now() + pause >= deadline) return { name, url, ok: false, attempts, last };
    await sleep(pause);
  }
}

export async function executeHealth(step: HealthStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const endpoints = Object.entries(step.endpoints).map(([name, template]) => {
    const url = ctx.templates.text(template);
    if (!/^https?:\/\//i.test(url)) {
      throw new PhaseFailed(`Health endpoint ${name} is '${url}', which is not an http(s) URL. Fix it in the pipeline, e.g. http://localhost:8085/health.`);
    }
    return [name, url] as const;
  });
  const deadline = Date.now() + step.deadlineSeconds * 1000;
  const verdicts = await Promise.all(endpoints.map(([name, url]) => probe(name, url, step, deadline)));
  const log = verdicts.map((v) => `VERIFY: ${v.name} ${v.url} -> ${v.last}${v.attempts > 1 ? ` (after ${v.attempts} attempts)` : ''}`);
  const failed = verdicts.filter((v) => !v.ok);
  if (failed.length) {
    throw new PhaseFailed(
      `Health checks failed for: ${failed.map((v) => `${v.name} (${v.url} -> ${v.last} after ${v.attempts} attempt${v.attempts === 1 ? '' : 's'})`).join(', ')}. Check the services' logs; resume once they answer 2xx within ${step.deadlineSeconds}s.`,
      { fields: { failed_health: failed.map((v) => v.name) }, log, output: log.join('\n') },
    );
  }
  return { log, output: log.join('\n'), detail: `${verdicts.length} endpoint${verdicts.length === 1 ? '' : 's'} healthy` };
}

export function describeHealth(step: HealthStep, templates: Templates): string {
  return `GET ${Object.values(step.endpoints)
    .map((u) => templates.text(u))
    .join(', ')} (2xx within ${step.deadlineSeconds}s)`;
}
