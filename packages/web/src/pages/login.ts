/** Login with password and the second factor (TOTP); the server sets the HttpOnly session cookie. */
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n/index.js';

export function renderLogin(root: HTMLElement, done: () => Promise<void>, toggleLanguage: () => void): void {
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const code = h('input', { id: 'totp', name: 'totp', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: '6', autocomplete: 'one-time-code', required: true });
  const error = h('p', { id: 'login-error', class: 'error', role: 'alert' });
  const lang = h('button', { type: 'button', class: 'secondary' }, t('language'));
  lang.addEventListener('click', toggleLanguage);
  const form = h('form', { id: 'login', class: 'card login' },
    h('h1', {}, t('appName')), h('p', { class: 'muted' }, t('tagline')), h('h2', {}, t('loginTitle')),
    h('label', { for: 'username' }, t('username')), user,
    h('label', { for: 'password' }, t('password')), pass,
    h('label', { for: 'totp' }, t('totp')), code,
    h('button', { type: 'submit' }, t('signIn')), error, lang);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const r = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: user.value, password: pass.value, totp: code.value }) });
    if (!r.ok) { error.textContent = t('loginFailed'); return; }
    await done();
  });
  root.append(form);
  user.focus();
}
