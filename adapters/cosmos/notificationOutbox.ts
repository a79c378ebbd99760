import type { NotificationOutbox, OutboxEntry } from '../../saga/ports';
import { cosmosContainer, cosmosStatus } from './database';
import { notificationKey } from '../../saga/domain/idempotency';

/** The outbox keys entries by order and kind, so an order gets at most one notification of each kind. */
export class CosmosNotificationOutbox implements NotificationOutbox {
  async claim(entry: Omit<OutboxEntry, 'id' | 'status' | 'attempts'>): Promise<OutboxEntry> {
    const container = cosmosContainer('outbox');
    const id = notificationKey(entry.orderId, entry.kind);
    const fresh: OutboxEntry = { ...entry, id, status: 'pending', attempts: 0 };
    try {
      await container.items.create(fresh);
      return fresh;
    } catch (e) {
      if (cosmosStatus(e) !== 409) throw e;
      const { resource } = await container.item(id, entry.orderId).read<OutboxEntry>();
      if (!resource)
        throw new Error(`Outbox entry ${id} was reported as existing but cannot be read; try again.`, {
          cause: e,
        });
      return resource;
    }
  }

  async record(entry: OutboxEntry): Promise<void> {
    await cosmosContainer('outbox').items.upsert(entry);
  }
}
