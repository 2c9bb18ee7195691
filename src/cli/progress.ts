/** Live figures shown while a run goes. */
export interface ProgressFrame {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly phase: string;
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly inFlight: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly worstAgent?: { readonly name: string; readonly p99Ms: number };
  readonly errors: Readonly<Record<string, number>>;
  readonly activeAgents: readonly string[];
  readonly lateStarts: number;
  readonly maxSlipMs: number;
}

export interface ProgressView {
  update(frame: ProgressFrame): void;
  /** A line that must stay visible (timeline events, warnings). */
  log(line: string): void;
  close(): void;
}

const PLAIN_EVERY_MS = 5000;

/** On a TTY one compact block redrawn in place; otherwise one line every 5 s; or nothing. */
export function createProgress(
  mode: 'auto' | 'quiet',
  stream: NodeJS.WriteStream = process.stderr,
): ProgressView {
  if (mode === 'quiet') return { update() {}, log() {}, close() {} };
  return stream.isTTY ? new TtyProgress(stream) : new PlainProgress(stream);
}

class TtyProgress implements ProgressView {
  private lines = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(frame: ProgressFrame): void {
    this.clear();
    const text = renderBlock(frame);
    this.out.write(`${text}\n`);
    this.lines = text.split('\n').length;
  }

  log(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
  }

  close(): void {
    this.lines = 0;
  }

  private clear(): void {
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
  }
}

class PlainProgress implements ProgressView {
  private lastAt = Number.NEGATIVE_INFINITY;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(frame: ProgressFrame): void {
    if (frame.elapsedMs - this.lastAt < PLAIN_EVERY_MS) return;
    this.lastAt = frame.elapsedMs;
    this.out.write(`${renderLine(frame)}\n`);
  }

  log(line: string): void {
    this.out.write(`${line}\n`);
  }

  close(): void {}
}

function renderBlock(f: ProgressFrame): string {
  const bar = progressBar(f.elapsedMs / Math.max(1, f.totalMs), 24);
  const worst = f.worstAgent ? `  worst agent ${f.worstAgent.name} p99 ${ms(f.worstAgent.p99Ms)}` : '';
  const slip = f.lateStarts > 0 ? `  late starts ${f.lateStarts} (max slip ${ms(f.maxSlipMs)})` : '';
  return [
    `${bar} ${secs(f.elapsedMs)} / ${secs(f.totalMs)}  phase ${f.phase}`,
    `rate   target ${rate(f.targetRate)}  achieved ${rate(f.achievedRate)}  in flight ${f.inFlight}${slip}`,
    `latency (last interval)  p50 ${ms(f.p50Ms)}  p99 ${ms(f.p99Ms)}${worst}`,
    `errors ${errorsText(f.errors)}`,
    `agents ${f.activeAgents.length} active: ${f.activeAgents.join(', ') || '(none)'}`,
  ].join('\n');
}

function renderLine(f: ProgressFrame): string {
  return (
    `[${secs(f.elapsedMs)}/${secs(f.totalMs)}] ${f.phase}: target ${rate(f.targetRate)} achieved ${rate(f.achievedRate)}, ` +
    `in flight ${f.inFlight}, p50 ${ms(f.p50Ms)} p99 ${ms(f.p99Ms)}, agents ${f.activeAgents.length}, errors ${errorsText(f.errors)}`
  );
}

function errorsText(errors: Readonly<Record<string, number>>): string {
  const parts = Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function secs(msValue: number): string {
  return `${(msValue / 1000).toFixed(0)}s`;
}

function rate(perS: number): string {
  return `${perS.toFixed(0)}/s`;
}

function ms(value: number | null): string {
  if (value === null) return '-';
  return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${value.toFixed(value < 10 ? 1 : 0)}ms`;
}
