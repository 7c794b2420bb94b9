// Parses fault-injection specs such as `latency=0.2:150,5xx=0.05,429=0.02:3,hang=0.01`:
// each part is `kind=rate[:param]` with the rate a probability in [0, 1].

export const FAULT_KINDS = ['latency', '5xx', '429', 'hang', 'malformed', 'wsdrop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /** Probability per HTTP request (per pushed message for wsdrop). */
  readonly rate: number;
  /** latency: added ms; 5xx: HTTP status; 429: burst length in requests. Others take none. */
  readonly param?: number;
}

export type FaultSpec = Partial<Record<FaultKind, FaultRule>>;

/** Defaults for each kind's parameter when the spec leaves it out. */
export const FAULT_PARAM_DEFAULTS: Readonly<Record<FaultKind, number | undefined>> = {
  latency: 100,
  '5xx': 503,
  '429': 1,
  hang: undefined,
  malformed: undefined,
  wsdrop: undefined,
};

function isKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

export function parseFaultSpec(spec: string): FaultSpec {
  const out: FaultSpec = {};
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'none') return out;
  for (const rawPart of trimmed.split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`fault spec part "${part}": expected kind=rate[:param]`);
    const kind = part.slice(0, eq).trim();
    if (!isKind(kind))
      throw new Error(`fault spec part "${part}": unknown fault "${kind}" (expected one of ${FAULT_KINDS.join(', ')})`);
    if (out[kind]) throw new Error(`fault spec part "${part}": fault "${kind}" given twice`);
    const [rateText, paramText, extra] = part.slice(eq + 1).split(':');
    if (extra !== undefined) throw new Error(`fault spec part "${part}": too many ':' (expected kind=rate[:param])`);
    const rate = Number(rateText);
    if (rateText === undefined || rateText.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new Error(`fault spec part "${part}": rate must be a number in [0, 1], got "${rateText ?? ''}"`);
    }
    if (paramText === undefined) {
      out[kind] = FAULT_PARAM_DEFAULTS[kind] === undefined ? { rate } : { rate, param: FAULT_PARAM_DEFAULTS[kind] };
      continue;
    }
    if (FAULT_PARAM_DEFAULTS[kind] === undefined)
      throw new Error(`fault spec part "${part}": fault "${kind}" takes no parameter`);
    const param = Number(paramText);
    if (paramText.trim() === '' || !Number.isFinite(param) || param < 0) {
      throw new Error(`fault spec part "${part}": parameter must be a non-negative number, got "${paramText}"`);
    }
    if (kind === '5xx' && (!Number.isInteger(param) || param < 500 || param > 599)) {
      throw new Error(`fault spec part "${part}": 5xx parameter must be an HTTP status 500-599, got "${paramText}"`);
    }
    if (kind === '429' && (!Number.isInteger(param) || param < 1)) {
      throw new Error(`fault spec part "${part}": 429 burst length must be an integer >= 1, got "${paramText}"`);
    }
    out[kind] = { rate, param };
  }
  return out;
}

/** The spec back in its textual form (for logs and the CLI banner). */
export function formatFaultSpec(spec: FaultSpec): string {
  return FAULT_KINDS.flatMap((k) => {
    const r = spec[k];
    if (!r) return [];
    return [r.param === undefined ? `${k}=${r.rate}` : `${k}=${r.rate}:${r.param}`];
  }).join(',');
}
