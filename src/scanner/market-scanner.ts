// One market scan, thread-agnostic: list the tradable contracts, fetch klines for each with bounded
// concurrency (every request goes through the injected client, which meters it through the shared
// rate limiter), analyse them in parallel (the piscina pool in production), rank, and propose the
// best candidates to the executor. The scanner worker's loop calls scanOnce() once per interval.
//
// Failures are data, not exceptions: a symbol whose klines fail or are malformed is recorded in the
// report and the scan goes on; a failed contract refresh falls back to the cached list; a failed
// proposal (executor restarting) is reported. Only a programming error escapes scanOnce().

import { setMaxListeners } from 'node:events';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import type { ExchangeResult } from '../exchange/call-policy.js';
import type { KlineGranularity, KlineQuery } from '../exchange/kucoin-futures-client.js';
import { KLINE_GRANULARITIES } from '../exchange/endpoints.js';
import type { Contract, Kline } from '../exchange/schemas/index.js';
import type { Clock } from '../resilience/clock.js';
import { rankCandidates } from '../strategy/rank-candidates.js';
import type { IndicatorTaskInput, SignalResult } from '../strategy/signal-types.js';
import { resolveStrategyParams, type StrategyParams } from '../strategy/strategy-params.js';
import { validateKlines } from '../strategy/validate-klines.js';
import { describeFailure } from './describe-failure.js';
import { Semaphore } from './semaphore.js';
import { tradableContracts } from './tradable-contracts.js';

/** The part of KucoinFuturesClient the scanner uses. */
export interface ScannerClient {
  activeContracts(): Promise<ExchangeResult<Contract[]>>;
  klines(query: KlineQuery): Promise<ExchangeResult<Kline[]>>;
  /** Used for the klines window when windowEnd is 'server'. */
  serverTime?(): Promise<ExchangeResult<number>>;
}

/** A piscina pool's `run` in production; the direct `analyzeSymbol` in unit tests. */
export type AnalyzeFn = (input: IndicatorTaskInput, signal?: AbortSignal) => Promise<SignalResult>;

/** The executor RPC: entries to consider, best first. */
export type ProposeFn = (candidates: SignalResult[]) => Promise<void>;

export interface MarketScannerOptions {
  /** Contracts with less 24 h turnover (USDT) are skipped. Default 1 000 000. */
  minTurnover?: number;
  /** Signals below this confidence are not proposed. Default 0.6. */
  minConfidence?: number;
  /** Kline timeframe in minutes (one KuCoin granularity). Default 15. */
  granularity?: KlineGranularity;
  /** Candles requested per symbol (KuCoin returns at most 500). Default 200. */
  candles?: number;
  /** Most candidates proposed per scan. Default 3. */
  maxCandidates?: number;
  /** Klines requests in flight at once. Default 8. */
  concurrency?: number;
  /** How long the contract list is reused before it is fetched again. Default 10 min. */
  contractsRefreshMs?: number;
  /**
   * Where the klines window ends: 'server' reads the venue's time once per scan (right whatever the
   * simulator's speed; falls back to the clock if the call fails or the client has no serverTime),
   * 'clock' uses the injected clock. Default 'server'.
   */
  windowEnd?: 'server' | 'clock';
  /** Strategy overrides sent with every task; checked once here. */
  strategyParams?: Partial<StrategyParams>;
}

export type ResolvedMarketScannerOptions = Required<Omit<MarketScannerOptions, 'strategyParams'>> & {
  strategyParams: Partial<StrategyParams> | undefined;
};

export const DEFAULT_MARKET_SCANNER_OPTIONS: Readonly<Required<Omit<MarketScannerOptions, 'strategyParams'>>> =
  Object.freeze({
    // Turnover and confidence defaults come from the one schema; the rest are the scanner's own tuning.
    minTurnover: CONFIG_DEFAULTS.minTurnover,
    minConfidence: CONFIG_DEFAULTS.minConfidence,
    granularity: 15, // KLINE_GRANULARITY's default, as the literal type the client takes
    candles: 200,
    maxCandidates: 3,
    concurrency: 8,
    contractsRefreshMs: 600_000,
    windowEnd: 'server',
  });

