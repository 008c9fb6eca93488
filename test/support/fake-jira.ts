import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Jira's `POST /rest/api/2/issue` as a real HTTP server: checks the credentials (basic
 * email:token or bearer), validates project and issue type like Jira does (400 with `errors`),
 * and records what was created.
 */

export interface RecordedIssue {
  key: string;
  project: string;
  issueType: string;
  summary: string;
  description: string;
  labels: string[];
}

export interface FakeJira {
  baseUrl: string;
  issues: RecordedIssue[];
  stop(): Promise<void>;
}

export interface FakeJiraOptions {
  /** Accepted Authorization header values, e.g. `Basic …` or `Bearer …`. */
  authorizations: string[];
  projects: string[];
  issueTypes?: string[];
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
}

export async function startFakeJira(options: FakeJiraOptions): Promise<FakeJira> {
  const issues: RecordedIssue[] = [];
  const counters = new Map<string, number>();
  const issueTypes = options.issueTypes ?? ['Task', 'Story', 'Bug'];
  let baseUrl = '';

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST' || request.url !== '/rest/api/2/issue') return send(response, 404, { errorMessages: ['Not found'] });
    if (!options.authorizations.includes(request.headers.authorization ?? '')) {
      return send(response, 401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'] });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const fields = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { fields?: Record<string, unknown> }).fields ?? {};
    const project = (fields.project as { key?: string } | undefined)?.key ?? '';
    const issueType = (fields.issuetype as { name?: string } | undefined)?.name ?? '';
    const errors: Record<string, string> = {};
    if (!options.projects.includes(project)) errors.project = 'valid project is required';
    if (!issueTypes.includes(issueType)) errors.issuetype = 'valid issue type is required';
    if (!fields.summary) errors.summary = 'You must specify a summary of the issue.';
    if (Object.keys(errors).length) return send(response, 400, { errorMessages: [], errors });
    const n = (counters.get(project) ?? 0) + 1;
    counters.set(project, n);
    const key = `${project}-${n}`;
    issues.push({
      key,
      project,
      issueType,
      summary: String(fields.summary),
      description: String(fields.description ?? ''),
      labels: Array.isArray(fields.labels) ? fields.labels.map(String) : [],
    });
    return send(response, 201, { id: String(10000 + issues.length), key, self: `${baseUrl}/rest/api/2/issue/${10000 + issues.length}` });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { errorMessages: [String(error)] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, issues, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
