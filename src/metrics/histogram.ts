import * as hdr from 'hdr-histogram-js';
import { HISTOGRAM } from './types.js';

export type Histogram = hdr.Histogram;

/**
 * Where a histogram's counts live. `js`: a Uint32Array per histogram (the default). `wasm`: hdr-histogram-js's
 * WebAssembly build, faster to record into (see test/bench/metrics.ts) but its memory is freed only by
 * `destroy()` and it cannot be `add()`ed to a JS histogram; only a recorder that owns its histograms uses it.
 */
export type HistogramEngine = 'js' | 'wasm';

/**
 * Counts per bucket: 32 bits hold any one interval (2^32 replies in one bucket in one second cannot happen);
 * run-long totals use 64-bit floats (exact to 2^53) so an hours-long soak cannot wrap a bucket.
 * 'packed' was measured 3–6× slower to record and 10–40× slower to encode (test/bench/metrics.ts), so not used.
 */
export type CountWidth = 32 | 64;

/** The largest latency a histogram accepts; larger values are clamped to it by the recorder. */
export const HIGHEST_US = HISTOGRAM.highestTrackableValue;

let wasmReady = false;

/** A histogram with the run's settings (HISTOGRAM). Never resizes: values above the range are the caller's to clamp. */
export function createHistogram(width: CountWidth = 32, engine: HistogramEngine = 'js'): Histogram {
  const useWebAssembly = engine === 'wasm';
  if (useWebAssembly && !wasmReady) {
    hdr.initWebAssemblySync();
    wasmReady = true;
  }
  return hdr.build({ ...HISTOGRAM, bitBucketSize: width, autoResize: false, useWebAssembly });
}

/** HdrHistogram's compressed base64 form, as in the interval log (.hlog) format. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Decodes a compressed base64 histogram into a JS histogram (throws the library's Error on garbage). */
export function decodeHistogram(encoded: string, width: CountWidth = 32): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, width, false);
}
