import { randomBytes } from 'node:crypto';
import { AppJwtRejected, verifyAppJwt } from './app-jwt.js';
import type { GitHubState } from './github-state.js';
import type { EmulatedTokenInput } from './types.js';

export interface IssuedInstallationToken {
  token: string;
  expiresAt: string;
  installationId: number;
  repositories: string[] | undefined;
}

export class InstallationNotFound extends Error {}

/**
 * `POST /app/installations/:id/access_tokens`: the App proves itself with a JWT signed by its
 * private key and gets a `ghs_` token that works for the installation's repositories until it
 * expires (an hour on GitHub; shorter here when a test wants to see expiry).
 */
export class InstallationTokens {
  readonly issued: IssuedInstallationToken[] = [];

  constructor(
    private readonly state: GitHubState,
    private readonly nowMs: () => number,
    private readonly ttlMs: () => number,
  ) {}

  issue(authorization: string | undefined, installationId: number): IssuedInstallationToken {
    const jwt = /^bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
    if (!jwt) throw new AppJwtRejected('A JSON web token could not be decoded');
    const nowSec = Math.floor(this.nowMs() / 1000);
    // The issuer names the App; its key decides whether the signature holds.
    const unverifiedIss = issuerOf(jwt);
    const app = unverifiedIss === undefined ? undefined : this.state.apps.get(unverifiedIss);
    if (!app) throw new AppJwtRejected(`Integration not found (no GitHub App with id ${unverifiedIss ?? '?'})`);
    verifyAppJwt(jwt, app.publicKeyPem, nowSec);
    if (!(installationId in app.installations)) throw new InstallationNotFound(`No installation ${installationId} for App ${app.appId}`);
    const repositories = app.installations[installationId];
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAtMs = this.nowMs() + this.ttlMs();
    const record: EmulatedTokenInput = { token, login: `${app.slug ?? `app-${app.appId}`}[bot]`, repos: repositories, expiresAtMs };
    this.state.tokens.set(token, record);
    const issued = { token, expiresAt: new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'), installationId, repositories };
    this.issued.push(issued);
    return issued;
  }
}

function issuerOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return payload.iss === undefined ? undefined : String(payload.iss);
  } catch {
    return undefined;
  }
}
