// The dashboard's "Optimisation suggestions" panel, self-contained: its own markup and style here,
// its script in browser/suggestions-panel.ts (reading /health with the page's ?token= every few
// seconds), so it depends on nothing else in the page.

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
