/** A PutEvents entry as the caller sent it (PascalCase members). */
export type PutEventsEntry = Record<string, unknown>;

export interface PutEventsFault {
  /** How many matching entries fail. */
  count: number;
  /** The per-entry ErrorCode, e.g. InternalFailure or ThrottlingException (the retryable ones). */
  errorCode: string;
  errorMessage?: string;
  /** Which entries the fault applies to (all when absent). */
  when?: (entry: PutEventsEntry) => boolean;
}

/**
 * Test hook: makes the next matching PutEvents entries fail with a chosen per-entry error, so callers' partial
 * failure handling (resend only the failed entries) can be exercised. Faults apply to entries that are otherwise
 * valid, in the order they were injected.
 */
export class PutEventsFaults {
  private readonly pending: { fault: PutEventsFault; left: number }[] = [];

  inject(fault: PutEventsFault): void {
    if (!Number.isInteger(fault.count) || fault.count < 1)
      throw new RangeError(`injectPutEventsFaults needs a count >= 1, got ${fault.count}`);
    if (!fault.errorCode) throw new RangeError('injectPutEventsFaults needs an errorCode (e.g. InternalFailure).');
    this.pending.push({ fault, left: fault.count });
  }

  /** The fault for this entry, consuming one of its count, or undefined. */
  take(entry: PutEventsEntry): { ErrorCode: string; ErrorMessage: string } | undefined {
    const i = this.pending.findIndex((p) => !p.fault.when || p.fault.when(entry));
    if (i < 0) return undefined;
    const p = this.pending[i];
    if (--p.left === 0) this.pending.splice(i, 1);
    return {
      ErrorCode: p.fault.errorCode,
      ErrorMessage: p.fault.errorMessage ?? `Injected fault: ${p.fault.errorCode} (local test hook).`,
    };
  }
}
