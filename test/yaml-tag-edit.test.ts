import { describe, expect, it } from 'vitest';
import { ImageTagNotEditable } from '../src/core/errors.js';
import { locateImageTag, readImageTag, setImageTag } from '../src/core/flux/image-tag-edit.js';

function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as [string, string]]));
}

function edit(text: string, kind: 'helmrelease' | 'values', tag = 'ps-42-a1b2c3d', service = 'papi') {
  const location = locateImageTag(text, kind, service, 'f.yaml');
  return setImageTag(text, location, tag, 'f.yaml');
}

const helmRelease = `# Platform API
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: papi   # the service
  namespace: runwhen-local
spec:
  values:
    # image settings
    image:
      repository: ghcr.io/acme/papi
      tag: "ps-41-0000000" # last rollout
    env: [a, b]
`;

describe('editing the image tag with the YAML Document API', () => {
  it('changes only the tag value of a HelmRelease, keeping comments and quotes', () => {
    const result = edit(helmRelease, 'helmrelease');
    expect(result.previousTag).toBe('ps-41-0000000');
    expect(changedLines(helmRelease, result.text)).toEqual([
      ['      tag: "ps-41-0000000" # last rollout', '      tag: "ps-42-a1b2c3d" # last rollout'],
    ]);
  });

  it('edits .image.tag in a values file and keeps the plain style', () => {
    const values = 'image:\n  repository: x\n  tag: old-tag  # ci\nreplicas: 1\n';
    expect(edit(values, 'values').text).toBe('image:\n  repository: x\n  tag: ps-42-a1b2c3d  # ci\nreplicas: 1\n');
  });

  it('keeps single quotes', () => {
    const values = "image:\n  tag: 'old'\n";
    expect(edit(values, 'values').text).toBe("image:\n  tag: 'ps-42-a1b2c3d'\n");
  });

  it('quotes a plain tag that would otherwise read back as a number', () => {
    const values = 'image:\n  tag: old\n';
    const result = edit(values, 'values', '1.20');
    expect(result.text).toBe('image:\n  tag: "1.20"\n');
    expect(readImageTag(result.text, result.location, 'f')).toBe('1.20');
  });

  it('fills an empty tag', () => {
    expect(edit('image:\n  tag:\n  repository: x\n', 'values').text).toBe('image:\n  tag: "ps-42-a1b2c3d"\n  repository: x\n');
  });

  it('keeps CRLF line endings', () => {
    const crlf = helmRelease.replace(/\n/g, '\r\n');
    const result = edit(crlf, 'helmrelease');
    expect(result.text).toBe(crlf.replace('ps-41-0000000', 'ps-42-a1b2c3d'));
    expect(result.text.match(/\r\n/g)).toHaveLength(crlf.match(/\r\n/g)!.length);
  });

  it('edits the right document of a multi-document file and leaves the others byte for byte', () => {
    const multi = `${helmRelease}---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: frontend\nspec:\n  values:\n    image:\n      tag: "fe-1"\n`;
    const result = edit(multi, 'helmrelease');
    expect(result.location.documentIndex).toBe(0);
    expect(changedLines(multi, result.text)).toHaveLength(1);
    expect(result.text).toContain('tag: "fe-1"');
    const frontend = edit(multi, 'helmrelease', 'fe-2', 'frontend');
    expect(frontend.location.documentIndex).toBe(1);
    expect(changedLines(multi, frontend.text)).toEqual([['      tag: "fe-1"', '      tag: "fe-2"']]);
  });

  it('keeps an anchor on the tag value', () => {
    const values = 'image:\n  tag: &current old\nsidecar:\n  tag: *current\n';
    expect(edit(values, 'values').text).toBe('image:\n  tag: &current ps-42-a1b2c3d\nsidecar:\n  tag: *current\n');
  });

  it('refuses to edit a tag that is an alias', () => {
    const values = 'base: &t old\nimage:\n  tag: *t\n';
    expect(() => edit(values, 'values')).toThrow(/is an alias/);
  });

  it('reports "no change" when the tag is already equal', () => {
    const result = edit(helmRelease, 'helmrelease', 'ps-41-0000000');
    expect(result.changed).toBe(false);
    expect(result.text).toBe(helmRelease);
  });

  it('finds a single nested image tag (spec.values.app.image.tag)', () => {
    const nested = helmRelease.replace('    image:\n      repository: ghcr.io/acme/papi\n      tag: "ps-41-0000000" # last rollout', '    app:\n      image:\n        tag: old');
    expect(edit(nested, 'helmrelease').location.path).toEqual(['spec', 'values', 'app', 'image', 'tag']);
  });

  it('says which key is missing when there is no image tag', () => {
    expect(() => edit('replicas: 1\n', 'values')).toThrow(ImageTagNotEditable);
    expect(() => edit('replicas: 1\n', 'values')).toThrow(/has no \.image\.tag for 'papi'/);
  });

  it('refuses a file with several nested image tags rather than guessing', () => {
    const two = 'api:\n  image:\n    tag: a\nworker:\n  image:\n    tag: b\n';
    expect(() => edit(two, 'values')).toThrow(/several image tags/);
  });

  it('reports invalid YAML with the file name', () => {
    expect(() => edit('image: [\n', 'values')).toThrow(/f\.yaml is not valid YAML/);
  });
});
