import { randomUUID } from 'node:crypto';
import type { Container, SqlParameter } from '@azure/cosmos';
import type { AuditChunk, AuditEntry, AuditLog, AuditQuery } from './auditEntry';

const isNotFound = (e: unknown): boolean => (e as { code?: number }).code === 404;

/**
 * The audit in the Cosmos DB container `ops-audit` (partition key /day). Append-only by construction: entries
 * and their parts are created, never replaced or deleted by the tool (create fails on an existing id). A large
 * entry's parts (AuditChunk) are written first and the entry last, so an entry that exists is complete; parts
 * whose entry never came (the call failed half-way) are ignored by every read.
 */
export class CosmosAuditLog implements AuditLog {
  constructor(private readonly container: () => Container) {}

  async append(entry: Omit<AuditEntry, 'id' | 'day'> & { id?: string }): Promise<AuditEntry> {
    const full: AuditEntry = { ...entry, id: entry.id ?? randomUUID(), day: entry.at.slice(0, 10) };
    await this.container().items.create(full);
    return full;
  }

  async appendChunk(chunk: Omit<AuditChunk, 'id' | 'day'>): Promise<void> {
    const full: AuditChunk = { ...chunk, id: `${chunk.chunkOf}.${chunk.seq}`, day: chunk.at.slice(0, 10) };
    await this.container().items.create(full);
  }

  async chunk(entry: AuditEntry, seq: number): Promise<AuditChunk | undefined> {
    try {
      const { resource } = await this.container().item(`${entry.id}.${seq}`, entry.day).read<AuditChunk>();
      return resource && (strip(resource) as AuditChunk);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async list(query: AuditQuery, pageSize: number, continuationToken?: string) {
    const where: string[] = [];
    const parameters: SqlParameter[] = [];
    const add = (clause: string, name: string, value: string) => {
      where.push(clause);
      parameters.push({ name, value });
    };
    if (query.from) add('c.at >= @from', '@from', query.from);
    if (query.to) add('c.at <= @to', '@to', query.to);
    if (query.who) add('c.who = @who', '@who', query.who);
    if (query.action) add('c.action = @action', '@action', query.action);
    // By order, an entry's parts are searched too (they hold the targets beyond the first part); a part found
    // stands for its entry. Otherwise the entries alone are listed.
    if (query.orderId) add('ARRAY_CONTAINS(c.targets, {"orderId": @orderId}, true)', '@orderId', query.orderId);
    else where.push('NOT IS_DEFINED(c.chunkOf)');
    const text = `SELECT * FROM c${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.at DESC`;
    const page = await this.container()
      .items.query<AuditEntry | AuditChunk>({ query: text, parameters }, { maxItemCount: pageSize, continuationToken })
      .fetchNext();
    const entries: AuditEntry[] = [];
    for (const doc of page.resources) {
      const entry = 'chunkOf' in doc ? await this.entry(doc.chunkOf, doc.day) : (doc as AuditEntry);
      if (entry && !entries.some((e) => e.id === entry.id)) entries.push(strip(entry));
    }
    return {
      entries,
      ...(page.hasMoreResults && page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  private async entry(id: string, day: string): Promise<AuditEntry | undefined> {
    try {
      return (await this.container().item(id, day).read<AuditEntry>()).resource;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async dryRun(planHash: string): Promise<AuditEntry | undefined> {
    const { resources } = await this.container()
      .items.query<AuditEntry>({
        query: 'SELECT * FROM c WHERE c.planHash = @h AND c.dryRun = true AND NOT IS_DEFINED(c.chunkOf)',
        parameters: [{ name: '@h', value: planHash }],
      })
      .fetchAll();
    return resources[0] && strip(resources[0]);
  }
}

/** Cosmos's own fields (_rid, _etag, …) are storage detail, not audit content. */
function strip<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_'))) as T;
}
