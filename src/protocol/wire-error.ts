// Errors cross thread boundaries as plain data: structured clone drops the class (and with it any
// `code` getter), so the sender flattens and the receiver rebuilds.
import { z } from 'zod';

export const wireErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string().optional(),
  stack: z.string().optional(),
});

export type WireError = z.infer<typeof wireErrorSchema>;

/** Flattens anything thrown (errors, strings, objects) into the wire form. */
export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
      ...(err.stack !== undefined ? { stack: err.stack } : {}),
    };
  }
  return { name: 'NonError', message: typeof err === 'string' ? err : safeStringify(err) };
}

/** A rebuilt error: same name, message, code and remote stack (kept as `remoteStack`). */
export class RemoteError extends Error {
  readonly code: string | undefined;
  readonly remoteStack: string | undefined;

  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
    this.remoteStack = wire.stack;
  }
}

export function fromWireError(wire: WireError): RemoteError {
  return new RemoteError(wire);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
