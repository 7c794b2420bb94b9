// The dashboard's browser script: built by the browser project (tsconfig.json beside this file,
// DOM types, no Node), then inlined into the page as a module script with the response's CSP
// nonce (dashboard-page.ts). It reads the /ws messages declared in live-feed-message.ts and only
// ever writes text (textContent) and SVG attributes, never HTML.
import type { EquityPoint } from '../../health/equity-curve.js';
import type { HealthReport } from '../../health/health-report.js';
import type { LiveFeedMessage, ReportMessage } from '../live-feed-message.js';
import type { StatusEvent } from '../status-event.js';

const params = new URLSearchParams(location.search);
const token = params.get('token');
const SVG_NS = 'http://www.w3.org/2000/svg';
const usd = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
const sig = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
const events: StatusEvent[] = [];
let retryMs = 1000;
let lastReportAt = 0;
const controlsOn = document.querySelector('main')?.getAttribute('data-controls') === 'on' && !!token;

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`dashboard: no element #${id}`);
  return e;
}

// Panels: each renders its part of a report message. A new panel adds its section to the page,
// its data under msg.panels (StatusSource.panels) and one panel(function (msg) {...}) here.
type Panel = (msg: ReportMessage) => void;
const PANELS: Panel[] = [];
function panel(render: Panel): void {
  PANELS.push(render);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: unknown): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function setText(id: string, text: string): void {
  $(id).textContent = text;
}
function signed(v: number): string {
  return (v > 0 ? '+' : '') + usd.format(v);
}
function signClass(v: number): string {
  return v > 0 ? 'pos' : v < 0 ? 'neg' : '';
}
function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleTimeString('en-GB', { hour12: false });
}
function age(s: number | null | undefined): string {
  if (s === null || s === undefined) return 'never';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${Math.floor(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
}
/** Decimals of a tick size (0.01 -> 2, 0.5 -> 1, 1 -> 0, 1e-7 -> 7). */
function tickDecimals(tick: number | null | undefined): number | null {
  if (!(typeof tick === 'number' && tick > 0)) return null;
  const text = tick.toFixed(12).replace(/0+$/, '');
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}
/** A price at its contract's tick precision; 6 significant digits while the tick is unknown. */
function price(v: number | null | undefined, tick: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  const d = tickDecimals(tick);
  if (d === null) return sig.format(v);
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
}
function change(delta: number, base: number): string {
  return signed(delta) + (base ? ` (${delta >= 0 ? '+' : ''}${((delta / base) * 100).toFixed(2)}%)` : '');
}
function replaceRows(
  tbody: HTMLElement,
  rows: readonly HTMLTableRowElement[],
  emptyText: string,
  columns: number,
): void {
  tbody.textContent = '';
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', 'empty', emptyText);
    td.colSpan = columns;
    tr.appendChild(td);
    tbody.appendChild(tr);
    return;
  }
  for (const r of rows) tbody.appendChild(r);
}
/** Cells as [text, class?]. */
function row(cells: readonly (readonly [unknown, string?])[]): HTMLTableRowElement {
  const tr = el('tr');
  for (const c of cells) tr.appendChild(el('td', c[1] ?? '', c[0]));
  return tr;
}
/** An empty panel collapses to its title line. */
function collapse(cardId: string, empty: boolean): void {
  $(cardId).classList.toggle('collapsed', empty);
}

panel(function verdict(msg) {
  const report = msg.report;
  const h = report.overall_health;
  const v = $('verdict');
  v.textContent = h.status;
  v.className = `pill ${h.status === 'HEALTHY' ? 'good' : h.status === 'DEGRADED' ? 'warn' : 'bad'}`;
  const list = $('reasons');
  list.textContent = '';
  for (const reason of h.reasons ?? []) list.appendChild(el('li', h.status === 'UNHEALTHY' ? '' : 'warn', reason));
  // Alerts that never reached the webhook: the operator would otherwise not know they were missed.
  const al = report.alerts;
  if (al && al.delivery_failures > 0) {
    const li = el(
      'li',
      'warn',
      `Alert webhook: ${al.delivery_failures} alert(s) not delivered${al.last_delivery_error ? ` (last: ${al.last_delivery_error})` : ''}`,
    );
    li.setAttribute('data-testid', 'alert-delivery');
    list.appendChild(li);
  }
  setText('uptime', report.uptime.formatted);
});

panel(function stats(msg) {
  const report = msg.report;
  const equity = msg.equity ?? [];
  const account = msg.account ?? { start_equity: null, day_start_equity: null };
  const p = report.positions;
  const a = report.api;
  const perf = report.performance;
  let eq: number | null | undefined = p.equity;
  if ((eq === null || eq === undefined) && equity.length > 0) eq = equity[equity.length - 1]?.equity;
  const known = eq !== null && eq !== undefined;
  setText('equity-value', known ? usd.format(eq as number) : '–');
  const since = $('equity-change');
  const start = account.start_equity;
  if (known && start) {
    since.textContent = `${change((eq as number) - start, start)} since start`;
    since.className = `sub ${signClass((eq as number) - start)}`;
  } else {
    since.textContent = '';
  }
  const day = $('equity-day');
  const dayStart = account.day_start_equity;
  if (known && dayStart) {
    day.textContent = `${change((eq as number) - dayStart, dayStart)} since 00:00 UTC`;
    day.className = `sub ${signClass((eq as number) - dayStart)}`;
  } else {
    day.textContent = '';
  }
  const pnl = $('pnl-value');
  pnl.textContent = signed(p.total_pnl);
  pnl.className = `value ${signClass(p.total_pnl)}`;
  setText('pnl-sub', `${p.closed} closed · ${p.opened} opened`);
  setText('open-value', String(p.open));
  setText('winrate-value', `${p.win_rate.toFixed(1)}%`);
  setText('winrate-sub', `${p.wins} W · ${p.losses} L${p.breakeven ? ` · ${p.breakeven} even` : ''}`);
  const api = $('api-value');
  api.textContent = `${a.success_rate.toFixed(2)}%`;
  api.className = `value ${a.success_rate >= 99 ? 'pos' : a.success_rate < 90 ? 'neg' : ''}`;
  setText('api-sub', `${a.calls_per_minute}/min · ${a.rate_limited_calls} rate-limited`);
  $('api-sub').title = `${a.total_calls} calls since start, ${a.failed_calls} failed`;
  setText('scans-value', String(perf.scans_completed));
  setText('scans-sub', `${perf.scan_errors} errors · avg ${perf.avg_scan_duration_ms.toFixed(0)} ms`);
});

/** 3-5 round steps covering [min, max]. */
function niceTicks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).filter((s) => s >= raw)[0] ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(v);
  return ticks;
}

