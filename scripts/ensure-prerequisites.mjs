#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh machine: installs node modules when missing and
// the Debian packages the local mode and the tests run for real (redis-server, git, and for tests
// docker-registry and chromium). Runs before dependencies exist, so it only uses node's own modules.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--tests');

function onPath(binary) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { stdio: 'ignore' }).status === 0;
}

function run(command, args, quiet = false) {
  const result = spawnSync(command, args, {
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    cwd: root,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout}\n${result.stderr}`.split('\n').slice(-30).join('\n'));
    console.error(`rollbot setup: '${command} ${args.join(' ')}' failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

const packages = [
  ['git', 'git'],
  ['redis-server', 'redis-server'],
  ['docker-registry', 'docker-registry'],
  ...(forTests ? [['chromium', 'chromium']] : []),
].filter(([binary]) => !onPath(binary)).map(([, pkg]) => pkg);
// Emoji in the browser screenshots (the bot's status icons) need a colour emoji font.
if (forTests && !existsSync('/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf')) packages.push('fonts-noto-color-emoji');
// The SSH deploy-key test runs a real sshd on a loopback port.
if (forTests && !existsSync('/usr/sbin/sshd')) packages.push('openssh-server');

if (packages.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    console.log(`rollbot setup: installing ${packages.join(', ')} with apt-get`);
    run('apt-get', ['update', '-qq'], true);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], true);
  } else {
    console.error(`rollbot setup: missing ${packages.join(', ')}. Install with: sudo apt-get install ${packages.join(' ')}`);
    process.exit(1);
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('rollbot setup: installing node modules (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
