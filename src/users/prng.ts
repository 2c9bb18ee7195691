import { createCipheriv, createHash } from 'node:crypto';

const ZEROS = Buffer.alloc(4096);

/** 256 bits of key material from any seed, so `1`, `'1'` and `'run-42'` all work as seeds. */
function seedKey(seed: number | string, purpose: string): Buffer {
  return createHash('sha256')
    .update(`ptaload:${purpose}:${String(seed)}`)
    .digest();
}

/**
 * Fast seeded float generator (sfc32) for simulation choices such as service times and state
 * assignment. Not for secrets: its output is predictable from a few values.
 */
export function seededRandom(seed: number | string, purpose = 'random'): () => number {
  const k = seedKey(seed, purpose);
  let a = k.readUInt32LE(0);
  let b = k.readUInt32LE(4);
  let c = k.readUInt32LE(8);
  let d = k.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 still echo the key; discard them.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * Deterministic byte stream keyed by the seed (the AES-256-CTR keystream). Used for passwords:
 * reproducible for a known seed, yet unguessable when the seed is a secret random value.
 */
export class SeededBytes {
  private readonly cipher: ReturnType<typeof createCipheriv>;
  private block: Buffer = Buffer.alloc(0);
  private pos = 0;

  constructor(seed: number | string, purpose = 'bytes') {
    this.cipher = createCipheriv('aes-256-ctr', seedKey(seed, purpose), Buffer.alloc(16));
  }

  /** One byte, 0..255. */
  byte(): number {
    if (this.pos >= this.block.length) {
      this.block = this.cipher.update(ZEROS);
      this.pos = 0;
    }
    return this.block[this.pos++]!;
  }

  /** An unbiased integer in [0, n) for n ≤ 256 (rejection sampling, so no modulo bias). */
  below(n: number): number {
    const limit = 256 - (256 % n);
    for (;;) {
      const b = this.byte();
      if (b < limit) return b % n;
    }
  }
}
