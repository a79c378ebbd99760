/** A Buffer over the same memory as any typed array or DataView (no copy), whatever the caller handed over. */
export function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
