// Runtime control of a standalone simulator (cli.ts) over its standard input, one command a line:
//   faults <spec>   replace the active faults (same syntax as SIM_FAULTS; `none` or `off` clears)
//   faults          show the active faults
//   positions       list open positions as SYMBOL:signedLots
//   shock <symbol> <factor>   gap the symbol's price path by `factor` (e.g. 0.97) from now on
//   stops           list untriggered stop orders as SYMBOL:side (read without spending any quota)
//   stats           counters, e.g. rate-limited=0 (429 responses for exceeded quotas)
// A test that runs the simulator as a separate process (so it outlives bot restarts) switches
// faults on and off this way; the embedded simulator has `handle.faults` instead. Only whoever
// started the process holds its stdin, so the channel needs no authentication.
import { formatFaultSpec, type FaultSpec } from '../../config/fault-spec.js';

export interface ControlTarget {
  readonly faults: {
    set(spec: FaultSpec | string): void;
    current(): FaultSpec;
  };
  readonly market?: { shock(symbol: string, factor: number): void };
  readonly openPositions?: () => readonly { readonly symbol: string; readonly qty: number }[];
  readonly untriggeredStops?: () => readonly { readonly symbol: string; readonly side: string }[];
  readonly rateLimitedResponses?: () => number;
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
    case 'positions': {
      if (!target.openPositions) return 'simulator: error: positions are not available';
      return `simulator: positions=${target
        .openPositions()
        .map((p) => `${p.symbol}:${p.qty}`)
        .join(',')}`;
    }
    case 'stops': {
      if (!target.untriggeredStops) return 'simulator: error: stops are not available';
      return `simulator: stops=${target
        .untriggeredStops()
        .map((o) => `${o.symbol}:${o.side}`)
        .join(',')}`;
    }
    case 'stats':
      return `simulator: rate-limited=${target.rateLimitedResponses?.() ?? 0}`;
    case 'shock': {
      const [symbol, factorText, extra] = arg.split(/\s+/);
      const factor = Number(factorText);
      if (!target.market || !symbol || extra !== undefined || !(factor > 0 && Number.isFinite(factor))) {
        return 'simulator: error: usage: shock <symbol> <factor>, factor a positive number';
      }
      try {
        target.market.shock(symbol, factor);
      } catch (err) {
        return `simulator: error: ${(err as Error).message}`;
      }
      return `simulator: shocked ${symbol} x${factor}`;
    }
    case 'help':
      return 'simulator: commands: faults [<spec>|none], positions, stops, stats, shock <symbol> <factor>';
    default:
      return `simulator: error: unknown command "${command}" (try help)`;
  }
}
