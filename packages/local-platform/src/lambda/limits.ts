/**
 * Lambda's synchronous invocation payload quotas: 6 MB in, and 6 MB out (the service allows the response
 * 100 bytes of slack, which is why its error message names 6291556 bytes).
 */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
export const MAX_RESPONSE_BYTES = MAX_REQUEST_BYTES + 100;
