/**
 * Published EventBridge limits and API model constraints, enforced locally so that what passes here passes in
 * AWS. Sources: the EventBridge API Reference (member constraints), "Amazon EventBridge quotas", "Calculating
 * PutEvents event entry size" and "Event retry policy and using dead-letter queues" in the EventBridge User Guide.
 */

/** PutEvents: 1–10 entries per request. */
export const MAX_PUT_EVENTS_ENTRIES = 10;
/** PutEvents: the documented entry size (Time 14 bytes + UTF-8 bytes of Source, DetailType, Detail, Resources). */
export const MAX_ENTRY_BYTES = 262_144;
/** The fixed per-entry cost of a `Time` member in the documented size computation. */
export const TIME_ENTRY_BYTES = 14;

/** Targets per rule (not adjustable) and targets per PutTargets / ids per RemoveTargets request. */
export const MAX_TARGETS_PER_RULE = 5;
export const MAX_TARGETS_PER_REQUEST = 10;

/** RetryPolicy defaults and ranges (24 hours and 185 retries unless the target says otherwise). */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 86_400;
export const MIN_EVENT_AGE_SECONDS = 60;

/** API destinations must answer within 5 seconds; slower calls time out and are retried. */
export const API_DESTINATION_TIMEOUT_MS = 5_000;

/** Member length limits from the API model. */
export const MAX_EVENT_PATTERN_LENGTH = 4_096;
export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_INPUT_LENGTH = 8_192;
export const MAX_INPUT_PATH_LENGTH = 256;
export const MAX_INPUT_PATHS = 100;
export const MAX_LIST_LIMIT = 100;

/** Name rules (length and allowed characters) by resource, from the API model. */
export const NAME_RULES = {
  rule: { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, text: '[\\.\\-_A-Za-z0-9]+' },
  eventBus: { max: 256, pattern: /^[/.\-_A-Za-z0-9]+$/, text: '[/\\.\\-_A-Za-z0-9]+' },
  target: { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, text: '[\\.\\-_A-Za-z0-9]+' },
  connection: { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, text: '[\\.\\-_A-Za-z0-9]+' },
  apiDestination: { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, text: '[\\.\\-_A-Za-z0-9]+' },
  archive: { max: 48, pattern: /^[.\-_A-Za-z0-9]+$/, text: '[\\.\\-_A-Za-z0-9]+' },
  replay: { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, text: '[\\.\\-_A-Za-z0-9]+' },
} as const;

export type NamedResource = keyof typeof NAME_RULES;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
