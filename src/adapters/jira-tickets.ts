import { TicketFailed } from '../core/release/errors.js';
import type { CreatedTicket, TicketCreator, TicketRequest } from '../core/release/ports.js';

/** Jira Cloud takes email + API token (basic); Jira Data Center takes a personal access token (bearer). */
export type JiraAuth = { email: string; apiToken: string } | { bearerToken: string };

export interface JiraOptions {
  /** e.g. https://acme.atlassian.net or https://jira.example.com */
  baseUrl: string;
  auth: JiraAuth;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** fetch says only "fetch failed"; the cause has the useful part (ECONNREFUSED, a DNS error). */
function reason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

interface JiraErrorBody {
  errorMessages?: string[];
  errors?: Record<string, string>;
}

/** Creates release tickets with Jira's REST API v2 (`POST /rest/api/2/issue`). */
export class JiraTickets implements TicketCreator {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: JiraOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  async create(request: TicketRequest): Promise<CreatedTicket> {
    const fields = {
      project: { key: request.project },
      issuetype: { name: request.issueType ?? 'Task' },
      summary: request.summary,
      description: request.description,
      ...(request.labels?.length ? { labels: request.labels } : {}),
    };
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/rest/api/2/issue`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: this.authorization() },
        body: JSON.stringify({ fields }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new TicketFailed(
        `Could not reach Jira at ${this.baseUrl} (${reason(error)}). Check jira.baseUrl and that the worker can reach it, then try again.`,
        { cause: error, transient: true },
      );
    }
    const body = (await response.json().catch(() => ({}))) as JiraErrorBody & { key?: unknown };
    if (response.ok && typeof body.key === 'string') return { key: body.key, url: `${this.baseUrl}/browse/${body.key}` };
    throw this.explain(response.status, body, request.project);
  }

  private authorization(): string {
    const auth = this.options.auth;
    if ('bearerToken' in auth) return `Bearer ${auth.bearerToken}`;
    return `Basic ${Buffer.from(`${auth.email}:${auth.apiToken}`).toString('base64')}`;
  }

  private explain(status: number, body: JiraErrorBody, project: string): TicketFailed {
    const says = [...(body.errorMessages ?? []), ...Object.entries(body.errors ?? {}).map(([field, message]) => `${field}: ${message}`)].join('; ');
    const detail = `HTTP ${status}${says ? `: ${says}` : ''}`;
    const credentials = 'bearerToken' in this.options.auth ? 'jira.bearerToken' : 'jira.email / jira.apiToken';
    if (status === 401) return new TicketFailed(`Jira at ${this.baseUrl} refused rollbot's credentials (${detail}). Fix ${credentials}, then try again.`);
    if (status === 403) {
      return new TicketFailed(`Jira denied creating an issue in project ${project} (${detail}). Give rollbot's Jira account "Create issues" in ${project}, then try again.`);
    }
    if (status === 400) {
      return new TicketFailed(`Jira rejected the release ticket for project ${project} (${detail}). Check jira.project and jira.issueType (and any required fields), then try again.`);
    }
    if (status === 404) return new TicketFailed(`Jira at ${this.baseUrl} has no /rest/api/2/issue (HTTP 404). Check jira.baseUrl, then try again.`);
    return new TicketFailed(`Jira at ${this.baseUrl} could not create the ticket (${detail}). Try again; if it keeps failing, check Jira's status.`, {
      // Not after a 2xx without a key: a retry could create a second ticket.
      transient: status >= 500 || status === 429,
    });
  }
}
