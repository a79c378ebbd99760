import { randomUUID } from 'node:crypto';
import type { Container, SqlParameter } from '@azure/cosmos';
import type { AuditEntry, AuditLog, AuditQuery } from './auditEntry';

/**
 * The audit in the Cosmos DB container `ops-audit` (partition key /day). Append-only by construction: entries
 * are created with a fresh id and never replaced or deleted by the tool (create fails on an existing id).
 */
export class CosmosAuditLog implements AuditLog {
  constructor(private readonly container: () => Container) {}

  async append(entry: Omit<AuditEntry, 'id' | 'day'>): Promise<AuditEntry> {
    const full: AuditEntry = { id: randomUUID(), day: entry.at.slice(0, 10), ...entry };
    await this.container().items.create(full);
    return full;
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
    if (query.orderId) add('ARRAY_CONTAINS(c.targets, {"orderId": @orderId}, true)', '@orderId', query.orderId);
    const text = `SELECT * FROM c${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.at DESC`;
    const page = await this.container()
      .items.query<AuditEntry>({ query: text, parameters }, { maxItemCount: pageSize, continuationToken })
      .fetchNext();
    return {
      entries: page.resources.map(strip),
      ...(page.hasMoreResults && page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  async dryRun(planHash: string): Promise<AuditEntry | undefined> {
    const { resources } = await this.container()
      .items.query<AuditEntry>({
        query: 'SELECT * FROM c WHERE c.planHash = @h AND c.dryRun = true',
        parameters: [{ name: '@h', value: planHash }],
      })
      .fetchAll();
    return resources[0] && strip(resources[0]);
  }
}

/** Cosmos's own fields (_rid, _etag, …) are storage detail, not audit content. */
function strip(doc: AuditEntry): AuditEntry {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_'))) as unknown as AuditEntry;
}
