// What crosses to the language worker thread: bytes that are a view into a larger buffer (Node's 8 KB pool) get a
// buffer of their own, so structured clone copies only them; data without such views is passed on unchanged.
import { describe, expect, it } from 'vitest';
import { compactTypedData } from '../../src/functionsHost/languageWorker/compactTypedData';

describe('compactTypedData', () => {
  it('gives pooled bytes, and an HTTP body of pooled bytes, a buffer of exactly their size', () => {
    const pooled = Buffer.from('{"orderId":"o-1"}');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const bytes = compactTypedData({ bytes: pooled })!.bytes!;
    expect(bytes.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(bytes).toString()).toBe('{"orderId":"o-1"}');

    const http = compactTypedData({ http: { statusCode: '200', body: { bytes: pooled } } })!.http as {
      statusCode: string;
      body: { bytes: Uint8Array };
    };
    expect(http.statusCode).toBe('200');
    expect(http.body.bytes.buffer.byteLength).toBe(pooled.byteLength);
    expect(structuredClone(http).body.bytes.byteLength).toBe(pooled.byteLength);
  });

  it('passes data without views on as it is', () => {
    const json = { json: '{"a":1}' };
    expect(compactTypedData(json)).toBe(json);
    const own = { bytes: new Uint8Array([1, 2, 3]) };
    expect(compactTypedData(own)).toBe(own);
    expect(compactTypedData(null)).toBeNull();
  });
});
