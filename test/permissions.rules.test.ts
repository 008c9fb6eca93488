import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/core/config/load.js';
import { NotAllowedToAct, WrongChannelForEnvironment } from '../src/core/permissions/access-errors.js';
import { EnvironmentAccess } from '../src/core/permissions/environment-access.js';
import type { GroupMembership } from '../src/core/permissions/group-membership.js';

/** A membership port answering from a table, counting the questions asked. */
class TableMembership implements GroupMembership {
  asked = 0;
  constructor(private readonly groups: Record<string, string[]>) {}
  async isMember(group: string, user: string): Promise<boolean> {
    this.asked += 1;
    return this.groups[group]?.includes(user) ?? false;
  }
}

const env = { name: 'prod', rolloutBy: ['U1', 'S_SRE'], releaseBy: ['S_REL'], channels: ['C_OPS'] };

describe('environment access rules (core, no Slack)', () => {
  it('empty or absent lists allow anyone from anywhere, as before', async () => {
    const access = new EnvironmentAccess(new TableMembership({}));
    await expect(access.assertMay({ name: 'dev' }, 'rollout', { user: 'U9', channel: 'D9' })).resolves.toBeUndefined();
    await expect(access.assertMay({ name: 'dev', rolloutBy: [], channels: [] }, 'release', { user: 'U9', channel: 'C9' })).resolves.toBeUndefined();
  });

  it('a listed user needs no group lookup; a group member is found through the port', async () => {
    const groups = new TableMembership({ S_SRE: ['U2'] });
    const access = new EnvironmentAccess(groups);
    await access.assertMay(env, 'rollout', { user: 'U1', channel: 'C_OPS' });
    expect(groups.asked).toBe(0);
    await access.assertMay(env, 'rollout', { user: 'U2', channel: 'C_OPS' });
    expect(groups.asked).toBe(1);
  });

  it('a group Slack cannot answer for only matters when nothing else lets the user in', async () => {
    const failing: GroupMembership = {
      isMember: async (group, user) => {
        if (group === 'S_GONE') throw new Error('no_such_subteam');
        return group === 'S_OK' && user === 'U5';
      },
    };
    const access = new EnvironmentAccess(failing);
    expect(await access.isListed(['S_GONE', 'S_OK'], 'U5')).toBe(true);
    await expect(access.isListed(['S_GONE', 'S_OK'], 'U6')).rejects.toThrow('no_such_subteam');
  });

  it('rolloutBy and releaseBy are separate lists', async () => {
    const access = new EnvironmentAccess(new TableMembership({ S_REL: ['U3'] }));
    await access.assertMay(env, 'release', { user: 'U3', channel: 'C_OPS' });
    await expect(access.assertMay(env, 'rollout', { user: 'U3', channel: 'C_OPS' })).rejects.toThrow(
      'Only <@U1> or members of <!subteam^S_SRE> may roll out to `prod`.',
    );
    await expect(access.assertMay(env, 'release', { user: 'U1', channel: 'C_OPS' })).rejects.toBeInstanceOf(NotAllowedToAct);
  });

  it('locking (deploy) is for whoever may change the environment in a way it can be changed', async () => {
    const access = new EnvironmentAccess(new TableMembership({ S_REL: ['U3'] }));
    const both = { ...env, release: {} };
    await access.assertMay(both, 'deploy', { user: 'U3', channel: 'C_OPS' });
    await access.assertMay(both, 'deploy', { user: 'U1', channel: 'C_OPS' });
    await expect(access.assertMay(both, 'deploy', { user: 'U4', channel: 'C_OPS' }, 'lock')).rejects.toThrow(
      'Only <@U1>, members of <!subteam^S_SRE> or members of <!subteam^S_REL> may lock `prod` (those in its rolloutBy or releaseBy).',
    );
    // Releases only: releaseBy decides. An empty list of a way that exists means anyone.
    await expect(access.assertMay({ ...both, allowRollout: false }, 'deploy', { user: 'U1', channel: 'C_OPS' })).rejects.toBeInstanceOf(NotAllowedToAct);
    await access.assertMay({ ...both, releaseBy: [] }, 'deploy', { user: 'U4', channel: 'C_OPS' });
    // No release settings: an empty releaseBy does not open locks to everyone.
    await expect(access.assertMay({ ...env, releaseBy: [] }, 'deploy', { user: 'U4', channel: 'C_OPS' })).rejects.toBeInstanceOf(NotAllowedToAct);
  });

  it('the channel rule comes first and applies to every action, naming the channels', async () => {
    const access = new EnvironmentAccess(new TableMembership({}));
    const refusal = access.assertMay(env, 'use', { user: 'U1', channel: 'C_RANDOM' });
    await expect(refusal).rejects.toBeInstanceOf(WrongChannelForEnvironment);
    await expect(refusal).rejects.toThrow('`prod` may only be used from <#C_OPS>. Run the command there.');
  });

  it('the config refuses IDs that are not Slack IDs, saying which key', () => {
    expect(() => parseConfig({ environments: { dev: { fluxGitRepo: 'x', rolloutBy: ['alice'] } } }, 'rollbot.yaml')).toThrow(
      /environments\.dev\.rolloutBy\[0\].*Slack user ID \(U…\/W…\) or user-group ID \(S…\)/,
    );
    expect(() => parseConfig({ environments: { dev: { fluxGitRepo: 'x', channels: ['#deploys'] } } }, 'rollbot.yaml')).toThrow(
      /environments\.dev\.channels\[0\].*Slack channel ID like C0123ABCD/,
    );
  });
});
