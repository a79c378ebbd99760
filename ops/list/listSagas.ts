import type { RunQuery, SagaBackend } from '../backends/sagaBackend';
import type { SagaRun, SagaState } from '../model/sagaRun';
import { SAGA_STATES } from '../model/sagaRun';
import { decodePosition, encodePosition } from './pageToken';
import type { SagaPage, StatusCounts } from '../wire/sagaRun';

export type { SagaPage, StatusCounts };

/**
 * Engine pages read per request at most: a selective filter over many runs returns a short page with a token
 * rather than scanning everything in one request.
 */
const MAX_ENGINE_PAGES = 20;

/**
 * One page across engines: the first engine's runs, then the next engine's, each engine paging server-side.
 * Each engine page is asked for exactly what is still missing, so no fetched row is ever dropped between pages.
 */
export async function listSagas(
  backends: SagaBackend[],
  query: RunQuery,
  pageSize: number,
  continuationToken?: string,
): Promise<SagaPage> {
  let pos = decodePosition(continuationToken);
  const runs: SagaRun[] = [];
  for (let reads = 0; runs.length < pageSize && pos.e < backends.length && reads < MAX_ENGINE_PAGES; reads++) {
    const page = await backends[pos.e].listPage(query, pageSize - runs.length, pos.t);
    runs.push(...page.runs);
    pos = page.next ? { e: pos.e, t: page.next } : { e: pos.e + 1 };
  }
  return { runs, ...(pos.e < backends.length ? { continuationToken: encodePosition(pos) } : {}) };
}

const zeros = (): Record<SagaState, number> =>
  Object.fromEntries(SAGA_STATES.map((s) => [s, 0])) as Record<SagaState, number>;

/**
 * Counts per status over every run matching the query, page by page (memory stays flat in the number of runs).
 * The engines are read at the same time: each one's pages are a chain of tokens, so the total is the slower
 * engine's time, not the sum.
 */
export async function countSagas(backends: SagaBackend[], query: RunQuery, pageSize = 1000): Promise<StatusCounts> {
  const counts: StatusCounts = { total: 0, byStatus: zeros(), byEngine: {}, orphans: 0 };
  for (const backend of backends) counts.byEngine[backend.engine] = zeros();
  await Promise.all(
    backends.map(async (backend) => {
      const mine = counts.byEngine[backend.engine];
      let token: string | undefined;
      do {
        const page = await backend.listPage(query, pageSize, token);
        for (const run of page.runs) {
          counts.total++;
          counts.byStatus[run.status]++;
          mine[run.status]++;
          if (!run.orderId) counts.orphans++;
        }
        token = page.next;
      } while (token);
    }),
  );
  return counts;
}
