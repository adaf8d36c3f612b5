/** A wait that ran out: what it waited for did not settle in time. */
export class DeadlinePassed extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms.`);
    this.name = 'DeadlinePassed';
  }
}

/**
 * Resolves as `work` does, or rejects with `DeadlinePassed` after `ms`. For NATS calls without a timeout
 * of their own (listing a bucket's keys iterates a consumer, which can wait for ever on a connection that
 * was cut), so that a lease tick or a node's start over never hangs on one.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const passed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed(what, ms)), ms);
  });
  return Promise.race([work, passed]).finally(() => clearTimeout(timer));
}
