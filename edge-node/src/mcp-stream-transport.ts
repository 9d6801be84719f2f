import type { Stream } from '@libp2p/interface';
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { GRID_MAX_FRAME_BYTES } from '@koprogo/protocols';

/**
 * The MCP SDK `Transport` over one libp2p stream (grid-design §4.2), for both sides: the instance's MCP
 * client over an outbound `/koprogo/mcp/1.0.0` stream, the node's MCP server over the inbound one.
 * One JSON-RPC message per varint length-prefixed frame (at most GRID_MAX_FRAME_BYTES).
 *
 * A frame that is too large, not JSON, or not a JSON-RPC message aborts (resets) the stream, reports a
 * `GridFrameError` through `onerror` and records it in `fault`: the peer that sent it is at fault.
 * `onclose` is called exactly once, whether we closed, the remote closed, or the stream was reset.
 */
export type GridFrameFault = 'frame_too_large' | 'invalid_json' | 'invalid_message' | 'truncated_frame';

export class GridFrameError extends Error {
  readonly fault: GridFrameFault;
  constructor(fault: GridFrameFault, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GridFrameError';
    this.fault = fault;
  }
}

export interface McpStreamTransportOptions {
  /** Largest accepted incoming frame, bytes; default GRID_MAX_FRAME_BYTES (256 KiB). */
  maxDataLength?: number;
  /** How long `close()` waits to flush before resetting the stream; default 2 s. */
  closeTimeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class McpStreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  /** Set when the remote sent a bad frame (a node fault when the remote is a node). */
  fault: GridFrameFault | undefined;
  readonly stream: Stream;
  private readonly lp: LengthPrefixedStream<Stream>;
  private readonly maxDataLength: number;
  private readonly closeTimeoutMs: number;
  private started = false;
  private closed = false;

  constructor(stream: Stream, options: McpStreamTransportOptions = {}) {
    this.stream = stream;
    this.maxDataLength = options.maxDataLength ?? GRID_MAX_FRAME_BYTES;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
    this.lp = lpStream(stream, { maxDataLength: this.maxDataLength });
    // A reset or a closed connection ends the transport even when no read is pending.
    stream.addEventListener('close', (evt) => {
      if (evt.error != null && !this.closed) this.onerror?.(evt.error);
      this.finish();
    }, { once: true });
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('McpStreamTransport already started');
    this.started = true;
    void this.readLoop();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('McpStreamTransport is closed');
    const bytes = encoder.encode(JSON.stringify(message));
    if (bytes.byteLength > this.maxDataLength) {
      throw new GridFrameError('frame_too_large', `Outgoing JSON-RPC message of ${bytes.byteLength} bytes exceeds ${this.maxDataLength}`);
    }
    await this.lp.write(bytes);
  }

  /** Flushes and closes our side (the remote sees the end of the stream), then calls onclose. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.stream.close({ signal: AbortSignal.timeout(this.closeTimeoutMs) });
    } catch (err) {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
    this.finish();
  }

  /** Resets the stream: the attempt is over and the remote sees an error. */
  abort(error: Error): void {
    this.finish(); // first, so the stream's 'close' event does not report our own reset as an error
    this.stream.abort(error);
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      let frame;
      try {
        frame = await this.lp.read();
      } catch (err) {
        this.onReadError(err);
        return;
      }
      const message = this.parse(frame.subarray());
      if (message === undefined) return;
      try {
        this.onmessage?.(message);
      } catch (err) {
        this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private parse(bytes: Uint8Array): JSONRPCMessage | undefined {
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(bytes));
    } catch (err) {
      this.failFrame(new GridFrameError('invalid_json', 'Frame is not UTF-8 JSON', { cause: err }));
      return undefined;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.failFrame(new GridFrameError('invalid_message', 'Frame is not a JSON-RPC 2.0 message', { cause: parsed.error }));
      return undefined;
    }
    return parsed.data;
  }

  private onReadError(err: unknown): void {
    if (this.closed) return;
    const name = err instanceof Error ? err.name : '';
    if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError' || name === 'InvalidMessageLengthError') {
      this.failFrame(new GridFrameError('frame_too_large', `Frame over ${this.maxDataLength} bytes`, { cause: err }));
      return;
    }
    if (name === 'UnexpectedEOFError') {
      // lpStream reports a clean end at a frame boundary as "0/1 bytes"; anything else is a cut frame.
      if (!/\b0\/1 bytes/.test((err as Error).message)) {
        this.fault = 'truncated_frame';
        this.onerror?.(new GridFrameError('truncated_frame', 'Stream ended inside a frame', { cause: err }));
      }
      // The remote is done: close our side too so the stream is released, then end the transport.
      void this.close();
      return;
    }
    // Reset, closed connection or abort: the 'close' listener reports the stream error.
    this.finish();
  }

  private failFrame(error: GridFrameError): void {
    this.fault = error.fault;
    this.onerror?.(error);
    this.abort(error);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

/** The part of a zod schema the frame reader needs (kept structural so callers pass any zod schema). */
export interface FrameSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

export interface JsonFrames {
  /** Reads one frame and validates it; throws GridFrameError on bad JSON or a failed schema. */
  read<T>(schema: FrameSchema<T>, options?: { signal?: AbortSignal }): Promise<T>;
  write(value: unknown, options?: { signal?: AbortSignal }): Promise<void>;
}

/**
 * One-JSON-value-per-frame reader/writer over a stream, for the hello protocol: the node writes a
 * `GridHello` and reads a `GridHelloAck`; the instance does the reverse.
 */
export function jsonFrames(stream: Stream, maxDataLength = GRID_MAX_FRAME_BYTES): JsonFrames {
  const lp = lpStream(stream, { maxDataLength });
  return {
    async read<T>(schema: FrameSchema<T>, options?: { signal?: AbortSignal }): Promise<T> {
      let bytes: Uint8Array;
      try {
        bytes = (await lp.read(options)).subarray();
      } catch (err) {
        const name = err instanceof Error ? err.name : '';
        if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') throw new GridFrameError('frame_too_large', `Frame over ${maxDataLength} bytes`, { cause: err });
        throw err;
      }
      let json: unknown;
      try {
        json = JSON.parse(decoder.decode(bytes));
      } catch (err) {
        throw new GridFrameError('invalid_json', 'Frame is not UTF-8 JSON', { cause: err });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new GridFrameError('invalid_message', 'Frame does not match the expected message', { cause: parsed.error });
      return parsed.data;
    },
    async write(value: unknown, options?: { signal?: AbortSignal }): Promise<void> {
      const bytes = encoder.encode(JSON.stringify(value));
      if (bytes.byteLength > maxDataLength) throw new GridFrameError('frame_too_large', `Outgoing frame of ${bytes.byteLength} bytes exceeds ${maxDataLength}`);
      await lp.write(bytes, options);
    },
  };
}
