/**
 * The province picture: district choropleth (count, rate per 100,000 from the 2023 census, or risk
 * when /api/risk exists), clustered incident points with details on click, hot/cold spot and
 * emerging hot spot layers from the analyses API, watch zones, a monthly timeline whose brush
 * filters the map, filters, and the live alerts panel.
 *
 * The map's only base layer is the shipped district boundaries (GeoJSON from this server): no
 * tiles, no glyphs, no sprite, so no request leaves the origin. Test hooks: `#map[data-districts-source]`
 * (features in the source), `#map[data-districts-rendered]` (distinct districts MapLibre drew),
 * `#map-total[data-total]` (the counts the map shows), `#alerts[data-count]`.
 */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { api, qs, type ApiResult, type IncidentView, type Principal, type Stats } from '../api.js';
import { chartIn } from '../charts.js';
import { clear, h, pakistanTime, table } from '../dom.js';
import { t } from '../i18n/index.js';
import { CATEGORY_OPTIONS, categoryLabel } from '../taxonomy.js';
import { monthRange, nextMonth } from '../months.js';
import { AlertsPanel } from './alerts-panel.js';

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);

const PROVINCE = 'Balochistan';
type Metric = 'count' | 'rate' | 'risk';
interface Filters { category: string; agency: string; district: string; from: string; to: string }
/** One point of `GET /api/incidents/points`. */
interface IncidentPoint { id: string; lon: number; lat: number; category: string; occurredAt: string }
interface DistrictProps { name: string; population: number | null; value?: number; count?: number }

/** Pakistan midnight of 'YYYY-MM-DD' (or 'YYYY-MM' -> the 1st) as ISO UTC. */
export function pakistanMidnightUtc(day: string): string {
  const d = day.length === 7 ? `${day}-01` : day;
  return new Date(Date.parse(`${d}T00:00:00.000+05:00`)).toISOString();
}

