// Moving a position's exchange stop: tighten only, the new stop placed FIRST and the old one
// cancelled after, both journaled; queued behind any exit or other move of the same symbol.
import { roundToTick } from '../risk/index.js';
import type { Position } from '../store/index.js';
import type { ExecutorContext } from './executor-context.js';
import { errorMessage } from './order-sender.js';
import type { KeyedSerial } from './single-flight.js';
import type { StopManager } from './stop-manager.js';

export type MoveStopResult =
  | {
      readonly ok: true;
      readonly position: Position;
      readonly from: number | null;
      readonly to: number;
      readonly oldStopCancelled: boolean;
    }
  | { readonly ok: false; readonly reason: string };

export class StopMover {
  constructor(
    private readonly ctx: ExecutorContext,
    private readonly stops: StopManager,
    private readonly serial: KeyedSerial<string>,
  ) {}

  move(symbol: string, newStop: number): Promise<MoveStopResult> {
    return this.serial.serial(symbol, () => this.moveNow(symbol, newStop));
  }

  private async moveNow(symbol: string, requested: number): Promise<MoveStopResult> {
    const position = this.ctx.activePosition(symbol);
    if (position === undefined || position.status !== 'open')
      return { ok: false, reason: `no open position in ${symbol}` };
    if (!this.ctx.o.ownership.mayTrade(symbol))
      return { ok: false, reason: `${symbol} was taken over by another process on this account` };
    // One stop per position: while its entry is in flight the entry flow owns the first stop (the
    // monitor sees the position as soon as it is recorded, before that stop is placed).
    if (this.ctx.entering.has(symbol)) return { ok: false, reason: `the entry in ${symbol} is still placing its stop` };
    if (!(typeof requested === 'number' && Number.isFinite(requested) && requested > 0)) {
      return { ok: false, reason: `new stop must be a positive finite number, got ${String(requested)}` };
    }
    const contract = await this.ctx.contracts.get(symbol);
    if (contract === undefined) return { ok: false, reason: `${symbol} is not an active contract` };
    const long = position.side === 'long';
    const to = roundToTick(requested, contract.tickSize, long ? 'down' : 'up');
    const from = position.stopPrice;
    if (from !== null && (long ? to <= from : to >= from)) {
      return { ok: false, reason: `stop only tightens: ${to} is not ${long ? 'above' : 'below'} the current ${from}` };
    }
    let mark: number;
    try {
      mark = (await this.ctx.exchange.ticker(symbol)).data.price;
    } catch (e) {
      return { ok: false, reason: `ticker failed: ${errorMessage(e)}` };
    }
    if (long ? to >= mark : to <= mark) {
      return { ok: false, reason: `stop ${to} is already through the price ${mark}: close the position instead` };
    }

    const old = { clientOid: position.stopClientOid, orderId: position.stopOrderId };
    const placed = await this.stops.place(position, to, old);
    if (!placed.ok) return { ok: false, reason: `new stop not placed (old one kept): ${placed.reason}` };
    let oldStopCancelled = true;
    if (old.orderId !== null) {
      const outcome = await this.stops.cancel(old.orderId, old.clientOid, `replaced by ${placed.clientOid}`);
      oldStopCancelled = outcome === 'cancelled';
      if (outcome === 'gone')
        this.ctx.log.warn('old stop was already gone when replaced (it may have fired)', {
          symbol,
          orderId: old.orderId,
        });
      if (outcome === 'failed')
        this.ctx.log.warn('old stop not cancelled; reconcile will remove the duplicate', {
          symbol,
          orderId: old.orderId,
        });
    }
    this.ctx.emit({ type: 'stop-moved', symbol, from, to: placed.stopPrice, mark });
    return { ok: true, position: placed.position, from, to: placed.stopPrice, oldStopCancelled };
  }
}
