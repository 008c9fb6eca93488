import { createPublicKey, verify } from 'node:crypto';

/** Why GitHub refused an App JWT: the message GitHub sends back with a 401. */
export class AppJwtRejected extends Error {}

export interface AppJwtClaims {
  iss: string;
  iat: number;
  exp: number;
}

function decodePart(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AppJwtRejected('A JSON web token could not be decoded');
}

/**
 * Checks a GitHub App JWT the way GitHub does: RS256, signed by the App's private key, `iss` the
 * App id, issued no later than now (60 s of skew allowed), expiring in the future and at most
 * 10 minutes after it was issued.
 */
export function verifyAppJwt(jwt: string, publicKeyPem: string, nowSec: number): AppJwtClaims {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new AppJwtRejected('A JSON web token could not be decoded');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  if (header.alg !== 'RS256') throw new AppJwtRejected(`'alg' must be RS256, not ${String(header.alg)}`);
  const key = createPublicKey(publicKeyPem);
  const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), key, Buffer.from(signaturePart, 'base64url'));
  if (!signed) throw new AppJwtRejected("A JSON web token could not be decoded (the signature does not match the App's public key)");
  const payload = decodePart(payloadPart);
  const { iat, exp, iss } = payload;
  if (typeof iat !== 'number') throw new AppJwtRejected("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.");
  if (typeof exp !== 'number') throw new AppJwtRejected("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.");
  if (iat > nowSec + 60) throw new AppJwtRejected("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.");
  if (exp <= nowSec) throw new AppJwtRejected("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.");
  if (exp - iat > 600 + 60) throw new AppJwtRejected("'Expiration time' claim ('exp') is too far in the future.");
  if (typeof iss !== 'number' && typeof iss !== 'string') throw new AppJwtRejected("'Issuer' claim ('iss') must be an Integer");
  return { iss: String(iss), iat, exp };
}
