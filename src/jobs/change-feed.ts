import type { RedisClient } from './redis-connection.js';

/**
 * Tells every bot process that one of rollbot's Redis hashes changed (a lock taken, a channel
 * bound), so their in-process mirrors drop it. Plain pub/sub published by the writers: unlike
 * keyspace notifications it needs no server setting, which managed Redis often does not allow.
 */
export class ChangeFeed {
  static readonly CHANNEL = 'rollbot:changed';
  private readonly listeners = new Map<string, Set<() => void>>();
  private ready?: Promise<void>;

  constructor(
    private readonly publisher: RedisClient,
    /** A connection of its own: a subscribed connection can do nothing else. */
    private readonly subscriber: RedisClient,
  ) {}

  /** Subscribes once; mirrors built before it resolves simply read Redis until then. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      this.subscriber.on('message', (channel: string, key: string) => {
        if (channel === ChangeFeed.CHANNEL) for (const listener of this.listeners.get(key) ?? []) listener();
      });
      // A reconnect may have missed messages: everything is suspect after one.
      this.subscriber.on('ready', () => this.everything());
      await this.subscriber.subscribe(ChangeFeed.CHANNEL);
    })();
    return this.ready;
  }

  onChange(key: string, listener: () => void): void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
  }

  async changed(key: string): Promise<void> {
    await this.publisher.publish(ChangeFeed.CHANNEL, key);
  }

  private everything(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener();
  }

  stop(): void {
    this.subscriber.disconnect();
  }
}
