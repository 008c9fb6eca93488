import { describe, expect, it } from 'vitest';
import { newRunId, validateRunId } from '../src/core/pipeline/run-id.js';
import { formatPins, formatVersions, parseVersions, sameVersions } from '../src/core/pipeline/versions.js';

describe('parseVersions', () => {
  it('parses pkg=version pairs in order, trimming spaces', () => {
    expect(parseVersions('omniintelligence=0.8.0, omninode-claude=0.4.0 ,omninode_memory=0.6.1rc1')).toEqual([
      { pkg: 'omniintelligence', version: '0.8.0' },
      { pkg: 'omninode-claude', version: '0.4.0' },
      { pkg: 'omninode_memory', version: '0.6.1rc1' },
    ]);
    expect(formatVersions(parseVersions('a=1.0.0-beta.1+build.5,b.c=2.0.post1'))).toBe('a=1.0.0-beta.1+build.5,b.c=2.0.post1');
    expect(formatPins(parseVersions('a=1,b=2'))).toBe('a==1, b==2');
  });

  it.each([
    ['', '--versions is required and must not be empty. Give comma-separated pkg=version pairs, for example --versions "omniintelligence=0.8.0,omninode-claude=0.4.0".'],
    ['a=1,,b=2', '--versions has an empty entry at position 2 (two commas in a row, or a comma at the start or end). Remove the extra comma, for example --versions "omniintelligence=0.8.0,omninode-claude=0.4.0".'],
    ['a=1,', '--versions has an empty entry at position 2'],
    ['omniintelligence', "'omniintelligence' in --versions is not a pkg=version pair. Write it as omniintelligence=<version>"],
    ['=0.8.0', "'=0.8.0' in --versions has no package name before '='. Write it as <package>=0.8.0."],
    ['a=', "'a' in --versions has no version after '='. Write it as a=<version>, for example a=0.8.0."],
    ['../etc=1.0', "'../etc' in --versions is not a valid package name. Use letters, digits, '.', '_' or '-', starting and ending with a letter or digit (for example omninode-claude)."],
    ['a b=1.0', "'a b' in --versions is not a valid package name."],
    ['a=latest', "'latest' is not a valid version for a. Use digits, dots, letters, '+' or '-', starting with a digit (for example 0.8.0, 1.2.0rc1 or 1.0.0-beta.1)."],
    ['a=1.0;rm -rf /', "'1.0;rm -rf /' is not a valid version for a."],
    ['a=1.0 --force', "'1.0 --force' is not a valid version for a."],
    ['a=$(id)', "'$(id)' is not a valid version for a."],
    ['a=1.0.', "'1.0.' is not a valid version for a."],
    ['a=0.8.0,a=0.9.0', 'a is listed twice in --versions (0.8.0 and 0.9.0). Give each package once.'],
    ['omninode_claude=0.4.0,Omninode-Claude=0.4.1', 'omninode_claude and Omninode-Claude (the same package) are listed twice in --versions (0.4.0 and 0.4.1). Give each package once.'],
  ])('refuses %j with a sentence that says what to do', (raw, message) => {
    expect(() => parseVersions(raw)).toThrow(message);
  });

  it('compares requests regardless of order and name spelling', () => {
    expect(sameVersions(parseVersions('a=1,b_c=2'), parseVersions('B-C=2, a=1'))).toBe(true);
    expect(sameVersions(parseVersions('a=1'), parseVersions('a=1.0'))).toBe(false);
  });
});

describe('run ids', () => {
  const clock = () => Date.parse('2026-03-01T23:59:59.000Z');

  it('are redeploy-<YYYYMMDD>-<6 hex> from an injectable clock', () => {
    expect(newRunId(clock, () => 'fixed')).toMatch(/^redeploy-20260301-[0-9a-f]{6}$/);
    expect(newRunId(clock, () => 'fixed')).toBe(newRunId(clock, () => 'fixed'));
  });

  it('differ for runs started in the same millisecond (randomness in the hash)', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(clock)));
    expect(ids.size).toBe(50);
  });

  it('are validated before they reach a path', () => {
    expect(validateRunId(' redeploy-20260301-abc123 ')).toBe('redeploy-20260301-abc123');
    expect(() => validateRunId('redeploy-20260301-../../x')).toThrow(
      "'redeploy-20260301-../../x' is not a redeploy run id. Run ids look like redeploy-20260301-abc123; find yours with `/redeploy list`.",
    );
  });
});
