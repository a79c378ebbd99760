import type { AuditChunk, AuditEntry, AuditLog, AuditQuery } from '../ops/audit/auditEntry';

/**
 * The audit log, sampling the heap after a full GC (node --expose-gc) each time a part or an entry is written:
 * the live memory of a replay at each page boundary, which is what "flat in the number of sagas" is about (a
 * sample taken without a GC measures garbage). The peak between `reset` and `stop` is the figure.
 */
export class HeapSampledAudit implements AuditLog {
  private base = 0;
  private peak = 0;
  private sampling = false;
  samples = 0;

  constructor(private readonly inner: AuditLog) {}

  /** Starts a measurement: a full GC, and the heap now as the baseline. */
  reset(): void {
    this.sampling = true;
    global.gc?.();
    this.base = process.memoryUsage().heapUsed;
    this.peak = this.base;
    this.samples = 0;
  }

  /** Ends the measurement (writes no longer GC: a GC costs time the other figures would count) and answers the
   * highest live heap seen since `reset`, above the baseline, in MB. */
  stop(): number {
    this.sampling = false;
    return (this.peak - this.base) / 1e6;
  }

  private sample(): void {
    if (!this.sampling) return;
    global.gc?.();
    this.peak = Math.max(this.peak, process.memoryUsage().heapUsed);
    this.samples++;
  }

  async append(entry: Omit<AuditEntry, 'id' | 'day'> & { id?: string }): Promise<AuditEntry> {
    this.sample();
    return this.inner.append(entry);
  }

  async appendChunk(chunk: Omit<AuditChunk, 'id' | 'day'>): Promise<void> {
    this.sample();
    return this.inner.appendChunk(chunk);
  }

  chunk(entry: AuditEntry, seq: number): Promise<AuditChunk | undefined> {
    return this.inner.chunk(entry, seq);
  }

  list(query: AuditQuery, pageSize: number, continuationToken?: string) {
    return this.inner.list(query, pageSize, continuationToken);
  }

  dryRun(planHash: string): Promise<AuditEntry | undefined> {
    return this.inner.dryRun(planHash);
  }
}
