// The dashboard's "Optimisation suggestions" panel, self-contained: its own markup, style and script,
// reading /health (with the page's ?token=) every few seconds, so it depends on nothing else in the page.
// Rendering uses textContent only: evidence and advice can never inject markup.

/** Refresh period of the panel in ms. */
export const SUGGESTIONS_PANEL_REFRESH_MS = 3000;

export const SUGGESTIONS_PANEL_STYLE = `
#perf-suggestions { list-style: none; margin: 0; padding: 0; }
#perf-suggestions li { padding: 8px 0; border-bottom: 1px solid var(--line); }
#perf-suggestions li:last-child { border-bottom: none; }
#perf-suggestions .head { font-weight: 600; }
#perf-suggestions .sev { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; margin-right: 8px; }
#perf-suggestions li.critical .sev { color: var(--bad); } #perf-suggestions li.warning .sev { color: var(--warn); }
#perf-suggestions li.info .sev { color: var(--accent); }
#perf-suggestions .evidence { color: var(--muted); font-size: 12px; margin-top: 2px; word-break: break-word; }
#perf-suggestions .advice { margin-top: 2px; word-break: break-word; }
#perf-suggestions li.empty { color: var(--muted); text-align: center; }
#perf-runtime td { font-size: 12px; }
`;

export const SUGGESTIONS_PANEL_HTML = `
  <section class="card span-12" id="perf-panel" data-testid="suggestions-panel">
    <h2>Optimisation suggestions</h2>
    <ul id="perf-suggestions"><li class="empty">no suggestions</li></ul>
    <table id="perf-runtime"><thead><tr><th>Thread</th><th class="num">Loop delay p50 / p99 / max (ms)</th><th class="num">ELU</th>
      <th class="num">Heap (MB)</th><th class="num">GC (ms/min)</th></tr></thead><tbody></tbody></table>
  </section>`;

export const SUGGESTIONS_PANEL_SCRIPT = `
(function () {
  var list = document.getElementById('perf-suggestions');
  var body = document.querySelector('#perf-runtime tbody');
  if (!list || !body) return;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function render(report) {
    var perf = report.performance || {};
    var items = perf.suggestions || [];
    list.textContent = '';
    if (items.length === 0) list.appendChild(el('li', 'empty', 'no suggestions'));
    items.forEach(function (s) {
      var li = el('li', s.severity);
      li.setAttribute('data-id', s.id);
      li.setAttribute('data-thread', s.thread);
      var head = el('div', 'head');
      head.appendChild(el('span', 'sev', s.severity));
      head.appendChild(document.createTextNode(s.thread + ': ' + s.id));
      li.appendChild(head);
      li.appendChild(el('div', 'evidence', s.evidence));
      li.appendChild(el('div', 'advice', s.advice));
      list.appendChild(li);
    });
    body.textContent = '';
    Object.keys(report.threads || {}).sort().forEach(function (name) {
      var r = report.threads[name].runtime;
      if (!r) return;
      var tr = el('tr');
      tr.appendChild(el('td', '', name));
      var d = r.event_loop_delay_ms;
      tr.appendChild(el('td', 'num', d.p50.toFixed(1) + ' / ' + d.p99.toFixed(1) + ' / ' + d.max.toFixed(0)));
      tr.appendChild(el('td', 'num', (r.elu * 100).toFixed(0) + ' %'));
      tr.appendChild(el('td', 'num', r.heap_used_mb.toFixed(0) + ' / ' + r.heap_limit_mb.toFixed(0)));
      tr.appendChild(el('td', 'num', r.gc_ms_per_min.toFixed(0)));
      body.appendChild(tr);
    });
  }
  function refresh() {
    // The page's own ?token= (when STATUS_TOKEN is set): without it /health answers the verdict only.
    fetch('health' + location.search, { cache: 'no-store' }).then(function (res) { return res.json(); }).then(render).catch(function () {});
  }
  refresh();
  setInterval(refresh, ${SUGGESTIONS_PANEL_REFRESH_MS});
})();
`;
