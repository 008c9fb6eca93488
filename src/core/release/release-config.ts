import { z } from 'zod';
import { githubAccessShape } from '../credentials/credentials-config.js';
import { ConfigError } from '../errors.js';
import { resolveRegistry, type RegistryConfig } from './registry-config.js';
import { DEFAULT_TAG_TEMPLATE, parseTagTemplate } from './tag-template.js';

/**
 * Proposed config for `/release`, to be merged into config/schema.ts: `release` per environment,
 * `github` and `jira` at the top level. Secrets never sit in the YAML: keys ending in `Env` name the
 * environment variable that holds them, and the resolvers below read them from a given env map.
 */

const ENV_VAR = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable, like REGISTRY_PASSWORD');

/** Checks with the real parser, so the config error is the parser's sentence (e.g. naming {foo}). */
const tagTemplate = z.string().min(1).superRefine((value, ctx) => {
  try {
    parseTagTemplate(value);
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: error instanceof ConfigError ? error.userMessage.replace(/\.$/, '') : String(error) });
  }
});

export const registrySchema = z
  .object({
    /** https://quay.io, http://127.0.0.1:5000, … */
    url: z.string().min(1),
    /** Repository path with {service}, e.g. acme/{service}. */
    repository: z.string().min(1).default('{service}'),
    username: z.string().min(1).optional(),
    passwordEnv: ENV_VAR.optional(),
    /** A pre-issued bearer token for the registry, instead of username/password. */
    tokenEnv: ENV_VAR.optional(),
    /** Plain http to a non-loopback host (a LAN registry without TLS). */
    insecure: z.boolean().default(false),
  })
  .strict();

const SLACK_ID = z.string().regex(/^[UWS][A-Z0-9_]{2,}$/, 'must be a Slack user ID (U…/W…) or user-group ID (S…)');

export const approvalSchema = z
  .object({
    /** Distinct approvers needed before the release is applied. */
    required: z.number().int().min(1).max(10).default(1),
    /** Approvals a `/rollback` needs here (release-only environments); the same as `required` when absent. */
    rollbackRequired: z.number().int().min(1).max(10).optional(),
    /** Who may approve: user IDs and/or user-group IDs. Empty: anyone but the requester. */
    approvers: z.array(SLACK_ID).default([]),
    /** Four eyes by default: the requester may not approve their own release. */
    allowSelfApproval: z.boolean().default(false),
    /** Requests expire after this long and can no longer be approved. */
    deadlineHours: z.number().positive().max(24 * 30).default(24),
    /** Post approval requests here instead of the channel the release was asked in. */
    channel: z.string().regex(/^[CGD][A-Z0-9_]+$/, 'must be a Slack channel ID like C0123ABCD').optional(),
  })
  .strict();

export const releaseSchema = z
  .object({
    /** direct: push to the environment's branch; pull-request: push a branch and open a PR (GitHub). */
    mode: z.enum(['direct', 'pull-request']).default('direct'),
    approval: approvalSchema.default({}),
    /** How builds tag images: ps-{pr}-{sha7} (seed 000) or main-{sha7}-{ts} (seed 002). */
    tagTemplate: tagTemplate.default(DEFAULT_TAG_TEMPLATE),
    registry: registrySchema,
    /** Commits listed in the summary before "and N more". */
    commitLimit: z.number().int().min(1).max(200).default(20),
    pullRequest: z
      .object({
        /** owner/repo of the Flux repo on GitHub; derived from fluxGitRepo when absent. */
        repo: z.string().min(1).optional(),
        /** Branch the PR merges into; the environment's branch when absent. */
        base: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    jira: z
      .object({
        project: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'must be a Jira project key like AAP'),
        issueType: z.string().min(1).default('Task'),
        labels: z.array(z.string().regex(/^\S+$/, 'must be labels without spaces')).default(['release']),
      })
      .strict()
      .optional(),
  })
  .strict();

export const githubSchema = z
  .object({
    /** https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise. */
    baseUrl: z.string().url().default('https://api.github.com'),
    tokenEnv: ENV_VAR.default('GITHUB_TOKEN'),
    ...githubAccessShape,
  })
  .strict();

export const jiraSchema = z
  .object({
    baseUrl: z.string().url(),
    /** Jira Cloud: email + API token. Jira Data Center: a bearer personal access token instead. */
    email: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address').optional(),
    apiTokenEnv: ENV_VAR.default('JIRA_API_TOKEN'),
    bearerTokenEnv: ENV_VAR.optional(),
  })
  .strict();

export type ReleaseConfig = z.infer<typeof releaseSchema>;
export type ApprovalPolicy = z.infer<typeof approvalSchema>;
export type GitHubConfig = z.infer<typeof githubSchema>;
export type JiraConfig = z.infer<typeof jiraSchema>;

type EnvMap = Record<string, string | undefined>;

/** Reads a secret that the config names; a named but empty variable is a config error, not anonymous access. */
export function secretFrom(env: EnvMap, variable: string, key: string): string {
  const value = env[variable];
  if (!value) throw new ConfigError(`${key} names the environment variable ${variable}, but it is not set. Set it on the bot and worker, or remove ${key}.`);
  return value;
}

/** The registry client's config with its secrets read; also validates URL and repository. */
export function registryConfigOf(config: z.infer<typeof registrySchema>, env: EnvMap): RegistryConfig {
  const resolved: RegistryConfig = {
    url: config.url,
    repository: config.repository,
    insecure: config.insecure,
    username: config.username,
    password: config.passwordEnv ? secretFrom(env, config.passwordEnv, 'registry.passwordEnv') : undefined,
    token: config.tokenEnv ? secretFrom(env, config.tokenEnv, 'registry.tokenEnv') : undefined,
  };
  resolveRegistry(resolved);
  return resolved;
}
