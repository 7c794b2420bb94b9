// Deterministic, random-access price paths. Each contract's log price is a sum of value-noise
// octaves (10 s up to 64 days) addressed by (seed, contract, octave, knot), so any instant, past or
// future, can be evaluated without replaying history: the same seed always yields the same market,
// and klines of any granularity reach arbitrarily far back.
import { hashUnit, hashString } from './rng.js';
import type { ContractSpec } from './contracts-catalogue.js';
import type { MarketProfile } from '../../config/market-profiles.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Octave {
  readonly scaleMs: number;
  /** Multiplies the contract's daily volatility. */
  readonly weight: number;
  /** Short octaves breathe with the volatility regime; long ones carry the trend. */
  readonly regime: boolean;
}

const OCTAVES: readonly Octave[] = [
  10 * SECOND,
  MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  8 * HOUR,
  DAY,
  4 * DAY,
  16 * DAY,
  64 * DAY,
].map((scaleMs) => ({ scaleMs, weight: 0.9 * Math.sqrt(scaleMs / DAY), regime: scaleMs < DAY }));
const REGIME_SCALE_MS = 6 * HOUR;
/** Flat profile: the slowest octave kept. */
const FLAT_MAX_SCALE_MS = 5 * MINUTE;
const ACTIVITY_SCALE_MS = HOUR;
/** Trending profile: legs of this length alternate up and down, so prices stay bounded. */
const TREND_LEG_MS = 20 * DAY;

/** Persistent change applied from `fromMs` on: a multiplicative jump or a pinned price. */
type Override = { readonly fromMs: number; readonly factor: number; readonly pin: number | null };

export interface Candle {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Lots traded. */
  readonly volume: number;
}

interface PathParams {
  readonly id: number;
  readonly spec: ContractSpec;
  readonly logBase: number;
  readonly trendSign: 1 | -1;
  readonly trendPhaseMs: number;
  readonly lotsPerMs: number;
}

export class PricePaths {
  private readonly params = new Map<string, PathParams>();
  private readonly overrides = new Map<string, Override[]>();
  private readonly candleCache = new Map<string, Candle>();

  constructor(
    contracts: readonly ContractSpec[],
    private readonly seed: number,
    readonly profile: MarketProfile,
  ) {
    for (const spec of contracts) {
      const id = hashString(spec.symbol);
      this.params.set(spec.symbol, {
        id,
        spec,
        logBase: Math.log(spec.basePrice),
        trendSign: hashUnit(seed, id, 7001) < 0.5 ? 1 : -1,
        trendPhaseMs: Math.floor(hashUnit(seed, id, 7002) * 2 * TREND_LEG_MS),
        lotsPerMs: spec.turnover24h / (spec.basePrice * spec.multiplier) / DAY,
      });
    }
  }

  has(symbol: string): boolean {
    return this.params.has(symbol);
  }

  /** Fair (mark) price at `t`, before tick rounding. */
  price(symbol: string, t: number): number {
    const p = this.get(symbol);
    const ov = this.overrideAt(symbol, t);
    if (ov?.pin != null) return ov.pin;
    return Math.exp(this.logPath(p, t)) * (ov?.factor ?? 1);
  }

  /** +1 when the trending profile is in an up leg at `t`, -1 in a down leg; 0 for other profiles. */
  trendDirection(symbol: string, t: number): -1 | 0 | 1 {
    if (this.profile !== 'trending') return 0;
    const p = this.get(symbol);
    return this.trendSlope(p, t) > 0 ? 1 : -1;
  }

  /** Milliseconds from `t` until the trending profile's current leg turns. */
  msUntilTrendTurn(symbol: string, t: number): number {
    const p = this.get(symbol);
    const phase = (((t + p.trendPhaseMs) % TREND_LEG_MS) + TREND_LEG_MS) % TREND_LEG_MS;
    return TREND_LEG_MS - phase;
  }

