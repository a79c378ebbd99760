import type { WireError } from './workerProtocol';

/** An error thrown in the worker thread, ready to cross to the host. */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    // Only plain data crosses; a field holding a function or a socket is left behind rather than failing the call.
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/** The host's copy of an error the worker thread threw: same name, message, stack and plain fields. */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message);
  Object.assign(error, wire.fields ?? {});
  error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  return error;
}
