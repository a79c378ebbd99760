import type { RpcTypedData } from '../coreApi';

/**
 * Structured clone copies the whole ArrayBuffer behind a typed array, and Node's small Buffers are views into a
 * shared 8 KB pool: a 200-byte HTTP body would cross the thread boundary as 8 KB. Bytes that are a view get a buffer
 * of their own first, so a message costs what it carries.
 */
export function compactTypedData<T extends RpcTypedData | null | undefined>(data: T): T {
  if (!data) return data;
  let result: RpcTypedData = data;
  if (data.bytes && data.bytes.byteLength !== data.bytes.buffer.byteLength)
    result = { ...result, bytes: new Uint8Array(data.bytes) };
  const body = (data.http as { body?: RpcTypedData | null } | null | undefined)?.body;
  if (body) {
    const compact = compactTypedData(body);
    if (compact !== body) result = { ...result, http: { ...data.http, body: compact } };
  }
  return result as T;
}
