/**
 * The dashboard's only way to the server: same-origin fetch with the session cookie (HttpOnly, set by
 * the login). A 404 on a route means "this server does not have that feature yet": pages show a
 * clear "not available" instead of failing, so the dashboard works while the API grows.
 */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; detail: string };

export async function api<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers } });
  } catch (e) {
    return { ok: false, status: 0, detail: e instanceof Error ? e.message : String(e) };
  }
  if (res.status === 401 && !path.startsWith('/api/auth/login')) {
    window.dispatchEvent(new CustomEvent('baseerat:unauthorized'));
  }
  const text = await res.text();
  let body: unknown = undefined;
  try { body = text === '' ? undefined : JSON.parse(text); } catch { body = text; }
  if (res.ok) return { ok: true, status: res.status, data: body as T };
  const detail = typeof body === 'object' && body !== null && 'detail' in body ? String((body as { detail: unknown }).detail) : `${res.status} ${res.statusText}`;
  return { ok: false, status: res.status, detail };
}

/** Query string from the defined entries. */
export function qs(params: Record<string, string | number | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s === '' ? '' : `?${s}`;
}

export interface Principal { id: string; role: string; clearance: string; compartments: string[]; districts: string[] | null }
export interface Stats {
  total: number; reports: number;
  byProvince: Record<string, number>; byDistrict: Record<string, number>; byCategory: Record<string, number>;
  byMonth: Record<string, number>; byAgency: Record<string, number>;
}
export interface IncidentView {
  id: string; occurredAt: string; category: string; classification: string;
  location: { lat?: number; lon?: number; district?: string; province?: string; precision?: string };
  severity: { killed: number; injured: number; abducted: number };
  narrative?: string; withheld: string[]; sources: { agency: string; sourceId: string }[];
}
export interface AlertView {
  id: string; severity: string; district: string; state: string; openedAt: string; lastTriggeredAt: string;
  incidentId: string; ruleId: string; explanation: { text: string; rule: string; count: number; expected: number };
}
