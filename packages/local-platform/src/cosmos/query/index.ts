/**
 * The Cosmos DB (NoSQL API) query language: what the local Cosmos endpoint hands a query's text and parameters to.
 * This file is the contract between the endpoint (storage, paging, protocol) and the query engine; the types live in
 * contract.ts (so that the engine's files can share them without an import cycle) and are re-exported here.
 */
import { compile } from './compileQuery';
import type { CompiledQuery, QueryParameter } from './contract';

export type { CompiledQuery, JsonValue, PathConstraint, QueryInfo, QueryParameter } from './contract';
export { CosmosQueryError } from './contract';
export { SEMANTIC_ERROR_CODE, UNSUPPORTED_LOCALLY_CODE } from './queryErrors';

/** Parses and checks a query; throws CosmosQueryError for what Cosmos DB refuses. */
export function compileQuery(text: string, parameters: readonly QueryParameter[] = []): CompiledQuery {
  return compile(text, parameters);
}
