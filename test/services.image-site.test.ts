import { describe, expect, it } from 'vitest';
import { serviceDetail } from '../src/bot/render/services-message.js';

describe('/services <name> shows where the image is set', () => {
  it('adds the file, the path and the tag the last regenerate saw', () => {
    const message = serviceDetail('rdebug', 'papi', {
      description: '',
      namespace: 'papi',
      fluxPath: 'apps/papi/deployment.yaml',
      image: { site: 'apps/papi/deployment.yaml:spec.template.spec.containers[0].image', file: 'apps/papi/deployment.yaml', path: 'spec.template.spec.containers[0].image', tag: '1.0.0' },
    });
    const fields = (message.blocks.find((b) => (b as { fields?: unknown }).fields) as unknown as { fields: Array<{ text: string }> }).fields.map((f) => f.text);
    expect(fields.slice(4)).toEqual([
      '*Image set in*\n`apps/papi/deployment.yaml` `spec.template.spec.containers[0].image`',
      '*Tag (at last regenerate)*\n`1.0.0`',
    ]);
  });
});
