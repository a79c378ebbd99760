// W3C trace context (version 00): 00-<trace id: 32 hex>-<parent id: 16 hex>-<flags: 2 hex>, lowercase only.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;
const PARENT = /^[0-9a-f]{16}$/;
const allZeros = (hex: string): boolean => /^0+$/.test(hex);

/**
 * The X-Ray form (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`) of a W3C traceparent, for the
 * PutEvents entry's TraceHeader, so X-Ray links the EventBridge hop to the trace that started in Azure.
 * Undefined for anything that is not a valid version-00 traceparent: tracing must never stop an event.
 *
 * X-Ray has only the sampled flag, so other trace-flag bits are not carried here; the event itself keeps the
 * exact traceparent (the whole CloudEvent is the entry's Detail).
 */
export function traceparentToTraceHeader(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const m = TRACEPARENT.exec(traceparent);
  if (!m) return undefined;
  const [, traceId, parentId, flags] = m;
  if (allZeros(traceId) || allZeros(parentId)) return undefined;
  const sampled = parseInt(flags, 16) & 1;
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${parentId};Sampled=${sampled}`;
}

/**
 * The W3C traceparent of an X-Ray trace header. Fields may come in any order and the header may carry others
 * (`Lineage`, `Self`), which are ignored. `Sampled=?` (decision deferred) or no Sampled maps to "not sampled".
 * Undefined without a valid Root and Parent: a traceparent cannot exist without a parent span id.
 */
export function traceHeaderToTraceparent(traceHeader: unknown): string | undefined {
  if (typeof traceHeader !== 'string') return undefined;
  const fields = new Map<string, string>();
  for (const part of traceHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    if (!fields.has(key))
      fields.set(
        key,
        part
          .slice(eq + 1)
          .trim()
          .toLowerCase(),
      );
  }
  const root = ROOT.exec(fields.get('Root') ?? '');
  const parent = fields.get('Parent') ?? '';
  if (!root || !PARENT.test(parent)) return undefined;
  const traceId = root[1] + root[2];
  if (allZeros(traceId) || allZeros(parent)) return undefined;
  const sampled = fields.get('Sampled');
  if (sampled !== undefined && sampled !== '0' && sampled !== '1' && sampled !== '?') return undefined;
  return `00-${traceId}-${parent}-${sampled === '1' ? '01' : '00'}`;
}
