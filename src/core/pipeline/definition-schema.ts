import { z } from 'zod';

/**
 * The shape of a redeploy pipeline file. Messages are the second half of a sentence that starts
 * with the key (`'pipelines.x.phases[2].name' must be ...`), so each one says what to write.
 */

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name like POSTGRES_PASSWORD');

// `--skip-sync` and `skip-sync` are both accepted in YAML; stored without the dashes.
const flagName = z
  .string()
  .transform((s) => s.replace(/^--/, ''))
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a flag name like skip-sync (lowercase letters, digits, - or _)'));

const template = z.string().min(1, 'must not be empty');
const seconds = (max: number) => z.number().positive('must be a positive number of seconds').max(max, `must be at most ${max} seconds`);

export const conditionSchema = z
  .object({
    /** Holds when this flag was given (`flag: canary` -> `--canary`). */
    flag: flagName.optional(),
    /** Holds when this flag was not given. */
    notFlag: flagName.optional(),
    /** Holds when the variable is set and not empty (like the seed's `os.environ.get(var)`). */
    envSet: envName.optional(),
    envUnset: envName.optional(),
    /** A path template (relative to cwdBase); holds when it exists. */
    fileExists: template.optional(),
    fileMissing: template.optional(),
    /** The phase status when the condition does not hold: `skipped_<skipReason>`. */
    skipReason: z.string().regex(/^[a-z0-9_]+$/, 'must be lowercase letters, digits or _, like no_infisical').optional(),
  })
  .strict()
  .refine(
    (c) => [c.flag, c.notFlag, c.envSet, c.envUnset, c.fileExists, c.fileMissing].some((v) => v !== undefined),
    'needs at least one of flag, notFlag, envSet, envUnset, fileExists or fileMissing',
  );

const runBody = {
  type: z.literal('run'),
  command: template,
  args: z.array(z.string()).default([]),
  /** Working directory template, relative to cwdBase; defaults to cwdBase. */
  cwd: template.optional(),
  /** Extra variables for this command (templates), on top of the run's environment. */
  env: z.record(envName, z.string()).default({}),
  timeoutSeconds: seconds(24 * 3600).default(900),
  /** Parse the last non-empty stdout line as JSON (the seed's PIN_UPDATE contract). */
  parseJson: z.literal('last-line', { errorMap: () => ({ message: "must be 'last-line' (the only supported mode)" }) }).optional(),
  /** Where the parsed JSON is recorded; `pins_applied` also feeds the result's pins_applied. */
  resultAs: z.enum(['json', 'pins_applied']).default('json'),
};

const envCheckBody = {
  type: z.literal('env-check'),
  require: z.array(envName).default([]),
  /** Variables required only while `when` holds (seed 004's INFISICAL gate). */
  groups: z.array(z.object({ when: conditionSchema, require: z.array(envName).min(1, 'must list at least one variable') }).strict()).default([]),
  /** What to do about a missing variable, e.g. "Source ~/.omnibase/.env before deploying." */
  hint: z.string().min(1).optional(),
};

const gitSyncBody = {
  type: z.literal('git-sync'),
  repos: z.array(template).min(1, 'must list at least one repository path'),
  timeoutSeconds: seconds(3600).default(300),
};

const healthBody = {
  type: z.literal('health'),
  /** name -> URL; each must answer 2xx before the deadline. */
  endpoints: z
    .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a short service name like omninode-runtime'), template)
    .refine((e) => Object.keys(e).length > 0, 'must name at least one endpoint, like omninode-runtime: http://localhost:8085/health'),
  deadlineSeconds: seconds(3600).default(60),
  intervalSeconds: seconds(300).default(2),
  requestTimeoutSeconds: seconds(300).default(5),
};

const versionCheckBody = {
  type: z.literal('version-check'),
  command: template,
  args: z.array(z.string()).default([]),
  cwd: template.optional(),
  env: z.record(envName, z.string()).default({}),
  /** Regex (multiline) whose first group is the installed version; default: the whole trimmed stdout. */
  outputPattern: z.string().min(1).optional(),
  /** Check only these of the requested packages (default: all of them). */
  packages: z.array(z.string().min(1)).optional(),
  timeoutSeconds: seconds(3600).default(60),
};

const notifyBody = {
  type: z.literal('notify'),
  /** Message template; `{pins}` and `{phases}` are available besides the usual placeholders. */
  template: z.string().min(1).optional(),
};

const worktreeBody = {
  type: z.literal('worktree'),
  /** The main repository the worktree belongs to. */
  repo: template,
  path: template,
  branch: template.default('{ticket}'),
  /** Fast-forward the main repository before creating a new worktree (the seed pulls main first). */
  pull: z.boolean().default(false),
  timeoutSeconds: seconds(3600).default(300),
};

