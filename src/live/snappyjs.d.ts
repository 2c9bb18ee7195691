/** snappyjs ships no types; the one call used here. */
declare module 'snappyjs' {
  /** Snappy block format (not the framed stream format), which Prometheus remote write expects. */
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array): Uint8Array;
}
