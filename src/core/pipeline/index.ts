/** The redeploy pipeline engine: definitions, the runner, state stores and helpers for adapters. */
export { parseRedeployArgs, type RedeployArgs } from './args.js';
export { loadPipelineFile, parsePipeline, parsePipelineFile, parsePipelineYaml, selectPipeline } from './definition.js';
export type { Condition, PhaseDefinition, PipelineDefinition, PipelineFile, StepDefinition } from './definition-schema.js';
export { planDryRun, type DryRunPlan } from './dry-run.js';
export * from './errors.js';
export { FileRunStateStore } from './file-state-store.js';
export { knownFlags, skipFlagsOf, type RedeployFlags } from './flags.js';
export { formatRunLine, listRecentRuns } from './list.js';
export { MemoryRunStateStore } from './memory-state-store.js';
export type { Notifier, RedeployNotification } from './notifier.js';
export { progressSnapshot } from './phase-progress.js';
export { Redactor, redactorFor, secretNamesOf, SECRET_NAME } from './redaction.js';
export { resumeCommand, skillResultJson, type RedeployResult } from './result.js';
export { isRunId, newRunId, validateRunId } from './run-id.js';
export { runPipeline, type RunPipelineOptions } from './runner.js';
export type { PhaseRecord, PhaseStatus, RunState, RunStateStore, RunStatus } from './state.js';
export { formatPins, formatVersions, parseVersions, type VersionPin } from './versions.js';