const fluxReadyBody = {
  type: z.literal('flux-ready'),
  /** Kustomizations that must have applied their source's latest revision (Ready=True). */
  kustomizations: z.array(template).min(1, 'must list at least one Kustomization, like apps-papi'),
  namespace: z.string().min(1).default('flux-system'),
  /** Ask Flux to sync first (`flux reconcile kustomization <ks> --with-source`), so the check sees the latest commit. */
  reconcile: z.boolean().default(true),
  timeoutSeconds: seconds(3600).default(600),
};

const stepCommon = {
  when: conditionSchema.optional(),
  label: z.string().min(1).optional(),
};

const stepSchema = z.discriminatedUnion('type', [
  z.object({ ...stepCommon, ...runBody }).strict(),
  z.object({ ...stepCommon, ...envCheckBody }).strict(),
  z.object({ ...stepCommon, ...gitSyncBody }).strict(),
  z.object({ ...stepCommon, ...healthBody }).strict(),
  z.object({ ...stepCommon, ...versionCheckBody }).strict(),
]);

const phaseCommon = {
  name: z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'must be an UPPER_SNAKE phase name like PIN_UPDATE'),
  label: z.string().min(1).optional(),
  /** Run the phase only when this holds; otherwise it is `skipped_<skipReason>` (default `skipped_condition`). */
  when: conditionSchema.optional(),
  /** Extra flags that skip the phase, besides `--skip-<name>` (e.g. skip-dockerfile-update). */
  skipFlags: z.array(flagName).default([]),
  /** Part of verify-only mode. */
  verify: z.boolean().default(false),
};

export const phaseSchema = z.discriminatedUnion('type', [
  z.object({ ...phaseCommon, ...runBody }).strict(),
  z.object({ ...phaseCommon, ...envCheckBody }).strict(),
  z.object({ ...phaseCommon, ...gitSyncBody }).strict(),
  z.object({ ...phaseCommon, ...worktreeBody }).strict(),
  z.object({ ...phaseCommon, ...healthBody }).strict(),
  z.object({ ...phaseCommon, ...versionCheckBody }).strict(),
  z.object({ ...phaseCommon, ...notifyBody }).strict(),
  /** VERIFY through Flux: the environment's cluster (its `cluster:` settings) has applied the change. */
  z.object({ ...phaseCommon, ...fluxReadyBody }).strict(),
  /** Several checks as one phase (seed 004's VERIFY is health + version-check). */
  z.object({ ...phaseCommon, type: z.literal('sequence'), steps: z.array(stepSchema).min(1, 'must list at least one step') }).strict(),
]);

export const pipelineSchema = z
  .object({
    description: z.string().optional(),
    /** Defaults for variables the environment does not set (the seed's OMNI_HOME fallback). */
    envDefaults: z.record(envName, z.string()).default({}),
    /** More variables whose values are secrets, besides env-check names and names containing TOKEN, SECRET, PASSWORD or KEY. */
    redact: z.array(envName).default([]),
    /** How long a run's lock lives without a heartbeat (a dead worker's run can be resumed after it). */
    lockTtlSeconds: seconds(24 * 3600).default(300),
    phases: z.array(phaseSchema).min(1, 'must list at least one phase'),
  })
  .strict();

const pipelineKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be a pipeline name of letters, digits, -, . or _');

export const pipelineFileSchema = z
  .object({
    pipelines: z.record(pipelineKey, pipelineSchema).refine((p) => Object.keys(p).length > 0, 'must define at least one pipeline, e.g. pipelines: { runtime: { phases: [...] } }'),
    /** environment name -> pipeline name. */
    environments: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be an environment name'), z.string().min(1)).default({}),
    /** Used when neither a pipeline nor a mapped environment is given. */
    defaultPipeline: z.string().min(1).optional(),
  })
  .strict();

export type Condition = z.infer<typeof conditionSchema>;
export type PhaseDefinition = z.infer<typeof phaseSchema>;
export type StepDefinition = z.infer<typeof stepSchema>;
export type PipelineFile = z.infer<typeof pipelineFileSchema>;
export type PipelineBody = z.infer<typeof pipelineSchema>;

/** A validated pipeline, with its name. */
export interface PipelineDefinition extends PipelineBody {
  name: string;
}

export type PhaseOf<T extends PhaseDefinition['type']> = Extract<PhaseDefinition, { type: T }>;
export type StepOf<T extends StepDefinition['type']> = Extract<StepDefinition, { type: T }>;
