import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What a hook command may name; each `{word}` in the template is replaced by its value, quoted for the shell. */
export const HOOK_PLACEHOLDERS = ['name', 'host', 'site', 'action', 'mode'] as const;
export type HookVars = Readonly<Record<(typeof HOOK_PLACEHOLDERS)[number], string>>;

/** One hook run as the results keep it (AppliedEvent.hook). */
export interface HookRun {
  readonly command: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;
/** Values made only of these need no quoting in sh or cmd.exe, so they stay readable in logs. */
const SAFE = /^[A-Za-z0-9._:@/+=,-]+$/;
/** Of each stream, the start and the end are kept (errors tend to be at the end). */
const KEEP_HEAD = 2048;
const KEEP_TAIL = 2048;
const KILL_GRACE_MS = 2000;

/** Placeholders a template uses that ptaload does not know (typos are caught before the run starts). */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(HOOK_PLACEHOLDERS);
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((w) => !known.has(w));
}

export function usesPlaceholder(template: string, word: (typeof HOOK_PLACEHOLDERS)[number]): boolean {
  return template.includes(`{${word}}`);
}

/**
 * The command line for one hook run. Values are single-quoted for sh; cmd.exe has no quoting that is safe
 * for arbitrary text, so there a value that is not a plain word is refused (the same values are in the
 * environment as PTALOAD_NAME, PTALOAD_HOST… for scripts that prefer them).
 */
export function renderHook(
  template: string,
  vars: HookVars,
  platform: NodeJS.Platform = process.platform,
): { command: string } | { error: string } {
  let error: string | undefined;
  const command = template.replace(PLACEHOLDER, (whole, word: string) => {
    if (!(HOOK_PLACEHOLDERS as readonly string[]).includes(word)) return whole;
    const value = vars[word as keyof HookVars];
    if (value === '' || SAFE.test(value)) return value === '' ? (platform === 'win32' ? '""' : "''") : value;
    if (platform === 'win32') {
      error ??= `{${word}} is '${value}', which cannot be passed safely to cmd.exe; use the PTALOAD_${word.toUpperCase()} environment variable in the hook instead`;
      return whole;
    }
    return `'${value.replace(/'/g, `'\\''`)}'`;
  });
  return error === undefined ? { command } : { error };
}

/** The environment a hook runs with: ours, minus secrets, plus the event's values. */
export function hookEnv(
  base: NodeJS.ProcessEnv,
  vars: HookVars,
  withhold: readonly string[],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of withhold) delete env[name];
  for (const word of HOOK_PLACEHOLDERS) env[`PTALOAD_${word.toUpperCase()}`] = vars[word];
  return env;
}

/**
 * Runs one hook command through the shell. Never throws: a command that cannot start, fails or outlives
 * `timeoutMs` comes back with what is known. On timeout the whole process group is stopped (TERM, then
 * KILL), so an `ssh` the shell started does not linger.
 */
export function runHook(
  command: string,
  opts: { timeoutMs: number; env: NodeJS.ProcessEnv; redact?: readonly string[] },
): Promise<HookRun> {
  const started = performance.now();
  const out = new Capture();
  const err = new Capture();
  const posix = process.platform !== 'win32';
  return new Promise<HookRun>((resolve) => {
    let timedOut = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(command, {
      shell: true,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: posix,
      windowsHide: true,
    });
    const finish = (exitCode: number | null, startError?: Error) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (startError) err.push(`could not start the hook: ${startError.message}`);
      resolve({
        command,
        exitCode,
        timedOut,
        durationMs: Math.round(performance.now() - started),
        stdout: redact(out.text(), opts.redact),
        stderr: redact(err.text(), opts.redact),
      });
    };
    const signal = (sig: NodeJS.Signals) => {
      try {
        if (posix && child.pid !== undefined) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    child.stdout?.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => err.push(d));
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
    timers.push(
      setTimeout(() => {
        timedOut = true;
        signal('SIGTERM');
        timers.push(setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS));
        // Something that escaped the group may still hold the pipes open: stop waiting for it.
        timers.push(
          setTimeout(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            finish(null);
          }, KILL_GRACE_MS * 2),
        );
      }, opts.timeoutMs),
    );
  });
}

/** Keeps the first and last couple of KB of a stream, and counts what was cut between. */
class Capture {
  private head = '';
  private tail = '';
  private cut = 0;

  push(chunk: string): void {
    if (this.head.length < KEEP_HEAD) {
      const room = KEEP_HEAD - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === '') return;
    const joined = this.tail + chunk;
    if (joined.length > KEEP_TAIL) {
      this.cut += joined.length - KEEP_TAIL;
      this.tail = joined.slice(-KEEP_TAIL);
    } else this.tail = joined;
  }

  text(): string {
    return this.cut > 0
      ? `${this.head}\n…[${this.cut} characters cut]…\n${this.tail}`
      : this.head + this.tail;
  }
}

function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
