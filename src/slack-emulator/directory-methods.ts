import { fail, stringArg, type MethodHandler } from './method-context.js';

const authTest: MethodHandler = (_args, ctx) => {
  const id = ctx.identity;
  return {
    ok: true,
    url: `https://${id.teamDomain}.slack.com/`,
    team: id.teamName,
    user: id.botName,
    team_id: id.teamId,
    user_id: id.botUserId,
    bot_id: id.botId,
    is_enterprise_install: false,
  };
};

const usersInfo: MethodHandler = (args, ctx) => {
  const id = stringArg(args, 'user');
  if (!id) return fail('user_not_found');
  const user = ctx.directory.user(id);
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: ctx.identity.teamId,
      name: user.name,
      real_name: user.realName,
      deleted: false,
      is_bot: user.isBot,
      is_admin: false,
      tz: 'Etc/UTC',
      profile: { display_name: user.name, real_name: user.realName },
    },
  };
};

const usergroupUsers: MethodHandler = (args, ctx) => {
  const id = stringArg(args, 'usergroup');
  const members = id ? ctx.directory.usergroup(id) : undefined;
  if (!members) return fail('no_such_subteam');
  return { ok: true, users: members };
};

export const directoryMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupUsers,
};
