import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/core/commands/tokenize.js';
import { parseRedeployArgs } from '../src/core/pipeline/args.js';

describe('parseRedeployArgs', () => {
  it("splits seed 004's arguments into runner options and pipeline flags", () => {
    expect(
      parseRedeployArgs(tokenize('staging --versions "omniintelligence=0.8.0,omninode-claude=0.4.0" --skip-sync --skip-dockerfile-update --worktree-ticket OPS-1 --dry-run')),
    ).toEqual({
      versions: 'omniintelligence=0.8.0,omninode-claude=0.4.0',
      dryRun: true,
      verifyOnly: false,
      flags: { 'skip-sync': true, 'skip-dockerfile-update': true, 'worktree-ticket': 'OPS-1' },
      positionals: ['staging'],
    });
    expect(parseRedeployArgs(tokenize('--resume redeploy-20260301-abc123 --versions=a=1 --verify-only'))).toMatchObject({
      resume: 'redeploy-20260301-abc123',
      versions: 'a=1',
      verifyOnly: true,
    });
  });

  it('explains a flag missing its value, a valued switch and a repeated --versions', () => {
    expect(() => parseRedeployArgs(['--versions'])).toThrow('--versions needs a value, for example --versions "omniintelligence=0.8.0,omninode-claude=0.4.0".');
    expect(() => parseRedeployArgs(['--resume', '--dry-run'])).toThrow('--resume needs a value, for example --resume redeploy-20260301-abc123.');
    expect(() => parseRedeployArgs(['--dry-run=yes'])).toThrow('--dry-run is a switch and takes no value; write just --dry-run.');
    expect(() => parseRedeployArgs(['--versions', 'a=1', '--versions', 'b=2'])).toThrow('--versions is given twice.');
  });
});
