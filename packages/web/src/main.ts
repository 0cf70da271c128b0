/**
 * Entry of the dashboard: the shell (header, navigation, language, session) and a hash router over
 * the pages. Every page asks the API itself and shows "not available" where a route is missing.
 */
import './style.css';
import { api, type Principal } from './api.js';
import { clear, h } from './dom.js';
import { currentLang, initLang, setLang, t } from './i18n/index.js';
import { renderLogin } from './pages/login.js';
import { renderMapPage } from './pages/map-page.js';
import { renderAllocation, renderEvaluations, renderForecasts, renderQuality, renderReports, renderRisk } from './pages/panels.js';
import { renderTrends } from './pages/trends-page.js';

type Page = (root: HTMLElement, me: Principal) => Promise<(() => void) | void>;
const PAGES: { hash: string; label: () => string; render: Page }[] = [
  { hash: '#/map', label: () => t('navMap'), render: renderMapPage },
  { hash: '#/trends', label: () => t('navTrends'), render: renderTrends },
  { hash: '#/forecasts', label: () => t('navForecasts'), render: renderForecasts },
  { hash: '#/risk', label: () => t('navRisk'), render: renderRisk },
  { hash: '#/allocation', label: () => t('navAllocation'), render: renderAllocation },
  { hash: '#/evaluations', label: () => t('navEvaluations'), render: renderEvaluations },
  { hash: '#/quality', label: () => t('navQuality'), render: renderQuality },
  { hash: '#/reports', label: () => t('navReports'), render: renderReports },
];

const app = document.getElementById('app')!;
let me: Principal | undefined;
let teardown: (() => void) | void = undefined;

async function route(): Promise<void> {
  if (typeof teardown === 'function') teardown();
  teardown = undefined;
  if (me === undefined) {
    const r = await api<Principal>('/api/auth/me');
    if (!r.ok) {
      clear(app);
      app.dataset['state'] = 'login';
      renderLogin(app, async () => { me = undefined; await route(); }, toggleLanguage);
      return;
    }
    me = r.data;
  }
  const page = PAGES.find((p) => p.hash === location.hash) ?? PAGES[0]!;
  clear(app);
  app.dataset['state'] = 'page';
  app.dataset['page'] = page.hash.slice(2);
  const content = h('main', { id: 'content' });
  app.append(shell(me, page.hash), content);
  teardown = await page.render(content, me);
}

function shell(user: Principal, active: string): HTMLElement {
  const nav = h('nav', { 'aria-label': 'main' }, ...PAGES.map((p) => h('a', { href: p.hash, class: p.hash === active ? 'active' : undefined }, p.label())));
  const lang = h('button', { type: 'button', id: 'lang', class: 'secondary' }, t('language'));
  lang.addEventListener('click', toggleLanguage);
  const out = h('button', { type: 'button', id: 'logout', class: 'secondary' }, t('signOut'));
  out.addEventListener('click', async () => { await api('/api/auth/logout', { method: 'POST' }); me = undefined; await route(); });
  const who = h('span', { id: 'whoami', class: 'muted', 'data-role': user.role },
    t('you', { role: user.role, clearance: user.clearance, districts: user.districts === null ? t('allDistricts') : user.districts.join(', ') }));
  return h('header', {}, h('div', { class: 'brand' }, h('strong', {}, t('appName')), h('span', { class: 'muted' }, t('tagline'))), nav, h('div', { class: 'tools' }, who, lang, out));
}

function toggleLanguage(): void {
  setLang(currentLang() === 'en' ? 'ur' : 'en');
  void route();
}

window.addEventListener('hashchange', () => { void route(); });
window.addEventListener('baseerat:unauthorized', () => { if (me !== undefined) { me = undefined; void route(); } });
initLang();
void route();
