/**
 * Live alerts: the open alerts from GET /api/alerts, then every new or changed alert from the
 * server-sent events of /api/alerts/stream (event `alert`, data = the engine's Alert), without
 * reload. EventSource reconnects by itself; the panel says whether it is live.
 */
import { api, type AlertView } from '../api.js';
import { clear, h, pakistanTime } from '../dom.js';
import { t } from '../i18n/index.js';

export class AlertsPanel {
  private readonly alerts = new Map<string, AlertView>();
  private source: EventSource | undefined;
  private readonly list = h('ul', { id: 'alerts', 'data-count': '0', class: 'alerts' });
  private readonly state = h('span', { id: 'alerts-state', class: 'badge' });

  constructor(private readonly root: HTMLElement) {
    root.append(h('h2', {}, t('alerts'), ' ', this.state), this.list);
  }

  async start(): Promise<void> {
    const r = await api<{ items?: AlertView[] } | AlertView[]>('/api/alerts?state=open&limit=100');
    if (!r.ok && r.status === 404) {
      this.state.remove();
      this.root.append(h('p', { class: 'muted', id: 'alerts-unavailable' }, t('notAvailable', { path: '/api/alerts', status: 404 })));
      return;
    }
    if (r.ok) for (const a of Array.isArray(r.data) ? r.data : (r.data.items ?? [])) this.alerts.set(a.id, a);
    this.render();
    this.source = new EventSource('/api/alerts/stream');
    this.source.addEventListener('open', () => { this.state.textContent = t('alertsLive'); this.state.dataset['live'] = '1'; });
    this.source.addEventListener('error', () => { this.state.textContent = t('alertsOffline'); this.state.dataset['live'] = '0'; });
    this.source.addEventListener('alert', (ev) => {
      try {
        const a = JSON.parse((ev as MessageEvent<string>).data) as AlertView;
        this.alerts.set(a.id, a);
        this.render();
      } catch { /* a malformed event is ignored; the next list load corrects the panel */ }
    });
  }

  close(): void { this.source?.close(); }

  private render(): void {
    clear(this.list);
    const open = [...this.alerts.values()].filter((a) => a.state !== 'resolved').sort((a, b) => b.lastTriggeredAt.localeCompare(a.lastTriggeredAt));
    this.list.dataset['count'] = String(open.length);
    if (open.length === 0) { this.list.append(h('li', { class: 'muted' }, t('alertsNone'))); return; }
    for (const a of open) {
      const ack = h('button', { type: 'button', class: 'secondary small', disabled: a.state !== 'open' }, t('acknowledge'));
      const res = h('button', { type: 'button', class: 'secondary small' }, t('resolve'));
      ack.addEventListener('click', () => void this.act(a, 'acknowledge'));
      res.addEventListener('click', () => void this.act(a, 'resolve'));
      this.list.append(h('li', { class: `alert sev-${a.severity}`, 'data-alert': a.id, 'data-district': a.district, 'data-state': a.state },
        h('strong', {}, `${a.district} · ${a.severity}`), h('div', {}, a.explanation?.text ?? a.ruleId),
        h('div', { class: 'muted small' }, `${pakistanTime(a.lastTriggeredAt)} · ${a.state}`), h('div', { class: 'row' }, ack, res)));
    }
  }

  private async act(a: AlertView, action: 'acknowledge' | 'resolve'): Promise<void> {
    const r = await api<AlertView>(`/api/alerts/${encodeURIComponent(a.id)}/${action}`, { method: 'POST', body: '{}' });
    if (r.ok && r.data !== undefined && typeof r.data === 'object' && 'id' in r.data) this.alerts.set(r.data.id, r.data);
    this.render();
  }
}
