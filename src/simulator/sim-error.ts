// A KuCoin-shaped failure raised inside the simulator and rendered as `{code, msg}` with its HTTP status.
import { KUCOIN_CODES } from '../exchange/error-codes.js';

export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export function badParameter(message: string): SimError {
  return new SimError(KUCOIN_CODES.badParameter, message, 400);
}

export function orderParamError(message: string): SimError {
  // KuCoin answers most order validation failures with HTTP 200 and a non-200000 code.
  return new SimError(KUCOIN_CODES.orderParamError, message, 200);
}
