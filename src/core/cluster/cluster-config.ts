import { z } from 'zod';

/** Per environment: which cluster runs it, and whether rollbot follows changes into it. */
export const clusterSchema = z
  .object({
    /** A kubeconfig file (relative to the config file or absolute); omit with `inCluster: true`. */
    kubeconfig: z.string().min(1).optional(),
    /** The kubeconfig context; its current-context when omitted. */
    context: z.string().min(1).optional(),
    /** Use the pod's service account (rollbot running inside the cluster). */
    inCluster: z.boolean().default(false),
    /** Follow every rollout and release into the cluster until it runs (or fails). */
    follow: z.boolean().default(true),
    /** Ask Flux to sync at once, as `flux reconcile kustomization <ks> --with-source` does. */
    reconcile: z.boolean().default(true),
    /** Give up following after this long. */
    timeoutMinutes: z.number().positive().max(24 * 60).default(10),
  })
  .strict()
  .refine((c) => c.inCluster !== (c.kubeconfig !== undefined), {
    message: 'needs either `kubeconfig: <file>` (and optionally `context:`) or `inCluster: true`, not both',
  });

export type ClusterConfig = z.infer<typeof clusterSchema>;
