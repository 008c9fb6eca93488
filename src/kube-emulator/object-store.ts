import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { apiVersionOf, typeOf, type ResourceType } from './resources.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: WatchEventType;
  resourceVersion: number;
  resource: ResourceType;
  object: KubeObject;
}

type Listener = (event: StoredEvent) => void;

/** How many events the store remembers for watches that resume from a resourceVersion (etcd compaction). */
const HISTORY = 5_000;

const keyOf = (type: ResourceType, namespace: string | undefined, name: string) => `${type.plural}.${type.group}/${namespace ?? ''}/${name}`;

/**
 * The API server's storage: one resourceVersion sequence for all objects (as etcd's revision),
 * generation bumped on spec changes only, an event history for watches, and listeners for the
 * simulated controllers.
 */
export class ObjectStore {
  private readonly objects = new Map<string, { type: ResourceType; object: KubeObject }>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private revision = 100;

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResumable(): number {
    return this.history[0] ? this.history[0].resourceVersion - 1 : this.revision;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(type, namespace, name));
    return found ? structuredClone(found.object) : undefined;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const items: KubeObject[] = [];
    for (const entry of this.objects.values()) {
      if (entry.type !== type) continue;
      if (namespace !== undefined && entry.object.metadata.namespace !== namespace) continue;
      items.push(structuredClone(entry.object));
    }
    return items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  }

  /** Creates or replaces an object (the controllers' and seeders' apply); spec changes bump generation. */
  apply(input: KubeObject): KubeObject {
    const type = typeOf(input.kind);
    const key = keyOf(type, input.metadata.namespace, input.metadata.name);
    const existing = this.objects.get(key)?.object;
    const object = structuredClone(input);
    object.apiVersion = apiVersionOf(type);
    if (existing) {
      object.metadata = { ...existing.metadata, ...object.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp };
      object.metadata.generation = (existing.metadata.generation ?? 1) + (isDeepStrictEqual(existing.spec, object.spec) ? 0 : 1);
      if (object.status === undefined && existing.status !== undefined) object.status = existing.status;
      if (isDeepStrictEqual({ ...existing, metadata: { ...existing.metadata, resourceVersion: '' } }, { ...object, metadata: { ...object.metadata, resourceVersion: '' } })) {
        return structuredClone(existing);
      }
    } else {
      object.metadata = { ...object.metadata, uid: randomUUID(), generation: 1, creationTimestamp: new Date().toISOString() };
    }
    return this.commit(type, key, object, existing ? 'MODIFIED' : 'ADDED');
  }

  /** Read-modify-write of one object; returns undefined when it does not exist. */
  update(kind: string, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject | undefined {
    const current = this.get(typeOf(kind), namespace, name);
    if (!current) return undefined;
    change(current);
    return this.apply(current);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = keyOf(type, namespace, name);
    const existing = this.objects.get(key);
    if (!existing) return undefined;
    this.objects.delete(key);
    this.revision++;
    const object = structuredClone(existing.object);
    object.metadata.resourceVersion = String(this.revision);
    this.record({ type: 'DELETED', resourceVersion: this.revision, resource: type, object });
    return object;
  }

  /** Events after `resourceVersion`, or undefined when they were compacted away (410 Gone). */
  eventsSince(resourceVersion: number): StoredEvent[] | undefined {
    if (resourceVersion < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(type: ResourceType, key: string, object: KubeObject, kind: WatchEventType): KubeObject {
    this.revision++;
    object.metadata.resourceVersion = String(this.revision);
    this.objects.set(key, { type, object });
    this.record({ type: kind, resourceVersion: this.revision, resource: type, object: structuredClone(object) });
    return structuredClone(object);
  }

  private record(event: StoredEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    for (const listener of this.listeners) listener(event);
  }
}
