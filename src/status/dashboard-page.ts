// The dashboard: one self-contained HTML document (inline CSS and JS, no external resources),
// served with a per-response CSP nonce. The scripts are built from src/status/browser/. Live data arrives over /ws; the script
// renders with textContent/DOM calls only, so error messages and symbols can never inject markup.
import { dashboardScript } from './dashboard-script.js';
import { SUGGESTIONS_PANEL_HTML, SUGGESTIONS_PANEL_STYLE } from './dashboard-suggestions-panel.js';

export interface DashboardPageOptions {
  /** The CSP nonce of this response (base64). */
  readonly nonce: string;
  readonly title: string;
  /** The trading mode badge (PAPER / LIVE), kept apart from the connection indicator. */
  readonly mode?: 'paper' | 'live' | null;
  /** Operator buttons are offered (the server has control commands and a token). */
  readonly controls?: boolean;
}

const STYLE = `
:root {
  color-scheme: dark;
  --bg: #0f1419; --panel: #182029; --panel-2: #1e2833; --line: #2a3644; --text: #e6edf3; --muted: #8b98a5;
  --good: #3fb950; --warn: #d29922; --bad: #f85149; --accent: #58a6ff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 14px;
}
* { box-sizing: border-box; scrollbar-color: #3a4756 #182029; scrollbar-width: thin; }
::-webkit-scrollbar { width: 10px; height: 10px; } ::-webkit-scrollbar-track { background: #182029; }
::-webkit-scrollbar-thumb { background: #3a4756; border-radius: 5px; } ::-webkit-scrollbar-corner { background: #182029; }
body { margin: 0; background: var(--bg); color: var(--text); }
header { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; padding: 14px 24px;
  background: var(--panel); border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0 12px 0 0; font-weight: 600; }
.pill { display: inline-flex; align-items: center; gap: 6px; padding: 3px 10px; border-radius: 999px;
  font-size: 12px; font-weight: 600; letter-spacing: .03em; border: 1px solid var(--line); background: var(--panel-2); }
.pill::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.pill.good { color: var(--good); border-color: #2d5a36; } .pill.good::before { background: var(--good); }
.pill.warn { color: var(--warn); border-color: #6b5420; } .pill.warn::before { background: var(--warn); }
.pill.bad { color: var(--bad); border-color: #7a2e2b; } .pill.bad::before { background: var(--bad); }
.spacer { flex: 1; }
.badge { padding: 3px 10px; border-radius: 4px; font-size: 12px; font-weight: 700; letter-spacing: .08em; }
.badge.paper { background: #2a2414; color: #f0cf7a; border: 1px solid #6b5420; }
.badge.live { background: #3b1212; color: #ffb4ae; border: 1px solid #f85149; }
#paused { display: none; margin: 12px 24px 0; padding: 8px 12px; border-radius: 6px; background: #2a2414; color: #f0cf7a; border: 1px solid #6b5420; }
#paused.on { display: block; }
.controls { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
button { background: var(--panel-2); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; font: inherit; cursor: pointer; }
button:hover { border-color: var(--accent); } button.danger { color: var(--bad); border-color: #7a2e2b; }
td button { padding: 2px 8px; font-size: 12px; }
#control-result { font-size: 12px; color: var(--muted); }
.card.collapsed { padding-top: 10px; padding-bottom: 10px; }
.card.collapsed h2 { margin: 0; } .card.collapsed h2::after { content: " · none"; text-transform: none; letter-spacing: 0; }
.card.collapsed > :not(h2) { display: none; }
.muted { color: var(--muted); }
main { padding: 20px 24px 32px; display: grid; align-items: start; gap: 16px; grid-template-columns: repeat(12, 1fr); max-width: 1400px; margin: 0 auto; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; overflow-x: auto; }
.card h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 10px; font-weight: 600; }
.span-12 { grid-column: span 12; } .span-8 { grid-column: span 8; } .span-6 { grid-column: span 6; } .span-4 { grid-column: span 4; }
@media (max-width: 1100px) { .span-4 { grid-column: span 12; } .span-8 { grid-column: span 12; } }
@media (max-width: 900px) { .span-6 { grid-column: span 12; } main { padding: 12px; gap: 12px; } header { padding: 12px; } .wide-only { display: none; } .card td, .card th { padding-left: 4px; padding-right: 4px; } }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.stat { background: var(--panel-2); border-radius: 8px; padding: 10px 12px; }
.stat .label { font-size: 12px; color: var(--muted); }
.stat .value { font-size: 22px; font-weight: 600; margin-top: 4px; font-variant-numeric: tabular-nums; }
.stat .sub { font-size: 12px; color: var(--muted); margin-top: 2px; }
.pos { color: var(--good); } .neg { color: var(--bad); }
#reasons { margin: 0; padding: 0 24px; list-style: none; }
#reasons li { margin-top: 8px; padding: 8px 12px; border-radius: 6px; background: #2b1d1d; color: #ffb4ae; border: 1px solid #7a2e2b; }
#reasons li.warn { background: #2a2414; color: #f0cf7a; border-color: #6b5420; }
.chart { position: relative; height: 240px; padding: 0 0 22px 72px; }
.chart svg { width: 100%; height: 100%; display: block; border-left: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.chart .y-label { position: absolute; left: 0; width: 66px; text-align: right; font-size: 11px; color: var(--muted); transform: translateY(-50%); font-variant-numeric: tabular-nums; }
.chart .x-label { position: absolute; bottom: 0; font-size: 11px; color: var(--muted); transform: translateX(-50%); white-space: nowrap; }
.chart .empty { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: var(--muted); }
.chart-foot { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); margin-top: 6px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { padding-left: 0; } th:last-child, td:last-child { padding-right: 0; }
td { padding: 7px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; }
tr:last-child td { border-bottom: none; }
td.empty { color: var(--muted); text-align: center; padding: 16px; }
.side-long { color: var(--good); font-weight: 600; } .side-short { color: var(--bad); font-weight: 600; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; background: var(--muted); }
.dot.good { background: var(--good); } .dot.warn { background: var(--warn); } .dot.bad { background: var(--bad); }
ul.feed { list-style: none; margin: 0; padding: 0; max-height: 320px; overflow-y: auto; }
ul.feed li { padding: 7px 0; border-bottom: 1px solid var(--line); display: grid; grid-template-columns: 74px 1fr; gap: 8px; }
ul.feed li:last-child { border-bottom: none; }
ul.feed .time { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
ul.feed .what { font-size: 12px; color: var(--muted); }
ul.feed .msg { word-break: break-word; }
ul.feed li.critical .what, ul.feed li.error .what { color: var(--bad); } ul.feed li.warning .what { color: var(--warn); }
ul.feed li.critical .msg { color: #ffb4ae; }
ul.feed .empty { display: block; color: var(--muted); text-align: center; padding: 16px 0; border: none; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 0 0 20px; }
`;

