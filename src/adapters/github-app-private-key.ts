import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';

/** Reads the App's private key file, with a sentence naming the key when it is not usable. */
export function readAppPrivateKey(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`github.app.privateKeyFile ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Download the App's private key (.pem) from its settings page and point privateKeyFile at it.`);
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new ConfigError(`github.app.privateKeyFile ${path} is not a PEM private key. Use the .pem file GitHub generated for the App.`);
  }
  return pem;
}

/** How sentences name an App's installation tokens (never the token itself). */
export function describeGitHubApp(appId: number | string, installationId: number): string {
  return `the GitHub App ${appId} (installation ${installationId})`;
}
