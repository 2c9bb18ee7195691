/** The live display of a run: a block redrawn in place on a terminal, a line every 5 s otherwise, or nothing. */
import { createLogUpdate } from 'log-update';
import { naturalSort } from '../metrics/natural-order.js';
import { type Paint, paintFor } from './colour.js';
import type { IntervalFigures, ProgressFrame } from './live-figures.js';

export interface ProgressView {
  update(frame: ProgressFrame): void;
  /** A line that must stay visible (timeline events, warnings). */
  log(line: string): void;
  close(): void;
}

const PLAIN_EVERY_MS = 5000;

export function createProgress(
  mode: 'auto' | 'quiet',
  stream: NodeJS.WriteStream = process.stderr,
): ProgressView {
  if (mode === 'quiet') return { update() {}, log() {}, close() {} };
  return stream.isTTY ? new TtyProgress(stream) : new PlainProgress(stream);
}

/**
 * log-update wraps to the terminal's width and clips to its rows when it counts what to erase, so a long
 * line or a small window cannot smear the block down the screen; the block is also cut to the width first,
 * so it keeps its four rows at 80 columns with 40 agents.
 */
class TtyProgress implements ProgressView {
  private readonly render: ReturnType<typeof createLogUpdate>;
  private readonly paint: Paint;
  private lastFrame: ProgressFrame | undefined;
  private closed = false;

  constructor(private readonly out: NodeJS.WriteStream) {
    this.render = createLogUpdate(out);
    this.paint = paintFor(out);
  }

  update(frame: ProgressFrame): void {
    if (this.closed) return;
    this.lastFrame = frame;
    this.render(renderBlock(frame, this.width(), this.paint));
  }

  log(line: string): void {
    if (this.closed) {
      this.out.write(`${line}\n`);
      return;
    }
    this.render.persist(line);
    if (this.lastFrame) this.render(renderBlock(this.lastFrame, this.width(), this.paint));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.render.done();
  }

  private width(): number {
    return Math.max(20, (this.out.columns || 80) - 1);
  }
}

class PlainProgress implements ProgressView {
  private lastAt = Number.NEGATIVE_INFINITY;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(frame: ProgressFrame): void {
    if (frame.now.elapsedMs - this.lastAt < PLAIN_EVERY_MS) return;
    this.lastAt = frame.now.elapsedMs;
    this.out.write(`${renderLine(frame)}\n`);
  }

  log(line: string): void {
    this.out.write(`${line}\n`);
  }

  close(): void {}
}

/** Four rows, one time base each: now, the last closed interval, the run so far. */
export function renderBlock(f: ProgressFrame, width: number, paint: Paint): string {
  const { now, last, run } = f;
  const bar = progressBar(now.elapsedMs / Math.max(1, now.totalMs), 20);
  const head = `${bar} ${secs(now.elapsedMs)} / ${secs(now.totalMs)}  phase ${now.phase}`;
  const nowText = `now     target ${rate(now.targetRate)}  in flight ${now.inFlight}  agents ${now.activeAgents.length}`;
  const agents = agentList(now.activeAgents, width - nowText.length - 2);
  const lastLabel = last ? span(last).padEnd(8) : 'last    ';
  const lastText = last
    ? `${lastLabel}achieved ${rate(last.achievedRate)}  p50 ${ms(last.p50Ms)}  p99 ${ms(last.p99Ms)}` +
      (last.worstAgent ? `  worst ${last.worstAgent.name} ${ms(last.worstAgent.p99Ms)}` : '')
    : `${lastLabel}(no interval closed yet)`;
  const lastErrors = last ? errorsText(last.errors) : '';
  const runText = `run     ${run.scheduled === undefined ? '' : `${run.scheduled} scheduled  `}${run.sent} sent  ${run.replies} replies`;
  return [
    fit(head, width),
    fit(`${nowText}${agents ? `: ${agents}` : ''}`, width),
    withTail(
      lastText,
      last ? `  errors ${lastErrors}` : '',
      width,
      lastErrors !== 'none' ? paint.fail : (t) => t,
    ),
    withTail(
      runText,
      `  errors ${run.errors}  late starts ${run.lateStarts}${run.lateStarts > 0 ? ` (max slip ${ms(run.maxSlipMs)})` : ''}`,
      width,
      run.errors > 0 ? paint.fail : run.lateStarts > 0 ? paint.warn : (t) => t,
    ),
  ].join('\n');
}

/** One line for logs and pipes, in the same three time bases. */
export function renderLine(f: ProgressFrame): string {
  const { now, last, run } = f;
  const lastPart = last
    ? `${span(last)}: achieved ${rate(last.achievedRate)}, p50 ${ms(last.p50Ms)} p99 ${ms(last.p99Ms)}, errors ${errorsText(last.errors)}`
    : 'no interval closed yet';
  return (
    `[${secs(now.elapsedMs)}/${secs(now.totalMs)}] ${now.phase}: target ${rate(now.targetRate)}, in flight ${now.inFlight}, ` +
    `agents ${now.activeAgents.length} | ${lastPart} | run: ${run.scheduled === undefined ? '' : `${run.scheduled} scheduled, `}${run.sent} sent, ${run.replies} replies, ${run.errors} errors, late starts ${run.lateStarts}`
  );
}

/** `agent-1, agent-2, … +37` within `room` columns, in natural order. */
function agentList(agents: readonly string[], room: number): string {
  const sorted = naturalSort(agents);
  let text = '';
  for (let i = 0; i < sorted.length; i++) {
    const next = text ? `${text}, ${sorted[i]}` : sorted[i]!;
    const rest = sorted.length - i - 1;
    const tail = rest > 0 ? `, … +${rest}` : '';
    if (next.length + tail.length > room) {
      const left = sorted.length - i;
      return text ? `${text}, … +${left}` : `… ${sorted.length}`;
    }
    text = next;
  }
  return text;
}

function withTail(head: string, tail: string, width: number, colour: (t: string) => string): string {
  if (head.length >= width) return fit(head, width);
  const fitted = fit(tail, width - head.length);
  return `${head}${fitted === tail ? colour(tail) : fitted}`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function span(last: IntervalFigures): string {
  return `${(last.startMs / 1000).toFixed(0)}–${(last.endMs / 1000).toFixed(0)}s`;
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
