import { BadRequestError } from '../errors';
import { type CompiledQuery, compileQuery, CosmosQueryError, type QueryParameter } from '../query';

/**
 * A query compiled by the query engine; what the engine refuses becomes the 400 Cosmos DB answers, with the
 * errors array (code, location) the service puts in its message.
 */
export function compile(text: string, parameters: readonly QueryParameter[]): CompiledQuery {
  try {
    return compileQuery(text, parameters);
  } catch (e) {
    if (!(e instanceof CosmosQueryError)) throw e;
    const error = {
      severity: 'Error',
      ...(e.location ? { location: e.location } : {}),
      code: e.errorCode,
      message: e.message,
    };
    throw new BadRequestError(`Message: ${JSON.stringify({ errors: [error] })}`);
  }
}
