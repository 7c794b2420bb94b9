// Small seeded randomness: the simulator must replay the same market for the same seed, so nothing
// here touches Math.random().

/** mulberry32: a tiny 32-bit generator, good enough for market noise and fault dice. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes integers into one well-spread 32-bit value (random access: no sequence state needed). */
export function hashInts(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // Fold values beyond 32 bits (e.g. knot indexes far from the epoch) in two halves.
    const lo = part | 0;
    const hi = Math.floor(part / 4294967296) | 0;
    h = Math.imul(h ^ lo, 0x01000193);
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    h = Math.imul(h ^ hi, 0x01000193);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform value in [0, 1) addressed by integers. */
export function hashUnit(...parts: readonly number[]): number {
  return hashInts(...parts) / 4294967296;
}

/** A stable 32-bit id for a string (symbols, tokens). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
