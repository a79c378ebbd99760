/** Why the host refuses new work for now, and when the caller should try again. */
export interface Overload {
  reason: string;
  retryAfterSeconds: number;
}

/**
 * A health signal the HTTP intake consults before it runs a function that can add work (host.json
 * `extensions.http.dynamicThrottlesEnabled`). The Functions host watches its process counters; this host watches
 * what actually decides whether accepted work finishes in time: the durable engine's backlog.
 */
export interface HostHealthCheck {
  overload(): Overload | undefined;
}