export const MAX_KLINES_PER_REQUEST = 500;

/** Per symbol analysed (or failed), so the worker loop can advance its progress counter mid-scan. */
export interface ScanProgress {
  readonly symbol: string;
  /** Symbols finished so far in this scan, this one included. */
  readonly done: number;
  readonly total: number;
  readonly outcome: 'analysed' | 'failed';
}

export interface ScanError {
  /** The symbol, or '(contracts)' / '(propose)' for the scan-wide steps. */
  readonly symbol: string;
  readonly message: string;
}

export interface ScanReport {
  readonly startedAt: number;
  readonly durationMs: number;
  /** Contracts that passed the type/status/turnover filter. */
  readonly symbolsEligible: number;
  /** Symbols whose klines were fetched, validated and analysed. */
  readonly symbolsScanned: number;
  /** Results with a side (long/short), at any confidence. */
  readonly signals: number;
  /** Candidates handed to propose() (0 when it failed or the scan was aborted). */
  readonly proposed: number;
  /** What was (or would have been) proposed: confidence >= minConfidence, best first. */
  readonly candidates: readonly SignalResult[];
  readonly errors: readonly ScanError[];
  /** True when the signal aborted the scan: nothing was proposed. */
  readonly aborted: boolean;
}

export interface MarketScannerDeps {
  readonly client: ScannerClient;
  readonly analyze: AnalyzeFn;
  readonly propose: ProposeFn;
  /** Scan durations and the contract-list age; the klines window end with windowEnd 'clock'. */
  readonly clock: Clock;
  readonly options?: MarketScannerOptions;
  readonly onProgress?: (progress: ScanProgress) => void;
}

export const CONTRACTS_SCOPE = '(contracts)';
export const SERVER_TIME_SCOPE = '(server-time)';
export const PROPOSE_SCOPE = '(propose)';

function positiveFinite(name: string, v: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new RangeError(
      `MarketScannerOptions.${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${String(v)}`,
    );
  }
  return v;
}

