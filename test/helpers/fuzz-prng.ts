/**
 * A small seeded PRNG (xorshift128) for the hostile-input fuzzer.
 *
 * Own code rather than Math.random so a failing input can be regenerated from its seed and
 * index alone; the corpus is never stored on disk, only its seeds.
 */
export class FuzzRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from any string (FNV-1a spread over four words, then warmed up). */
  constructor(seed: string | number) {
    let h = 0x811c9dc5;
    const text = String(seed);
    const words: number[] = [];
    for (let w = 0; w < 4; w++) {
      for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i) + w * 0x9e37;
        h = Math.imul(h, 0x01000193) >>> 0;
      }
      words.push(h || 0x6d2b79f5 + w);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** Next unsigned 32-bit value. */
  u32(): number {
    let t = this.s3;
    const s = this.s0;
    this.s3 = this.s2;
    this.s2 = this.s1;
    this.s1 = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.s0 = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.s0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 0x100000000;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}
