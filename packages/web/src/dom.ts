/**
 * Tiny DOM helpers. Text always goes in through textContent (never innerHTML), so nothing from the
 * API can become markup, and no element gets a `style` attribute (the CSP has no 'unsafe-inline').
 */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'style') throw new Error('no style attributes: use a class');
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A table from rows of cells. */
export function table(headers: string[], rows: (string | number | Node)[][], attrs: Record<string, string> = {}): HTMLTableElement {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, typeof c === 'number' ? c.toLocaleString('en-US') : c))))));
}

/** Pakistan time (UTC+5, no daylight saving) of an ISO UTC instant, as 'YYYY-MM-DD HH:MM'. */
export function pakistanTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 5 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