panel(function chart(msg) {
  const points: readonly EquityPoint[] = msg.equity ?? [];
  const svg = $('equity-svg');
  const axes = $('chart-axes');
  svg.textContent = '';
  axes.textContent = '';
  const first = points[0];
  const last = points[points.length - 1];
  $('chart-empty').style.display = first === undefined ? 'flex' : 'none';
  if (first === undefined || last === undefined) {
    setText('chart-from', '');
    setText('chart-to', '');
    return;
  }
  const W = 600;
  const H = 200;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.equity < min) min = p.equity;
    if (p.equity > max) max = p.equity;
  }
  let span = max - min;
  if (span === 0) span = Math.max(1, Math.abs(max) * 0.001);
  min -= span * 0.08;
  max += span * 0.08;
  const t0 = first.t;
  const tspan = Math.max(1, last.t - t0);
  const yOf = (v: number): number => (1 - (v - min) / (max - min)) * H;
  const xy: [number, number][] = points.map((p) => [points.length === 1 ? W : ((p.t - t0) / tspan) * W, yOf(p.equity)]);
  if (xy.length === 1) xy.unshift([0, yOf(first.equity)]);
  // Value axis: grid lines with labels at round values.
  const box = $('chart');
  const plotTop = 0;
  const plotHeight = box.clientHeight - 22;
  for (const v of niceTicks(min, max, 4)) {
    const gy = yOf(v);
    const line = document.createElementNS(SVG_NS, 'line');
    line.setAttribute('x1', '0');
    line.setAttribute('x2', String(W));
    line.setAttribute('y1', gy.toFixed(1));
    line.setAttribute('y2', gy.toFixed(1));
    line.setAttribute('stroke', '#2a3644');
    line.setAttribute('stroke-width', '1');
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.appendChild(line);
    const label = el('span', 'y-label', usd.format(v));
    label.style.top = `${(plotTop + (gy / H) * plotHeight).toFixed(1)}px`;
    axes.appendChild(label);
  }
  // Time axis: four labels along the bottom (HH:MM, with the date when the curve spans days).
  const multiDay = tspan > 86400000;
  for (let k = 0; k <= 3; k++) {
    const t = t0 + (tspan * k) / 3;
    const d = new Date(t);
    let text = d.toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
    if (multiDay)
      text = `${d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short', timeZone: 'UTC' })} ${text}`;
    const xl = el('span', 'x-label', text);
    xl.style.left = `calc(72px + (100% - 72px) * ${(k / 3).toFixed(3)})`;
    if (k === 0) xl.style.transform = 'none';
    if (k === 3) xl.style.transform = 'translateX(-100%)';
    axes.appendChild(xl);
  }
  const dpath = xy.map((q, i) => `${i === 0 ? 'M' : 'L'}${q[0].toFixed(1)} ${q[1].toFixed(1)}`).join(' ');
  const rising = last.equity >= first.equity;
  const color = rising ? '#3fb950' : '#f85149';
  const firstXy = xy[0] as [number, number];
  const lastXy = xy[xy.length - 1] as [number, number];
  const area = document.createElementNS(SVG_NS, 'path');
  area.setAttribute('d', `${dpath} L${lastXy[0].toFixed(1)} ${H} L${firstXy[0].toFixed(1)} ${H} Z`);
  area.setAttribute('fill', color);
  area.setAttribute('fill-opacity', '0.12');
  area.setAttribute('stroke', 'none');
  svg.appendChild(area);
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', dpath);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', color);
  path.setAttribute('stroke-width', '2');
  path.setAttribute('vector-effect', 'non-scaling-stroke');
  path.setAttribute('stroke-linejoin', 'round');
  svg.appendChild(path);
  setText('chart-from', `UTC · from ${new Date(t0).toLocaleString('en-GB', { hour12: false, timeZone: 'UTC' })}`);
  setText('chart-to', `${points.length} points`);
});

