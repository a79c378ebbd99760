/**
 * The one error body every HTTP answer of the app carries (the functions, the AWS webhook), the same shape the
 * platform's own HTTP surface uses: what went wrong (`code`, `message`), `where` (the part of the request: a body
 * field, a header, the path) and how to fix it. It never carries a key or an internal stack.
 */
export interface HttpErrorDetail {
  code: string;
  message: string;
  where: string;
  fix: string;
}

export interface HttpErrorBody {
  error: HttpErrorDetail & Record<string, unknown>;
}

export function httpErrorBody(detail: HttpErrorDetail, extra: Record<string, unknown> = {}): HttpErrorBody {
  return { error: { ...detail, ...extra } };
}
