import type { AnalyticsStore, OrderFact } from '../../saga/ports';
import { cosmosContainer } from './database';

export class CosmosAnalyticsStore implements AnalyticsStore {
  async upsertOrderFact(fact: OrderFact): Promise<void> {
    // Upsert by order id: a repeat overwrites the same row instead of counting the order twice.
    await cosmosContainer('analytics').items.upsert(fact);
  }
}
