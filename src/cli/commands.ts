import type { Command } from 'commander';
import { register as registerAttribute } from './attribute.js';
import { register as registerCompare } from './compare.js';
import { addHelpExamples } from './help-examples.js';
import { register as registerKube } from './kube.js';
import { register as registerMerge } from './merge.js';
import { register as registerPlan } from './plan.js';
import { register as registerPreflight } from './preflight.js';
import { register as registerReport } from './report.js';
import { register as registerRun } from './run.js';
import { register as registerSim } from './sim.js';
import { register as registerUsers } from './users.js';
import { register as registerValidate } from './validate.js';

/**
 * Each command lives in its own file and exports `register(program)`. Registration is here so main.ts
 * stays a few lines and tests can build the same program.
 */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerMerge(program);
  registerKube(program);
  registerPlan(program);
  registerValidate(program);
  registerUsers(program);
  registerSim(program);
  registerReport(program);
  registerCompare(program);
  registerAttribute(program);
  registerPreflight(program);
  addHelpExamples(program);
}
