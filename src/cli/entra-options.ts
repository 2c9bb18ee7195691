import type { Command } from 'commander';
import { type EntraFlags, entraFlags } from '../targets/entra/flags.js';

/** The real-tenant flags as commander hands them over. */
export interface EntraOptionValues {
  target?: string;
  tenant?: string;
  clientId?: string;
  authorityHost?: string;
  scope?: string;
  ca?: string;
  confirmTenant?: string;
  maxRate?: string;
  users?: string;
  lockedShare?: string;
  throttledShare?: string;
  perUserPerMinute?: string;
  wrongPerUserPerHour?: string;
}

/** Adds the real-tenant flags (shared by `run` and `preflight`); they are checked in targets/entra-flags. */
export function addEntraOptions(cmd: Command): Command {
  return cmd
    .option('--target <kind>', "'entra': run against a real test tenant given by the flags below")
    .option('--tenant <id|domain>', 'entra: tenant id (GUID) or a verified domain')
    .option('--client-id <guid>', 'entra: application (client) id of an app that allows public client flows')
    .option('--authority-host <host>', 'entra: public, usgov, china or an https:// URL (default public)')
    .option('--scope <scopes>', "entra: scopes to ask for (default 'openid profile')")
    .option('--ca <file>', 'entra: extra CA certificate (PEM) to trust, e.g. a TLS-inspecting proxy')
    .option('--confirm-tenant <tenant>', 'entra: repeat the tenant; required for any non-loopback authority')
    .option(
      '--max-rate <rate>',
      'entra: raise (or lower) the safety cap on sign-ins, e.g. 50/s (default 20/s)',
    )
    .option('--users <csv>', 'entra: test users CSV (username,password[,state])')
    .option(
      '--locked-share <share>',
      'entra: loosen the lockout breaker past its default 1% (a profile can only lower it), e.g. 5%',
    )
    .option(
      '--throttled-share <share|off>',
      'entra: loosen the throttle breaker past its default 10%, or off (a profile can only lower it)',
    )
    .option(
      '--per-user-per-minute <n>',
      'entra: tries per user per minute, up to 60 (default 4; a profile can only lower it)',
    )
    .option(
      '--wrong-per-user-per-hour <n>',
      'entra: deliberate wrong passwords per user per hour, up to 5 (default 2; a profile can only lower it)',
    )
    .addHelpText('after', SAFETY_HELP);
}

const SAFETY_HELP = `
Real-tenant safety: a profile can only tighten the rate cap, pacing and breakers; a profile value looser
than the default is refused (exit 2) before anything is sent. Only --max-rate, --per-user-per-minute,
--wrong-per-user-per-hour, --locked-share and --throttled-share loosen one, up to the schema's ceiling.
A flag given is the value in force for this run, whatever the profile says; a run's notes record it.`;

/** The real-tenant flags given, checked once into typed values. */
export function parseEntraOptions(v: EntraOptionValues): EntraFlags {
  return entraFlags(entraBag(v));
}

function entraBag(v: EntraOptionValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value === 'string' && ENTRA_KEYS.has(k)) out[k] = value;
  }
  return out;
}

const ENTRA_KEYS = new Set([
  'target',
  'tenant',
  'clientId',
  'authorityHost',
  'scope',
  'ca',
  'confirmTenant',
  'maxRate',
  'users',
  'lockedShare',
  'throttledShare',
  'perUserPerMinute',
  'wrongPerUserPerHour',
]);
