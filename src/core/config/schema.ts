import { z } from 'zod';
import { githubSchema, jiraSchema, releaseSchema } from '../release/release-config.js';
import { gitCredentialsShape } from '../credentials/credentials-config.js';
import { accessRulesShape } from '../permissions/access-rules.js';
import { freezeSchema, lockSettingsSchema } from '../guard/freeze-config.js';
import { clusterSchema } from '../cluster/cluster-config.js';

const serviceName = z.string().regex(/^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/, 'must be a lowercase service name like papi');

export const serviceOverrideSchema = z
  .object({
    /** Git URL or local path of the service's source repository. */
    sourceRepo: z.string().min(1).optional(),
    /** Path of the file or folder in the Flux repo, relative to its root (wins over discovery). */
    fluxPath: z.string().min(1).optional(),
    /** The container (or app-template controller) whose image a rollout sets, when a release has several. */
    container: z.string().min(1).optional(),
    /** Key path of the image in the service's own object, for custom resources (e.g. spec.imageName). */
    imagePath: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+|\[\d+\])*$/, 'must be a dotted key path like spec.imageName')
      .optional(),
    /** The Flux ImagePolicy whose setter markers (`# {"$imagepolicy": "ns:<policy>"}`) are the service's image. */
    imagePolicy: z.string().min(1).optional(),
    /** owner/name on GitHub whose pull requests `/rollout <service>` offers (when sourceRepo is not a GitHub URL). */
    githubRepo: z.string().min(1).optional(),
  })
  .strict();

const ENV_VAR_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const redeploySchema = z
  .object({
    /** A pipeline YAML file (see examples/redeploy-seed004.yaml), relative to the config file. */
    pipelines: z.string().min(1),
    /** Which pipeline of the file; by default the one named after the environment, or the only one. */
    pipeline: z.string().min(1).optional(),
    /** Relative paths in the pipeline resolve against this folder. */
    workdir: z.string().min(1).default('.'),
    /** KEY=VALUE lines read before every run (seed 004's `source ~/.omnibase/.env`). */
    envFile: z.string().min(1).optional(),
    /** Worker variables the pipeline's commands may see (nothing else is passed on). */
    passEnv: z.array(ENV_VAR_NAME).default([]),
    /** Completion notifications also go to this channel. */
    notifyChannel: z.string().regex(/^[CGD][A-Z0-9_]+$/, 'must be a Slack channel ID like C0123ABCD').optional(),
    /** …and are POSTed as JSON to this URL (e.g. a Slack incoming webhook). */
    webhookUrl: z.string().url().optional(),
    /** Also mirror each run's state to a JSON file here, written atomically as the seed does. */
    stateDir: z.string().min(1).optional(),
  })
  .strict();

export const environmentSchema = z
  .object({
    fluxGitRepo: z.string({ required_error: 'is required: the git URL or local path of the Flux repo' }).min(1),
    branch: z.string().min(1).default('main'),
    readOnly: z.boolean().default(false),
    /** Only search below this folder of the Flux repo (e.g. clusters/rdebug). */
    fluxRoot: z.string().min(1).optional(),
    /** A services-catalog.json (seed 003 format), relative to the config file or absolute. */
    catalog: z.string().min(1).optional(),
    /** Where `/services regenerate` commits the catalog (GitOps: e.g. Flux then ships it as a ConfigMap). */
    catalogRepo: z
      .object({
        url: z.string().min(1),
        branch: z.string().min(1).default('main'),
        path: z.string().min(1).default('services-catalog.json'),
      })
      .strict()
      .optional(),
    /** Where a service's source lives: a git URL or path with `{service}`, e.g. https://github.com/acme/{service}.git */
    sourceRepo: z.string().min(1).optional(),
    /** GitHub owner/name with `{service}` (e.g. acme/{service}) whose open PRs `/rollout <service>` offers. */
    githubRepo: z.string().min(1).optional(),
    /** Kustomization named in the `flux reconcile` hint when the catalog does not say. */
    kustomization: z.string().min(1).default('flux-system'),
    services: z.record(serviceName, serviceOverrideSchema).default({}),
    /** For `/flux get|reconcile`: the cluster behind this environment. */
    kubeconfig: z.string().min(1).optional(),
    kubeContext: z.string().min(1).optional(),
    fluxNamespace: z.string().min(1).default('flux-system'),
    /** false: `/rollout` is refused here; changes come through approved `/release`s only. */
    allowRollout: z.boolean().default(true),
    /** `/release` settings: registry, tag template, approval policy, direct push or PR. */
    release: releaseSchema.optional(),
    /** `/redeploy` settings: which pipeline, where it runs, what it sees, whom it tells. */
    redeploy: redeploySchema.optional(),
    /** Who may act here and from which channels: rolloutBy, releaseBy, channels (empty: anyone, anywhere). */
    ...accessRulesShape,
    /** Change freezes: recurring windows, fixed ranges, and who may `--force` through them. */
    freeze: freezeSchema.optional(),
    /** The cluster this environment runs on: rollbot follows each change into it until it is live. */
    cluster: clusterSchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Clones and state live here; relative to the config file. */
    dataDir: z.string().min(1).default('.rollbot/data'),
    git: z
      .object({
        authorName: z.string().min(1).default('rollbot'),
        authorEmail: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address like rollbot@example.com').default('rollbot@localhost'),
        pushAttempts: z.number().int().min(1).max(20).default(5),
        /** A rollout within this long of the worker's last fetch or push builds on that head without fetching (0: always fetch). */
        reuseHeadSeconds: z.number().min(0).max(300).default(5),
        ...gitCredentialsShape,
      })
      .strict()
      .default({}),
    defaultEnvironment: z.string().min(1).optional(),
    /** The flux CLI used by `/flux`; a name on PATH or an absolute path. */
    fluxCli: z.string().min(1).default('flux'),
    /** For release PRs (pull-request mode). */
    github: githubSchema.optional(),
    /** Optional release tickets (seed 001). */
    jira: jiraSchema.optional(),
    /** `/lock` settings (a default duration after which locks expire by themselves). */
    locks: lockSettingsSchema.default({}),
    environments: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be letters, digits, -, . or _'), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, 'needs at least one environment, e.g. environments: { dev: { fluxGitRepo: ... } }'),
  })
  .strict();

export type RollbotConfig = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema> & { name: string };
export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;
