import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidInput } from '../src/core/errors.js';
import { TagTemplateUnusable } from '../src/core/release/errors.js';
import { releaseSchema } from '../src/core/release/release-config.js';
import {
  DEFAULT_TAG_TEMPLATE,
  describePattern,
  newestTagFor,
  parseTag,
  parseTagTemplate,
  parseTagWithAny,
  renderTag,
  SORTABLE_TAG_TEMPLATE,
} from '../src/core/release/tag-template.js';

const SHA = 'a1b2c3def4567890a1b2c3def4567890a1b2c3de';
const clock = () => 1_707_300_000_123;

describe('rendering a tag from a template', () => {
  it("makes seed 000's ps-{pr}-{sha7} by default", () => {
    expect(renderTag(parseTagTemplate(DEFAULT_TAG_TEMPLATE), { sha: SHA, pr: 42 })).toBe('ps-42-a1b2c3d');
  });

  it("makes seed 002's sortable main-{sha7}-{ts} with whole seconds of the clock", () => {
    expect(renderTag(parseTagTemplate(SORTABLE_TAG_TEMPLATE), { sha: SHA, clock })).toBe('main-a1b2c3d-1707300000');
  });

  it('fills {sha} with the full SHA', () => {
    expect(renderTag(parseTagTemplate('sha-{sha}'), { sha: SHA })).toBe(`sha-${SHA}`);
  });

  it('says what to do when the template needs a PR and the release names only a commit', () => {
    const render = () => renderTag(parseTagTemplate(DEFAULT_TAG_TEMPLATE), { sha: SHA });
    expect(render).toThrow(TagTemplateUnusable);
    expect(render).toThrow(/needs a pull request number, but this release names only a commit\. Pass --tag <tag>/);
  });

  it('checks the SHA like every other input', () => {
    expect(() => renderTag(parseTagTemplate(SORTABLE_TAG_TEMPLATE), { sha: 'zz; rm -rf /' })).toThrow(InvalidInput);
  });
});

describe('checking a template at config time', () => {
  it('names an unknown placeholder', () => {
    expect(() => parseTagTemplate('main-{sha7}-{date}')).toThrow(
      "Tag template 'main-{sha7}-{date}' uses {date}, which rollbot does not know. Use only {pr}, {sha7}, {sha} and {ts}.",
    );
    expect(() => parseTagTemplate('main-{sha7}-{date}')).toThrow(ConfigError);
  });

  it.each([
    ['main-{sha7', /unmatched/],
    ['main/{sha7}', /may only hold letters/],
    ['main-{ts}', /neither \{sha7\} nor \{sha\}/],
    ['-{sha7}', /does not make a valid image tag/],
    [`${'x'.repeat(120)}-{sha}`, /does not make a valid image tag/],
  ])('refuses %j', (template, message) => {
    expect(() => parseTagTemplate(template)).toThrow(message);
  });

  it('reports the same sentence through the config schema', () => {
    const result = releaseSchema.safeParse({ tagTemplate: 'v-{version}-{sha7}', registry: { url: 'http://127.0.0.1:5000' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/uses \{version\}, which rollbot does not know/);
  });
});

describe('reading a tag back', () => {
  it('parses ps-<pr>-<sha7> and main-<sha7>-<ts>', () => {
    expect(parseTag(parseTagTemplate(DEFAULT_TAG_TEMPLATE), 'ps-42-a1b2c3d')).toEqual({ pr: 42, sha7: 'a1b2c3d' });
    expect(parseTag(parseTagTemplate(SORTABLE_TAG_TEMPLATE), 'main-a1b2c3d-1707300000')).toEqual({ sha7: 'a1b2c3d', ts: 1707300000 });
  });

  it('does not read a tag another template made', () => {
    expect(parseTag(parseTagTemplate(SORTABLE_TAG_TEMPLATE), 'ps-42-a1b2c3d')).toBeNull();
    expect(parseTag(parseTagTemplate(DEFAULT_TAG_TEMPLATE), 'ps-42-a1b2c3d8')).toBeNull();
    expect(parseTag(parseTagTemplate(SORTABLE_TAG_TEMPLATE), 'main-A1B2C3D-1')).toBeNull();
  });

  it('tries the seeds\' templates after the configured one', () => {
    const parsed = parseTagWithAny([parseTagTemplate('rel-{sha}'), parseTagTemplate(DEFAULT_TAG_TEMPLATE)], 'ps-7-0123abc');
    expect(parsed).toMatchObject({ pr: 7, sha7: '0123abc' });
    expect(parsed?.template.source).toBe(DEFAULT_TAG_TEMPLATE);
  });
});

describe('finding the newest build of a commit among registry tags', () => {
  const template = parseTagTemplate(SORTABLE_TAG_TEMPLATE);
  const tags = ['latest', 'main-a1b2c3d-99', 'main-a1b2c3d-1707300000', 'main-fffffff-1800000000', 'main-a1b2c3d-1707299999', 'main-a1b2c3d-x'];

  it('picks the highest timestamp for the commit, numerically', () => {
    expect(newestTagFor(template, tags, { sha: SHA })).toBe('main-a1b2c3d-1707300000');
  });

  it('finds nothing for a commit without a build', () => {
    expect(newestTagFor(template, tags, { sha: '1234567' })).toBeNull();
  });

  it('describes the search for messages', () => {
    expect(describePattern(template, { sha: SHA })).toBe('main-a1b2c3d-<ts>');
  });
});
