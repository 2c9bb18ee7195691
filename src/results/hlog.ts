import { decodeHistogram as decode, encodeHistogram } from '../metrics/histogram.js';
import type { Histogram } from '../metrics/latency.js';
import type { SeriesTag } from '../metrics/types.js';

/**
 * HdrHistogram's interval-log format, version 1.3 (the tagged form), so other HdrHistogram tools
 * (HistogramLogProcessor, HdrHistogramVisualizer, hdr-histogram-js's reader) can read our logs.
 * Timestamps in the lines are seconds relative to BaseTime, which is the run's start.
 */
export const HLOG_VERSION = '1.3';
const LEGEND = '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"';

/** Histograms hold µs; the interval-max column is written in ms, as the format's tools expect. */
const MAX_VALUE_UNIT_RATIO = 1000;

export function hlogHeader(startEpochMs: number, toolVersion: string): string {
  const startS = (startEpochMs / 1000).toFixed(3);
  return [
    `#[Logged with ptaload ${toolVersion}; values in microseconds, tags are agent/outcome, untagged lines are tenant-wide totals]`,
    `#[Histogram log format version ${HLOG_VERSION}]`,
    `#[StartTime: ${startS} (seconds since epoch), ${new Date(startEpochMs).toString()}]`,
    `#[BaseTime: ${startS} (seconds since epoch)]`,
    LEGEND,
    '',
  ].join('\n');
}

/**
 * One interval line, newline included: tagged `agent/outcome`, or untagged (tag '') for the tenant-wide total
 * of the interval. HdrHistogram's HistogramLogProcessor reads only untagged lines unless told a tag, so a log
 * without them makes it fail by default; our own reader skips them (the tagged lines carry every sample).
 */
export function hlogLine(tag: SeriesTag | '', startMs: number, endMs: number, h: Histogram): string {
  const encoded = encodeHistogram(h);
  const start = (startMs / 1000).toFixed(3);
  const length = ((endMs - startMs) / 1000).toFixed(3);
  const max = (h.maxValue / MAX_VALUE_UNIT_RATIO).toFixed(3);
  return `${tag === '' ? '' : `Tag=${tag},`}${start},${length},${max},${encoded}\n`;
}

export type HlogLine =
  | { readonly kind: 'skip' }
  | {
      readonly kind: 'interval';
      readonly tag: string;
      readonly startMs: number;
      readonly lengthMs: number;
      readonly encoded: string;
    }
  | { readonly kind: 'bad'; readonly reason: string };

/** Parses one line of the log; comments, the legend and blank lines are `skip`. */
export function parseHlogLine(line: string): HlogLine {
  if (line === '' || line.startsWith('#') || line.startsWith('"')) return { kind: 'skip' };
  const fields = line.split(',');
  const tag = fields[0]?.startsWith('Tag=') ? fields.shift()!.slice(4) : '';
  if (fields.length !== 4)
    return { kind: 'bad', reason: `expected 4 comma-separated fields after the tag, got ${fields.length}` };
  const [start, length, , encoded] = fields as [string, string, string, string];
  const startS = Number(start);
  const lengthS = Number(length);
  if (!Number.isFinite(startS) || !Number.isFinite(lengthS)) {
    return { kind: 'bad', reason: `start "${start}" and length "${length}" must be numbers of seconds` };
  }
  return {
    kind: 'interval',
    tag,
    startMs: Math.round(startS * 1000),
    lengthMs: Math.round(lengthS * 1000),
    encoded,
  };
}

/** Decodes a histogram; throws (with the library's reason) when the base64 or its payload is damaged. */
export function decodeHistogram(encoded: string): Histogram {
  return decode(encoded);
}
