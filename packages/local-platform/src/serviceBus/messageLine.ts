import type { StoredMessage } from './message';

/**
 * Receivable messages in sequence-number order, taken from the front. An array with a moving head: taking is O(1)
 * (an array's shift moves every element, which made draining a queue of n messages cost n²/2 moves), and the
 * taken slots are dropped once they are half the array. A message put back (abandon, lock expiry) goes to its
 * place by binary search.
 */
export class MessageLine {
  private items: StoredMessage[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The next message to take, without taking it. */
  first(): StoredMessage | undefined {
    return this.items[this.head];
  }

  take(): StoredMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const message = this.items[this.head];
    this.items[this.head++] = undefined as unknown as StoredMessage;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return message;
  }

  insert(message: StoredMessage): void {
    const list = this.items;
    if (this.head === list.length || list[list.length - 1].sequenceNumber < message.sequenceNumber) {
      list.push(message);
      return;
    }
    let lo = this.head;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].sequenceNumber < message.sequenceNumber) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.head && this.head > 0) {
      // Back in front: reuse the slot the last take left.
      list[--this.head] = message;
      return;
    }
    list.splice(lo, 0, message);
  }

  /** Removes and returns the messages `expired` says are; keeps the rest in order. */
  removeWhere(expired: (m: StoredMessage) => boolean): StoredMessage[] {
    const out: StoredMessage[] = [];
    const kept: StoredMessage[] = [];
    for (let i = this.head; i < this.items.length; i++) (expired(this.items[i]) ? out : kept).push(this.items[i]);
    if (out.length) {
      this.items = kept;
      this.head = 0;
    }
    return out;
  }

  *[Symbol.iterator](): IterableIterator<StoredMessage> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }
}
