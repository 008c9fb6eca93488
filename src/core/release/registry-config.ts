import { ConfigError } from '../errors.js';
import { validateServiceName } from '../validate.js';

/** Where a service's images live and how to authenticate; secrets already resolved. */
export interface RegistryConfig {
  /** Base URL, e.g. https://quay.io or http://127.0.0.1:5000. Without a scheme, https is assumed. */
  url: string;
  /** Repository path with `{service}`, e.g. acme/{service}. */
  repository: string;
  username?: string;
  password?: string;
  /** A bearer token sent as-is (a pre-issued registry token); otherwise username/password are used. */
  token?: string;
  /** Allow plain http to a host other than loopback (seed 002's Harbor at 192.168.0.40:5000). */
  insecure?: boolean;
}

export interface ResolvedRegistry {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:5000 */
  baseUrl: string;
  /** host[:port] as it appears in an image reference. */
  host: string;
  repository: string;
  username?: string;
  password?: string;
  token?: string;
}

// Distribution spec: lowercase path components separated by '/', with '.', '_', '__' or '-' runs inside.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Checks a registry config once (at startup), so a bad URL is a config error, not a failed release. */
export function resolveRegistry(config: RegistryConfig): ResolvedRegistry {
  const raw = config.url.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `${config.insecure ? 'http' : 'https'}://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`registry.url '${config.url}' is not a URL. Write it like https://quay.io or http://127.0.0.1:5000.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`registry.url '${config.url}' must start with https:// (or http:// for an insecure registry).`);
  }
  // Like docker: plain http only to loopback unless the registry is marked insecure.
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !config.insecure) {
    throw new ConfigError(
      `registry.url '${config.url}' uses plain http to ${url.host}. Use https://, or set registry.insecure: true if that registry really has no TLS.`,
    );
  }
  if ((config.username === undefined) !== (config.password === undefined)) {
    throw new ConfigError('registry.username and registry.password go together; set both, or neither (for anonymous pulls or registry.token).');
  }
  if (!config.repository.includes('{service}')) {
    throw new ConfigError(`registry.repository '${config.repository}' has no {service}; write it like acme/{service}.`);
  }
  // A sample service proves the template makes valid repository names.
  repositoryFor(config.repository, 'sample-service');
  return {
    baseUrl: url.origin,
    host: url.host,
    repository: config.repository,
    username: config.username,
    password: config.password,
    token: config.token,
  };
}

/** The repository of one service's images, e.g. acme/papi. */
export function repositoryFor(template: string, service: string): string {
  const name = template.replaceAll('{service}', validateServiceName(service)).replace(/^\/+|\/+$/g, '');
  if (!REPOSITORY.test(name) || name.length > 255) {
    throw new ConfigError(
      `registry.repository '${template}' makes '${name}' for ${service}, which is not a valid repository name. Use lowercase path parts like acme/{service}.`,
    );
  }
  return name;
}
