// A small parser for the Prometheus text exposition format (version 0.0.4), strict enough that a
// malformed line fails the test: HELP/TYPE comments, then samples `name{l="v",...} value`.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  help: string;
  type: string;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, help: '', type: 'untyped', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment !== null) {
      const f = family(comment[2] as string);
      if (comment[1] === 'HELP') f.help = comment[3] as string;
      else f.type = comment[3] as string;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (m === null) throw new Error(`line ${i + 1} is not a sample: ${line}`);
    const sampleName = m[1] as string;
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const lm = LABEL.exec(body);
      if (lm === null) throw new Error(`line ${i + 1} has malformed labels: ${line}`);
      labels[lm[1] as string] = (lm[2] as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const raw = m[3] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`line ${i + 1} has a bad value: ${line}`);
    // Histogram and summary samples belong to their base family.
    const base = [...families.keys()].find(
      (n) =>
        sampleName === n ||
        (/_(bucket|sum|count)$/.test(sampleName) && sampleName.replace(/_(bucket|sum|count)$/, '') === n),
    );
    family(base ?? sampleName).samples.push({ name: sampleName, labels, value });
  }
  return families;
}

/** The one sample with exactly these labels (by name), or throws. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const f = families.get(name) ?? families.get(base);
  if (f === undefined) throw new Error(`no metric family ${name}`);
  const matches = f.samples.filter(
    (s) =>
      s.name === name &&
      Object.keys(labels).length === Object.keys(s.labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matches.length !== 1)
    throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${matches.length}`);
  return (matches[0] as Sample).value;
}
