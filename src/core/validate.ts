import { InvalidInput } from './errors.js';

/**
 * Every value that reaches git, a path or a process is validated here first: a name like
 * `../../etc` or `x; rm -rf /` is an error, never a path or a command.
 */

// Kubernetes-style names (DNS-1123 label, plus dots and underscores that Helm release names allow).
const SERVICE_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;
const HEX = /^[0-9a-f]+$/;
// OCI distribution spec tag grammar.
const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function validateServiceName(raw: string): string {
  const name = raw.trim().toLowerCase();
  if (!SERVICE_NAME.test(name) || name.includes('..')) {
    throw new InvalidInput(
      `'${raw}' is not a valid service name. Use lowercase letters, digits, '-', '.' or '_' (for example \`papi\`).`,
    );
  }
  return name;
}

export function validateEnvironmentName(raw: string): string {
  if (!ENV_NAME.test(raw) || raw.includes('..')) {
    throw new InvalidInput(
      `'${raw}' is not a valid environment name. Use letters, digits, '-', '.' or '_' (see \`/rwenv list\`).`,
    );
  }
  return raw;
}

export function validatePrNumber(raw: string | number): number {
  const text = String(raw).trim().replace(/^#/, '');
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1) {
    throw new InvalidInput(`'${raw}' is not a pull request number. Give the PR number, for example \`42\`.`);
  }
  return Number(text);
}

/** A commit SHA or prefix: hex, at least 7 characters (the tag needs exactly 7), at most 40. */
export function validateSha(raw: string): string {
  const sha = raw.trim().toLowerCase();
  if (!HEX.test(sha) || sha.length < 7 || sha.length > 64) {
    throw new InvalidInput(
      `'${raw}' is not a commit SHA. Give at least 7 hex characters, for example \`a1b2c3d\`.`,
    );
  }
  return sha;
}

export function validateImageTag(raw: string): string {
  if (!OCI_TAG.test(raw)) {
    throw new InvalidInput(
      `'${raw}' is not a valid image tag. Tags are up to 128 letters, digits, '_', '.' or '-', and do not start with '.' or '-'.`,
    );
  }
  return raw;
}

/** A branch name as git allows it (check-ref-format's rules that matter), so it is never an option or a path trick. */
export function validateBranchName(raw: string): string {
  const name = raw.trim();
  const bad =
    !/^[A-Za-z0-9._/+@-]{1,200}$/.test(name) || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') ||
    name.endsWith('.') || name.endsWith('.lock') || name.includes('..') || name.includes('//') || name.includes('@{');
  if (bad) {
    throw new InvalidInput(`'${raw}' is neither a pull request number nor a branch name. Give the PR number (\`42\`) or its branch (\`my-feature\`).`);
  }
  return name;
}
