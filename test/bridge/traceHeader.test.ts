import { describe, expect, it } from 'vitest';
import { traceHeaderToTraceparent, traceparentToTraceHeader } from '../../bridge';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('traceparent → X-Ray TraceHeader', () => {
  it('splits the trace id into the X-Ray time and unique parts and keeps the parent and sampled flag', () => {
    expect(traceparentToTraceHeader(`00-${TRACE_ID}-${PARENT_ID}-01`)).toBe(
      'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1',
    );
    expect(traceparentToTraceHeader(`00-${TRACE_ID}-${PARENT_ID}-00`)).toBe(
      'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=0',
    );
  });

  it('reads only the sampled bit of the trace flags (X-Ray has no other)', () => {
    expect(traceparentToTraceHeader(`00-${TRACE_ID}-${PARENT_ID}-03`)).toMatch(/;Sampled=1$/);
    expect(traceparentToTraceHeader(`00-${TRACE_ID}-${PARENT_ID}-02`)).toMatch(/;Sampled=0$/);
  });

  it.each([
    ['not a string', 42],
    ['undefined', undefined],
    ['empty', ''],
    ['uppercase hex (W3C requires lowercase)', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['unknown version', `01-${TRACE_ID}-${PARENT_ID}-01`],
    ['invalid version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['trailing data', `00-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ['non-hex', `00-${TRACE_ID.slice(0, 31)}g-${PARENT_ID}-01`],
  ])('gives undefined for an invalid traceparent (%s), never throws', (_, value) => {
    expect(traceparentToTraceHeader(value)).toBeUndefined();
  });
});

describe('X-Ray TraceHeader → traceparent', () => {
  it('joins the Root parts into the trace id', () => {
    expect(traceHeaderToTraceparent('Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1')).toBe(
      `00-${TRACE_ID}-${PARENT_ID}-01`,
    );
  });

  it('accepts fields in any order, with spaces and extra fields such as Lineage or Self', () => {
    expect(
      traceHeaderToTraceparent(
        'Self=1-67891234-12456789abcdef012345678;Sampled=0; Parent=00f067aa0ba902b7 ;Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Lineage=a87bd80c:1',
      ),
    ).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
  });

  it('treats a deferred (?) or absent sampling decision as not sampled', () => {
    const base = 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7';
    expect(traceHeaderToTraceparent(`${base};Sampled=?`)).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
    expect(traceHeaderToTraceparent(base)).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
  });

  it.each([
    ['no Parent (a traceparent needs a parent span)', 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Sampled=1'],
    ['no Root', 'Parent=00f067aa0ba902b7;Sampled=1'],
    ['Root version 2', 'Root=2-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7'],
    ['short Root', 'Root=1-4bf92f3-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7'],
    ['short Parent', 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b'],
    ['bad Sampled', 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=yes'],
    ['all-zero ids', `Root=1-00000000-${'0'.repeat(24)};Parent=${'0'.repeat(16)}`],
    ['garbage', 'hello'],
    ['not a string', { Root: '1-4bf92f35-77b34da6a3ce929d0e0e4736' }],
  ])('gives undefined for an invalid header (%s)', (_, value) => {
    expect(traceHeaderToTraceparent(value)).toBeUndefined();
  });
});

describe('round trips', () => {
  it.each([
    `00-${TRACE_ID}-${PARENT_ID}-01`,
    `00-${TRACE_ID}-${PARENT_ID}-00`,
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '00-00000000000000000000000000000001-0000000000000001-00',
  ])('traceparent %s survives traceparent → TraceHeader → traceparent', (traceparent) => {
    expect(traceHeaderToTraceparent(traceparentToTraceHeader(traceparent))).toBe(traceparent);
  });

  it.each([
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
  ])('TraceHeader %s survives TraceHeader → traceparent → TraceHeader', (header) => {
    expect(traceparentToTraceHeader(traceHeaderToTraceparent(header))).toBe(header);
  });
});
