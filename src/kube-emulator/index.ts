/**
 * Kubernetes, emulated at its HTTP boundary: the API paths @kubernetes/client-node calls (get, list,
 * watch, merge patch) for Flux's sources, Kustomizations and HelmReleases, workloads and pods, with a
 * simulated Flux (real git fetches) and kubelet (image pulls asked of a real registry).
 */
export { KubeEmulator, type FluxBootstrap, type KubeEmulatorOptions } from './kube-emulator.js';
export type { ApiRequestRecord } from './api-server.js';
export type { KubeObject } from './object-store.js';
export type { CrashSpec } from './workload-controller.js';
export type { PolicyRule } from './rbac.js';
export { parseImage } from './image-puller.js';
