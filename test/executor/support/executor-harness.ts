// One test world: the real simulator over HTTP (manual clock, so prices move only when a test says
// so), the real client, a real SQLite file in a temp dir, and executors built on them. Everything
// opened here is closed by close().
import { KucoinFuturesClient } from '../../../src/exchange/kucoin-futures-client.js';
import {
  OrderExecutor,
  type OrderExecutorOptions,
  type RiskLimits,
  type TradeEvent,
} from '../../../src/executor/index.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../src/simulator/simulator.js';
import type { EntryProposal } from '../../../src/executor/executor-api.js';
import type { Store } from '../../../src/store/index.js';
import { TempStores } from '../../support/temp-stores.js';
import { RecordingPort } from './recording-port.js';
import { simCredentials } from '../../support/sim-credentials.js';

export const LIMITS: RiskLimits = {
  maxOpenPositions: 2,
  leverage: 5,
  riskPerTrade: 0.01,
  maxNotional: 5000,
  dailyLossLimit: 0.05,
};

export class Harness {
  private readonly temp = new TempStores();
  /** The one SQLite file every store() of this harness opens. */
  readonly dir = this.temp.dir;
  readonly file = this.temp.file;
  readonly events: TradeEvent[] = [];

  private constructor(readonly sim: SimulatorHandle) {}

  static async start(options: SimulatorOptions = {}): Promise<Harness> {
    const sim = await startSimulator({ contracts: 3, clock: 'manual', seed: 7, ...options });
    return new Harness(sim);
  }

  client(timeoutMs = 2_000): KucoinFuturesClient {
    return new KucoinFuturesClient({ baseUrl: this.sim.url, credentials: simCredentials(this.sim), timeoutMs });
  }

  port(timeoutMs = 2_000): RecordingPort {
    return new RecordingPort(this.client(timeoutMs));
  }

  /** A fresh connection to the same SQLite file (a restarted process opens its own). */
  store(): Store {
    return this.temp.open();
  }

  executor(exchange: RecordingPort, store: Store, overrides: Partial<OrderExecutorOptions> = {}): OrderExecutor {
    return new OrderExecutor({
      exchange,
      store,
      limits: LIMITS,
      onEvent: (e) => void this.events.push(e),
      retryDelayMs: 20,
      fillPollMs: 20,
      ...overrides,
    });
  }

  symbol(i = 0): string {
    const s = this.sim.symbols[i];
    if (s === undefined) throw new Error(`no symbol ${i}`);
    return s;
  }

  /** An entry proposal with a stop `stopPct` away from the current price. */
  signal(symbol: string, side: 'long' | 'short' = 'long', stopPct = 0.01): EntryProposal {
    const price = this.sim.market.top(symbol).last;
    return { symbol, side, price, stopPrice: side === 'long' ? price * (1 - stopPct) : price * (1 + stopPct) };
  }

  /** Moves the market to `price` and lets the venue process it (stops fire here). */
  moveTo(symbol: string, price: number): void {
    this.sim.market.pin(symbol, price);
    this.sim.advance(2_000);
  }

  /** Orders (regular and stop) the venue holds for `symbol`. */
  venueOrders(symbol?: string) {
    const all = [...this.sim.engine.listOrders({}), ...this.sim.engine.listStopOrders({})];
    return symbol === undefined ? all : all.filter((o) => o.symbol === symbol);
  }

  venueStops(symbol: string) {
    return this.sim.engine.listStopOrders({ symbol });
  }

  eventsOf<T extends TradeEvent['type']>(type: T): Extract<TradeEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<TradeEvent, { type: T }> => e.type === type);
  }

  async close(): Promise<void> {
    this.temp.cleanup();
    await this.sim.close();
  }
}

/** The usual starting point of an executor test: a fresh world and an executor that has reconciled once. */
export async function startReconciled(): Promise<{ h: Harness; port: RecordingPort; store: Store; ex: OrderExecutor }> {
  const h = await Harness.start();
  const port = h.port();
  const store = h.store();
  const ex = h.executor(port, store);
  await ex.reconcile();
  return { h, port, store, ex };
}
