/** Colour in the terminal: only on a TTY, never with NO_COLOR (no-color.org) or TERM=dumb; FORCE_COLOR decides first. */

export interface Paint {
  readonly enabled: boolean;
  pass(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const enabled = colourEnabled(stream, env);
  // Plain SGR codes rather than util.styleText: newer Nodes make styleText judge stdout, and this may be stderr.
  const style =
    (open: string, close: string) =>
    (text: string): string =>
      enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    enabled,
    pass: style('1;32', '39;22'),
    fail: style('1;31', '39;22'),
    warn: style('33', '39'),
    dim: style('2', '22'),
    bold: style('1', '22'),
  };
}