panel(function positions(msg) {
  const list = msg.positions ?? [];
  const rows = list.map((p) => {
    const u = p.unrealised_pnl;
    const tick = p.tick_size;
    const stop = p.stop_price;
    const ref = p.mark_price !== null && p.mark_price !== undefined ? p.mark_price : p.entry_price;
    const dist = stop === null || stop === undefined ? null : Math.abs(ref - stop);
    const tr = row([
      [p.symbol],
      [p.side.toUpperCase(), `side-${p.side}`],
      [plain.format(p.size), 'num'],
      [price(p.entry_price, tick), 'num'],
      [price(p.mark_price, tick), 'num'],
      [u === null || u === undefined ? '–' : signed(u), `num ${u === null || u === undefined ? '' : signClass(u)}`],
      [price(stop, tick), 'num'],
      [dist === null ? '–' : `${price(dist, tick)} (${((dist / ref) * 100).toFixed(2)}%)`, 'num'],
      [`${p.leverage}×`, 'num wide-only'],
      [clock(p.opened_at), 'num wide-only'],
    ]);
    const cell = el('td', 'control-col');
    if (controlsOn) {
      const b = el('button', 'danger', 'Close');
      b.setAttribute('data-command', `close/${p.symbol}`);
      b.setAttribute('data-confirm', `Close ${p.symbol} (${p.side} ${p.size}) at market?`);
      cell.appendChild(b);
    }
    tr.appendChild(cell);
    return tr;
  });
  replaceRows($('positions-body'), rows, 'no open positions', 11);
});

