import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/core/errors.js';
import { rolloutTag } from '../src/core/tags.js';
import { validateImageTag, validatePrNumber, validateServiceName, validateSha } from '../src/core/validate.js';

describe('the rollout tag', () => {
  it('is exactly ps-<pr>-<first 7 chars of the sha>', () => {
    expect(rolloutTag(42, 'a1b2c3def4567890')).toBe('ps-42-a1b2c3d');
  });

  it('never uses 8 characters or the full sha', () => {
    const sha = 'abcdef0123456789abcdef0123456789abcdef01';
    const tag = rolloutTag(7, sha);
    expect(tag.split('-')[2]).toHaveLength(7);
    expect(tag).not.toContain(sha.slice(0, 8));
  });

  it('lowercases the sha', () => {
    expect(rolloutTag(1, 'ABCDEF0123')).toBe('ps-1-abcdef0');
  });

  it('rejects a sha shorter than 7 characters', () => {
    expect(() => rolloutTag(1, 'abc123')).toThrow(InvalidInput);
  });
});

describe('input validation', () => {
  it.each(['../../etc', 'x; rm -rf /', 'papi/../x', '-rf', '', 'a b', '$(id)', 'pa..pi'])('refuses the service name %j', (name) => {
    expect(() => validateServiceName(name)).toThrow(/is not a valid service name/);
  });

  it.each(['papi', 'frontend', 'runner-2', 'my.app', 'a'])('accepts the service name %j', (name) => {
    expect(validateServiceName(name)).toBe(name);
  });

  it.each(['0', '-1', 'abc', '4.2', '1e3', '12345678901'])('refuses the PR number %j', (pr) => {
    expect(() => validatePrNumber(pr)).toThrow(/is not a pull request number/);
  });

  it('accepts #42 as PR 42', () => {
    expect(validatePrNumber('#42')).toBe(42);
  });

  it.each(['xyz1234', 'abc12', 'a1b2c3d;', '--all'])('refuses the sha %j', (sha) => {
    expect(() => validateSha(sha)).toThrow(/is not a commit SHA/);
  });

  it.each(['.hidden', '-x', 'a'.repeat(129), 'a:b', 'a/b'])('refuses the tag %j (OCI grammar)', (tag) => {
    expect(() => validateImageTag(tag)).toThrow(/is not a valid image tag/);
  });

  it.each(['ps-42-a1b2c3d', 'main-a1b2c3d-1707300000', 'v1.2.3', '_x'])('accepts the tag %j', (tag) => {
    expect(validateImageTag(tag)).toBe(tag);
  });
});