  /** Multiplies the path by `factor` from `t` on (a jump, e.g. a crash for liquidation tests). */
  shock(symbol: string, t: number, factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor))
      throw new Error(`shock: factor must be a positive number, got ${factor}`);
    const prev = this.overrideAt(symbol, t);
    this.pushOverride(symbol, { fromMs: t, factor: (prev?.factor ?? 1) * factor, pin: null });
  }

  /** Holds the price at `price` from `t` on; `null` releases it back onto the (shocked) path. */
  pin(symbol: string, t: number, price: number | null): void {
    if (price !== null && (!(price > 0) || !Number.isFinite(price)))
      throw new Error(`pin: price must be a positive number, got ${price}`);
    const prev = this.overrideAt(symbol, t);
    this.pushOverride(symbol, { fromMs: t, factor: prev?.factor ?? 1, pin: price });
  }

  /** OHLCV over [t0, t1] (close = price at t1), sampled finely enough that short candles see their intra-candle swings. */
  candle(symbol: string, t0: number, t1: number, cacheable: boolean): Candle {
    const key = `${symbol}|${t0}|${t1}`;
    if (cacheable) {
      const hit = this.candleCache.get(key);
      if (hit) return hit;
    }
    const p = this.get(symbol);
    if (t1 <= t0) {
      const px = this.price(symbol, t0);
      return { open: px, high: px, low: px, close: px, volume: 0 };
    }
    const span = t1 - t0;
    const segments = Math.max(1, Math.min(120, Math.ceil(span / (10 * SECOND))));
    const open = this.price(symbol, t0);
    let high = open;
    let low = open;
    let close = open;
    let activity = 0;
    for (let i = 1; i <= segments; i++) {
      const t = t0 + (span * i) / segments;
      // The close is the price at t1, which is also the next candle's open.
      const px = this.price(symbol, t);
      if (px > high) high = px;
      if (px < low) low = px;
      close = px;
      activity += this.activity(p, t);
    }
    const volume = Math.max(0, Math.round(p.lotsPerMs * span * (activity / segments)));
    const candle = { open, high, low, close, volume };
    if (cacheable) {
      if (this.candleCache.size > 200_000) this.candleCache.clear();
      this.candleCache.set(key, candle);
    }
    return candle;
  }

  /** Average trading activity multiplier at `t` (1 = the contract's typical turnover). */
  activityAt(symbol: string, t: number): number {
    return this.activity(this.get(symbol), t);
  }

  /** A deterministic uniform value tied to this market's seed (order-book sizes, funding). */
  unit(symbol: string, ...parts: readonly number[]): number {
    return hashUnit(this.seed, this.get(symbol).id, ...parts);
  }

  private get(symbol: string): PathParams {
    const p = this.params.get(symbol);
    if (!p) throw new Error(`unknown symbol ${symbol}`);
    return p;
  }

  private logPath(p: PathParams, t: number): number {
    const vol = p.spec.dailyVol * (this.profile === 'flat' ? 0.04 : 1);
    const regime = Math.exp(0.5 * this.noise(p, 9001, REGIME_SCALE_MS, t));
    let x = p.logBase;
    for (const [o, oct] of OCTAVES.entries()) {
      // In the trending profile the long octaves would fight the drift; mute them. The flat profile
      // keeps only sub-15-minute noise: prices chop around their base with nothing for a trend
      // follower to find on any candle a scanner uses.
      if (this.profile === 'trending' && !oct.regime) continue;
      if (this.profile === 'flat' && oct.scaleMs > FLAT_MAX_SCALE_MS) continue;
      const amp = vol * oct.weight * (oct.regime ? regime : 1);
      x += amp * this.noise(p, o, oct.scaleMs, t);
    }
    if (this.profile === 'trending') x += this.trendOffset(p, t);
    return x;
  }

  /** Triangle wave: rises at 1.5 × daily vol per day for a leg, then falls for a leg. */
  private trendOffset(p: PathParams, t: number): number {
    const perMs = (1.5 * p.spec.dailyVol) / DAY;
    const period = 2 * TREND_LEG_MS;
    const phase = (((t + p.trendPhaseMs) % period) + period) % period;
    const tri = phase < TREND_LEG_MS ? phase : period - phase;
    return p.trendSign * perMs * (tri - TREND_LEG_MS / 2);
  }

  private trendSlope(p: PathParams, t: number): number {
    const period = 2 * TREND_LEG_MS;
    const phase = (((t + p.trendPhaseMs) % period) + period) % period;
    return p.trendSign * (phase < TREND_LEG_MS ? 1 : -1);
  }

  private activity(p: PathParams, t: number): number {
    return Math.exp(0.6 * this.noise(p, 9002, ACTIVITY_SCALE_MS, t));
  }

  /** Smooth value noise in [-1, 1]: random knots every `scale` ms, smoothstep between them. */
  private noise(p: PathParams, octave: number, scale: number, t: number): number {
    const offset = Math.floor(hashUnit(this.seed, p.id, octave, 0x5eed) * scale);
    const x = (t + offset) / scale;
    const k = Math.floor(x);
    const f = x - k;
    const a = 2 * hashUnit(this.seed, p.id, octave, k) - 1;
    const b = 2 * hashUnit(this.seed, p.id, octave, k + 1) - 1;
    const s = f * f * (3 - 2 * f);
    return a + (b - a) * s;
  }

  private overrideAt(symbol: string, t: number): Override | undefined {
    const list = this.overrides.get(symbol);
    if (!list) return undefined;
    return list.findLast((o) => o.fromMs <= t);
  }

  private pushOverride(symbol: string, ov: Override): void {
    this.get(symbol);
    const list = this.overrides.get(symbol) ?? [];
    // Later overrides replace any that start at or after them.
    const kept = list.filter((o) => o.fromMs < ov.fromMs);
    kept.push(ov);
    this.overrides.set(symbol, kept);
    this.candleCache.clear();
  }
}
