import { UnrecoverableError } from 'bullmq';
import type { AmbiguousImageSite } from '../core/errors.js';
import type { JobReporter, ResultButton } from './job-reporter.js';

/** Buttons of an ambiguous rollout or release: one per candidate, `site_pick_<n>` (unique in its block). */
export const SITE_PICK_ACTION = 'site_pick';
export const SITE_PICK_PATTERN = `${SITE_PICK_ACTION}_\\d+`;
/** Slack allows 25 elements in an actions block. */
const MAX_BUTTONS = 25;

/** What a click re-runs: the same request, on the picked site, for the person who asked. */
export interface SitePickValue {
  kind: 'rollout' | 'release';
  env: string;
  service: string;
  user: string;
  site: string;
  pr?: number;
  sha?: string;
  tag?: string;
  dryRun?: boolean;
}

function label(file: string, path: string, current: string | null, environment?: string): string {
  const text = `${environment ? `${environment}: ` : ''}${file.split('/').slice(-2).join('/')} ${path} (${current ?? 'empty'})`;
  return text.length <= 75 ? text : `…${text.slice(text.length - 74)}`;
}

export function sitePickButtons(error: AmbiguousImageSite, request: Omit<SitePickValue, 'site'>): ResultButton[] {
  return error.candidates.slice(0, MAX_BUTTONS).map((c, i) => ({
    actionId: `${SITE_PICK_ACTION}_${i}`,
    text: label(c.file, c.path, c.current, c.environment),
    // A candidate of another environment runs there (the request named none of them).
    value: JSON.stringify({ ...request, env: c.environment ?? request.env, site: c.ref } satisfies SitePickValue),
  }));
}

/** Ends the job with the candidates as buttons; nothing was changed, so nothing is retried. */
export async function failWithSiteChoice(error: AmbiguousImageSite, request: Omit<SitePickValue, 'site'>, reporter: JobReporter): Promise<never> {
  const more = error.candidates.length > MAX_BUTTONS ? `\n(${error.candidates.length - MAX_BUTTONS} more not shown as buttons.)` : '';
  await reporter.fail(error.userMessage + more, { buttons: sitePickButtons(error, request) });
  throw new UnrecoverableError(error.userMessage);
}
