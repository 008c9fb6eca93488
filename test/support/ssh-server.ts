import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from '../../src/local-mode/redis-process.js';

export const SSHD = '/usr/sbin/sshd';

/**
 * A real OpenSSH server on a loopback port for tests: its own host key, config, authorized_keys
 * and pid file in a temp folder; it serves git over SSH (git-upload-pack / git-receive-pack) to the
 * current user. As root, sshd needs its privilege-separation folder /run/sshd.
 */
export interface SshServer {
  port: number;
  user: string;
  /** A known_hosts line for this server ([127.0.0.1]:port key). */
  knownHostsLine: string;
  stop(): Promise<void>;
}

async function keygen(path: string): Promise<void> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rollbot-test', '-f', path]);
}

async function listening(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSshServer(dir: string, authorizedPublicKey: string): Promise<SshServer> {
  await mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_key');
  await keygen(hostKey);
  await writeFile(join(dir, 'authorized_keys'), authorizedPublicKey, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${stderr}`))));
  await Promise.race([listening(port, Date.now() + 10_000), exited]);
  const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  return {
    port,
    user: userInfo().username,
    knownHostsLine: `[127.0.0.1]:${port} ${hostPub}\n`,
    async stop() {
      exited.catch(() => undefined);
      child.kill('SIGTERM');
    },
  };
}
