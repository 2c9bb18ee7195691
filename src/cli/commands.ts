import type { Command } from 'commander';

/**
 * Each command lives in its own file and exports `register(program)`. Registration is here so main.ts
 * stays a few lines and tests can build the same program.
 */
export function registerCommands(program: Command): void {
  void program;
}
