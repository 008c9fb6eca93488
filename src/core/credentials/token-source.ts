/**
 * Where a credential comes from when it is needed: a fixed token from an environment variable, or
 * a GitHub App installation token that is renewed before it expires. Core asks; adapters answer.
 */
export interface TokenSource {
  /** A token valid for at least a few minutes more. */
  token(): Promise<string>;
  /** Names the source in sentences, never the secret: "the token in $GITHUB_TOKEN". */
  readonly description: string;
}

export class StaticTokenSource implements TokenSource {
  constructor(
    private readonly value: string,
    readonly description: string,
  ) {}

  async token(): Promise<string> {
    return this.value;
  }
}
