export type PullResult = { ok: true; digest: string } | { ok: false; notFound: boolean; message: string };

export interface ImagePullerOptions {
  /** The registry every image is pulled from (a mirror for all hosts, as containerd can be set up). */
  url: string;
  basicAuth?: { username: string; password: string };
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** `ghcr.io/acme/papi:ps-1-abc` -> repository `acme/papi`, tag `ps-1-abc` (the host is the mirror's). */
export function parseImage(image: string): { repository: string; reference: string } {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const reference = at >= 0 ? image.slice(at + 1) : hasTag ? withoutDigest.slice(colon + 1) : 'latest';
  const parts = name.split('/');
  const hasHost = parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost');
  const repository = hasHost ? parts.slice(1).join('/') : parts.length === 1 ? `library/${name}` : name;
  return { repository, reference };
}

/** The kubelet's image pull, asked of a real registry over the distribution API. */
export class ImagePuller {
  constructor(private readonly options: ImagePullerOptions) {}

  async pull(image: string): Promise<PullResult> {
    const { repository, reference } = parseImage(image);
    const headers: Record<string, string> = { Accept: MANIFEST_TYPES };
    if (this.options.basicAuth) {
      headers.Authorization = `Basic ${Buffer.from(`${this.options.basicAuth.username}:${this.options.basicAuth.password}`).toString('base64')}`;
    }
    const ref = `${image.split('@')[0]}`;
    try {
      const response = await fetch(`${this.options.url}/v2/${repository}/manifests/${reference}`, { method: 'HEAD', headers });
      await response.body?.cancel();
      if (response.status === 200) return { ok: true, digest: response.headers.get('docker-content-digest') ?? '' };
      if (response.status === 404) {
        return { ok: false, notFound: true, message: `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found` };
      }
      return { ok: false, notFound: false, message: `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": unexpected status from HEAD request: ${response.status} ${response.statusText}` };
    } catch (error) {
      return { ok: false, notFound: false, message: `rpc error: code = Unavailable desc = failed to pull image "${ref}": ${(error as Error).message}` };
    }
  }
}
