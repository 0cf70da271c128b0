/**
 * One formatter for every number a report shows: the narrative and the tables call the same
 * function, so "rose from 14 to 23" and the table cells read 14 and 23 character for character.
 * Digits stay Western in both editions.
 */
import type { ColumnKind, Fact, TableCell } from './model.js';

export function formatValue(value: number | string | null, kind: ColumnKind): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  switch (kind) {
    case 'int': return Math.round(value).toLocaleString('en-US');
    case 'decimal': return value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    case 'ratio': return value.toFixed(2);
    case 'percent': return `${value > 0 ? '+' : ''}${Math.round(value)}%`;
    case 'share': return `${Math.round(value)}%`;
    case 'p': return value < 0.001 ? '< 0.001' : value.toFixed(3);
    case 'text': return String(value);
  }
}

export function cell(value: number | string | null, kind: ColumnKind): TableCell {
  return { value, display: formatValue(value, kind) };
}

export function fact(key: string, value: number | string, kind: ColumnKind): Fact {
  return { key, value, display: formatValue(value, kind) };
}

/** Fills `{key}` placeholders with the facts' display text; throws on a placeholder without a fact. */
export function fill(template: string, facts: readonly Fact[]): string {
  const byKey = new Map(facts.map((f) => [f.key, f.display]));
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (_m, k: string) => {
    const d = byKey.get(k);
    if (d === undefined) throw new Error(`report template placeholder {${k}} has no fact`);
    return d;
  }).replace(/= < /g, '< ');
}
