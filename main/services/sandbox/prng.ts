import { createHash } from 'node:crypto';

/** A deterministic random source; every sandbox decision draws from one of these. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** One element, weighted by the second tuple member. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

/**
 * Seeded PRNG (sfc32) keyed by any list of strings.
 *
 * Keys (seed, client, upload stem, …) go through SHA-256 so that two streams with
 * different keys are independent, and the same keys always replay the same stream:
 * that is what makes exports byte-identical for the same seed and uploads.
 */
export function createRng(...key: readonly (string | number)[]): Rng {
  const h = createHash('sha256').update(key.map(String).join('\u0000')).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
  };
  return rng;
}

/** A deterministic 11-digit decimal ID (10000000000‥99999999999) derived from keys. */
export function hashId11(...key: readonly (string | number)[]): string {
  const h = createHash('sha256').update(key.map(String).join('\u0000')).digest();
  return (10_000_000_000n + (h.readBigUInt64BE(0) % 90_000_000_000n)).toString();
}

const ID_SPACE = 90_000_000_000n;
const offsets = new Map<string, bigint>();
/** Coprime with 90 000 000 000 (not divisible by 2, 3 or 5), so the map below is a bijection. */
export const ID_MULTIPLIER = 37_249_733_707n;

/**
 * The `n`-th 11-digit ID of a seeded sequence.
 *
 * An affine map modulo the ID space is a bijection, so distinct sequence numbers can
 * never collide (recipient and link IDs are primary keys) while the IDs still look random.
 */
export function sequenceId11(seed: string, kind: string, n: number): string {
  const key = `${seed}\u0000${kind}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = createHash('sha256').update(key).digest().readBigUInt64BE(0) % ID_SPACE;
    offsets.set(key, offset);
  }
  return (10_000_000_000n + ((ID_MULTIPLIER * BigInt(n) + offset) % ID_SPACE)).toString();
}
