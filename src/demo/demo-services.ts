/** The demo's services: a dozen, laid out like the fluxcd examples (HelmReleases and values files). */
export interface DemoService {
  name: string;
  description: string;
  /** values: a values.yaml next to a HelmRelease with valuesFrom; helmrelease: inline values. */
  layout: 'helmrelease' | 'values';
  namespace: string;
}

export const DEMO_SERVICES: DemoService[] = [
  { name: 'papi', description: 'Platform API - core backend service', layout: 'values', namespace: 'runwhen-local' },
  { name: 'frontend', description: 'Web frontend application', layout: 'helmrelease', namespace: 'runwhen-local' },
  { name: 'runner', description: 'Task runner service', layout: 'helmrelease', namespace: 'runwhen-local' },
  { name: 'gateway', description: 'Public API gateway', layout: 'helmrelease', namespace: 'edge' },
  { name: 'auth', description: 'Login and tokens', layout: 'values', namespace: 'identity' },
  { name: 'billing', description: 'Invoices and payments', layout: 'helmrelease', namespace: 'payments' },
  { name: 'search', description: 'Search indexer and query API', layout: 'values', namespace: 'runwhen-local' },
  { name: 'notifier', description: 'Email and chat notifications', layout: 'helmrelease', namespace: 'runwhen-local' },
  { name: 'scheduler', description: 'Cron-like job scheduler', layout: 'helmrelease', namespace: 'runwhen-local' },
  { name: 'reports', description: 'Report generation', layout: 'values', namespace: 'analytics' },
  { name: 'ingest', description: 'Event ingestion pipeline', layout: 'helmrelease', namespace: 'analytics' },
  { name: 'admin', description: 'Back-office admin UI', layout: 'values', namespace: 'identity' },
];

/** Builds the demo images are tagged with (seed 002's sortable `main-<sha7>-<unix>`). */
export function demoBuildTag(sha: string, index: number): string {
  return `main-${sha.slice(0, 7)}-${1_700_000_000 + index * 3600}`;
}
