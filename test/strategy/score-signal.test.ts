import { expect } from 'chai';
import { rsiComponent, scoreSignal, SIGNAL_WEIGHTS } from '../../src/strategy/score-signal.js';
import type { IndicatorSnapshot } from '../../src/strategy/signal-types.js';
import { DEFAULT_STRATEGY_PARAMS } from '../../src/strategy/strategy-params.js';

const p = DEFAULT_STRATEGY_PARAMS;

// ATR 1 keeps the normalisations readable: MACD/ATR = MACD, histogram / (0.25 ATR) = 4 x histogram.
function snap(over: Partial<IndicatorSnapshot>): IndicatorSnapshot {
  return {
    rsi: 50,
    macd: 0,
    macdSignal: 0,
    macdHistogram: 0,
    bbUpper: 110,
    bbMiddle: 100,
    bbLower: 90,
    stochK: 50,
    stochD: 50,
    atr: 1,
    volumeRatio: 1,
    ...over,
  };
}

describe('scoreSignal', () => {
  it('has weights that sum to 1, so full agreement is confidence 1', () => {
    const sum = Object.values(SIGNAL_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).to.be.closeTo(1, 1e-12);
    // trend: MACD/ATR 2 -> min(2, 1) = 1; hist 0.25 / 0.25 = 1; close at the upper band: 2 x 1 - 1 = 1;
    // RSI 70 -> 1; stoch (90-80)/10 = 1 and (90-50)/30 -> 1; volume 2 - 1 = 1.
    const s = scoreSignal(
      snap({ macd: 2, macdHistogram: 0.25, rsi: 70, stochK: 90, stochD: 80, volumeRatio: 2 }),
      110,
      p,
    );
    expect(s.side).to.equal('long');
    expect(s.confidence).to.be.closeTo(1, 1e-12);
  });

  it('weights a partial long as documented (worked example = 0.5)', () => {
    // trend      0.30 x 0.5                                      = 0.150  (MACD 0.5 / ATR 1)
    // macdHist   0.15 x 0.5                                      = 0.075  (0.125 / 0.25)
    // bollinger  0.15 x (2 x 0.75 - 1) = 0.15 x 0.5              = 0.075  (%B = (105-90)/20 = 0.75)
    // rsi        0.20 x (60 - 50) / 20 = 0.20 x 0.5              = 0.100
    // stochastic 0.10 x (0.5 x (65-60)/10 + 0.5 x (65-50)/30)   = 0.050
    // volume     0.10 x (1.5 - 1)                                = 0.050
    //                                                      total = 0.500
    const s = scoreSignal(
      snap({ macd: 0.5, macdHistogram: 0.125, rsi: 60, stochK: 65, stochD: 60, volumeRatio: 1.5 }),
      105,
      p,
    );
    expect(s.side).to.equal('long');
    expect(s.confidence).to.be.closeTo(0.5, 1e-12);
    expect(s.components).to.deep.include({
      trend: 0.5,
      macdHist: 0.5,
      bollinger: 0.5,
      rsi: 0.5,
      stochastic: 0.5,
      volume: 0.5,
    });
  });

  it('mirrors the worked example for a short', () => {
    const s = scoreSignal(
      snap({ macd: -0.5, macdHistogram: -0.125, rsi: 40, stochK: 35, stochD: 40, volumeRatio: 1.5 }),
      95,
      p,
    );
    expect(s.side).to.equal('short');
    expect(s.confidence).to.be.closeTo(0.5, 1e-12);
  });

  it('returns none below the trend gate (|MACD|/ATR 0.19 < 0.2)', () => {
    const s = scoreSignal(snap({ macd: 0.19, rsi: 70, stochK: 90, stochD: 80 }), 110, p);
    expect(s.side).to.equal('none');
    expect(s.confidence).to.equal(0);
    expect(s.reasons[0]).to.equal('no trend: |MACD|/ATR 0.190 < 0.2');
  });

  it('returns none when the other indicators outvote a weak trend', () => {
    // trend +0.09 against macdHist -0.15, bollinger -0.15, rsi -0.20, stochastic -0.10: total -0.51
    const s = scoreSignal(snap({ macd: 0.3, macdHistogram: -0.25, rsi: 30, stochK: 10, stochD: 20 }), 90, p);
    expect(s.side).to.equal('none');
    expect(s.reasons[0]).to.match(/outvote the long trend/);
  });

  it('returns none with zero or missing ATR and when an indicator is NaN', () => {
    expect(scoreSignal(snap({ atr: 0, macd: 1 }), 100, p).reasons[0]).to.match(/no volatility: ATR 0/);
    expect(scoreSignal(snap({ atr: Number.NaN, macd: 1 }), 100, p).reasons[0]).to.match(/no volatility: ATR NaN/);
    expect(scoreSignal(snap({ rsi: Number.NaN, macd: 1 }), 100, p).reasons[0]).to.equal(
      'indicator rsi unavailable (NaN)',
    );
  });

  it('treats zero-width bands and a missing volume ratio as neutral', () => {
    const s = scoreSignal(snap({ macd: 1, bbUpper: 100, bbLower: 100, volumeRatio: Number.NaN }), 100, p);
    expect(s.components.bollinger).to.equal(0);
    expect(s.components.volume).to.equal(0);
    expect(s.confidence).to.be.closeTo(0.3, 1e-12);
  });

  it('never lets volume alone create or flip a side', () => {
    const s = scoreSignal(snap({ macd: -1, volumeRatio: 3 }), 100, p);
    expect(s.side).to.equal('short');
    // trend 0.30 + volume 0.10 (clamped at ratio 2)
    expect(s.confidence).to.be.closeTo(0.4, 1e-12);
  });
});

describe('rsiComponent', () => {
  it('rises to 1 at 70, fades to 0 at 85 and mirrors below 50', () => {
    expect(rsiComponent(50)).to.equal(0);
    expect(rsiComponent(60)).to.equal(0.5);
    expect(rsiComponent(70)).to.equal(1);
    expect(rsiComponent(77.5)).to.equal(0.5);
    expect(rsiComponent(85)).to.equal(0);
    expect(rsiComponent(99)).to.equal(0);
    expect(rsiComponent(40)).to.equal(-0.5);
    expect(rsiComponent(30)).to.equal(-1);
    expect(rsiComponent(10)).to.equal(-0);
  });
});
