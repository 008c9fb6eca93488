import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * git's smart HTTP for tests: a small Node server in front of the real `git http-backend` (CGI),
 * which demands a password the test decides about (as GitHub demands a token). Records what it saw,
 * so a test can check that no credential ever travelled in a URL.
 */
export interface GitHttpServer {
  url: string;
  seen: Array<{ method: string; url: string; user: string | undefined; status: number }>;
  stop(): Promise<void>;
}

export async function startGitHttpServer(options: { projectRoot: string; accept: (user: string, password: string) => boolean }): Promise<GitHttpServer> {
  const seen: GitHttpServer['seen'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://git');
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [user, password] = basic ? (Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) as [string, string]) : [undefined, undefined];
    if (user === undefined || password === undefined || !options.accept(user, password)) {
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '', user, status: 401 });
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'content-type': 'text/plain' }).end('Authentication required\n');
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: options.projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: user,
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, split).toString('utf8');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name!.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else if (name) headers[name] = value;
      }
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '', user, status });
      res.writeHead(status, headers).end(out.subarray(split + 4));
    });
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
