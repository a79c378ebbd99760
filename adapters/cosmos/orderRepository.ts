import type { OrderRecord, OrderRepository } from '../../saga/ports';
import { cosmosContainer, cosmosFailure, cosmosStatus } from './database';

export class CosmosOrderRepository implements OrderRepository {
  async saveIfAbsent(record: OrderRecord): Promise<{ created: boolean; record: OrderRecord }> {
    const container = cosmosContainer('orders');
    try {
      await container.items.create(record);
      return { created: true, record };
    } catch (e) {
      if (cosmosStatus(e) !== 409) throw cosmosFailure(e, `storing order ${record.orderId}`);
      const existing = await this.get(record.orderId);
      if (!existing)
        throw new Error(`Order ${record.orderId} was reported as existing but cannot be read; try again.`, {
          cause: e,
        });
      return { created: false, record: existing };
    }
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const { resource } = await cosmosContainer('orders').item(orderId, orderId).read<OrderRecord>();
    if (!resource) return undefined;
    const { id, order, receivedAt, via } = resource;
    return { id, orderId: resource.orderId, order, receivedAt, via };
  }
}
