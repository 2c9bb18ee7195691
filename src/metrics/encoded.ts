import { inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { decodeHistogram, type Histogram } from './histogram.js';

const COMPRESSED_COOKIE_BASE = 0x1c849304;
const ENCODING_COOKIE_BASE = 0x1c849303;
const HEADER_BYTES = 40;

/**
 * Adds a compressed-base64 histogram (HdrHistogram V2 encoding, as in .hlog lines and worker snapshots) into
 * `target` without building a histogram for it. Decoding through the library allocates a full counts array per
 * histogram (≈94 KiB with our settings; allocation dominated the coordinator's merge cost), while an interval's
 * histogram has a few dozen non-zero buckets. Same result as `target.add(decodeHistogram(encoded))`, which is
 * the fallback whenever the encoded settings differ from the target's.
 */
export function addEncodedInto(target: Histogram, encoded: string): void {
  const payload = payloadOf(encoded);
  if (payload === undefined || !(target instanceof hdr.JsHistogram) || !sameHeader(target, payload)) {
    target.add(decodeHistogram(encoded));
    return;
  }
  const end = HEADER_BYTES + payload.readInt32BE(4);
  let index = 0;
  let pos = HEADER_BYTES;
  while (pos < end) {
    // ZigZag LEB128 (up to 9 bytes): a positive word is the count at the next index, a negative one skips zeros.
    let raw = 0;
    let scale = 1;
    let byte: number;
    let n = 0;
    do {
      byte = payload[pos++]!;
      raw += (n === 8 ? byte : byte & 0x7f) * scale;
      scale *= 128;
      n++;
    } while (byte & 0x80 && n < 9);
    const word = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (word < 0) {
      index -= word;
    } else {
      if (word > 0) target.recordValueWithCount(target.valueFromIndex(index), word);
      index++;
    }
  }
}

function payloadOf(encoded: string): Buffer | undefined {
  const bytes = Buffer.from(encoded.trim(), 'base64');
  if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== COMPRESSED_COOKIE_BASE) return undefined;
  const payload = inflateSync(bytes.subarray(8, 8 + bytes.readInt32BE(4)));
  if (payload.length < HEADER_BYTES || (payload.readInt32BE(0) & ~0xf0) !== ENCODING_COOKIE_BASE)
    return undefined;
  return payload;
}

function sameHeader(target: hdr.JsHistogram, payload: Buffer): boolean {
  return (
    payload.readInt32BE(12) === target.numberOfSignificantValueDigits &&
    Number(payload.readBigInt64BE(16)) === target.lowestDiscernibleValue &&
    Number(payload.readBigInt64BE(24)) === target.highestTrackableValue
  );
}