export async function renderMapPage(root: HTMLElement, me: Principal): Promise<() => void> {
  const filters: Filters = { category: '', agency: '', district: '', from: '', to: '' };
  let brush: { from: string; to: string } | undefined;
  let metric: Metric = 'count';
  const disposers: (() => void)[] = [];

  // ---- layout
  const mapEl = h('div', { id: 'map', 'data-ready': '0' });
  const totalEl = h('p', { id: 'map-total', 'data-total': '' });
  const pointsNote = h('p', { id: 'points-note', class: 'muted' });
  const brushNote = h('p', { id: 'brush-note', class: 'muted' }, t('brushNone'));
  const timelineEl = h('div', { id: 'timeline', class: 'chart' });
  const districtTable = h('div', { id: 'district-table' });
  const alertsEl = h('section', { id: 'alerts-panel', class: 'card' });
  const layerStatus = h('ul', { id: 'layer-status', class: 'muted small' });
  const legend = h('div', { id: 'legend', class: 'legend' });

  const select = (id: string, options: [string, string][]) => h('select', { id }, h('option', { value: '' }, t('all')), ...options.map(([v, l]) => h('option', { value: v }, l)));
  const catSel = select('f-category', CATEGORY_OPTIONS.map((c) => [c, categoryLabel(c)]));
  const agencySel = select('f-agency', []);
  const districtSel = select('f-district', []);
  const fromIn = h('input', { id: 'f-from', type: 'date' });
  const toIn = h('input', { id: 'f-to', type: 'date' });
  const applyBtn = h('button', { type: 'button', id: 'f-apply' }, t('apply'));
  const resetBtn = h('button', { type: 'button', id: 'f-reset', class: 'secondary' }, t('reset'));
  const metricSel = h('select', { id: 'f-metric' },
    h('option', { value: 'count' }, t('metricCount')), h('option', { value: 'rate' }, t('metricRate')), h('option', { value: 'risk', disabled: true }, t('metricRisk')));
  const layerBox = (id: string, label: string, checked: boolean) => {
    const box = h('input', { type: 'checkbox', id, checked });
    return { box, el: h('label', { class: 'check' }, box, label) };
  };
  const lIncidents = layerBox('l-incidents', t('layerIncidents'), true);
  const lHot = layerBox('l-hotspots', t('layerHotspots'), true);
  const lEmerging = layerBox('l-emerging', t('layerEmerging'), false);
  const lZones = layerBox('l-zones', t('layerZones'), true);

  const side = h('aside', { class: 'card side' },
    h('h2', {}, t('filters')),
    h('label', { for: 'f-category' }, t('category')), catSel,
    h('label', { for: 'f-agency' }, t('agency')), agencySel,
    h('label', { for: 'f-district' }, t('district')), districtSel,
    h('label', { for: 'f-from' }, t('from')), fromIn,
    h('label', { for: 'f-to' }, t('to')), toIn,
    h('div', { class: 'row' }, applyBtn, resetBtn),
    h('label', { for: 'f-metric' }, t('metric')), metricSel,
    h('h2', {}, t('layers')), lIncidents.el, lHot.el, lEmerging.el, lZones.el, layerStatus);
  root.append(h('div', { class: 'map-layout' }, side,
    h('section', { class: 'map-main' }, h('div', { class: 'map-wrap' }, mapEl, legend), totalEl, pointsNote,
      h('h3', {}, t('timeline')), timelineEl, brushNote, h('h3', {}, t('districtCounts')), districtTable),
    alertsEl));

  const alerts = new AlertsPanel(alertsEl);
  disposers.push(() => alerts.close());
  void alerts.start();

  // The first data requests leave now, while the boundaries load and the map starts.
  const prefetched = new Map<string, Promise<ApiResult<unknown>>>();
  const fetchOnce = <T>(url: string): Promise<ApiResult<T>> => {
    const p = prefetched.get(url);
    prefetched.delete(url);
    return (p ?? api<T>(url)) as Promise<ApiResult<T>>;
  };
  const firstQuery = { province: PROVINCE };
  for (const url of [`/api/stats${qs(firstQuery)}`, `/api/incidents/points${qs({ ...firstQuery, limit: 500 })}`]) prefetched.set(url, api<unknown>(url));

  // ---- reference data
  const geoRes = await fetch(`/geo/districts.geojson${qs({ province: PROVINCE })}`);
  const districts = (await geoRes.json()) as FeatureCollection<Geometry, DistrictProps>;
  mapEl.dataset['districtsSource'] = String(districts.features.length);
  const names = districts.features.map((f) => f.properties.name).sort();
  const allowed = me.districts === null ? names : names.filter((n) => me.districts!.includes(n));
  for (const n of allowed) districtSel.append(h('option', { value: n }, n));
  void api<{ agencies?: { agency: string }[] } | { agency: string }[]>('/api/sources').then((r) => {
    if (!r.ok) return;
    const list = Array.isArray(r.data) ? r.data : (r.data.agencies ?? []);
    for (const a of list) agencySel.append(h('option', { value: a.agency }, a.agency));
  });

  // ---- map
  // A district-scoped user starts on their districts; everyone else on the province.
  const bounds = new maplibregl.LngLatBounds();
  const framed = me.districts === null ? districts.features : districts.features.filter((f) => me.districts!.includes(f.properties.name));
  for (const f of framed.length > 0 ? framed : districts.features) eachCoord(f.geometry, (lon, lat) => bounds.extend([lon, lat]));
  const map = new maplibregl.Map({
    container: mapEl,
    style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8eef3' } }] },
    bounds, fitBoundsOptions: { padding: 20 }, attributionControl: { compact: true, customAttribution: 'Boundaries © OpenStreetMap contributors (ODbL); population: PBS census 2023' },
    maxZoom: 14,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  disposers.push(() => map.remove());
  await new Promise<void>((done) => map.once('load', () => done()));

  map.addSource('districts', { type: 'geojson', data: districts, promoteId: 'name' });
  map.addLayer({ id: 'district-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#f0f0f0', 'fill-opacity': 0.85 } });
  map.addLayer({ id: 'district-line', type: 'line', source: 'districts', paint: { 'line-color': '#4a5560', 'line-width': 0.8 } });
  map.addSource('zones', { type: 'geojson', data: empty() });
  map.addLayer({ id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': '#7b2cbf', 'line-width': 2, 'line-dasharray': [2, 1] } });
  map.addSource('hotspots', { type: 'geojson', data: empty() });
  map.addLayer({ id: 'hotspots', type: 'circle', source: 'hotspots', paint: {
    'circle-radius': 9, 'circle-color': ['case', ['>', ['get', 'z'], 0], '#d62828', '#1d4e89'], 'circle-opacity': 0.55, 'circle-stroke-width': 1, 'circle-stroke-color': '#fff',
  } });
  map.addSource('emerging', { type: 'geojson', data: empty() });
  map.addLayer({ id: 'emerging', type: 'circle', source: 'emerging', layout: { visibility: 'none' }, paint: { 'circle-radius': 7, 'circle-color': '#f77f00', 'circle-stroke-width': 1, 'circle-stroke-color': '#000' } });
  map.addSource('incidents', { type: 'geojson', data: empty(), cluster: true, clusterRadius: 40, clusterMaxZoom: 11 });
  map.addLayer({ id: 'clusters', type: 'circle', source: 'incidents', filter: ['has', 'point_count'], paint: {
    'circle-color': '#264653', 'circle-opacity': 0.75, 'circle-stroke-width': 1, 'circle-stroke-color': '#fff',
    'circle-radius': ['step', ['get', 'point_count'], 8, 10, 12, 50, 16, 200, 22],
  } });
  map.addLayer({ id: 'incident-point', type: 'circle', source: 'incidents', filter: ['!', ['has', 'point_count']], paint: {
    'circle-color': '#e76f51', 'circle-radius': 5, 'circle-stroke-width': 1, 'circle-stroke-color': '#fff',
  } });

  // The points carry id, position and category only; a click fetches the incident (the server
  // decides the record and audits its narrative).
  map.on('click', 'incident-point', async (e) => {
    const f = e.features?.[0];
    if (f === undefined || f.geometry.type !== 'Point') return;
    const id = String(f.properties['id']);
    const popup = new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(f.geometry.coordinates as [number, number])
      .setDOMContent(h('div', { class: 'incident muted', 'data-incident-loading': id }, t('loading'))).addTo(map);
    const res = await api<IncidentView>(`/api/incidents/${encodeURIComponent(id)}`);
    if (!popup.isOpen()) return;
    popup.setDOMContent(res.ok ? incidentDetails(res.data) : h('div', { class: 'incident' }, t('loadFailed', { detail: res.detail })));
  });
  map.on('click', 'clusters', async (e) => {
    const f = e.features?.[0];
    if (f === undefined || f.geometry.type !== 'Point') return;
    const src = map.getSource('incidents') as maplibregl.GeoJSONSource;
    const zoom = await src.getClusterExpansionZoom(Number(f.properties['cluster_id']));
    map.easeTo({ center: f.geometry.coordinates as [number, number], zoom });
  });
  map.on('click', 'district-fill', (e) => {
    const f = e.features?.[0];
    if (f === undefined || map.queryRenderedFeatures(e.point, { layers: ['incident-point', 'clusters'] }).length > 0) return;
    const p = f.properties as DistrictProps;
    new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(h('div', {}, h('strong', {}, p.name),
      h('div', {}, `${t('count')}: ${(countsShown.get(p.name) ?? 0).toLocaleString('en-US')}`),
      h('div', {}, `${t('population')}: ${p.population === null ? '—' : p.population.toLocaleString('en-US')}`))).addTo(map);
  });
  for (const l of ['incident-point', 'clusters', 'district-fill']) {
    map.on('mouseenter', l, () => { map.getCanvas().classList.add('pointer'); });
    map.on('mouseleave', l, () => { map.getCanvas().classList.remove('pointer'); });
  }
  const visibility = (layers: string[], box: HTMLInputElement) => {
    const set = () => { for (const l of layers) map.setLayoutProperty(l, 'visibility', box.checked ? 'visible' : 'none'); };
    box.addEventListener('change', set);
    set();
  };
  visibility(['clusters', 'incident-point'], lIncidents.box);
  visibility(['hotspots'], lHot.box);
  visibility(['emerging'], lEmerging.box);
  visibility(['zones-line'], lZones.box);

  const markRendered = () => {
    const drawn = new Set(map.queryRenderedFeatures({ layers: ['district-fill'] }).map((f) => String(f.properties['name'])));
    mapEl.dataset['districtsRendered'] = String(drawn.size);
    mapEl.dataset['ready'] = '1';
  };
  map.once('idle', markRendered);

  // ---- risk (optional route)
  let risk = new Map<string, number>();
  // Risk fits a model on the server: fetched alongside, never in the way of the first render.
  void api<unknown>(`/api/risk${qs({ level: 'district', province: PROVINCE, top: 500 })}`).then((riskRes) => {
    if (riskRes.ok) {
      risk = riskByArea(riskRes.data);
      (metricSel.querySelector('option[value="risk"]') as HTMLOptionElement).disabled = risk.size === 0;
      if (metric === 'risk') paintChoropleth();
    }
    status('risk', riskRes.ok ? t('riskScored', { n: String(risk.size) }) : t('notAvailable', { path: '/api/risk', status: riskRes.status }));
  });

  // ---- watch zones (optional route)
  void api<unknown>('/api/watch-zones').then((r) => {
    if (r.ok) (map.getSource('zones') as maplibregl.GeoJSONSource).setData(zonesGeoJSON(r.data));
    status('zones', r.ok ? t('layerZones') : t('notAvailable', { path: '/api/watch-zones', status: r.status }));
  });

  // ---- timeline
  const { chart, dispose } = chartIn(timelineEl);
  disposers.push(dispose);
  let months: string[] = [];
  chart.on('brushEnd', (params: unknown) => {
    const areas = (params as { areas?: { coordRange?: [number, number] }[] }).areas ?? [];
    const range = areas[0]?.coordRange;
    if (range === undefined || months.length === 0) { brush = undefined; } else {
      const a = Math.max(0, Math.min(range[0], range[1]));
      const b = Math.min(months.length - 1, Math.max(range[0], range[1]));
      brush = { from: months[a]!, to: nextMonth(months[b]!) };
    }
    brushNote.textContent = brush === undefined ? t('brushNone') : t('brushRange', { from: brush.from, to: brush.to });
    timelineEl.dataset['brush'] = brush === undefined ? '' : `${brush.from}/${brush.to}`;
    void refreshMap();
  });

  // ---- data
  const countsShown = new Map<string, number>();
  const baseQuery = (withBrush: boolean) => {
    let from = filters.from === '' ? undefined : pakistanMidnightUtc(filters.from);
    let to = filters.to === '' ? undefined : pakistanMidnightUtc(filters.to);
    if (withBrush && brush !== undefined) {
      const bf = pakistanMidnightUtc(brush.from);
      const bt = pakistanMidnightUtc(brush.to);
      from = from === undefined || bf > from ? bf : from;
      to = to === undefined || bt < to ? bt : to;
    }
    return { province: PROVINCE, categories: filters.category || undefined, agencies: filters.agency || undefined, districts: filters.district || undefined, from, to };
  };

  // The timeline and the unbrushed map ask for the same counts: one request serves both.
  let lastStats: { url: string; res: Promise<ApiResult<Stats>> } | undefined;
  const statsFor = (url: string) => {
    if (lastStats?.url !== url) lastStats = { url, res: fetchOnce<Stats>(url) };
    return lastStats.res;
  };

  async function refreshTimeline(): Promise<void> {
    const r = await statsFor(`/api/stats${qs(baseQuery(false))}`);
    if (!r.ok) { timelineEl.dataset['error'] = r.detail; return; }
    months = monthRange(Object.keys(r.data.byMonth));
    chart.setOption({
      grid: { left: 48, right: 16, top: 16, bottom: 36 },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      brush: { xAxisIndex: 0, brushType: 'lineX', brushMode: 'single', throttleType: 'debounce', throttleDelay: 200, outOfBrush: { colorAlpha: 0.25 } },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('count'), data: months.map((m) => r.data.byMonth[m] ?? 0), itemStyle: { color: '#2a6f97' }, large: true }],
    }, { notMerge: true });
    chart.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'lineX', brushMode: 'single' } });
    timelineEl.dataset['months'] = String(months.length);
  }

  let generation = 0;
  async function refreshMap(): Promise<void> {
    const mine = ++generation;
    const q = baseQuery(true);
    const [stats, incidents] = await Promise.all([
      statsFor(`/api/stats${qs(q)}`),
      fetchOnce<{ items: IncidentPoint[]; total: number }>(`/api/incidents/points${qs({ ...q, limit: 500 })}`),
    ]);
    if (mine !== generation) return;
    if (stats.ok) {
      countsShown.clear();
      for (const n of names) countsShown.set(n, stats.data.byDistrict[n] ?? 0);
      const total = [...countsShown.values()].reduce((a, b) => a + b, 0);
      totalEl.dataset['total'] = String(total);
      totalEl.textContent = `${t('incidentsShown')}: ${total.toLocaleString('en-US')}`;
      // incidents of the province without a district (not on the choropleth): said, so the two totals on the page agree
      const unplaced = stats.data.total - total;
      if (unplaced > 0) totalEl.append(h('span', { class: 'muted small', id: 'map-unplaced' }, ` · ${t('incidentsNoDistrict', { n: unplaced.toLocaleString('en-US') })}`));
      paintChoropleth();
      renderDistrictTable();
    } else {
      totalEl.textContent = t('loadFailed', { detail: stats.detail });
    }
    if (incidents.ok) {
      const features: Feature[] = incidents.data.items.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: { id: p.id, category: p.category } }));
      (map.getSource('incidents') as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features });
      pointsNote.dataset['points'] = String(features.length);
      pointsNote.textContent = t('incidentsPointsNote', { n: incidents.data.items.length.toLocaleString('en-US'), total: incidents.data.total.toLocaleString('en-US') });
    }
    void refreshAnalyses(q);
  }

  async function refreshAnalyses(q: ReturnType<typeof baseQuery>): Promise<void> {
    const aq = qs({ province: q.province, categories: q.categories, districts: q.districts, from: q.from, to: q.to });
    const [hot, emerging] = await Promise.all([api<unknown>(`/api/analyses/hotspots${aq}`), api<unknown>(`/api/analyses/emerging-hotspots${aq}`)]);
    (map.getSource('hotspots') as maplibregl.GeoJSONSource).setData(hot.ok ? hotspotPoints(hot.data) : empty());
    status('hotspots', hot.ok ? `${t('layerHotspots')}: ${hotspotPoints(hot.data).features.length}` : hot.status === 404 ? t('notAvailable', { path: '/api/analyses/hotspots', status: 404 }) : t('loadFailed', { detail: hot.detail }));
    (map.getSource('emerging') as maplibregl.GeoJSONSource).setData(emerging.ok ? emergingPoints(emerging.data) : empty());
    status('emerging', emerging.ok ? `${t('layerEmerging')}: ${emergingPoints(emerging.data).features.length}` : emerging.status === 404 ? t('notAvailable', { path: '/api/analyses/emerging-hotspots', status: 404 }) : t('loadFailed', { detail: emerging.detail }));
  }

  function paintChoropleth(): void {
    const values = new Map<string, number>();
    for (const f of districts.features) {
      const n = f.properties.name;
      const c = countsShown.get(n) ?? 0;
      const v = metric === 'count' ? c : metric === 'rate' ? (f.properties.population ? (c / f.properties.population) * 1e5 : 0) : (risk.get(n) ?? 0);
      values.set(n, v);
    }
    const max = Math.max(1e-9, ...values.values());
    const stops = [0, max * 0.25, max * 0.5, max * 0.75, max];
    const colours = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
    const expr: unknown[] = ['match', ['get', 'name']];
    for (const [n, v] of values) {
      const k = stops.findIndex((s) => v <= s);
      expr.push(n, v === 0 ? '#f4f4f4' : colours[Math.max(0, k)]!);
    }
    expr.push('#f4f4f4');
    map.setPaintProperty('district-fill', 'fill-color', expr as maplibregl.ExpressionSpecification);
    clear(legend);
    legend.append(h('strong', {}, metric === 'count' ? t('metricCount') : metric === 'rate' ? t('metricRate') : t('metricRisk')));
    stops.slice(1).forEach((s, i) => legend.append(h('div', { class: `swatch s${i + 1}` }, `≤ ${s.toLocaleString('en-US', { maximumFractionDigits: metric === 'count' ? 0 : 2 })}`)));
  }

  function renderDistrictTable(): void {
    clear(districtTable);
    const rows = districts.features
      .map((f) => ({ name: f.properties.name, pop: f.properties.population, c: countsShown.get(f.properties.name) ?? 0 }))
      .filter((r) => me.districts === null || me.districts.includes(r.name) || r.c > 0)
      .sort((a, b) => b.c - a.c);
    districtTable.append(table([t('district'), t('count'), t('rate'), t('population')], rows.map((r) => [
      r.name, r.c, r.pop ? ((r.c / r.pop) * 1e5).toFixed(2) : '—', r.pop ?? '—',
    ]), { class: 'compact', 'data-rows': String(rows.length) }));
  }

  function status(key: string, text: string): void {
    let li = layerStatus.querySelector<HTMLLIElement>(`li[data-layer="${key}"]`);
    if (li === null) { li = h('li', { 'data-layer': key }); layerStatus.append(li); }
    li.textContent = text;
  }

  const readFilters = () => {
    filters.category = catSel.value; filters.agency = agencySel.value; filters.district = districtSel.value;
    filters.from = fromIn.value; filters.to = toIn.value;
  };
  applyBtn.addEventListener('click', () => { readFilters(); brush = undefined; brushNote.textContent = t('brushNone'); void refreshTimeline().then(refreshMap); });
  resetBtn.addEventListener('click', () => {
    for (const s of [catSel, agencySel, districtSel]) s.value = '';
    fromIn.value = ''; toIn.value = '';
    readFilters(); brush = undefined; brushNote.textContent = t('brushNone');
    void refreshTimeline().then(refreshMap);
  });
  metricSel.addEventListener('change', () => { metric = metricSel.value as Metric; paintChoropleth(); });

  await Promise.all([refreshTimeline(), refreshMap()]);
  // First render: the shaded districts and the points drawn (bench/api reads this mark).
  map.once('idle', () => { performance.mark('baseerat:first-render'); mapEl.dataset['firstRender'] = '1'; });
  map.triggerRepaint();
  return () => { for (const d of disposers.reverse()) d(); };
}

