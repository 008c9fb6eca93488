import { InvalidInput } from '../errors.js';

/** One requested pin from `--versions`, in the order the user gave it. */
export interface VersionPin {
  pkg: string;
  version: string;
}

// PEP 508 project names (which also covers unscoped npm names): letters, digits, '.', '_', '-',
// starting and ending with a letter or digit.
const PACKAGE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;
// Semver and PEP 440 public versions without epochs: `0.8.0`, `1.2.0rc1`, `1.0.0-beta.1+build.5`,
// `1.0.post1`. Starts with a digit and ends with a letter or digit; no other characters, so a
// version can never carry a path, a flag or shell syntax into a command.
const VERSION = /^[0-9](?:[0-9A-Za-z.+-]{0,62}[0-9A-Za-z])?$/;

const EXAMPLE = '--versions "omniintelligence=0.8.0,omninode-claude=0.4.0"';

/** PEP 503 normalization: `Omninode_Claude` and `omninode-claude` are the same package. */
export function normalizePackageName(pkg: string): string {
  return pkg.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Parses `a=0.8.0,b=0.4.0` strictly. Every problem is a sentence naming the entry and the fix:
 * a typo in a version must stop the redeploy, not deploy something else.
 */
export function parseVersions(raw: string | undefined): VersionPin[] {
  const text = (raw ?? '').trim();
  if (!text) {
    throw new InvalidInput(`--versions is required and must not be empty. Give comma-separated pkg=version pairs, for example ${EXAMPLE}.`);
  }
  const pins: VersionPin[] = [];
  const seen = new Map<string, VersionPin>();
  for (const [index, rawEntry] of text.split(',').entries()) {
    const entry = rawEntry.trim();
    if (!entry) {
      throw new InvalidInput(
        `--versions has an empty entry at position ${index + 1} (two commas in a row, or a comma at the start or end). Remove the extra comma, for example ${EXAMPLE}.`,
      );
    }
    const eq = entry.indexOf('=');
    if (eq < 0) {
      throw new InvalidInput(`'${entry}' in --versions is not a pkg=version pair. Write it as ${entry}=<version>, for example ${EXAMPLE}.`);
    }
    const pkg = entry.slice(0, eq).trim();
    const version = entry.slice(eq + 1).trim();
    if (!pkg) {
      throw new InvalidInput(`'${entry}' in --versions has no package name before '='. Write it as <package>=${version || '<version>'}.`);
    }
    if (!PACKAGE_NAME.test(pkg)) {
      throw new InvalidInput(
        `'${pkg}' in --versions is not a valid package name. Use letters, digits, '.', '_' or '-', starting and ending with a letter or digit (for example omninode-claude).`,
      );
    }
    if (!version) {
      throw new InvalidInput(`'${pkg}' in --versions has no version after '='. Write it as ${pkg}=<version>, for example ${pkg}=0.8.0.`);
    }
    if (!VERSION.test(version)) {
      throw new InvalidInput(
        `'${version}' is not a valid version for ${pkg}. Use digits, dots, letters, '+' or '-', starting with a digit (for example 0.8.0, 1.2.0rc1 or 1.0.0-beta.1).`,
      );
    }
    const key = normalizePackageName(pkg);
    const earlier = seen.get(key);
    if (earlier) {
      const same = earlier.pkg === pkg ? pkg : `${earlier.pkg} and ${pkg} (the same package)`;
      throw new InvalidInput(`${same} ${earlier.pkg === pkg ? 'is' : 'are'} listed twice in --versions (${earlier.version} and ${version}). Give each package once.`);
    }
    const pin = { pkg, version };
    seen.set(key, pin);
    pins.push(pin);
  }
  return pins;
}

/** The canonical `a=0.8.0,b=0.4.0` text: what `{versions}` expands to and the resume hint repeats. */
export function formatVersions(pins: readonly VersionPin[]): string {
  return pins.map((p) => `${p.pkg}=${p.version}`).join(',');
}

/** `a==0.8.0, b==0.4.0`, the seed's pins summary in notifications. */
export function formatPins(pins: readonly VersionPin[]): string {
  return pins.map((p) => `${p.pkg}==${p.version}`).join(', ');
}

export function versionsRecord(pins: readonly VersionPin[]): Record<string, string> {
  return Object.fromEntries(pins.map((p) => [p.pkg, p.version]));
}

/** True when both name the same packages at the same versions (order and name spelling aside). */
export function sameVersions(a: readonly VersionPin[], b: readonly VersionPin[]): boolean {
  const key = (pins: readonly VersionPin[]) =>
    pins
      .map((p) => `${normalizePackageName(p.pkg)}=${p.version}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}
