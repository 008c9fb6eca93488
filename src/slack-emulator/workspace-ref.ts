/** Workspace facts every payload Slack sends to an app carries. */
export interface WorkspaceRef {
  teamId: string;
  teamDomain: string;
  apiAppId: string;
  /** The legacy verification token Slack still puts in payloads (Bolt ignores it). */
  verificationToken: string;
  botUserId: string;
}

/** The `user` object of interactive payloads. */
export function payloadUser(ws: WorkspaceRef, id: string, name: string): Record<string, string> {
  return { id, username: name, name, team_id: ws.teamId };
}

export function payloadTeam(ws: WorkspaceRef): Record<string, string> {
  return { id: ws.teamId, domain: ws.teamDomain };
}
