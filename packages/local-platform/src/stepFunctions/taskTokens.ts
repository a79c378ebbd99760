import { randomBytes } from 'node:crypto';

export type TaskOutcome =
  { kind: 'success'; output: string } | { kind: 'failure'; error: string | undefined; cause: string | undefined };

const PREFIX = 'AQLocalSfn1';

/**
 * Task tokens are opaque to callers; a fixed prefix plus 48 random bytes (base64url) lets the API tell a token
 * that was never issued (TaskDoesNotExist) from text that is not a token at all (InvalidToken), as AWS does.
 */
export function newTaskToken(): string {
  return PREFIX + randomBytes(48).toString('base64url');
}

export function isWellFormedToken(token: string): boolean {
  return token.startsWith(PREFIX) && /^[A-Za-z0-9_-]{64}$/.test(token.slice(PREFIX.length));
}

interface Waiter {
  deliver(outcome: TaskOutcome): void;
  heartbeat(): void;
}

/** Tasks currently waiting in this process for SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. */
export class TaskTokenWaiters {
  private readonly waiters = new Map<string, Waiter>();

  register(token: string, waiter: Waiter): void {
    this.waiters.set(token, waiter);
  }
  unregister(token: string): void {
    this.waiters.delete(token);
  }
  get(token: string): Waiter | undefined {
    return this.waiters.get(token);
  }
}
