// Validates an order request body (POST /api/v1/orders and /api/v1/st-orders) into a typed form.
import { badParameter, orderParamError } from './sim-error.js';
import { roundToStep, type ContractSpec } from './contracts-catalogue.js';

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';
export type StopDir = 'up' | 'down';
export type StopPriceType = 'TP' | 'MP' | 'IP';

export interface OrderRequest {
  readonly clientOid: string;
  readonly symbol: string;
  /** Undefined only for closeOrder requests, which derive it from the position. */
  readonly side: Side | undefined;
  readonly type: OrderType;
  readonly leverage: number;
  /** Lots; undefined only for closeOrder requests. */
  readonly size: number | undefined;
  readonly price: number | null;
  readonly reduceOnly: boolean;
  readonly closeOrder: boolean;
  readonly timeInForce: 'GTC' | 'IOC';
  readonly postOnly: boolean;
  readonly stop: StopDir | null;
  readonly stopPriceType: StopPriceType | null;
  readonly stopPrice: number | null;
  readonly remark: string | null;
}

export interface TpslRequest extends OrderRequest {
  readonly triggerStopUpPrice: number | null;
  readonly triggerStopDownPrice: number | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw badParameter(`Parameter ${key} is invalid: ${JSON.stringify(v)}`);
  return n;
}

function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw badParameter(`Parameter ${key} must be a string`);
  return v;
}

function bool(body: Record<string, unknown>, key: string): boolean {
  const v = body[key];
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badParameter(`Parameter ${key} must be a boolean`);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], key: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw badParameter(`Parameter ${key} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function priceOnTick(value: number | undefined, spec: ContractSpec, key: string): number | null {
  if (value === undefined) return null;
  if (!(value > 0)) throw orderParamError(`${key} must be positive`);
  if (Math.abs(roundToStep(value, spec.tickSize) - value) > spec.tickSize * 1e-6) {
    throw orderParamError(`The ${key} must be a multiple of the tickSize ${spec.tickSize}`);
  }
  return roundToStep(value, spec.tickSize);
}

export function parseOrderRequest(
  raw: unknown,
  lookup: (symbol: string) => ContractSpec | undefined,
): { req: TpslRequest; spec: ContractSpec } {
  if (!isRecord(raw)) throw badParameter('Request body must be a JSON object');
  const clientOid = str(raw, 'clientOid');
  if (!clientOid) throw badParameter('Parameter clientOid is required');
  if (clientOid.length > 40) throw badParameter('clientOid must be at most 40 characters');
  const symbol = str(raw, 'symbol');
  if (!symbol) throw badParameter('Parameter symbol is required');
  const spec = lookup(symbol);
  if (!spec) throw orderParamError(`Contract ${symbol} does not exist`);
  const closeOrder = bool(raw, 'closeOrder');
  const side = oneOf(str(raw, 'side'), ['buy', 'sell'] as const, 'side');
  if (!side && !closeOrder) throw badParameter('Parameter side is required');
  const type = oneOf(str(raw, 'type'), ['limit', 'market'] as const, 'type') ?? 'limit';
  const leverage = num(raw, 'leverage');
  if (leverage === undefined && !closeOrder) throw badParameter('Parameter leverage is required');
  if (leverage !== undefined && (leverage < 1 || leverage > spec.maxLeverage)) {
    throw orderParamError(`Leverage must be between 1 and ${spec.maxLeverage}`);
  }
  const size = num(raw, 'size');
  if (size === undefined && !closeOrder) throw badParameter('Parameter size is required');
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000000)) {
    throw orderParamError('Order size must be a whole number of lots between 1 and maxOrderQty');
  }
  const price = priceOnTick(num(raw, 'price'), spec, 'price');
  if (type === 'limit' && price === null) throw badParameter('Parameter price is required for limit orders');
  const stop = oneOf(str(raw, 'stop'), ['up', 'down'] as const, 'stop') ?? null;
  const stopPriceType = oneOf(str(raw, 'stopPriceType'), ['TP', 'MP', 'IP'] as const, 'stopPriceType') ?? null;
  const stopPrice = priceOnTick(num(raw, 'stopPrice'), spec, 'stopPrice');
  if (stop && stopPrice === null) throw badParameter('Parameter stopPrice is required when stop is set');
  const timeInForce = oneOf(str(raw, 'timeInForce'), ['GTC', 'IOC'] as const, 'timeInForce') ?? 'GTC';
  const marginMode = str(raw, 'marginMode');
  if (marginMode !== undefined && marginMode !== 'ISOLATED')
    throw orderParamError('Only ISOLATED margin mode is supported by this venue');
  const req: TpslRequest = {
    clientOid,
    symbol,
    side,
    type,
    leverage: leverage ?? 1,
    size,
    price,
    reduceOnly: bool(raw, 'reduceOnly'),
    closeOrder,
    timeInForce,
    postOnly: bool(raw, 'postOnly'),
    stop,
    stopPriceType: stop ? (stopPriceType ?? 'TP') : null,
    stopPrice,
    remark: str(raw, 'remark') ?? null,
    triggerStopUpPrice: priceOnTick(num(raw, 'triggerStopUpPrice'), spec, 'triggerStopUpPrice'),
    triggerStopDownPrice: priceOnTick(num(raw, 'triggerStopDownPrice'), spec, 'triggerStopDownPrice'),
  };
  return { req, spec };
}
