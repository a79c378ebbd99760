import type { HttpResponseInit } from '@azure/functions';
import { httpErrorBody, type HttpErrorDetail } from '../adapters/httpError';

/** An HTTP function's error answer, in the app's one error shape (adapters/httpError.ts). */
export function errorResponse(
  status: number,
  detail: HttpErrorDetail,
  extra: Record<string, unknown> = {},
): HttpResponseInit {
  return { status, jsonBody: httpErrorBody(detail, extra) };
}
