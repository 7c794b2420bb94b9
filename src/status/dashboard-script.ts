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
  var sig = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
  var events = [];
  var retryMs = 1000;
  var lastReportAt = 0;
  var controlsOn = document.querySelector('main').getAttribute('data-controls') === 'on' && !!token;

  // Panels: each renders its part of a report message. A new panel adds its section to the page,
  // its data under msg.panels (StatusSource.panels) and one panel(function (msg) {...}) here.
  var PANELS = [];
  function panel(render) { PANELS.push(render); }

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
  /** Decimals of a tick size (0.01 -> 2, 0.5 -> 1, 1 -> 0, 1e-7 -> 7). */
  function tickDecimals(tick) {
    if (!(tick > 0)) return null;
    var text = tick.toFixed(12).replace(/0+$/, '');
    var dot = text.indexOf('.');
    return dot < 0 ? 0 : text.length - dot - 1;
  }
  /** A price at its contract's tick precision; 6 significant digits while the tick is unknown. */
  function price(v, tick) {
    if (v === null || v === undefined) return '–';
    var d = tickDecimals(tick);
    if (d === null) return sig.format(v);
    return new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
  }
  function change(delta, base) {
    return signed(delta) + (base ? ' (' + (delta >= 0 ? '+' : '') + (delta / base * 100).toFixed(2) + '%)' : '');
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
  /** An empty panel collapses to its title line. */
  function collapse(cardId, empty) { $(cardId).classList.toggle('collapsed', empty); }

  panel(function verdict(msg) {
    var report = msg.report, h = report.overall_health;
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
  });

  panel(function stats(msg) {
    var report = msg.report, equity = msg.equity || [], account = msg.account || {};
    var p = report.positions, a = report.api, perf = report.performance;
    var eq = p.equity;
    if ((eq === null || eq === undefined) && equity.length > 0) eq = equity[equity.length - 1].equity;
    var known = eq !== null && eq !== undefined;
    setText('equity-value', known ? usd.format(eq) : '–');
    var since = $('equity-change');
    var start = account.start_equity;
    if (known && start) {
      since.textContent = change(eq - start, start) + ' since start';
      since.className = 'sub ' + signClass(eq - start);
    } else { since.textContent = ''; }
    var day = $('equity-day');
    var dayStart = account.day_start_equity;
    if (known && dayStart) {
      day.textContent = change(eq - dayStart, dayStart) + ' since 00:00 UTC';
      day.className = 'sub ' + signClass(eq - dayStart);
    } else { day.textContent = ''; }
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
  });

  /** 3-5 round steps covering [min, max]. */
  function niceTicks(min, max, count) {
    var raw = (max - min) / count;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).filter(function (s) { return s >= raw; })[0] || raw;
    var ticks = [];
    for (var v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(v);
    return ticks;
  }

  panel(function chart(msg) {
    var points = msg.equity || [];
    var svg = $('equity-svg'), axes = $('chart-axes');
    svg.textContent = '';
    axes.textContent = '';
    var empty = points.length === 0;
    $('chart-empty').style.display = empty ? 'flex' : 'none';
    if (empty) { setText('chart-from', ''); setText('chart-to', ''); return; }
    var W = 600, H = 200;
    var min = Infinity, max = -Infinity;
    points.forEach(function (p) { if (p.equity < min) min = p.equity; if (p.equity > max) max = p.equity; });
    var span = max - min;
    if (span === 0) span = Math.max(1, Math.abs(max) * 0.001);
    min -= span * 0.08; max += span * 0.08;
    var t0 = points[0].t, t1 = points[points.length - 1].t, tspan = Math.max(1, t1 - t0);
    var yOf = function (v) { return (1 - (v - min) / (max - min)) * H; };
    var xy = points.map(function (p) { return [points.length === 1 ? W : (p.t - t0) / tspan * W, yOf(p.equity)]; });
    if (xy.length === 1) xy.unshift([0, xy[0][1]]);
    // Value axis: grid lines with labels at round values.
    var box = $('chart');
    var plotTop = 0, plotHeight = box.clientHeight - 22;
    niceTicks(min, max, 4).forEach(function (v) {
      var gy = yOf(v);
      var line = document.createElementNS(SVG_NS, 'line');
      line.setAttribute('x1', '0'); line.setAttribute('x2', String(W)); line.setAttribute('y1', gy.toFixed(1)); line.setAttribute('y2', gy.toFixed(1));
      line.setAttribute('stroke', '#2a3644'); line.setAttribute('stroke-width', '1'); line.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.appendChild(line);
      var label = el('span', 'y-label', usd.format(v));
      label.style.top = (plotTop + gy / H * plotHeight).toFixed(1) + 'px';
      axes.appendChild(label);
    });
    // Time axis: four labels along the bottom (HH:MM, with the date when the curve spans days).
    var multiDay = tspan > 86400000;
    for (var k = 0; k <= 3; k++) {
      var t = t0 + tspan * k / 3;
      var d = new Date(t);
      var text = d.toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
      if (multiDay) text = d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short', timeZone: 'UTC' }) + ' ' + text;
      var xl = el('span', 'x-label', text);
      xl.style.left = 'calc(72px + (100% - 72px) * ' + (k / 3).toFixed(3) + ')';
      if (k === 0) xl.style.transform = 'none';
      if (k === 3) xl.style.transform = 'translateX(-100%)';
      axes.appendChild(xl);
    }
    var dpath = xy.map(function (q, i) { return (i === 0 ? 'M' : 'L') + q[0].toFixed(1) + ' ' + q[1].toFixed(1); }).join(' ');
    var rising = points[points.length - 1].equity >= points[0].equity;
    var color = rising ? '#3fb950' : '#f85149';
    var area = document.createElementNS(SVG_NS, 'path');
    area.setAttribute('d', dpath + ' L' + xy[xy.length - 1][0].toFixed(1) + ' ' + H + ' L' + xy[0][0].toFixed(1) + ' ' + H + ' Z');
    area.setAttribute('fill', color); area.setAttribute('fill-opacity', '0.12'); area.setAttribute('stroke', 'none');
    svg.appendChild(area);
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', dpath); path.setAttribute('fill', 'none'); path.setAttribute('stroke', color);
    path.setAttribute('stroke-width', '2'); path.setAttribute('vector-effect', 'non-scaling-stroke'); path.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(path);
    setText('chart-from', 'UTC · from ' + new Date(t0).toLocaleString('en-GB', { hour12: false, timeZone: 'UTC' }));
    setText('chart-to', points.length + ' points');
  });

  panel(function positions(msg) {
    var list = msg.positions || [];
    var rows = list.map(function (p) {
      var u = p.unrealised_pnl, tick = p.tick_size, stop = p.stop_price;
      var ref = p.mark_price !== null && p.mark_price !== undefined ? p.mark_price : p.entry_price;
      var dist = stop === null || stop === undefined ? null : Math.abs(ref - stop);
      var tr = row([
        [p.symbol], [p.side.toUpperCase(), 'side-' + p.side], [plain.format(p.size), 'num'], [price(p.entry_price, tick), 'num'],
        [price(p.mark_price, tick), 'num'],
        [u === null || u === undefined ? '–' : signed(u), 'num ' + (u === null || u === undefined ? '' : signClass(u))],
        [price(stop, tick), 'num'],
        [dist === null ? '–' : price(dist, tick) + ' (' + (dist / ref * 100).toFixed(2) + '%)', 'num'],
        [p.leverage + '×', 'num wide-only'], [clock(p.opened_at), 'num wide-only']
      ]);
      var cell = el('td', 'control-col');
      if (controlsOn) {
        var b = el('button', 'danger', 'Close');
        b.setAttribute('data-command', 'close/' + p.symbol);
        b.setAttribute('data-confirm', 'Close ' + p.symbol + ' (' + p.side + ' ' + p.size + ') at market?');
        cell.appendChild(b);
      }
      tr.appendChild(cell);
      return tr;
    });
    replaceRows($('positions-body'), rows, 'no open positions', 11);
  });

  // Positions and orders on the account that are not the bot's: shown, never touched.
  panel(function foreign(msg) {
    var report = msg.report;
    var f = (report.positions && report.positions.foreign) || { count: 0, symbols: [] };
    var o = report.orders || { foreign: 0, client_oid_prefix: null, contested_symbols: [] };
    setText('foreign-positions', f.count === 0 ? 'none' : f.symbols.join(', '));
    setText('foreign-orders', String(o.foreign));
    setText('contested', o.contested_symbols.length === 0 ? 'none' : o.contested_symbols.join(', '));
    setText('oid-prefix', o.client_oid_prefix === null ? '–' : o.client_oid_prefix);
    collapse('foreign-card', f.count === 0 && o.foreign === 0 && o.contested_symbols.length === 0);
  });

  panel(function threads(msg) {
    var threads = msg.report.threads || {};
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
  });

  function feedItem(time, what, message, cls) {
    var li = el('li', cls || '');
    li.appendChild(el('span', 'time', clock(time)));
    var body = el('div');
    body.appendChild(el('div', 'what', what));
    body.appendChild(el('div', 'msg', message));
    li.appendChild(body);
    return li;
  }
  function renderFeed(listId, cardId, items, emptyText, toItem) {
    var list = $(listId);
    list.textContent = '';
    collapse(cardId, items.length === 0);
    if (items.length === 0) { list.appendChild(el('li', 'empty', emptyText)); return; }
    items.forEach(function (i) { list.appendChild(toItem(i)); });
  }

  panel(function errors(msg) {
    renderFeed('errors-list', 'errors-card', msg.report.recent_errors || [], 'no errors', function (e) {
      return feedItem(e.time, e.thread + ' · ' + e.type, e.message, 'error');
    });
  });

  panel(function alerts(msg) {
    renderFeed('alerts-list', 'alerts-card', msg.alerts || [], 'no alerts', function (a) {
      return feedItem(a.time, a.kind + ' · ' + a.subject, a.message, a.kind === 'operator' ? 'warning' : 'critical');
    });
  });

  panel(function controls(msg) {
    var c = (msg.panels || {}).controls || {};
    $('paused').classList.toggle('on', !!c.paused);
    $('controls-card').hidden = !controlsOn;
  });

  function renderEvents() {
    renderFeed('events-list', 'events-card', events, 'no events yet', function (e) {
      return feedItem(e.time, e.kind + ' · ' + e.severity, e.message, e.severity);
    });
  }

  // REDIS_URL only: one line for this process among the others on the account.
  panel(function cluster(msg) {
    var c = msg.report.cluster;
    var line = $('cluster-line');
    if (!c) { line.hidden = true; return; }
    line.hidden = false;
    var owned = c.owned_symbols.length ? c.owned_symbols.join(', ') : 'none';
    line.textContent = 'cluster: redis ' + c.redis + ' · process ' + c.process_id + ' · ' + c.peers + ' peer(s) · quota share ' +
      Math.round(c.quota_share * 100) + ' % · owns ' + owned;
  });

  function onReport(msg) {
    lastReportAt = Date.now();
    PANELS.forEach(function (render) {
      try { render(msg); } catch (e) { console.error('dashboard panel ' + (render.name || '?') + ' failed: ' + e); }
    });
    setText('updated', 'updated ' + new Date(lastReportAt).toLocaleTimeString('en-GB', { hour12: false }));
  }

  function onEvent(event) {
    events.unshift(event);
    if (events.length > 100) events.length = 100;
    renderEvents();
  }

  // Operator buttons (only with ?token=): POST /control/<command>, confirming closes first.
  document.addEventListener('click', function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest('button[data-command]') : null;
    if (!b || !controlsOn) return;
    var confirmText = b.getAttribute('data-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    var command = b.getAttribute('data-command');
    setText('control-result', command + ' …');
    fetch('control/' + command, { method: 'POST', headers: { Authorization: 'Bearer ' + token } })
      .then(function (r) { return r.json(); })
      .then(function (r) { setText('control-result', (r.ok ? 'done: ' : 'FAILED: ') + (r.command || command) + ' · ' + (r.detail || r.error || '')); })
      .catch(function (e) { setText('control-result', 'FAILED: ' + command + ' · ' + e); });
  });

  // The connection to this page's data, not the trading mode (the PAPER / LIVE badge says that).
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
    ws.onopen = function () { retryMs = 1000; setConnection('good', 'connected'); };
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
    setConnection('bad', 'disconnected · reconnecting in ' + Math.round(wait / 1000) + ' s');
    setTimeout(connect, wait);
  }

  renderEvents();
  connect();
})();
`;
