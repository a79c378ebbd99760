import { InvalidEventPatternException, ValidationException, validationError } from './errors';
import { CompiledEventPattern, compileEventPattern, InvalidEventPatternError } from './eventPattern';
import { Body, optionalString, requireString } from './jsonProtocol';
import { MAX_EVENT_PATTERN_LENGTH } from './limits';

/**
 * Validates and compiles an event pattern with the shared matcher. Pattern errors are
 * InvalidEventPatternException with the matcher's reason, as PutRule, CreateArchive and TestEventPattern answer.
 */
export function compilePattern(text: string, field = 'eventPattern'): CompiledEventPattern {
  if (text.length > MAX_EVENT_PATTERN_LENGTH)
    throw validationError(field, `Member must have length less than or equal to ${MAX_EVENT_PATTERN_LENGTH}`);
  try {
    return compileEventPattern(text);
  } catch (e) {
    if (e instanceof InvalidEventPatternError) throw new InvalidEventPatternException(e.message);
    throw e;
  }
}

/** EventPattern as the SDK sends it (a JSON string); the platform's programmatic calls may pass the object. */
export function patternText(b: Body, field = 'EventPattern'): string | undefined {
  const v = b[field];
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return optionalString(b, field);
}

/** The envelope members TestEventPattern requires of its Event (AWS answers without saying which is missing). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

/** TestEventPattern: the pattern is validated first, then the event must be a full envelope. */
export function testEventPattern(b: Body): Body {
  const pattern = compilePattern(requireString(b, 'EventPattern'));
  const text = requireString(b, 'Event');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new ValidationException('Parameter Event is not valid.');
  }
  if (!event || typeof event !== 'object' || Array.isArray(event))
    throw new ValidationException('Parameter Event is not valid.');
  if (REQUIRED_EVENT_FIELDS.some((f) => !(f in event))) throw new ValidationException('Parameter Event is not valid.');
  return { Result: pattern.matches(event) };
}
