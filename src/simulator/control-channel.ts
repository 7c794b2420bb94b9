// Runtime control of a standalone simulator (cli.ts) over its standard input, one command a line:
//   faults <spec>   replace the active faults (same syntax as SIM_FAULTS; `none` or `off` clears)
//   faults          show the active faults
// A test that runs the simulator as a separate process (so it outlives bot restarts) switches
// faults on and off this way; the embedded simulator has `handle.faults` instead. Only whoever
// started the process holds its stdin, so the channel needs no authentication.
import { formatFaultSpec, type FaultSpec } from './fault-spec.js';

export interface ControlTarget {
  readonly faults: {
    set(spec: FaultSpec | string): void;
    current(): FaultSpec;
  };
}

/** Runs one command line; returns the reply line to print (never throws). */
export function runControlLine(line: string, target: ControlTarget): string | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const space = text.search(/\s/);
  const command = space < 0 ? text : text.slice(0, space);
  const arg = space < 0 ? '' : text.slice(space + 1).trim();
  switch (command) {
    case 'faults': {
      if (arg !== '') {
        try {
          target.faults.set(arg === 'off' ? 'none' : arg);
        } catch (err) {
          return `simulator: error: ${(err as Error).message}`;
        }
      }
      return `simulator: faults=${formatFaultSpec(target.faults.current()) || 'none'}`;
    }
    case 'help':
      return 'simulator: commands: faults [<spec>|none]';
    default:
      return `simulator: error: unknown command "${command}" (try help)`;
  }
}
