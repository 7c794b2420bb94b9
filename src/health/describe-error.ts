// Turns whatever was thrown (or an error that crossed a thread boundary as plain data, where the
// structured clone dropped its class) into a short type and message for the error ring.

export interface ErrorDescription {
  readonly type: string;
  readonly message: string;
}

function stringField(value: object, key: string): string | undefined {
  const v = (value as Record<string, unknown>)[key];
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function describeError(error: unknown): ErrorDescription {
  if (typeof error === 'string') return { type: 'Error', message: error };
  if (error !== null && typeof error === 'object') {
    const name = stringField(error, 'name');
    const code = stringField(error, 'code');
    // A typed error's stable code says more than a generic name like "Error".
    const type = name !== undefined && name !== 'Error' ? name : (code ?? name ?? 'Error');
    const message = stringField(error, 'message') ?? (code !== undefined ? `code ${code}` : safeString(error));
    return { type, message };
  }
  return { type: 'Error', message: safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) ?? String(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
