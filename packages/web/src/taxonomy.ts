/** Category labels in both languages, from the engine's taxonomy (the one source of the codes). */
import { TAXONOMY } from '@baseerat/engine/domain/taxonomy';
import { currentLang } from './i18n/index.js';

const byCode = new Map<string, { label: string; labelUr: string }>(TAXONOMY.map((d) => [d.code, d]));

export function categoryLabel(code: string): string {
  const d = byCode.get(code);
  if (d === undefined) return code;
  return currentLang() === 'ur' ? d.labelUr : d.label;
}

export const CATEGORY_OPTIONS: readonly string[] = TAXONOMY.map((d) => d.code);
