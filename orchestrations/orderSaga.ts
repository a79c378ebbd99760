import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { orderSaga } from '../saga/definition/orderSaga';
import { parseSagaInput } from '../saga/domain/sagaInput';
import { runSaga } from './sagaRunner';

/** order → inventory → payment (+ confirmation) → notification → analytics, compensated on failure. */
const handler: OrchestrationHandler = function* (context: OrchestrationContext) {
  return yield* runSaga(context, orderSaga, parseSagaInput);
};

df.app.orchestration(orderSaga.orchestrator, handler);
