import type { DemoEnvironment } from '../demo/demo-environment.js';
import { freePort } from './redis-process.js';
import { pushImage, startRegistry, type RegistryServer } from './registry-process.js';
import { SetupProblem } from '../core/errors.js';

async function hasManifest(url: string, name: string, tag: string): Promise<boolean> {
  const response = await fetch(`${url}/v2/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  return response.status === 200;
}

/**
 * The demo's registry: Debian's docker-registry on the port the demo config names, holding every
 * build of the demo services (pushed once; kept in the demo folder).
 */
export async function startDemoRegistry(demo: DemoEnvironment, log: (line: string) => void): Promise<RegistryServer> {
  const port = demo.registry.port || (await freePort());
  let registry: RegistryServer;
  try {
    registry = await startRegistry(demo.registry.dir, { port });
  } catch (error) {
    if (error instanceof SetupProblem) throw error;
    throw new SetupProblem(
      `The demo registry could not start on 127.0.0.1:${port} (${(error as Error).message.split('\n')[0]}). Free the port, or change release.registry.url in ${demo.configPath}.`,
    );
  }
  let pushed = 0;
  for (const image of demo.registry.images) {
    if (await hasManifest(registry.url, image.name, image.tag)) continue;
    await pushImage(registry.url, image.name, image.tag, { content: image.tag });
    pushed++;
  }
  log(`registry: ${registry.url} (${demo.registry.images.length} demo builds${pushed ? `, ${pushed} pushed now` : ''})`);
  return registry;
}
