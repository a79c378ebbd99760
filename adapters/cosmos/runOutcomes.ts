import type { Container } from '@azure/cosmos';
import type { RunOutcomeRecord, RunOutcomes } from '../../saga/ports';
import { cosmosContainer, cosmosFailure } from './database';

/** Names per query: Cosmos caps a query's parameters and text size, and a listing page is at most 1,000 runs. */
const NAMES_PER_QUERY = 500;

/**
 * Run outcomes in the Cosmos DB container `run-outcomes` (partition /orderId, id = run name; documents expire with
 * the 90 days Step Functions keeps a closed execution, after which no listing can name it).
 */
export class CosmosRunOutcomes implements RunOutcomes {
  constructor(private readonly container: () => Container = () => cosmosContainer('runOutcomes')) {}

  async record(outcome: RunOutcomeRecord): Promise<void> {
    try {
      await this.container().items.upsert(outcome);
    } catch (e) {
      throw cosmosFailure(e, `recording the outcome of run ${outcome.id}`);
    }
  }

  async find(runs: string[]): Promise<Map<string, RunOutcomeRecord>> {
    const found = new Map<string, RunOutcomeRecord>();
    for (let i = 0; i < runs.length; i += NAMES_PER_QUERY) {
      const names = runs.slice(i, i + NAMES_PER_QUERY);
      try {
        const { resources } = await this.container()
          .items.query<RunOutcomeRecord>(
            {
              query:
                'SELECT c.id, c.orderId, c.engine, c.outcome, c.failedStep, c.reason, c.recordedAt FROM c WHERE ARRAY_CONTAINS(@names, c.id)',
              parameters: [{ name: '@names', value: names }],
            },
            { maxItemCount: names.length },
          )
          .fetchAll();
        for (const r of resources) found.set(r.id, r);
      } catch (e) {
        throw cosmosFailure(e, `reading the outcomes of ${names.length} runs`);
      }
    }
    return found;
  }
}
