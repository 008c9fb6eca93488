/**
 * GitHub, emulated at its HTTP boundary for Octokit and @octokit/auth-app: repositories, pull
 * requests, rate limits, token checks and App installation tokens. Used by the tests and local mode.
 */
export { GitHubEmulator, type GitHubEmulatorOptions, type InjectedGitHubFault } from './github-api-server.js';
export { GitHubState } from './github-state.js';
export { verifyAppJwt, AppJwtRejected } from './app-jwt.js';
export type * from './types.js';