// Positions and orders on the account that are not the bot's: shown, never touched.
panel(function foreign(msg) {
  const report = msg.report;
  const f = report.positions?.foreign ?? { count: 0, symbols: [] };
  const o = report.orders ?? { foreign: 0, client_oid_prefix: null, contested_symbols: [] };
  setText('foreign-positions', f.count === 0 ? 'none' : f.symbols.join(', '));
  setText('foreign-orders', String(o.foreign));
  setText('contested', o.contested_symbols.length === 0 ? 'none' : o.contested_symbols.join(', '));
  setText('oid-prefix', o.client_oid_prefix === null ? '–' : o.client_oid_prefix);
  collapse('foreign-card', f.count === 0 && o.foreign === 0 && o.contested_symbols.length === 0);
});

panel(function threads(msg) {
  const threads: HealthReport['threads'] = msg.report.threads ?? {};
  const names = Object.keys(threads).sort();
  const rows = names.flatMap((name) => {
    const t = threads[name];
    if (t === undefined) return [];
    const tr = el('tr');
    const cell = el('td');
    cell.appendChild(
      el('span', `dot ${t.healthy ? 'good' : t.state === 'stopped' || t.state === 'starting' ? 'warn' : 'bad'}`),
    );
    cell.appendChild(document.createTextNode(name));
    tr.appendChild(cell);
    const state = el('td', '', t.state);
    if (t.reason) state.title = t.reason;
    tr.appendChild(state);
    tr.appendChild(el('td', 'num', age(t.last_heartbeat_age_s)));
    const restarts = el('td', `num${t.restarts > 0 ? ' neg' : ''}`, t.restarts);
    if (t.last_restart_reason) restarts.title = t.last_restart_reason;
    tr.appendChild(restarts);
    return [tr];
  });
  replaceRows($('threads-body'), rows, 'no threads yet', 4);
});

function feedItem(time: string, what: string, message: string, cls: string): HTMLLIElement {
  const li = el('li', cls || '');
  li.appendChild(el('span', 'time', clock(time)));
  const body = el('div');
  body.appendChild(el('div', 'what', what));
  body.appendChild(el('div', 'msg', message));
  li.appendChild(body);
  return li;
}
function renderFeed<T>(
  listId: string,
  cardId: string,
  items: readonly T[],
  emptyText: string,
  toItem: (item: T) => HTMLLIElement,
): void {
  const list = $(listId);
  list.textContent = '';
  collapse(cardId, items.length === 0);
  if (items.length === 0) {
    list.appendChild(el('li', 'empty', emptyText));
    return;
  }
  for (const i of items) list.appendChild(toItem(i));
}

panel(function errors(msg) {
  renderFeed('errors-list', 'errors-card', msg.report.recent_errors ?? [], 'no errors', (e) =>
    feedItem(e.time, `${e.thread} · ${e.type}`, e.message, 'error'),
  );
});

panel(function alerts(msg) {
  renderFeed('alerts-list', 'alerts-card', msg.alerts ?? [], 'no alerts', (a) =>
    feedItem(a.time, `${a.kind} · ${a.subject}`, a.message, a.kind === 'operator' ? 'warning' : 'critical'),
  );
});

/** The controls panel's data (StatusSource.panels.controls), read defensively: it is untyped there. */
function entriesPaused(panels: ReportMessage['panels']): boolean {
  const c = panels?.['controls'];
  return typeof c === 'object' && c !== null && 'paused' in c && !!c.paused;
}