function empty(): FeatureCollection { return { type: 'FeatureCollection', features: [] }; }

function eachCoord(g: Geometry, fn: (lon: number, lat: number) => void): void {
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') fn(c[0], c[1] as number);
    else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  if ('coordinates' in g) walk(g.coordinates);
}

function incidentDetails(inc: IncidentView): HTMLElement {
  return h('div', { class: 'incident', 'data-incident': inc.id },
    h('strong', {}, categoryLabel(inc.category)),
    h('div', {}, `${t('occurredAt')}: ${pakistanTime(inc.occurredAt)}`),
    h('div', {}, `${t('district')}: ${inc.location.district ?? '—'}`),
    h('div', {}, `${t('severity')}: ${inc.severity.killed} / ${inc.severity.injured} / ${inc.severity.abducted}`),
    h('div', {}, `${t('classification')}: ${inc.classification}`),
    h('div', {}, `${t('sources')}: ${inc.sources.map((s) => s.agency).join(', ')}`),
    inc.narrative === undefined ? null : h('p', {}, `${t('narrative')}: ${inc.narrative}`),
    inc.withheld.length === 0 ? null : h('div', { class: 'muted' }, `${t('withheld')}: ${inc.withheld.join(', ')}`));
}

/** Hot and cold cells (annotations.topHot/topCold) as points with their Gi* z. */
function hotspotPoints(env: unknown): FeatureCollection {
  const a = (env as { annotations?: { topHot?: unknown[]; topCold?: unknown[]; cells?: unknown[] } }).annotations ?? {};
  const cells = [...(a.topHot ?? []), ...(a.topCold ?? []), ...(a.cells ?? [])] as { id?: string; lat?: number; lon?: number; giZ?: number }[];
  return {
    type: 'FeatureCollection',
    features: cells.filter((c) => typeof c.lat === 'number' && typeof c.lon === 'number').map((c) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates: [c.lon!, c.lat!] }, properties: { id: c.id ?? '', z: c.giZ ?? 1 },
    })),
  };
}

