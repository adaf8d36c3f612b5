import type { SqliteStore } from '../store/sqlite-store.js';
import type {
  AnsweredKey,
  LatestLocation,
  LoggedBroadcast,
  MutableState,
  Store,
  StoreStatus,
  StoreWriter,
} from '../store/store.js';

/**
 * The owner's store in a cluster: everything is read from the node's own SQLite copy (kept current by the
 * writer), and the one writer is the cluster's (`openWriter`), which appends to JetStream first.
 */
export class ClusterStore implements Store {
  readonly backupsDir: string;

  constructor(
    private readonly local: SqliteStore,
    private readonly writer: (busyTimeoutMs?: number) => StoreWriter,
  ) {
    this.backupsDir = local.backupsDir;
  }

  load(): MutableState {
    return this.local.load();
  }

  reading(work: () => void): void {
    this.local.reading(work);
  }

  answeredKeysAfter(after: AnsweredKey | undefined, limit: number): AnsweredKey[] {
    return this.local.answeredKeysAfter(after, limit);
  }

  keptAnswer(client: string, request: string): string | undefined {
    return this.local.keptAnswer(client, request);
  }

  broadcastsSince(stream: string, seq: number, limit: number): LoggedBroadcast[] {
    return this.local.broadcastsSince(stream, seq, limit);
  }

  prunedThrough(stream: string): number {
    return this.local.prunedThrough(stream);
  }

  latestLocations(): LatestLocation[] {
    return this.local.latestLocations();
  }

  readBlob(key: string, offset: number, length: number): Buffer | undefined {
    return this.local.readBlob(key, offset, length);
  }

  status(): StoreStatus {
    return this.local.status();
  }

  openWriter(busyTimeoutMs?: number): StoreWriter {
    return this.writer(busyTimeoutMs);
  }

  checkpoint(): void {
    this.local.checkpoint();
  }

  close(): void {
    this.local.close();
  }
}
