import type { CommitInfo } from './commit-range.js';
import type { ReleasePlan } from './release-plan.js';

const short = (sha: string) => sha.slice(0, 12);

function commitLines(commits: CommitInfo[], moreCount: number): string[] {
  const lines = commits.map((c) => `- ${c.subject} (${c.sha.slice(0, 7)})`);
  if (moreCount > 0) lines.push(`- and ${moreCount} more`);
  return lines;
}

/** One line on where prod stands, so an approver sees a rollback before approving it. */
function directionLine(plan: ReleasePlan): string | null {
  const removed = plan.removedCommits.length + plan.removedMoreCount;
  switch (plan.direction) {
    case 'same':
      return `Prod already runs commit ${short(plan.toSha)}; this release only changes the tag to ${plan.toTag}.`;
    case 'backwards':
      return `Warning: this release goes backwards. ${short(plan.toSha)} is older than what prod runs, so ${removed} commit${removed === 1 ? '' : 's'} will be rolled back.`;
    case 'unrelated':
      return `Warning: ${short(plan.toSha)} is not a descendant of prod's commit (another branch?), so ${removed} commit${removed === 1 ? '' : 's'} prod has will be dropped.`;
    case 'unknown':
      return plan.fromNote ?? null;
    default:
      return null;
  }
}

/**
 * Seed 001's release summary as plain text (the Slack renderer and the PR/ticket body use it as is):
 * From (current prod), To, the commits included, the image digest.
 */
export function releaseSummaryText(plan: ReleasePlan): string {
  const from = plan.fromSha
    ? `From: ${short(plan.fromSha)} (current prod, tag ${plan.fromTag})`
    : `From: ${plan.fromTag ?? '(nothing deployed)'} (current prod)`;
  const lines = [`Release Summary: ${plan.service} to ${plan.env}`, '', from, `To: ${short(plan.toSha)} (tag ${plan.toTag})`];
  const direction = directionLine(plan);
  if (direction) lines.push('', direction);
  const included = plan.commits.length + plan.moreCount;
  if (plan.direction === 'forward' || plan.direction === 'unrelated') {
    lines.push('', `Commits included (${included}):`, ...commitLines(plan.commits, plan.moreCount));
  }
  if (plan.removedCommits.length > 0) {
    const removed = plan.removedCommits.length + plan.removedMoreCount;
    lines.push('', `Commits rolled back (${removed}):`, ...commitLines(plan.removedCommits, plan.removedMoreCount));
  }
  lines.push('', `Image: ${plan.image.ref}`, `Digest: ${plan.image.digest}`, `File: ${plan.file}`);
  return lines.join('\n');
}
