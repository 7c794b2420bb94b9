import { expect } from 'chai';
import {
  decimalsOf,
  floorToLot,
  isCanonicalMultiple,
  isMultipleOfStep,
  isOnTick,
  roundToStep,
  roundToTick,
} from '../../src/risk/step-rounding.js';

describe('roundToTick', () => {
  it('removes binary float garbage: 0.1 + 0.2 = 0.30000000000000004 rounds to exactly 0.3', () => {
    expect(0.1 + 0.2).to.not.equal(0.3);
    expect(roundToTick(0.1 + 0.2, 0.1, 'down')).to.equal(0.3);
    expect(roundToTick(0.1 + 0.2, 0.1, 'up')).to.equal(0.3);
    expect(roundToTick(0.1 + 0.2, 0.1, 'nearest')).to.equal(0.3);
  });

  it('does not move a price already on tick (0.29 x 100 = 28.999999999999996, 0.57 x 100 = 56.99999999999999)', () => {
    expect(0.57 * 100).to.not.equal(57);
    expect(0.29 * 100).to.not.equal(29);
    // Naive floor(0.29 x 100) / 100 = 0.28 and floor(0.57 x 100) / 100 = 0.56: both wrong.
    expect(roundToTick(0.57, 0.01, 'down')).to.equal(0.57);
    expect(roundToTick(0.57, 0.01, 'up')).to.equal(0.57);
    expect(roundToTick(0.29, 0.01, 'down')).to.equal(0.29);
    expect(roundToTick(0.29, 0.01, 'up')).to.equal(0.29);
  });

  it('rounds XBTUSDTM prices (tick 0.1) in all three modes', () => {
    // 60000.04 = 600000.4 ticks: down 600000, up 600001, nearest 600000
    expect(roundToTick(60000.04, 0.1, 'down')).to.equal(60000);
    expect(roundToTick(60000.04, 0.1, 'up')).to.equal(60000.1);
    expect(roundToTick(60000.04, 0.1, 'nearest')).to.equal(60000);
    expect(roundToTick(60000.06, 0.1, 'nearest')).to.equal(60000.1);
  });

  it('handles ticks that are not powers of ten (0.5, 5, 0.25)', () => {
    expect(roundToTick(101.3, 0.5, 'down')).to.equal(101);
    expect(roundToTick(101.3, 0.5, 'up')).to.equal(101.5);
    expect(roundToTick(12, 5, 'down')).to.equal(10);
    expect(roundToTick(12, 5, 'up')).to.equal(15);
    expect(roundToTick(1.3, 0.25, 'nearest')).to.equal(1.25);
  });

  it('handles tiny ticks written in exponent notation (1e-8, 2.5e-7)', () => {
    expect(decimalsOf(1e-8)).to.equal(8);
    expect(decimalsOf(2.5e-7)).to.equal(8);
    expect(decimalsOf(0.00001)).to.equal(5);
    expect(decimalsOf(5)).to.equal(0);
    expect(roundToTick(0.123456789, 1e-8, 'down')).to.equal(0.12345678);
    expect(roundToTick(0.123456789, 1e-8, 'up')).to.equal(0.12345679);
    expect(roundToTick(0.150004, 0.00001, 'nearest')).to.equal(0.15);
  });

  it('returns exact decimals for many prices built by repeated float addition', () => {
    let p = 0;
    for (let i = 1; i <= 1000; i++) {
      p += 0.1; // accumulates error: after 10 steps p is 0.9999999999999999
      const rounded = roundToTick(p, 0.1, 'nearest');
      expect(rounded).to.equal(i / 10);
      expect(String(rounded)).to.equal(String(i / 10));
    }
  });

  it('never returns -0', () => {
    expect(Object.is(roundToTick(-0.01, 0.1, 'nearest'), 0)).to.equal(true);
  });

  it('throws on a non-positive or non-finite tick and on a non-finite price', () => {
    expect(() => roundToTick(1, 0, 'down')).to.throw(RangeError, /tickSize/);
    expect(() => roundToTick(1, -0.1, 'down')).to.throw(RangeError, /tickSize/);
    expect(() => roundToTick(1, Number.NaN, 'down')).to.throw(RangeError, /tickSize/);
    expect(() => roundToTick(Number.NaN, 0.1, 'down')).to.throw(RangeError, /finite/);
    expect(() => roundToTick(Number.POSITIVE_INFINITY, 0.1, 'up')).to.throw(RangeError, /finite/);
    expect(() => roundToStep(1, 0.1, 'sideways' as 'up')).to.throw(RangeError, /mode/);
  });
});

describe('isOnTick / isMultipleOfStep / floorToLot', () => {
  it('accepts on-tick prices even with float noise and rejects off-tick ones', () => {
    expect(isOnTick(60000.1, 0.1)).to.equal(true);
    expect(isOnTick(0.1 + 0.2, 0.1)).to.equal(true);
    expect(isOnTick(60000.15, 0.1)).to.equal(false);
    expect(isOnTick(101.25, 0.5)).to.equal(false);
    expect(isOnTick(Number.NaN, 0.1)).to.equal(false);
    expect(isOnTick(1, 0)).to.equal(false);
  });

  it('floors sizes to whole lots (lotSize 1 and 10)', () => {
    expect(floorToLot(166.666, 1)).to.equal(166);
    expect(floorToLot(29.99, 10)).to.equal(20);
    expect(floorToLot(30, 10)).to.equal(30);
    expect(floorToLot(9.99, 10)).to.equal(0);
    expect(isMultipleOfStep(20, 10)).to.equal(true);
    expect(isMultipleOfStep(15, 10)).to.equal(false);
  });

  it('isCanonicalMultiple accepts only the exact decimal double', () => {
    expect(isCanonicalMultiple(0.3, 0.1)).to.equal(true);
    expect(isCanonicalMultiple(0.1 + 0.2, 0.1)).to.equal(false);
    expect(isCanonicalMultiple(60000.1, 0.1)).to.equal(true);
    expect(isCanonicalMultiple(30, 10)).to.equal(true);
    expect(isCanonicalMultiple(30.000000001, 10)).to.equal(false);
    expect(isCanonicalMultiple(Number.NaN, 0.1)).to.equal(false);
  });
});
