/**
 * The randomness of real releases: an engine `Rng` backed by node:crypto (the operating system's
 * CSPRNG), never a seeded generator, so that nobody holding the code and a seed can subtract the
 * noise. Bytes are drawn 4 KiB at a time; each `next()` is one 32-bit word / 2^32.
 */
import { randomBytes } from 'node:crypto';
import type { Rng } from '@baseerat/engine';

export class CryptoRng implements Rng {
  private words = new Uint32Array(0);
  private at = 0;
  next(): number {
    if (this.at >= this.words.length) {
      const b = randomBytes(4096);
      // Copied out: a Buffer may sit at an unaligned offset of a shared pool.
      this.words = new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      this.at = 0;
    }
    return this.words[this.at++]! / 4294967296;
  }
}