/** Fills defaults and checks every field once; errors name the field. */
export function resolveMarketScannerOptions(options: MarketScannerOptions = {}): ResolvedMarketScannerOptions {
  const o = { ...DEFAULT_MARKET_SCANNER_OPTIONS, ...stripUndefined(options) };
  if (typeof o.minTurnover !== 'number' || !Number.isFinite(o.minTurnover) || o.minTurnover < 0) {
    throw new RangeError(`MarketScannerOptions.minTurnover must be a finite number >= 0, got ${String(o.minTurnover)}`);
  }
  if (typeof o.minConfidence !== 'number' || !(o.minConfidence >= 0 && o.minConfidence <= 1)) {
    throw new RangeError(`MarketScannerOptions.minConfidence must be in [0, 1], got ${String(o.minConfidence)}`);
  }
  if (!(KLINE_GRANULARITIES as readonly number[]).includes(o.granularity)) {
    throw new RangeError(
      `MarketScannerOptions.granularity must be one of ${KLINE_GRANULARITIES.join(',')}, got ${String(o.granularity)}`,
    );
  }
  positiveFinite('candles', o.candles, true);
  if (o.candles > MAX_KLINES_PER_REQUEST) {
    throw new RangeError(
      `MarketScannerOptions.candles must be at most ${MAX_KLINES_PER_REQUEST} (one KuCoin request), got ${o.candles}`,
    );
  }
  positiveFinite('maxCandidates', o.maxCandidates, true);
  positiveFinite('concurrency', o.concurrency, true);
  positiveFinite('contractsRefreshMs', o.contractsRefreshMs);
  if (o.windowEnd !== 'server' && o.windowEnd !== 'clock') {
    throw new RangeError(`MarketScannerOptions.windowEnd must be 'server' or 'clock', got ${String(o.windowEnd)}`);
  }
  const strategyParams = options.strategyParams;
  if (strategyParams !== undefined) {
    // Throws naming the bad field, at construction rather than in every pool task.
    resolveStrategyParams(strategyParams);
  }
  return { ...o, strategyParams };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type SymbolOutcome = { ok: true; result: SignalResult } | { ok: false; error: ScanError };

export class MarketScanner {
  readonly options: ResolvedMarketScannerOptions;
  private readonly deps: MarketScannerDeps;
  private contracts: Contract[] | null = null;
  private contractsFetchedAt = Number.NEGATIVE_INFINITY;

  constructor(deps: MarketScannerDeps) {
    this.deps = deps;
    this.options = resolveMarketScannerOptions(deps.options);
  }

  /** Forget the cached contract list (next scan fetches it). */
  invalidateContracts(): void {
    this.contracts = null;
    this.contractsFetchedAt = Number.NEGATIVE_INFINITY;
  }

  async scanOnce(signal?: AbortSignal): Promise<ScanReport> {
    const { clock } = this.deps;
    const startedAt = clock.now();
    const errors: ScanError[] = [];
    const finish = (
      partial: Pick<
        ScanReport,
        'symbolsEligible' | 'symbolsScanned' | 'signals' | 'proposed' | 'candidates' | 'aborted'
      >,
    ): ScanReport => ({
      startedAt,
      durationMs: Math.max(0, clock.now() - startedAt),
      errors,
      ...partial,
    });
    const empty = { symbolsEligible: 0, symbolsScanned: 0, signals: 0, proposed: 0, candidates: [] };

    if (signal?.aborted) return finish({ ...empty, aborted: true });
    const contracts = await this.currentContracts(errors);
    if (signal?.aborted) return finish({ ...empty, aborted: true });
    const eligible = tradableContracts(contracts, this.options.minTurnover);
    const windowEnd = eligible.length > 0 ? await this.klinesWindowEnd(errors) : 0;
    if (signal?.aborted) return finish({ ...empty, aborted: true });

    const outcomes = await this.withScanSignal(signal, (scanSignal) =>
      this.analyseAll(
        eligible.map((c) => c.symbol),
        windowEnd,
        scanSignal,
      ),
    );
    const results: SignalResult[] = [];
    for (const o of outcomes) {
      if (o === undefined) continue; // not reached before the abort
      if (o.ok) results.push(o.result);
      else errors.push(o.error);
    }
    const signals = results.filter((r) => r.side !== 'none').length;
    const candidates = rankCandidates(results, this.options.minConfidence, this.options.maxCandidates);
    const base = { symbolsEligible: eligible.length, symbolsScanned: results.length, signals, candidates };
    if (signal?.aborted) return finish({ ...base, proposed: 0, aborted: true });

    let proposed = 0;
    if (candidates.length > 0) {
      try {
        await this.deps.propose(candidates);
        proposed = candidates.length;
      } catch (e) {
        errors.push({ symbol: PROPOSE_SCOPE, message: describeFailure(e) });
      }
    }
    return finish({ ...base, proposed, aborted: false });
  }

  /**
   * Every queued request and pool task listens to the abort signal; hundreds of them on the
   * caller's signal would trip Node's listener-leak warning, so they listen to a per-scan signal
   * that follows the caller's through one listener.
   */
  private async withScanSignal<T>(
    outer: AbortSignal | undefined,
    run: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    if (!outer) return run(undefined);
    const scan = new AbortController();
    setMaxListeners(0, scan.signal);
    const follow = (): void => scan.abort(outer.reason);
    if (outer.aborted) follow();
    else outer.addEventListener('abort', follow, { once: true });
    try {
      return await run(scan.signal);
    } finally {
      outer.removeEventListener('abort', follow);
    }
  }

  private async klinesWindowEnd(errors: ScanError[]): Promise<number> {
    const client = this.deps.client;
    if (this.options.windowEnd === 'server' && client.serverTime) {
      try {
        return (await client.serverTime()).data;
      } catch (e) {
        errors.push({ symbol: SERVER_TIME_SCOPE, message: describeFailure(e) });
      }
    }
    return this.deps.clock.now();
  }

  private async currentContracts(errors: ScanError[]): Promise<Contract[]> {
    const now = this.deps.clock.now();
    if (this.contracts !== null && now - this.contractsFetchedAt < this.options.contractsRefreshMs)
      return this.contracts;
    try {
      const { data } = await this.deps.client.activeContracts();
      this.contracts = data;
      this.contractsFetchedAt = now;
      return data;
    } catch (e) {
      // A stale list is far better than no scan; with no list at all this scan covers nothing.
      errors.push({ symbol: CONTRACTS_SCOPE, message: describeFailure(e) });
      return this.contracts ?? [];
    }
  }

  /**
   * Outcome per symbol, in input order; `undefined` for symbols never started because the signal
   * aborted. Resolves promptly on abort: requests already in flight finish in the background and
   * their results are dropped.
   */
  private analyseAll(
    symbols: readonly string[],
    windowEnd: number,
    signal?: AbortSignal,
  ): Promise<Array<SymbolOutcome | undefined>> {
    const outcomes: Array<SymbolOutcome | undefined> = new Array(symbols.length).fill(undefined);
    if (symbols.length === 0) return Promise.resolve(outcomes);
    const slots = new Semaphore(this.options.concurrency);
    let done = 0;
    const all = Promise.all(
      symbols.map(async (symbol, i) => {
        const outcome = await this.analyseOne(symbol, windowEnd, slots, signal);
        if (outcome === undefined || signal?.aborted) return;
        outcomes[i] = outcome;
        done += 1;
        this.reportProgress({ symbol, done, total: symbols.length, outcome: outcome.ok ? 'analysed' : 'failed' });
      }),
    ).then(() => outcomes);
    if (!signal) return all;
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(outcomes);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void all.then((o) => {
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      });
    });
  }

  /** Never rejects: failures become a ScanError; an abort becomes undefined. */
  private async analyseOne(
    symbol: string,
    to: number,
    slots: Semaphore,
    signal?: AbortSignal,
  ): Promise<SymbolOutcome | undefined> {
    let klines: Kline[];
    let release: (() => void) | undefined;
    try {
      release = await slots.acquire(signal);
    } catch {
      return undefined; // aborted while queued
    }
    try {
      const from = to - this.options.candles * this.options.granularity * 60_000;
      const { data } = await this.deps.client.klines({ symbol, granularity: this.options.granularity, from, to });
      klines = data.length > this.options.candles ? data.slice(data.length - this.options.candles) : data;
    } catch (e) {
      return { ok: false, error: { symbol, message: `klines: ${describeFailure(e)}` } };
    } finally {
      release();
    }
    if (signal?.aborted) return undefined;
    // Checked here as well as in the task: a poisoned series is an error to report, not a 'none'.
    const check = validateKlines(klines);
    if (!check.ok) return { ok: false, error: { symbol, message: `invalid klines: ${check.reason}` } };
    const input: IndicatorTaskInput = this.options.strategyParams
      ? { symbol, klines, params: { ...this.options.strategyParams } }
      : { symbol, klines };
    try {
      const result = await this.deps.analyze(input, signal);
      if (result.symbol !== symbol) {
        return { ok: false, error: { symbol, message: `analysis returned ${result.symbol}` } };
      }
      return { ok: true, result };
    } catch (e) {
      if (signal?.aborted) return undefined;
      return { ok: false, error: { symbol, message: `analysis: ${describeFailure(e)}` } };
    }
  }

  private reportProgress(progress: ScanProgress): void {
    try {
      this.deps.onProgress?.(progress);
    } catch {
      // A progress listener must never break a scan.
    }
  }
}
