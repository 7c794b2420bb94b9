// The dashboard's browser script, inlined into the page. Plain ES2020 run by the browser, so it is a
// string here (no bundler, no build step); it must not contain backticks or dollar-brace sequences.
// It only ever writes text (textContent) and SVG attributes, never HTML.
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var token = params.get('token');
  var $ = function (id) { return document.getElementById(id); };
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var usd = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
  var events = [];
  var retryMs = 1000;
  var lastReportAt = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function setText(id, text) { $(id).textContent = text; }
  function signed(v) { return (v > 0 ? '+' : '') + usd.format(v); }
  function signClass(v) { return v > 0 ? 'pos' : (v < 0 ? 'neg' : ''); }
  function clock(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.toLocaleTimeString('en-GB', { hour12: false });
  }
  function age(s) {
    if (s === null || s === undefined) return 'never';
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' m ' + Math.floor(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' m';
  }
  function replaceRows(tbody, rows, emptyText, columns) {
    tbody.textContent = '';
    if (rows.length === 0) {
      var tr = el('tr'); var td = el('td', 'empty', emptyText); td.colSpan = columns; tr.appendChild(td); tbody.appendChild(tr);
      return;
    }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) { tr.appendChild(el('td', c[1] || '', c[0])); });
    return tr;
  }

  function renderVerdict(report) {
    var h = report.overall_health;
    var v = $('verdict');
    v.textContent = h.status;
    v.className = 'pill ' + (h.status === 'HEALTHY' ? 'good' : (h.status === 'DEGRADED' ? 'warn' : 'bad'));
    var list = $('reasons');
    list.textContent = '';
    (h.reasons || []).forEach(function (reason) {
      list.appendChild(el('li', h.status === 'UNHEALTHY' ? '' : 'warn', reason));
    });
    // Alerts that never reached the webhook: the operator would otherwise not know they were missed.
    var al = report.alerts;
    if (al && al.delivery_failures > 0) {
      var li = el('li', 'warn', 'Alert webhook: ' + al.delivery_failures + ' alert(s) not delivered' +
        (al.last_delivery_error ? ' (last: ' + al.last_delivery_error + ')' : ''));
      li.setAttribute('data-testid', 'alert-delivery');
      list.appendChild(li);
    }
    setText('uptime', report.uptime.formatted);
  }

  function renderStats(report, equity) {
    var p = report.positions, a = report.api, perf = report.performance;
    var eq = p.equity;
    if ((eq === null || eq === undefined) && equity.length > 0) eq = equity[equity.length - 1].equity;
    setText('equity-value', eq === null || eq === undefined ? '–' : usd.format(eq));
    var change = $('equity-change');
    if (equity.length > 1) {
      var first = equity[0].equity, delta = equity[equity.length - 1].equity - first;
      change.textContent = signed(delta) + (first !== 0 ? ' (' + (delta >= 0 ? '+' : '') + (delta / first * 100).toFixed(2) + '%)' : '');
      change.className = 'sub ' + signClass(delta);
    } else { change.textContent = ''; }
    var pnl = $('pnl-value');
    pnl.textContent = signed(p.total_pnl);
    pnl.className = 'value ' + signClass(p.total_pnl);
    setText('pnl-sub', p.closed + ' closed · ' + p.opened + ' opened');
    setText('open-value', String(p.open));
    setText('winrate-value', p.win_rate.toFixed(1) + '%');
    setText('winrate-sub', p.wins + ' W · ' + p.losses + ' L' + (p.breakeven ? ' · ' + p.breakeven + ' even' : ''));
    var api = $('api-value');
    api.textContent = a.success_rate.toFixed(2) + '%';
    api.className = 'value ' + (a.success_rate >= 99 ? 'pos' : (a.success_rate < 90 ? 'neg' : ''));
    setText('api-sub', a.calls_per_minute + '/min · ' + a.rate_limited_calls + ' rate-limited');
    $('api-sub').title = a.total_calls + ' calls since start, ' + a.failed_calls + ' failed';
    setText('scans-value', String(perf.scans_completed));
    setText('scans-sub', perf.scan_errors + ' errors · avg ' + perf.avg_scan_duration_ms.toFixed(0) + ' ms');
  }

  function renderChart(points) {
    var svg = $('equity-svg');
    svg.textContent = '';
    var empty = points.length === 0;
    $('chart-empty').style.display = empty ? 'flex' : 'none';
    if (empty) { setText('chart-max', ''); setText('chart-min', ''); setText('chart-from', ''); setText('chart-to', ''); return; }
    var W = 600, H = 200, pad = 12;
    var min = Infinity, max = -Infinity;
    points.forEach(function (p) { if (p.equity < min) min = p.equity; if (p.equity > max) max = p.equity; });
    var span = max - min;
    if (span === 0) { span = Math.max(1, Math.abs(max) * 0.01); min -= span / 2; max += span / 2; }
    var t0 = points[0].t, t1 = points[points.length - 1].t, tspan = Math.max(1, t1 - t0);
    var xy = points.map(function (p, i) {
      var x = points.length === 1 ? W : (p.t - t0) / tspan * W;
      var y = pad + (1 - (p.equity - min) / (max - min)) * (H - 2 * pad);
      return [x, y];
    });
    if (xy.length === 1) xy.unshift([0, xy[0][1]]);
    for (var g = 1; g < 4; g++) {
      var line = document.createElementNS(SVG_NS, 'line');
      var gy = (H / 4 * g).toFixed(1);
      line.setAttribute('x1', '0'); line.setAttribute('x2', String(W)); line.setAttribute('y1', gy); line.setAttribute('y2', gy);
      line.setAttribute('stroke', '#2a3644'); line.setAttribute('stroke-width', '1'); line.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.appendChild(line);
    }
    var d = xy.map(function (q, i) { return (i === 0 ? 'M' : 'L') + q[0].toFixed(1) + ' ' + q[1].toFixed(1); }).join(' ');
    var rising = points[points.length - 1].equity >= points[0].equity;
    var color = rising ? '#3fb950' : '#f85149';
    var area = document.createElementNS(SVG_NS, 'path');
    area.setAttribute('d', d + ' L' + xy[xy.length - 1][0].toFixed(1) + ' ' + H + ' L' + xy[0][0].toFixed(1) + ' ' + H + ' Z');
    area.setAttribute('fill', color); area.setAttribute('fill-opacity', '0.12'); area.setAttribute('stroke', 'none');
    svg.appendChild(area);
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d); path.setAttribute('fill', 'none'); path.setAttribute('stroke', color);
    path.setAttribute('stroke-width', '2'); path.setAttribute('vector-effect', 'non-scaling-stroke'); path.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(path);
    setText('chart-max', usd.format(max));
    setText('chart-min', usd.format(min));
    setText('chart-from', new Date(t0).toLocaleString('en-GB', { hour12: false }));
    setText('chart-to', new Date(t1).toLocaleString('en-GB', { hour12: false }) + ' · ' + points.length + ' points');
  }

  function renderPositions(positions) {
    var rows = positions.map(function (p) {
      var u = p.unrealised_pnl;
      return row([
        [p.symbol], [p.side.toUpperCase(), 'side-' + p.side], [plain.format(p.size), 'num'], [plain.format(p.entry_price), 'num'],
        [p.mark_price === null ? '–' : plain.format(p.mark_price), 'num'], [p.leverage + '×', 'num'],
        [u === null ? '–' : signed(u), 'num ' + (u === null ? '' : signClass(u))], [clock(p.opened_at), 'num']
      ]);
    });
    replaceRows($('positions-body'), rows, 'no open positions', 8);
  }

  // Positions and orders on the account that are not the bot's: shown, never touched.
  function renderForeign(report) {
    var f = (report.positions && report.positions.foreign) || { count: 0, symbols: [] };
    var o = report.orders || { foreign: 0, client_oid_prefix: null, contested_symbols: [] };
    setText('foreign-positions', f.count === 0 ? 'none' : f.symbols.join(', '));
    setText('foreign-orders', String(o.foreign));
    setText('contested', o.contested_symbols.length === 0 ? 'none' : o.contested_symbols.join(', '));
    setText('oid-prefix', o.client_oid_prefix === null ? '–' : o.client_oid_prefix);
  }

  function renderThreads(threads) {
    var names = Object.keys(threads).sort();
    var rows = names.map(function (name) {
      var t = threads[name];
      var tr = el('tr');
      var cell = el('td');
      cell.appendChild(el('span', 'dot ' + (t.healthy ? 'good' : (t.state === 'stopped' || t.state === 'starting' ? 'warn' : 'bad'))));
      cell.appendChild(document.createTextNode(name));
      tr.appendChild(cell);
      var state = el('td', '', t.state);
      if (t.reason) state.title = t.reason;
      tr.appendChild(state);
      tr.appendChild(el('td', 'num', age(t.last_heartbeat_age_s)));
      var restarts = el('td', 'num' + (t.restarts > 0 ? ' neg' : ''), t.restarts);
      if (t.last_restart_reason) restarts.title = t.last_restart_reason;
      tr.appendChild(restarts);
      return tr;
    });
    replaceRows($('threads-body'), rows, 'no threads yet', 4);
  }

  function feedItem(time, what, message, cls) {
    var li = el('li', cls || '');
    li.appendChild(el('span', 'time', clock(time)));
    var body = el('div');
    body.appendChild(el('div', 'what', what));
    body.appendChild(el('div', 'msg', message));
    li.appendChild(body);
    return li;
  }

  function renderErrors(errors) {
    var list = $('errors-list');
    list.textContent = '';
    if (errors.length === 0) { list.appendChild(el('li', 'empty', 'no errors')); return; }
    errors.forEach(function (e) { list.appendChild(feedItem(e.time, e.thread + ' · ' + e.type, e.message, 'error')); });
  }

  function renderEvents() {
    var list = $('events-list');
    list.textContent = '';
    if (events.length === 0) { list.appendChild(el('li', 'empty', 'no events yet')); return; }
    events.forEach(function (e) { list.appendChild(feedItem(e.time, e.kind + ' · ' + e.severity, e.message, e.severity)); });
  }

  // REDIS_URL only: one line for this process among the others on the account.
  function renderCluster(c) {
    var line = $('cluster-line');
    if (!c) { line.hidden = true; return; }
    line.hidden = false;
    var owned = c.owned_symbols.length ? c.owned_symbols.join(', ') : 'none';
    line.textContent = 'cluster: redis ' + c.redis + ' · process ' + c.process_id + ' · ' + c.peers + ' peer(s) · quota share ' +
      Math.round(c.quota_share * 100) + ' % · owns ' + owned;
  }

  function onReport(msg) {
    var report = msg.report;
    lastReportAt = Date.now();
    renderVerdict(report);
    renderStats(report, msg.equity || []);
    renderChart(msg.equity || []);
    renderPositions(msg.positions || []);
    renderForeign(report);
    renderThreads(report.threads || {});
    renderErrors(report.recent_errors || []);
    renderCluster(report.cluster);
    setText('updated', 'updated ' + new Date(lastReportAt).toLocaleTimeString('en-GB', { hour12: false }));
  }

  function onEvent(event) {
    events.unshift(event);
    if (events.length > 100) events.length = 100;
    renderEvents();
  }

  function setConnection(state, text) {
    var c = $('conn');
    c.textContent = text;
    c.className = 'pill ' + state;
    document.body.setAttribute('data-connection', state === 'good' ? 'live' : (state === 'bad' ? 'disconnected' : 'connecting'));
  }

  function connect() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + (token ? '?token=' + encodeURIComponent(token) : '');
    setConnection('warn', 'connecting');
    var ws;
    try { ws = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    ws.onopen = function () { retryMs = 1000; setConnection('good', 'live'); };
    ws.onmessage = function (m) {
      var msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (msg && msg.type === 'report') onReport(msg);
      else if (msg && msg.type === 'event') onEvent(msg.event);
    };
    ws.onclose = function () { scheduleReconnect(); };
  }

  function scheduleReconnect() {
    var wait = retryMs;
    retryMs = Math.min(retryMs * 2, 10000);
    setConnection('bad', 'disconnected · retrying in ' + Math.round(wait / 1000) + ' s');
    setTimeout(connect, wait);
  }

  connect();
})();
`;
