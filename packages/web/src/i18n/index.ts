/**
 * The dashboard's two languages. The choice is kept in localStorage; Urdu sets `dir="rtl"` and
 * `lang="ur"` on <html>, so layout (flex, grid, text alignment) mirrors through CSS logical properties.
 */
import { en, type Messages } from './en.js';
import { ur } from './ur.js';

export type Lang = 'en' | 'ur';
const DICTS: Record<Lang, Messages> = { en, ur };
let lang: Lang = 'en';

export function initLang(): Lang {
  const saved = globalThis.localStorage?.getItem('baseerat.lang');
  setLang(saved === 'ur' ? 'ur' : 'en');
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  globalThis.localStorage?.setItem('baseerat.lang', l);
  document.documentElement.lang = l;
  document.documentElement.dir = l === 'ur' ? 'rtl' : 'ltr';
}

export const currentLang = (): Lang => lang;

/** The string `key` in the current language with `{name}` placeholders filled. */
export function t(key: keyof Messages, vars: Record<string, string | number> = {}): string {
  return DICTS[lang][key].replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? `{${k}}`));
}
