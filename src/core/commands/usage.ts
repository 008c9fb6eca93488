/** Usage text, shared by the help reply, parse errors and the README. */
export const USAGE: Record<string, string> = {
  rollout:
    '`/rollout <service> <pr> [--env <name>] [--sha <commit>] [--dry-run]` sets the image tag to `ps-<pr>-<sha7>` in the Flux repo, commits and pushes; `<pr>` may be the PR\'s branch instead, or left out to take your open PR from GitHub.',
  release:
    '`/release <service> <sha> [--env prod] [--tag <tag>] [--pr <n>]` checks the commit and its image, lists the commits since what prod runs, and asks for approval.',
  redeploy:
    '`/redeploy --versions "a=0.8.0,b=0.4.0" [--skip-sync] [--skip-<phase>] [--dry-run] [--verify-only] [--env <name>]`, `/redeploy --resume <run_id>`, `/redeploy list`, `/redeploy status <run_id>`.',
  rwenv: '`/rwenv list` shows environments, `/rwenv set <name>` binds this channel to one, `/rwenv cur` shows the binding.',
  services:
    '`/services` lists services, `/services <name>` shows one, `/services regenerate [--env <name>] [--save]` rebuilds the catalog from the Flux repo. Ask me "what namespace is papi in?" or "where is frontend defined in flux?".',
  flux: '`/flux get kustomizations|helmreleases|sources|all [--env <name>]`, `/flux reconcile|suspend|resume <kustomization|helmrelease|source> <name> [--env <name>]`.',
  lock: '`/lock <env> [duration] [reason]` (e.g. `/lock prod 2h db migration`) stops rollouts, releases and rollbacks by anyone else until `/unlock <env> [--force]` or the duration ends; `/locks` lists them.',
  status: '`/status <service> [--env <name>]` shows what runs now: the tag in git, the tag live in the cluster, pods ready, the last reconcile.',
  audit: '`/audit [service] [--limit 20]` shows the latest requests, votes, applies, rollbacks, locks, freezes and forced actions.',
  history: '`/history <service> [--env <name>] [--limit 10]` lists the tags the service had, newest first, with who asked and when; older rows have a Roll back button.',
  rollback: '`/rollback <service> [--env <name>] [--to <tag>] [--force]` sets the previous tag again (or the one named); release-only environments ask for approval first.',
  freeze: '`/freeze <env> <duration> [reason]` refuses rollouts, releases and rollbacks for a while (`--force` by break-glass people goes through); `/unfreeze <env>`; `/freezes` lists freezes in force and coming.',
  help: '`/rollbot help` shows this list.',
};

export function usageText(topic?: string): string {
  if (topic && USAGE[topic]) return USAGE[topic]!;
  return ['*rollbot commands*', ...Object.values(USAGE).map((line) => `• ${line}`)].join('\n');
}
