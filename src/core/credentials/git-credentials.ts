import type { TokenSource } from './token-source.js';

/**
 * How git reaches private remotes, given to each git process through its environment only:
 *
 * - HTTPS tokens as `http.<origin>/.extraHeader` set with GIT_CONFIG_COUNT/KEY/VALUE (git ≥ 2.31):
 *   scoped to the origins rollbot's config names, never in a URL, an argument (visible in `ps`),
 *   a git config file or a log line;
 * - SSH deploy keys through GIT_SSH_COMMAND, with the host key checked against a known_hosts file.
 */
export interface GitCredentials {
  /** Variables to add to a git process's environment. */
  env(): Promise<Record<string, string>>;
}

export interface HttpsTokenScope {
  /** Origins (scheme://host[:port]) the token is sent to. */
  origins: string[];
  user: string;
  tokens: TokenSource;
}

export interface SshKeySettings {
  keyFile: string;
  knownHostsFile: string;
}

/** POSIX shell single quotes: GIT_SSH_COMMAND is run by a shell, so paths are quoted, never spliced. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function sshCommand(settings: SshKeySettings): string {
  return [
    'ssh',
    '-i',
    shellQuote(settings.keyFile),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    shellQuote(`UserKnownHostsFile=${settings.knownHostsFile}`),
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
  ].join(' ');
}

export class ConfiguredGitCredentials implements GitCredentials {
  constructor(private readonly settings: { https?: HttpsTokenScope; ssh?: SshKeySettings }) {}

  async env(): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    const { https, ssh } = this.settings;
    if (https && https.origins.length) {
      const token = await https.tokens.token();
      const header = `Authorization: Basic ${Buffer.from(`${https.user}:${token}`).toString('base64')}`;
      https.origins.forEach((origin, i) => {
        env[`GIT_CONFIG_KEY_${i}`] = `http.${origin}/.extraHeader`;
        env[`GIT_CONFIG_VALUE_${i}`] = header;
      });
      env.GIT_CONFIG_COUNT = String(https.origins.length);
    }
    if (ssh) env.GIT_SSH_COMMAND = sshCommand(ssh);
    return env;
  }
}

let current: GitCredentials | undefined;

/** Set once per process by the runtime (worker, CLI) from the config; git() asks it for every command. */
export function useGitCredentials(credentials: GitCredentials | undefined): void {
  current = credentials;
}

export async function gitCredentialEnv(): Promise<Record<string, string>> {
  return current ? current.env() : {};
}
