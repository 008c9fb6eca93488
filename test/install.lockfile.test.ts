import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// `npm ci` on a fresh clone must accept the lockfile on every platform and every Node line we declare.
const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};
const supportedLines = ['20.19.0', '22.12.0', '24.0.0'];

describe('the lockfile', () => {
  it('declares the current LTS lines of Node', () => {
    for (const version of supportedLines) expect(semver.satisfies(version, manifest.engines.node), version).toBe(true);
  });

  it('holds no package whose engines exclude a declared Node line', () => {
    const excluded: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
      if (!range || path === '') continue;
      for (const version of supportedLines) {
        if (!semver.satisfies(version, range)) excluded.push(`${path}@${entry.version} needs node ${range}, not ${version}`);
      }
    }
    expect(excluded).toEqual([]);
  });

  it('records other platforms\' optional builds, so npm ci accepts it beyond linux-x64', () => {
    const paths = Object.keys(lock.packages);
    expect(paths).toContain('node_modules/@rollup/rollup-darwin-arm64');
    expect(paths).toContain('node_modules/@rollup/rollup-win32-x64-msvc');
    expect(paths.some((p) => p.startsWith('node_modules/@msgpackr-extract/msgpackr-extract-darwin'))).toBe(true);
  });
});
