// One line for a report or a metric from whatever was thrown: "CODE: message" for typed errors
// (ExchangeError, PeerGoneError, ...), which may have crossed a port as plain data.

export function describeFailure(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const record = error as Record<string, unknown>;
    const message =
      typeof record['message'] === 'string' && record['message'].length > 0 ? record['message'] : safeJson(error);
    const code = record['code'];
    return typeof code === 'string' || typeof code === 'number' ? `${String(code)}: ${message}` : message;
  }
  return String(error);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
