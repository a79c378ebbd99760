import type { HttpResponseInit } from '@azure/functions';

/** The error body every HTTP function answers with: what went wrong (code) and how to fix it (message). */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): HttpResponseInit {
  return { status, jsonBody: { error: { code, message, ...extra } } };
}
