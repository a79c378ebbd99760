import { randomUUID } from 'node:crypto';
import { IncompleteAuditError } from '../errors';
import type { AuditChunk, AuditEntry, AuditLog } from './auditEntry';

type Part = Pick<AuditChunk, 'targets' | 'plan' | 'outcomes'>;
type Head = Omit<AuditEntry, 'id' | 'day' | 'targets' | 'plan' | 'outcomes' | 'chunks' | 'itemCount'>;

/**
 * Writes one audit entry of any size part by part (a dry run's plan, an apply's outcomes): the first part is kept
 * to go in the entry itself, every later part is written as it comes (AuditChunk `<id>.<n>`), and the entry is
 * written last, so memory holds one part and an entry that exists is complete.
 */
export class ChunkedEntryWriter {
  readonly id = randomUUID();
  private first: Part = { targets: [] };
  private parts = 0;
  private count = 0;

  constructor(
    private readonly audit: AuditLog,
    private readonly head: Pick<AuditChunk, 'at' | 'who' | 'action' | 'planHash'>,
  ) {}

  async add(part: Part): Promise<void> {
    this.count += part.targets.length;
    if (this.parts++ === 0) {
      this.first = part;
      return;
    }
    await this.audit.appendChunk({ ...this.head, ...part, chunkOf: this.id, seq: this.parts - 1 });
  }

  finish(entry: Head): Promise<AuditEntry> {
    return this.audit.append({
      ...entry,
      ...this.first,
      id: this.id,
      ...(this.parts > 1 ? { chunks: this.parts, itemCount: this.count } : {}),
    });
  }
}

/** The parts of a stored entry in order: the entry's own, then its chunks; a missing chunk is an error. */
export async function* entryParts(audit: AuditLog, entry: AuditEntry): AsyncGenerator<Part> {
  yield { targets: entry.targets, plan: entry.plan, outcomes: entry.outcomes };
  for (let seq = 1; seq < (entry.chunks ?? 1); seq++) yield await entryPart(audit, entry, seq);
}

/** Part `seq` of a stored entry (0: the entry's own). */
export async function entryPart(audit: AuditLog, entry: AuditEntry, seq: number): Promise<Part> {
  if (seq === 0) return { targets: entry.targets, plan: entry.plan, outcomes: entry.outcomes };
  const chunk = await audit.chunk(entry, seq);
  if (!chunk)
    throw new IncompleteAuditError(
      `The audit entry ${entry.id} has ${entry.chunks} parts, but part ${seq} (${entry.id}.${seq}) is missing from the ops-audit container: the audit was changed outside the tool. Make a new dry run.`,
      { entry: entry.id, seq },
    );
  return chunk;
}
