// Rounding prices to ticks and sizes to lots without binary-float garbage. The value is converted to
// an integer count of steps (with a tolerance of a billionth of a step, so 0.3 / 0.1 = 2.9999999999999996
// counts as 3), rounded as asked, and rebuilt as integer / 10^decimals. Dividing an integer by a power
// of ten gives the double nearest the decimal, so 3 ticks of 0.1 come back as 0.3, not 0.30000000000000004.

export type RoundingMode = 'up' | 'down' | 'nearest';

/** Digits after the decimal point needed to write `step` exactly (handles 1e-7 style notation). */
export function decimalsOf(step: number): number {
  const s = step.toString();
  const exp = s.indexOf('e-');
  if (exp >= 0) {
    const mantissa = s.slice(0, exp);
    const dot = mantissa.indexOf('.');
    return Number(s.slice(exp + 2)) + (dot >= 0 ? mantissa.length - dot - 1 : 0);
  }
  const dot = s.indexOf('.');
  return dot >= 0 ? s.length - dot - 1 : 0;
}

function checkStep(step: number, name: string): void {
  if (!Number.isFinite(step) || step <= 0)
    throw new RangeError(`${name} must be a positive finite number, got ${step}`);
}

/** Exact-enough number of steps in `value` (a float; callers round it). */
function stepCount(value: number, step: number): { steps: number; step: number; scale: number; stepInt: number } {
  const decimals = Math.min(decimalsOf(step), 20);
  const scale = 10 ** decimals;
  const stepInt = Math.round(step * scale);
  return { steps: (value * scale) / stepInt, step, scale, stepInt };
}

function tolerance(steps: number): number {
  return Math.max(1e-9, Math.abs(steps) * 1e-12);
}

export function roundToStep(value: number, step: number, mode: RoundingMode, name = 'step'): number {
  checkStep(step, name);
  if (!Number.isFinite(value)) throw new RangeError(`value to round must be finite, got ${value}`);
  const { steps, scale, stepInt } = stepCount(value, step);
  const tol = tolerance(steps);
  let n: number;
  switch (mode) {
    case 'down':
      n = Math.floor(steps + tol);
      break;
    case 'up':
      n = Math.ceil(steps - tol);
      break;
    case 'nearest':
      n = Math.round(steps);
      break;
    default: {
      const never: never = mode;
      throw new RangeError(`unknown rounding mode ${String(never)}`);
    }
  }
  // Normalise -0 so callers comparing with Object.is or printing never see "-0".
  const out = (n * stepInt) / scale;
  return out === 0 ? 0 : out;
}

/** True when `value` is a whole number of steps (within the same tolerance as the rounding). */
export function isMultipleOfStep(value: number, step: number): boolean {
  if (!Number.isFinite(value) || !Number.isFinite(step) || step <= 0) return false;
  const { steps } = stepCount(value, step);
  return Math.abs(steps - Math.round(steps)) <= tolerance(steps);
}

/**
 * Stricter than isMultipleOfStep: true only when `value` is exactly the double nearest to a whole
 * number of steps, i.e. it prints as a clean decimal. 0.1 + 0.2 is within tolerance of 3 ticks of 0.1
 * but prints as "0.30000000000000004", which an exchange parsing the decimal string would reject;
 * roundToTick(0.1 + 0.2, 0.1, 'nearest') is canonical.
 */
export function isCanonicalMultiple(value: number, step: number): boolean {
  if (!Number.isFinite(value) || !Number.isFinite(step) || step <= 0) return false;
  return roundToStep(value, step, 'nearest') === value;
}

export function roundToTick(price: number, tickSize: number, mode: RoundingMode): number {
  return roundToStep(price, tickSize, mode, 'tickSize');
}

export function isOnTick(price: number, tickSize: number): boolean {
  return isMultipleOfStep(price, tickSize);
}

/** Sizes are always rounded down: never trade more than the risk budget allows. */
export function floorToLot(size: number, lotSize: number): number {
  return roundToStep(size, lotSize, 'down', 'lotSize');
}
