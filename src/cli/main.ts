#!/usr/bin/env node
// The command line's entry. Signals are held first, before the program loads: a Ctrl-C in the first
// instants must reach the run (see interrupts.ts), and loading the rest takes a noticeable time.
import { holdInterrupts } from './interrupts.js';

holdInterrupts();
await import('./program.js');
