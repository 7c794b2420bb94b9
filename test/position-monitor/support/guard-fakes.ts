// A scripted executor and exchange for PositionGuard tests: calls are recorded, and each answer can
// be held back (deferred) to model a slow executor while prices keep arriving.
import type { ExchangeResult } from '../../../src/exchange/call-policy.js';
import type { Contract, Position as ExchangePosition } from '../../../src/exchange/schemas/index.js';
import type { ExecutorDecision } from '../../../src/executor/executor-api.js';
import type {
  GuardClient,
  GuardCloseReason,
  GuardExecutor,
  GuardPosition,
} from '../../../src/position-monitor/position-guard.js';
import { contract } from '../../scanner/support/scanner-fixtures.js';
import { type Deferred, deferred } from '../../support/deferred.js';

export class FakeExecutor implements GuardExecutor {
  positions: GuardPosition[] = [];
  closes: Array<{
    symbol: string;
    reason: GuardCloseReason;
    positionId: number | undefined;
    answer: Deferred<ExecutorDecision>;
  }> = [];
  moves: Array<{ symbol: string; stop: number; answer: Deferred<ExecutorDecision> }> = [];
  /** When true, answers resolve at once with { accepted: true }. */
  autoAnswer = true;
  failPositions: Error | null = null;

  async openPositions(): Promise<readonly GuardPosition[]> {
    if (this.failPositions) throw this.failPositions;
    return this.positions.map((p) => ({ ...p }));
  }
  closePosition(symbol: string, reason: GuardCloseReason, positionId?: number): Promise<ExecutorDecision> {
    const answer = deferred<ExecutorDecision>();
    this.closes.push({ symbol, reason, positionId, answer });
    if (this.autoAnswer) answer.resolve({ accepted: true });
    return answer.promise;
  }
  moveStop(symbol: string, stop: number): Promise<ExecutorDecision> {
    const answer = deferred<ExecutorDecision>();
    this.moves.push({ symbol, stop, answer });
    if (this.autoAnswer) answer.resolve({ accepted: true });
    return answer.promise;
  }
}

export class FakeExchange implements GuardClient {
  contracts: Contract[] = [
    contract('XBTUSDTM', { tickSize: 0.1, multiplier: 0.001 }),
    contract('ETHUSDTM', { tickSize: 0.01 }),
    contract('DOGEUSDTM', { tickSize: 0.00001, multiplier: 100 }),
  ];
  positionsView: ExchangePosition[] = [];
  contractCalls = 0;
  failPositions: Error | null = null;

  async positions(): Promise<ExchangeResult<ExchangePosition[]>> {
    if (this.failPositions) throw this.failPositions;
    return { data: this.positionsView, rateLimit: null };
  }
  async activeContracts(): Promise<ExchangeResult<Contract[]>> {
    this.contractCalls += 1;
    return { data: this.contracts, rateLimit: null };
  }
}

export function exchangePosition(
  symbol: string,
  currentQty: number,
  markPrice: number,
  unrealisedPnl = 0,
): ExchangePosition {
  return {
    id: `pos-${symbol}`,
    symbol,
    isOpen: currentQty !== 0,
    currentQty,
    avgEntryPrice: markPrice,
    markPrice,
    unrealisedPnl,
    realisedPnl: 0,
    liquidationPrice: null,
    bankruptPrice: null,
    leverage: 5,
    realLeverage: 5,
    posMargin: null,
    maintMargin: null,
    posInit: null,
    unrealisedPnlPcnt: null,
    unrealisedRoePcnt: null,
    openingTimestamp: null,
    currentTimestamp: null,
    settleCurrency: 'USDT',
    marginMode: 'ISOLATED',
    crossMode: false,
  } as ExchangePosition;
}
