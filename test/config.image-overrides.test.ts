import { describe, expect, it } from 'vitest';
import { environmentOf, parseConfig } from '../src/core/config/load.js';

const withService = (override: Record<string, unknown>) => ({ environments: { dev: { fluxGitRepo: 'x', services: { pgdb: override } } } });

describe('per-service image overrides in the config', () => {
  it('accepts container, imagePath and imagePolicy', () => {
    const env = environmentOf(parseConfig(withService({ container: 'app', imagePath: 'spec.containers[0].image', imagePolicy: 'flux-system:pgdb' }), 'rollbot.yaml'), 'dev');
    expect(env.services.pgdb).toEqual({ container: 'app', imagePath: 'spec.containers[0].image', imagePolicy: 'flux-system:pgdb' });
  });

  it('says which key is wrong and how it should look', () => {
    expect(() => parseConfig(withService({ imagePath: 'spec..image name' }), 'rollbot.yaml')).toThrow(
      "rollbot.yaml: 'environments.dev.services.pgdb.imagePath' must be a dotted key path like spec.imageName.",
    );
    expect(() => parseConfig(withService({ containr: 'app' }), 'rollbot.yaml')).toThrow("environments.dev.services.pgdb: unknown key 'containr'");
  });
});
