import type { ProtocolError } from '../../../src/protocol/errors.js';
import {
  isFinished,
  type ActionDraft,
  type CommandAction,
  type OutboxEntry,
  type PhotoAction,
} from './actions.js';

/** The server's answer to an action. */
export type Answer = { ok: true; result: unknown } | { ok: false; error: ProtocolError };

/** Where the outbox keeps its entries (IndexedDB on the phone, memory in tests). */
export interface OutboxStore {
  all(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  delete(id: string): Promise<void>;
}

/** A send that could not reach the server: the action is sent again later, under the same id. */
export class Unreachable extends Error {}

/** How actions reach the server. */
export interface OutboxSenders {
  /** Whether a command sent now goes out on a live connection. */
  connected(): boolean;
  /** Sends a command under the action's id; rejects with Unreachable when the connection is lost. */
  command(action: CommandAction): Promise<Answer>;
  /** Uploads a photo with the action's id as its key; rejects with Unreachable on network failure. */
  photo(action: PhotoAction, progress: (fraction: number) => void): Promise<Answer>;
}

export interface OutboxOptions {
  readonly store: OutboxStore;
  readonly senders: OutboxSenders;
  /** A new request id, unique for this device's client id. */
  readonly newId: () => string;
  readonly now: () => number;
  /** Called with every entry after each change. */
  readonly onChange?: (entries: readonly OutboxEntry[]) => void;
  /** Called with the entry and answer each time the server accepts an action. */
  readonly onDone?: (entry: OutboxEntry, result: unknown) => void;
  /** Called with each photo upload's progress, 0–1. */
  readonly onProgress?: (id: string, fraction: number) => void;
}

/** How many finished actions stay listed (locations are dropped as soon as they are answered). */
const KEEP_FINISHED = 30;

/**
 * The offline outbox (D24): every action is stored with its request id before anything is sent, and
 * sent — again, under that same id — until the server answers, across tunnels, reloads and killed apps.
 * The server answers a repeated id with its first answer, so each action takes effect once. Commands go
 * out in the order they were made; a photo waits for the action that creates its period.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private flushing: Promise<void> | undefined;
  private again = false;
  private pumping: Promise<void> | undefined;

  constructor(private readonly options: OutboxOptions) {}

  /** Loads what a previous run left (also actions it had sent but not heard back about). */
  async load(): Promise<void> {
    this.entries = (await this.options.store.all()).sort((a, b) => a.createdAt - b.createdAt);
    this.changed();
  }

  get all(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** Stores an action (durably, before anything is sent) and starts sending. */
  async add(draft: ActionDraft): Promise<OutboxEntry> {
    const entry = {
      ...draft,
      id: this.options.newId(),
      createdAt: this.options.now(),
      state: 'queued',
    } as OutboxEntry;
    await this.options.store.put(entry);
    this.entries = [...this.entries, entry];
    this.changed();
    void this.kick();
    return entry;
  }

  /**
   * Sends whatever is waiting (call it when the connection comes back). Resolves when the commands are
   * answered or the connection is gone; photos upload beside them, so that no command waits for a photo.
   */
  kick(): Promise<void> {
    void this.pumpPhotos();
    if (this.flushing !== undefined) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.again = false;
        await this.flushCommands();
      } while (this.again);
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Resolves once every photo that can be uploaded now has been tried. */
  async photosSettled(): Promise<void> {
    await this.pumping;
  }

  /** Removes a finished action from the list. */
  async dismiss(id: string): Promise<void> {
    await this.options.store.delete(id);
    this.entries = this.entries.filter((e) => e.id !== id);
    this.changed();
  }

  private async flushCommands(): Promise<void> {
    await this.refuseOrphanedPhotos();
    const commands = this.entries.filter((e): e is CommandAction => e.kind !== 'photo' && !isFinished(e));
    await this.sendCommands(commands);
    await this.prune();
    void this.pumpPhotos();
  }

  /** Uploads the photos that are ready, one at a time. */
  private pumpPhotos(): Promise<void> {
    this.pumping ??= (async () => {
      for (;;) {
        const photo = this.entries.find((e): e is PhotoAction => e.kind === 'photo' && this.photoReady(e));
        if (photo === undefined || !(await this.upload(photo))) return;
      }
    })().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  /** Sends the commands in order (one frame each, pipelined); the server applies them in that order. */
  private async sendCommands(commands: readonly CommandAction[]): Promise<void> {
    if (commands.length === 0 || !this.options.senders.connected()) return;
    for (const action of commands)
      if (action.state === 'queued') await this.update({ ...action, state: 'sent' });
    const sends = commands.map((action) =>
      this.options.senders.command(action).then(
        (answer) => this.answered(action, answer),
        (error: unknown) => {
          if (!(error instanceof Unreachable)) throw error;
        },
      ),
    );
    await Promise.all(sends);
  }

  private photoReady(photo: PhotoAction): boolean {
    if (isFinished(photo)) return false;
    return photo.after === null || this.entries.find((e) => e.id === photo.after)?.state === 'done';
  }

  /** Uploads one photo; false when the server could not be reached (it stays queued). */
  private async upload(photo: PhotoAction): Promise<boolean> {
    try {
      await this.update({ ...photo, state: 'sent' });
      const answer = await this.options.senders.photo(photo, (f) => this.options.onProgress?.(photo.id, f));
      await this.answered(photo, answer);
      return true;
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      await this.update({ ...photo, state: 'queued' });
      return false;
    }
  }

  /** A photo whose period will never exist (its completion was refused or dismissed) cannot be sent. */
  private async refuseOrphanedPhotos(): Promise<void> {
    for (const photo of this.entries) {
      if (photo.kind !== 'photo' || isFinished(photo) || photo.after === null) continue;
      const before = this.entries.find((e) => e.id === photo.after);
      if (before === undefined || before.state === 'refused') {
        const error = before?.error ?? { code: 'NOT_FOUND', message: 'The action it belongs to is gone.' };
        await this.update({ ...photo, state: 'refused', error });
      }
    }
  }

  private async answered(entry: OutboxEntry, answer: Answer): Promise<void> {
    if (answer.ok) {
      await this.update({ ...entry, state: 'done' });
      this.options.onDone?.(entry, answer.result);
    } else {
      await this.update({
        ...entry,
        state: 'refused',
        error: { code: answer.error.code, message: answer.error.message },
      });
    }
  }

  private async update(entry: OutboxEntry): Promise<void> {
    const current = this.entries.find((e) => e.id === entry.id);
    // A finished action stays finished (a late duplicate answer changes nothing).
    if (current === undefined || isFinished(current)) return;
    await this.options.store.put(entry);
    this.entries = this.entries.map((e) => (e.id === entry.id ? entry : e));
    this.changed();
  }

  /** Answered locations go at once; other finished actions stay listed until there are too many. */
  private async prune(): Promise<void> {
    const finished = this.entries.filter(isFinished);
    const drop = new Set([
      ...finished.filter((e) => e.kind === 'location' && e.state === 'done').map((e) => e.id),
      ...finished
        .filter((e) => e.kind !== 'location')
        .slice(0, -KEEP_FINISHED)
        .map((e) => e.id),
    ]);
    // A completion stays while its photo still waits for it.
    for (const e of this.entries)
      if (e.kind === 'photo' && !isFinished(e) && e.after !== null) drop.delete(e.after);
    if (drop.size === 0) return;
    for (const id of drop) await this.options.store.delete(id);
    this.entries = this.entries.filter((e) => !drop.has(e.id));
    this.changed();
  }

  private changed(): void {
    this.options.onChange?.(this.entries);
  }
}
