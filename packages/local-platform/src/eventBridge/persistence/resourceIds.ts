import { randomUUID } from 'node:crypto';

/**
 * Where the random part of connection and API destination ARNs comes from. Normally random; while the API journal
 * is replayed after a restart, the ids the original calls drew, so every ARN (and every target naming one) comes
 * back the same.
 */
export class ResourceIds {
  private replaying: string[] | undefined;
  private drawn: string[] = [];

  next(): string {
    const id = this.replaying?.shift() ?? randomUUID();
    this.drawn.push(id);
    return id;
  }

  /** The ids drawn since the last call: what the journal records with the operation that drew them. */
  take(): string[] {
    const ids = this.drawn;
    this.drawn = [];
    return ids;
  }

  /** Runs `operation` drawing `ids` in order (a replayed journal entry). */
  replay<T>(ids: readonly string[], operation: () => T): T {
    this.replaying = [...ids];
    try {
      return operation();
    } finally {
      this.replaying = undefined;
      this.drawn = [];
    }
  }
}
