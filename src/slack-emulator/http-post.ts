import { request } from 'node:http';

export interface PostResult {
  status: number;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** Milliseconds from sending the request to receiving the full answer: what Slack's 3 s ack timer sees. */
  ackMs: number;
}

/**
 * One POST over a fresh connection (no keep-alive), so a test's afterAll can
 * close the bot's server without waiting for idle sockets we left open.
 */
export function postOnce(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
  const started = performance.now();
  return new Promise<PostResult>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const result: PostResult = {
            status: res.statusCode ?? 0,
            body: text,
            ackMs: Math.round(performance.now() - started),
          };
          try {
            if (text.length > 0) result.json = JSON.parse(text) as unknown;
          } catch {
            // Not JSON (an empty ack or plain text): body alone is the answer.
          }
          resolve(result);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