/** Emerging hot spot cells with a pattern (new, intensifying, ...) as points at their cell centres. */
function emergingPoints(env: unknown): FeatureCollection {
  const e = env as { result?: { cells?: { id: string; category: string }[] }; annotations?: { centreOfCell?: Record<string, [number, number]> } };
  const centres = e.annotations?.centreOfCell ?? {};
  return {
    type: 'FeatureCollection',
    features: (e.result?.cells ?? []).filter((c) => c.category !== 'no pattern detected' && centres[c.id] !== undefined).map((c) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates: centres[c.id]! }, properties: { id: c.id, category: c.category },
    })),
  };
}

/** District -> risk score from /api/risk, whatever the list is called (areas, items, ranking). */
function riskByArea(data: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const d = data as Record<string, unknown>;
  const result = (d['result'] ?? {}) as Record<string, unknown>;
  const list = (Array.isArray(data) ? data : result['top'] ?? d['areas'] ?? d['items'] ?? []) as Record<string, unknown>[];
  for (const r of list) {
    const name = r['district'] ?? r['area'] ?? r['name'] ?? r['id'];
    const score = r['expected'] ?? r['score'] ?? r['risk'];
    if (typeof name === 'string' && typeof score === 'number') out.set(name, score);
  }
  return out;
}

/** Watch zones as GeoJSON: a FeatureCollection as is, or a list of zones with a `geometry`/`polygon`. */
function zonesGeoJSON(data: unknown): FeatureCollection {
  const d = data as Record<string, unknown>;
  if (d['type'] === 'FeatureCollection') return data as FeatureCollection;
  const list = (Array.isArray(data) ? data : d['zones'] ?? d['items'] ?? []) as Record<string, unknown>[];
  const features: Feature[] = [];
  for (const z of list) {
    const g = (z['geometry'] ?? z['polygon']) as Geometry | undefined;
    if (g !== undefined && typeof g === 'object' && 'type' in g) features.push({ type: 'Feature', geometry: g, properties: { id: String(z['id'] ?? ''), name: String(z['name'] ?? '') } });
  }
  return { type: 'FeatureCollection', features };
}
