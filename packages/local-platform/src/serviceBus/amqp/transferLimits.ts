import type { Socket } from 'node:net';

/** The frame size the broker announces (Service Bus's 256 KB); the SDK splits larger transfers into frames of it. */
export const MAX_FRAME_SIZE = 256 * 1024;

const PROTOCOL_HEADER = Buffer.from('AMQP');

/** A client broke a transfer limit; its connection is closed (rhea reports it as the connection's error). */
export class TransferLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferLimitError';
  }
}

/**
 * Watches the bytes a client sends, at frame boundaries, before rhea buffers them: rhea would hold a frame of any
 * announced size (up to 4 GB) in memory until it is complete. A frame larger than `maxFrameSize` ends the
 * connection at once, so a client holds at most one frame's worth of the broker's memory per connection.
 */
export class FrameGuard {
  /** Bytes still to pass of the frame (or protocol header) under way. */
  private remaining = 0;
  /** The first bytes of the next frame's size, when a chunk ended inside them. */
  private partial = Buffer.alloc(0);

  constructor(private readonly maxFrameSize: number) {}

  /** Throws TransferLimitError when the chunk announces a frame over the limit. */
  check(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
        continue;
      }
      const need = 4 - this.partial.length;
      const head = Buffer.concat([this.partial, chunk.subarray(at, at + need)]);
      if (head.length < 4) {
        this.partial = head;
        return;
      }
      at += need;
      this.partial = Buffer.alloc(0);
      if (head.equals(PROTOCOL_HEADER)) {
        // "AMQP" and four version bytes: the protocol header (again after SASL), not a frame.
        this.remaining = 4;
        continue;
      }
      const size = head.readUInt32BE(0);
      if (size > this.maxFrameSize)
        throw new TransferLimitError(
          `the client sent a frame of ${size} bytes; the broker announced a max-frame-size of ${this.maxFrameSize} bytes.`,
        );
      if (size < 8) throw new TransferLimitError(`the client sent a frame of ${size} bytes; a frame has at least 8.`);
      this.remaining = size - 4;
    }
  }
}

/** Puts a FrameGuard in front of the data handler rhea attached to a socket it just accepted. */
export function guardFrames(socket: Socket, maxFrameSize: number, refuse: (e: TransferLimitError) => void): void {
  const handlers = socket.listeners('data') as ((chunk: Buffer) => void)[];
  const guard = new FrameGuard(maxFrameSize);
  for (const h of handlers) socket.off('data', h);
  socket.on('data', (chunk: Buffer) => {
    try {
      guard.check(chunk);
    } catch (e) {
      refuse(e as TransferLimitError);
      socket.destroy();
      return;
    }
    for (const h of handlers) h(chunk);
  });
}

interface IncomingFrame {
  performative: { more?: boolean };
  payload?: Buffer;
}

interface IncomingTransfers {
  on_transfer(frame: IncomingFrame, receiver: object): void;
}

/**
 * Bounds a transfer split over many frames: rhea gathers them until the last one, whatever their total. Past
 * `maxTransferBytes` the connection ends (rhea closes it on the thrown error) instead of the broker's memory growing.
 */
export function boundTransfers(session: { incoming: IncomingTransfers }, maxTransferBytes: number): void {
  const incoming = session.incoming;
  const deliver = incoming.on_transfer.bind(incoming);
  const gathered = new WeakMap<object, number>();
  incoming.on_transfer = (frame, receiver) => {
    const total = (gathered.get(receiver) ?? 0) + (frame.payload?.length ?? 0);
    if (total > maxTransferBytes)
      throw new TransferLimitError(
        `the client sent a message of more than ${maxTransferBytes} bytes over several frames; Service Bus (Standard tier) takes 256 KB.`,
      );
    if (frame.performative.more) gathered.set(receiver, total);
    else gathered.delete(receiver);
    deliver(frame, receiver);
  };
}
