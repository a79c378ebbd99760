import type { HttpResponseInit } from '@azure/functions';
import { ORDER_ID_PATTERN } from '../saga/domain/order';
import { errorResponse } from './errorResponse';

/** The 400 for a route's order id that cannot be one, or undefined when it can; `where` names the path parameter. */
export function refuseOrderId(orderId: string, where: string): HttpResponseInit | undefined {
  if (ORDER_ID_PATTERN.test(orderId)) return undefined;
  return errorResponse(400, {
    code: 'InvalidOrderId',
    message: `"${orderId}" is not an order id.`,
    where,
    fix: 'An order id is 1–64 letters, digits, "-" or "_", starting with a letter or digit.',
  });
}
