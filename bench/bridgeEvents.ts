/** The CloudEvents the bridges bench sends, shared by the bench and its producer process. */
export function cloudEvent(i: number, run: string, type: string) {
  return {
    specversion: '1.0',
    id: `${run}-${i}`,
    source: '/bench/bridges',
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    traceparent: `00-${(i + 1).toString(16).padStart(32, '0')}-${'1'.repeat(16)}-01`,
    data: { orderId: `ord-${run}-${i}`, total: i, currency: 'EUR' },
  };
}
