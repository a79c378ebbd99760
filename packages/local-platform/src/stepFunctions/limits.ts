/** Published Step Functions (Standard) limits, enforced locally so a flow that passes here passes in AWS. */
export const MAX_PAYLOAD_BYTES = 262_144;
export const MAX_HISTORY_EVENTS = 25_000;
/** RedriveExecution needs the history below this many events (room for ExecutionRedriven and progress). */
export const REDRIVE_HISTORY_LIMIT = 24_999;
export const REDRIVE_WINDOW_MS = 14 * 24 * 3_600_000;
export const MAX_NAME_LENGTH = 80;
export const MAX_TASK_TOKEN_LENGTH = 2_048;
export const MAX_ERROR_LENGTH = 256;
export const MAX_CAUSE_LENGTH = 32_768;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function dataLimitCause(what: string, bytes: number): string {
  return (
    `${what} has a size of ${bytes} bytes, exceeding the maximum of ${MAX_PAYLOAD_BYTES} bytes (256 KiB) that ` +
    'Step Functions allows for state input and output. Pass a reference (e.g. an S3 key or an id) instead of the data.'
  );
}
