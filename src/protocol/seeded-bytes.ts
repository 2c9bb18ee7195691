/** A deterministic, seed-keyed byte stream (the AES-256-CTR keystream): what generated passwords are drawn from. */
import { createCipheriv, createHash } from 'node:crypto';

// Large blocks: a million generated passwords draw some 25 million bytes.
const ZEROS = Buffer.alloc(65_536);

/** 256 bits of key material from any seed, so `1`, `'1'` and `'run-42'` all work as seeds. */
function seedKey(seed: number | string, purpose: string): Buffer {
  return createHash('sha256')
    .update(`ptaload:${purpose}:${String(seed)}`)
    .digest();
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