export function renderDashboardPage(options: DashboardPageOptions): string {
  const nonce = escapeAttribute(options.nonce);
  const title = escapeText(options.title);
  const mode =
    options.mode === 'live'
      ? '<span id="mode" class="badge live" data-testid="mode">LIVE</span>'
      : options.mode === 'paper'
        ? '<span id="mode" class="badge paper" data-testid="mode">PAPER</span>'
        : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title} — status</title>
<style nonce="${nonce}">${STYLE}${SUGGESTIONS_PANEL_STYLE}</style>
</head>
<body>
<header>
  <h1>${title}</h1>
  ${mode}
  <span id="verdict" class="pill" data-testid="verdict">…</span>
  <span class="muted">uptime <span id="uptime">–</span></span>
  <span class="spacer"></span>
  <span class="muted" id="updated"></span>
  <span id="conn" class="pill warn" data-testid="connection">connecting</span>
</header>
<div id="paused">Entries are paused by the operator: exits, stops and monitoring go on (<code>npm run ctl -- resume</code>).</div>
<ul id="reasons"></ul>
<p class="muted" id="cluster-line" data-testid="cluster" hidden></p>
<main data-controls="${options.controls === true ? 'on' : 'off'}">
  <section class="card span-12">
    <div class="stats">
      <div class="stat"><div class="label">Equity (USDT)</div><div class="value" id="equity-value">–</div>
        <div class="sub" id="equity-change" title="since this run started"></div><div class="sub" id="equity-day" title="since 00:00 UTC"></div></div>
      <div class="stat"><div class="label">Realised PnL (USDT)</div><div class="value" id="pnl-value">–</div><div class="sub" id="pnl-sub"></div></div>
      <div class="stat"><div class="label">Open positions</div><div class="value" id="open-value">–</div><div class="sub" id="open-sub"></div></div>
      <div class="stat"><div class="label">Win rate</div><div class="value" id="winrate-value">–</div><div class="sub" id="winrate-sub"></div></div>
      <div class="stat"><div class="label">API success</div><div class="value" id="api-value">–</div><div class="sub" id="api-sub"></div></div>
      <div class="stat"><div class="label">Scans</div><div class="value" id="scans-value">–</div><div class="sub" id="scans-sub"></div></div>
    </div>
  </section>
  <section class="card span-8" id="chart-card">
    <h2>Equity curve (USDT)</h2>
    <div class="chart" id="chart">
      <svg id="equity-svg" viewBox="0 0 600 200" preserveAspectRatio="none" aria-label="equity curve"></svg>
      <div id="chart-axes"></div>
      <div class="empty" id="chart-empty">no equity readings yet</div>
    </div>
    <div class="chart-foot"><span id="chart-from"></span><span id="chart-to"></span></div>
  </section>
  <section class="card span-4">
    <h2>Threads</h2>
    <table><thead><tr><th>Thread</th><th>State</th><th class="num">Heartbeat</th><th class="num">Restarts</th></tr></thead>
    <tbody id="threads-body"><tr><td class="empty" colspan="4">no threads yet</td></tr></tbody></table>
  </section>
  <section class="card span-12" id="positions-card">
    <h2>Open positions</h2>
    <table><thead><tr><th>Symbol</th><th>Side</th><th class="num">Size</th><th class="num">Entry</th><th class="num">Mark</th>
      <th class="num">Unrealised PnL</th><th class="num">Stop</th><th class="num">Stop distance</th><th class="num wide-only">Leverage</th><th class="num wide-only">Opened</th><th class="control-col"></th></tr></thead>
    <tbody id="positions-body"><tr><td class="empty" colspan="11">no open positions</td></tr></tbody></table>
  </section>
  <section class="card span-12" id="foreign-card">
    <h2>Not the bot's (left alone)</h2>
    <table><thead><tr><th>Foreign positions</th><th class="num">Foreign orders</th><th>Contested by another bot</th><th>Bot's clientOid prefix</th></tr></thead>
    <tbody><tr><td id="foreign-positions">–</td><td class="num" id="foreign-orders">–</td><td id="contested">–</td><td id="oid-prefix">–</td></tr></tbody></table>
  </section>
  <section class="card span-12" id="controls-card" hidden>
    <h2>Operator controls</h2>
    <div class="controls">
      <button id="ctl-pause" data-command="pause">Pause entries</button>
      <button id="ctl-resume" data-command="resume">Resume entries</button>
      <button id="ctl-close-all" data-command="close-all" class="danger" data-confirm="Close ALL open positions at market?">Close all</button>
      <button id="ctl-breaker-reset" data-command="breaker-reset">Reset breakers</button>
      <span id="control-result"></span>
    </div>
  </section>
  <section class="card span-6" id="alerts-card">
    <h2>Alert history</h2>
    <ul class="feed" id="alerts-list"><li class="empty">no alerts</li></ul>
  </section>
  <section class="card span-6" id="events-card">
    <h2>Events</h2>
    <ul class="feed" id="events-list"><li class="empty">no events yet</li></ul>
  </section>
  <section class="card span-12" id="errors-card">
    <h2>Recent errors</h2>
    <ul class="feed" id="errors-list"><li class="empty">no errors</li></ul>
  </section>${SUGGESTIONS_PANEL_HTML}
</main>
<footer>Live over WebSocket · JSON at <a class="muted" href="health">/health</a> · Prometheus at /metrics</footer>
<script nonce="${nonce}" type="module">${dashboardScript('dashboard')}</script>
<script nonce="${nonce}" type="module">${dashboardScript('suggestions-panel')}</script>
</body>
</html>
`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}
