/** An answer of the ops HTTP API: the status and the JSON body (or text for JSON Lines). */
export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** The error body every ops route answers with. */
export interface ApiErrorBody {
  error: { code: string; message: string; [extra: string]: unknown };
}

/**
 * The CLI talks to the ops HTTP API of the Functions app (OPS_API_URL, default the local platform), with the
 * operator's own key (OPS_KEY): the roles, the audit and both engines' credentials stay in one place, the app.
 */
export class OpsApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/${path}`, {
        method,
        headers: {
          ...(this.key ? { 'x-ops-key': this.key } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new Error(
        `Cannot reach the ops API at ${this.baseUrl}: ${(e as Error).message}. Start the app (npm start) or set OPS_API_URL.`,
        { cause: e },
      );
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // JSON Lines or plain text: the caller reads `text`
    }
    return { status: res.status, body: parsed, text };
  }
}
