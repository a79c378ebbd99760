const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Spaces calls to at most `perSecond` (Infinity: no spacing). AWS throttles DescribeExecution and
 * GetExecutionHistory per account and region (a bucket of a few dozen, refilled at ~15 a second); a listing that
 * fires them 8 at a time would be answered with ThrottlingException and the SDK's backoff. Spacing them under the
 * quota keeps every call answered the first time and leaves the rest of the quota to the account's other users.
 */
export class CallRate {
  private nextAt = 0;

  constructor(private readonly perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError(`A call rate is a number of calls per second > 0, not ${perSecond}.`);
  }

  /** Resolves when the next call may be made (the turns are handed out in the order asked). */
  async turn(): Promise<void> {
    if (this.perSecond === Infinity) return;
    const now = Date.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}