panel(function controls(msg) {
  $('paused').classList.toggle('on', entriesPaused(msg.panels));
  $('controls-card').hidden = !controlsOn;
});

function renderEvents(): void {
  renderFeed('events-list', 'events-card', events, 'no events yet', (e) =>
    feedItem(e.time, `${e.kind} · ${e.severity}`, e.message, e.severity),
  );
}

// REDIS_URL only: one line for this process among the others on the account.
panel(function cluster(msg) {
  const c = msg.report.cluster;
  const line = $('cluster-line');
  if (!c) {
    line.hidden = true;
    return;
  }
  line.hidden = false;
  const owned = c.owned_symbols.length ? c.owned_symbols.join(', ') : 'none';
  line.textContent = `cluster: redis ${c.redis} · process ${c.process_id} · ${c.peers} peer(s) · quota share ${Math.round(c.quota_share * 100)} % · owns ${owned}`;
});

function onReport(msg: ReportMessage): void {
  lastReportAt = Date.now();
  for (const render of PANELS) {
    try {
      render(msg);
    } catch (e) {
      console.error(`dashboard panel ${render.name || '?'} failed: ${String(e)}`);
    }
  }
  setText('updated', `updated ${new Date(lastReportAt).toLocaleTimeString('en-GB', { hour12: false })}`);
}

function onEvent(event: StatusEvent): void {
  events.unshift(event);
  if (events.length > 100) events.length = 100;
  renderEvents();
}

/** The /control reply (src/control): ok with a detail, or an error. */
interface ControlReply {
  readonly ok?: boolean;
  readonly command?: string;
  readonly detail?: string;
  readonly error?: string;
}

// Operator buttons (only with ?token=): POST /control/<command>, confirming closes first.
document.addEventListener('click', (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest('button[data-command]') : null;
  if (!b || !controlsOn) return;
  const confirmText = b.getAttribute('data-confirm');
  if (confirmText && !window.confirm(confirmText)) return;
  const command = b.getAttribute('data-command') ?? '';
  setText('control-result', `${command} …`);
  fetch(`control/${command}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    .then((r) => r.json() as Promise<ControlReply>)
    .then((r) =>
      setText(
        'control-result',
        `${r.ok ? 'done: ' : 'FAILED: '}${r.command || command} · ${r.detail || r.error || ''}`,
      ),
    )
    .catch((e: unknown) => setText('control-result', `FAILED: ${command} · ${String(e)}`));
});

// The connection to this page's data, not the trading mode (the PAPER / LIVE badge says that).
function setConnection(state: 'good' | 'warn' | 'bad', text: string): void {
  const c = $('conn');
  c.textContent = text;
  c.className = `pill ${state}`;
  document.body.setAttribute(
    'data-connection',
    state === 'good' ? 'live' : state === 'bad' ? 'disconnected' : 'connecting',
  );
}

function connect(): void {
  const url = `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  setConnection('warn', 'connecting');
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch {
    scheduleReconnect();
    return;
  }
  ws.onopen = () => {
    retryMs = 1000;
    setConnection('good', 'connected');
  };
  ws.onmessage = (m: MessageEvent<string>) => {
    let msg: LiveFeedMessage;
    try {
      msg = JSON.parse(m.data) as LiveFeedMessage;
    } catch {
      return;
    }
    if (msg?.type === 'report') onReport(msg);
    else if (msg?.type === 'event') onEvent(msg.event);
  };
  ws.onclose = () => scheduleReconnect();
}

function scheduleReconnect(): void {
  const wait = retryMs;
  retryMs = Math.min(retryMs * 2, 10000);
  setConnection('bad', `disconnected · reconnecting in ${Math.round(wait / 1000)} s`);
  setTimeout(connect, wait);
}

renderEvents();
connect();
