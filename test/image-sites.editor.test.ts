import { describe, expect, it } from 'vitest';
import { ImageTagNotEditable } from '../src/core/errors.js';
import { chooseImageSites } from '../src/core/flux/sites/image-site-chooser.js';
import { editImageSites } from '../src/core/flux/sites/image-site-editor.js';
import { findImageSites } from '../src/core/flux/sites/image-site-finder.js';
import { insertImageTag, insertKustomizeImage } from '../src/core/flux/sites/image-site-insert.js';
import { pathText } from '../src/core/flux/sites/image-site.js';

function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as [string, string]]));
}

/** Finder, chooser and editor as a rollout runs them on one file named after the service. */
function edit(text: string, _kind: 'helmrelease' | 'values', tag = 'ps-42-a1b2c3d', service = 'papi') {
  const sites = findImageSites(text, 'f.yaml');
  const choice = chooseImageSites(sites, { service, namedFiles: new Set(['f.yaml']) });
  if (choice.kind === 'ambiguous') throw new ImageTagNotEditable(`f.yaml has several image tags (${choice.candidates.map((c) => pathText(c.path)).join(', ')})`);
  if (choice.kind === 'none') throw new ImageTagNotEditable(`f.yaml has no image tag for '${service}'`);
  const result = editImageSites(text, choice.sites, tag);
  const site = choice.sites[0]!;
  return { ...result, previousTag: result.edits[0]?.previous ?? null, location: { documentIndex: site.docIndex, path: site.path } };
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
    expect(findImageSites(result.text, 'f.yaml')[0]!.current).toBe('1.20');
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

  it('writes an aliased tag at its anchor', () => {
    const values = 'base: &t old\nimage:\n  tag: *t\n';
    expect(edit(values, 'values').text).toBe('base: &t ps-42-a1b2c3d\nimage:\n  tag: *t\n');
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
    expect(() => edit('replicas: 1\n', 'values')).toThrow(/has no image tag for 'papi'/);
  });

  it('refuses a file with several nested image tags rather than guessing', () => {
    const two = 'api:\n  image:\n    tag: a\nworker:\n  image:\n    tag: b\n';
    expect(() => edit(two, 'values')).toThrow(/several image tags/);
  });

  it('reports invalid YAML with the file name', () => {
    expect(() => edit('image: [\n', 'values')).toThrow(/f\.yaml is not valid YAML/);
  });
});

describe('adding a tag to an overlay that has none', () => {
  const patch = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: papi\nspec:\n  values:\n    ingress:\n      host: a # staging\n';

  it('appends the missing keys under the deepest existing map, indented like it', () => {
    expect(insertImageTag(patch, 0, ['spec', 'values', 'image', 'tag'], '1.2.3', 'p.yaml')).toBe(`${patch}    image:\n      tag: 1.2.3\n`);
  });

  it('follows an app-template path, keeps CRLF, quotes a number-like tag', () => {
    const crlf = patch.replace(/\n/g, '\r\n');
    const out = insertImageTag(crlf, 0, ['spec', 'values', 'controllers', 'papi', 'containers', 'app', 'image', 'tag'], '1.20', 'p.yaml');
    expect(out).toBe(`${crlf}    controllers:\r\n      papi:\r\n        containers:\r\n          app:\r\n            image:\r\n              tag: "1.20"\r\n`);
  });

  it('adds to a values file with no trailing newline, and to the right document of several', () => {
    expect(insertImageTag('replicas: 1', 0, ['image', 'tag'], 'v2', 'v.yaml')).toBe('replicas: 1\nimage:\n  tag: v2\n');
    const two = `kind: ConfigMap\nmetadata:\n  name: x\n---\n${patch}`;
    expect(insertImageTag(two, 1, ['spec', 'values', 'image', 'tag'], 'v2', 'p.yaml')).toBe(`${two}    image:\n      tag: v2\n`);
  });

  it('refuses a flow mapping rather than rewriting it', () => {
    expect(() => insertImageTag('spec:\n  values: { a: 1 }\n', 0, ['spec', 'values', 'image', 'tag'], 'v2', 'p.yaml')).toThrow(/flow mapping/);
  });
});

describe('adding a kustomize images entry to an overlay', () => {
  it('appends to an existing list at its indentation, or starts one at the end', () => {
    const k = 'resources:\n  - ../base/shop\nimages:\n- name: nginx\n  newTag: "1.27"\n';
    expect(insertKustomizeImage(k, 'ghcr.io/acme/shop', '1.20', 'k.yaml')).toBe(`${k}- name: ghcr.io/acme/shop\n  newTag: "1.20"\n`);
    expect(insertKustomizeImage('resources:\n  - ../base/shop', 'ghcr.io/acme/shop', 'v2', 'k.yaml')).toBe(
      'resources:\n  - ../base/shop\nimages:\n  - name: ghcr.io/acme/shop\n    newTag: v2\n',
    );
  });
});

describe('a digest beside the tag', () => {
  it('is cleared with the tag change: a kept digest would keep the old image running', () => {
    const values = 'image:\n  repository: bitnami/redis\n  tag: 7.2.4 # app\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n';
    expect(edit(values, 'values', 'v8').text).toBe('image:\n  repository: bitnami/redis\n  tag: v8 # app\n  digest: ""\n');
    const kustomization = 'images:\n  - name: ghcr.io/acme/papi\n    newTag: 1.0.0\n    digest: sha256:2222222222222222222222222222222222222222222222222222222222222222\n';
    const sites = findImageSites(kustomization, 'kustomization.yaml');
    expect(editImageSites(kustomization, sites, 'v8').text).toBe(kustomization.replace('1.0.0', 'v8').replace(/digest: sha256:\w+/, 'digest: ""'));
  });
});
