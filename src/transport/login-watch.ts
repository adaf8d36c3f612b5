import type { LoginAttempt, LoginThrottle } from './login-throttle.js';

/** A login's answer is small (a token and a player); larger responses are not looked at. */
const MAX_LOGIN_ANSWER_CHARS = 64 * 1024;

/**
 * One connection's logins on their way through the engine (LIMIT-8): each is charged to the throttle
 * before it runs, and its response, as it leaves, says whether it succeeded (the charge is given back)
 * or failed (the charge stays; the runtime's observer logs the failure). The engine and the runtime know
 * nothing of it.
 */
export class LoginWatch {
  private readonly pending = new Map<string, LoginAttempt>();

  constructor(private readonly throttle: LoginThrottle) {}

  /** A login request is about to run: 0 if it may, else the milliseconds to wait first. */
  start(requestId: string, attempt: LoginAttempt): number {
    const wait = this.throttle.attempt(attempt);
    if (wait === 0) this.pending.set(requestId, attempt);
    return wait;
  }

  /** Every response frame of the connection passes by here. */
  seen(frame: string): void {
    if (this.pending.size === 0 || frame.length > MAX_LOGIN_ANSWER_CHARS) return;
    const answer = JSON.parse(frame) as { id?: string; ok?: boolean };
    const attempt = answer.id === undefined ? undefined : this.pending.get(answer.id);
    if (attempt === undefined || answer.id === undefined) return;
    this.pending.delete(answer.id);
    if (answer.ok === true) this.throttle.succeeded(attempt);
  }
}
