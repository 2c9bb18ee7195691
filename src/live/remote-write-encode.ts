/** Prometheus remote-write 1.0 bodies: a WriteRequest in protobuf, snappy-compressed. Pure. */
import protobuf from 'protobufjs/light.js';
import snappy from 'snappyjs';

export interface Sample {
  /** Label name → value; `__name__` is the metric name. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** ms since the epoch. */
  readonly timestampMs: number;
}

// The subset of prometheus/prompb types.proto that remote write 1.0 sends (field numbers as there).
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');

/** One time series per sample; labels sorted by name, as the protocol requires. */
export function encodeWriteRequest(samples: readonly Sample[]): Uint8Array {
  const timeseries = samples.map((s) => ({
    labels: Object.entries(s.labels)
      .filter(([, v]) => v !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
    samples: [{ value: s.value, timestamp: Math.round(s.timestampMs) }],
  }));
  const bytes = WriteRequest.encode(WriteRequest.fromObject({ timeseries })).finish();
  return snappy.compress(bytes);
}

/** The inverse, for tests: snappy-decompressed, protobuf-decoded. */
export function decodeWriteRequest(body: Uint8Array): Sample[] {
  const message = WriteRequest.toObject(WriteRequest.decode(snappy.uncompress(body)), { longs: Number });
  const series = (message.timeseries ?? []) as {
    labels?: { name: string; value: string }[];
    samples?: { value: number; timestamp: number }[];
  }[];
  return series.flatMap((ts) =>
    (ts.samples ?? []).map((sm) => ({
      labels: Object.fromEntries((ts.labels ?? []).map((l) => [l.name, l.value])),
      value: sm.value,
      timestampMs: sm.timestamp,
    })),
  );
}
