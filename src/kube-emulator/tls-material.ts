import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TlsMaterial {
  key: string;
  cert: string;
}

/**
 * A self-signed serving certificate for 127.0.0.1, made with openssl once per data dir: clients
 * reach the emulator over HTTPS and trust it through the kubeconfig's certificate-authority-data,
 * exactly as with a real cluster (client-node refuses plain HTTP).
 */
export async function tlsMaterial(dir: string): Promise<TlsMaterial> {
  await mkdir(dir, { recursive: true });
  const key = join(dir, 'apiserver.key');
  const cert = join(dir, 'apiserver.crt');
  if (!existsSync(key) || !existsSync(cert)) {
    try {
      await execa('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '825', '-subj', '/CN=kube-emulator',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-addext', 'basicConstraints=critical,CA:TRUE',
      ]);
    } catch (error) {
      throw new Error(`The Kubernetes emulator needs openssl to make its serving certificate (${(error as Error).message.split('\n')[0]}). Install it with \`sudo apt-get install openssl\`.`);
    }
  }
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
}
