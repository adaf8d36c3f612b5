/** Which file of a picture: its thumbnail or the full image. */
export type PictureSize = 'thumb' | 'full';

/** How many pictures are fetched at once at most: a page of photos streams in, never all at once. */
export const PICTURES_IN_FLIGHT = 4;

/**
 * Reads proof pictures from `/pictures` with the game master's token in the `Authorization` header (the
 * server refuses a token in the URL), at most {@link PICTURES_IN_FLIGHT} at a time, the rest queued in
 * the order asked for. Each picture becomes an object URL, kept until `dispose` (thumbnails) or `release`
 * (a full image, once its dialog closes).
 */
export class PictureLoader {
  private readonly urls = new Map<string, Promise<string>>();
  private readonly queue: (() => void)[] = [];
  private inFlight = 0;

  constructor(
    private readonly token: () => string | undefined,
    private readonly limit = PICTURES_IN_FLIGHT,
  ) {}

  /** The object URL of a picture, fetched once. */
  load(id: number, size: PictureSize): Promise<string> {
    const key = `${id}/${size}`;
    let url = this.urls.get(key);
    if (url === undefined) {
      url = this.whenFree(() => this.fetchPicture(id, size));
      // A failed read is not kept: the next look tries again.
      url.catch(() => this.urls.delete(key));
      this.urls.set(key, url);
    }
    return url;
  }

  /** Lets go of one picture's bytes. */
  release(id: number, size: PictureSize): void {
    const key = `${id}/${size}`;
    void this.urls.get(key)?.then(
      (url) => URL.revokeObjectURL(url),
      () => undefined,
    );
    this.urls.delete(key);
  }

  /** Lets go of every picture's bytes. */
  dispose(): void {
    for (const url of this.urls.values())
      void url.then(
        (u) => URL.revokeObjectURL(u),
        () => undefined,
      );
    this.urls.clear();
  }

  private async fetchPicture(id: number, size: PictureSize): Promise<string> {
    const token = this.token();
    if (token === undefined) throw new Error('Not logged in.');
    const path = size === 'thumb' ? `/pictures/${id}/thumb` : `/pictures/${id}`;
    const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`Picture ${id}: HTTP ${response.status}.`);
    return URL.createObjectURL(await response.blob());
  }

  private whenFree<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        this.inFlight++;
        work()
          .then(resolve, reject)
          .finally(() => {
            this.inFlight--;
            this.queue.shift()?.();
          });
      };
      if (this.inFlight < this.limit) run();
      else this.queue.push(run);
    });
  }
}
