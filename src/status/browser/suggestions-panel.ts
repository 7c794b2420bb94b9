// The dashboard's "Optimisation suggestions" panel script, self-contained: it reads /health (with
// the page's ?token=) every few seconds, so it depends on nothing else in the page. Built by the
// browser project beside this file; its markup and style are in ../dashboard-suggestions-panel.ts.
// Rendering uses textContent only: evidence and advice can never inject markup.
import type { HealthReport } from '../../health/health-report.js';

/** Refresh period of the panel in ms. */
const REFRESH_MS = 3000;

/** Without the token /health answers the verdict only, so every section may be missing. */
type HealthAnswer = Partial<HealthReport>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: unknown): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function render(list: HTMLElement, body: Element, report: HealthAnswer): void {
  const items = report.performance?.suggestions ?? [];
  list.textContent = '';
  if (items.length === 0) list.appendChild(el('li', 'empty', 'no suggestions'));
  for (const s of items) {
    const li = el('li', s.severity);
    li.setAttribute('data-id', s.id);
    li.setAttribute('data-thread', s.thread);
    const head = el('div', 'head');
    head.appendChild(el('span', 'sev', s.severity));
    head.appendChild(document.createTextNode(`${s.thread}: ${s.id}`));
    li.appendChild(head);
    li.appendChild(el('div', 'evidence', s.evidence));
    li.appendChild(el('div', 'advice', s.advice));
    list.appendChild(li);
  }
  body.textContent = '';
  const threads = report.threads ?? {};
  for (const name of Object.keys(threads).sort()) {
    const r = threads[name]?.runtime;
    if (!r) continue;
    const tr = el('tr');
    tr.appendChild(el('td', '', name));
    const d = r.event_loop_delay_ms;
    tr.appendChild(el('td', 'num', `${d.p50.toFixed(1)} / ${d.p99.toFixed(1)} / ${d.max.toFixed(0)}`));
    tr.appendChild(el('td', 'num', `${(r.elu * 100).toFixed(0)} %`));
    tr.appendChild(el('td', 'num', `${r.heap_used_mb.toFixed(0)} / ${r.heap_limit_mb.toFixed(0)}`));
    tr.appendChild(el('td', 'num', r.gc_ms_per_min.toFixed(0)));
    body.appendChild(tr);
  }
}

function start(): void {
  const list = document.getElementById('perf-suggestions');
  const body = document.querySelector('#perf-runtime tbody');
  if (!list || !body) return;
  const refresh = (): void => {
    // The page's own ?token= (when STATUS_TOKEN is set): without it /health answers the verdict only.
    fetch(`health${location.search}`, { cache: 'no-store' })
      .then((res) => res.json() as Promise<HealthAnswer>)
      .then((report) => render(list, body, report))
      .catch(() => undefined);
  };
  refresh();
  setInterval(refresh, REFRESH_MS);
}

start();
