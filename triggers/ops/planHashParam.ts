import type { HttpResponseInit } from '@azure/functions';
import { errorResponse } from '../errorResponse';

const PLAN_HASH = /^[0-9a-f]{32}$/;

/** The 400 for a route's plan hash that cannot be one, or undefined when it can. */
export function refusePlanHash(planHash: string): HttpResponseInit | undefined {
  if (PLAN_HASH.test(planHash)) return undefined;
  return errorResponse(400, {
    code: 'InvalidPlanHash',
    message: `"${planHash.slice(0, 80)}" is not a plan hash.`,
    where: 'path {planHash}',
    fix: 'Use the planHash a dry run answered (32 hexadecimal digits).',
  });
}
