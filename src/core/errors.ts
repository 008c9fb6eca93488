/**
 * Errors a user can act on. Each has a stable `code` (for logs, metrics and tests) and a
 * `userMessage`: a sentence that says what went wrong and what to do next. Anything that is not a
 * RollbotError is an internal failure and is reported generically.
 */
export abstract class RollbotError extends Error {
  abstract readonly code: string;
  /** True when retrying the same request can succeed (network, a push race). */
  readonly transient: boolean = false;

  constructor(
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = new.target.name;
  }
}

export class InvalidInput extends RollbotError {
  readonly code = 'invalid_input';
}

export class ConfigError extends RollbotError {
  readonly code = 'config_invalid';
}

export class UnknownEnvironment extends RollbotError {
  readonly code = 'unknown_environment';
  constructor(name: string, known: string[]) {
    super(
      `Unknown environment '${name}'. Known environments: ${known.length ? known.join(', ') : '(none configured)'}.`,
    );
  }
}

export class NoEnvironmentBound extends RollbotError {
  readonly code = 'no_rwenv';
  constructor() {
    super('No rwenv set. Use `/rwenv-set` first.');
  }
}

export class ReadOnlyEnvironment extends RollbotError {
  readonly code = 'read_only';
  constructor(env: string) {
    super(`rwenv '${env}' is read-only. Cannot modify Flux repo or trigger reconciliation.`);
  }
}

export class NoPullRequest extends RollbotError {
  readonly code = 'no_pull_request';
  constructor(service: string, pr: number) {
    super(
      `No PR found for ${service} #${pr} (no refs/pull/${pr}/head in its source repository). Create a PR first with \`gh pr create\`, or pass the commit with --sha.`,
    );
  }
}

export class ServiceNotFound extends RollbotError {
  readonly code = 'service_not_found';
  constructor(service: string, suggestions: string[] = []) {
    const hint = suggestions.length
      ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?`
      : ' Add it to the services catalog with its fluxPath, or check the name.';
    super(`Could not find flux config for '${service}'. Searched for HelmRelease and values.yaml.${hint}`);
  }
}

export class AmbiguousService extends RollbotError {
  readonly code = 'ambiguous_service';
  constructor(
    service: string,
    readonly candidates: string[],
  ) {
    super(
      `Found several flux files for '${service}', so nothing was changed: ${candidates.map((c) => `\`${c}\``).join(', ')}. Set its fluxPath in the services catalog (or the environment's fluxRoot) to pick one.`,
    );
  }
}

/** One candidate of an ambiguous image site, as a person is shown it (and picks it back). */
export interface ImageSiteChoice {
  /** `file:path`, what `--site` and the Slack buttons give back. */
  ref: string;
  file: string;
  path: string;
  current: string | null;
  /** The environment whose fluxRoot deploys it, when the request named none of several. */
  environment?: string;
}

/** Several places could hold the service's image: nothing is changed; the candidates are data. */
export class AmbiguousImageSite extends RollbotError {
  readonly code = 'ambiguous_service';
  constructor(
    readonly service: string,
    readonly candidates: ImageSiteChoice[],
    hint = 'Pick one with a button below (on the CLI: `--site <file>:<path>`); to settle it for good, set the service\'s `container`, `imagePath` or `fluxPath` in the config.',
  ) {
    const files = [...new Set(candidates.map((c) => c.file))];
    const lead =
      candidates.length === 1
        ? `The only image found for '${service}' may not be its own (another name, or an init container or sidecar), so nothing was changed:`
        : files.length > 1
        ? `Found several flux files for '${service}', so nothing was changed:`
        : `Found several images for '${service}' in \`${files[0]}\`, so nothing was changed:`;
    const list = candidates.map((c) => `• ${c.environment ? `*${c.environment}*: ` : ''}\`${c.file}\` \`${c.path}\` (now \`${c.current ?? 'empty'}\`)`).join('\n');
    super(`${lead}\n${list}\n${hint}`);
  }
}

export class ImageTagNotEditable extends RollbotError {
  readonly code = 'image_tag_not_editable';
}

export class PushFailed extends RollbotError {
  readonly code = 'push_failed';
  override readonly transient = true;
  constructor(options?: { cause?: unknown }) {
    super('Failed to push to flux repo. Check permissions and try again.', options);
  }
}

export class GitUnavailable extends RollbotError {
  readonly code = 'git_unavailable';
  override readonly transient = true;
}

/** The machine rollbot runs on needs fixing by whoever runs it: a port in use, a program not installed. */
export class SetupProblem extends RollbotError {
  readonly code = 'setup_problem';
}

/** `rollbot say` (or another local-mode client) found nothing listening where local mode would be. */
export class LocalModeNotRunning extends RollbotError {
  readonly code = 'local_mode_not_running';
  constructor(url: string) {
    super(`Local mode is not running (nothing answers on ${url}). Start it with \`npm start\` in another terminal, or set PORT to the port it uses.`);
  }
}

/** Node's "listen EADDRINUSE" in words, for the console and the bot's port. */
export function portInUse(port: number, variable = 'PORT'): SetupProblem {
  return new SetupProblem(`Port ${port} is in use. Stop whatever uses it, or start with ${variable}=<another port>.`);
}

export function isRollbotError(error: unknown): error is RollbotError {
  return error instanceof RollbotError;
}

/** The sentence to show a user for any failure; internal errors are not leaked verbatim. */
export function userMessageOf(error: unknown): string {
  if (isRollbotError(error)) return error.userMessage;
  return `Something went wrong inside rollbot (${error instanceof Error ? error.message : String(error)}). Try again; if it keeps failing, check the worker logs.`;
}
