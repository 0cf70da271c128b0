/**
 * SVG maps drawn by hand from the shipped 2023 district boundaries: an equirectangular projection
 * scaled by cos(latitude) at the centre of the frame (good enough at provincial scale: Balochistan
 * spans 7 degrees of latitude, where the scale error stays under 6%), no tiles, nothing remote.
 */
import type { DistrictFeatureCollection } from '@baseerat/engine';
import type { MapSpec } from './model.js';

type Ring = readonly (readonly number[])[];

function polygonsOf(geometry: { type: string; coordinates?: unknown } | null): Ring[][] {
  if (geometry === null) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates as Ring[]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as Ring[][];
  return [];
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Five sequential classes (light to dark red) for counts; 0 is its own pale class. */
export const CHOROPLETH_COLOURS = ['#f7f7f7', '#fde0c5', '#facba6', '#f59e72', '#e9573f', '#b2182b'] as const;

export function choroplethBreaks(values: readonly number[]): number[] {
  const max = Math.max(0, ...values);
  if (max <= 0) return [];
  // equal steps on a square-root scale, rounded to integers, distinct
  const out: number[] = [];
  for (let k = 1; k <= 4; k++) { const b = Math.max(1, Math.round(max * (k / 5) ** 2)); if (!out.includes(b)) out.push(b); }
  return out;
}

function colourOf(v: number | undefined, breaks: readonly number[]): string {
  if (v === undefined || !(v > 0)) return CHOROPLETH_COLOURS[0];
  let c = 1;
  for (const b of breaks) if (v > b) c++;
  return CHOROPLETH_COLOURS[Math.min(c, 5)]!;
}

const POINT_COLOURS: Record<string, string> = { hot: '#b2182b', cold: '#2166ac', new: '#ff7f00', intensifying: '#6a3d9a', persistent: '#8c510a', consecutive: '#e7298a' };

export function renderMapSvg(spec: MapSpec, boundaries: DistrictFeatureCollection, opts: { width?: number; height?: number } = {}): string {
  const width = opts.width ?? 640, height = opts.height ?? 520;
  const wanted = new Set(spec.districts);
  const features = boundaries.features.filter((f) => wanted.has(String(f.properties?.name ?? '')));
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (const f of features) for (const poly of polygonsOf(f.geometry as { type: string; coordinates?: unknown })) for (const ring of poly) for (const p of ring) {
    const [lon, lat] = [p[0]!, p[1]!];
    if (lon < minLon) minLon = lon; if (lon > maxLon) maxLon = lon; if (lat < minLat) minLat = lat; if (lat > maxLat) maxLat = lat;
  }
  if (!Number.isFinite(minLon)) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><text x="10" y="30">no boundaries for ${esc(spec.districts.join(', '))}</text></svg>`;
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const pad = 12, legendH = 40;
  const sx = (width - 2 * pad) / ((maxLon - minLon) * k), sy = (height - 2 * pad - legendH) / (maxLat - minLat);
  const s = Math.min(sx, sy);
  const ox = pad + ((width - 2 * pad) - (maxLon - minLon) * k * s) / 2, oy = pad;
  const x = (lon: number) => ox + (lon - minLon) * k * s, y = (lat: number) => oy + (maxLat - lat) * s;
  const breaks = spec.kind === 'choropleth' ? choroplethBreaks(Object.values(spec.values ?? {})) : [];
  // counts are shown as they are; expected values (the risk map) with one decimal, as in the tables
  const integral = Object.values(spec.values ?? {}).every((v) => Number.isInteger(v));
  const shown = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const parts: string[] = [];
  for (const f of features) {
    const name = String(f.properties?.name ?? '');
    let d = '';
    for (const poly of polygonsOf(f.geometry as { type: string; coordinates?: unknown })) for (const ring of poly) {
      d += ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]!).toFixed(1)},${y(p[1]!).toFixed(1)}`).join('') + 'Z';
    }
    const v = spec.values?.[name];
    const fill = spec.kind === 'choropleth' ? colourOf(v, breaks) : '#f4f4f0';
    parts.push(`<path d="${d}" fill="${fill}" stroke="#666" stroke-width="0.6"><title>${esc(name)}${v === undefined ? '' : `: ${shown(v)}`}</title></path>`);
  }
  if (spec.kind === 'choropleth') {
    // names of the districts with the most incidents, at their bbox centre
    const top = Object.entries(spec.values ?? {}).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n]) => n);
    for (const f of features) {
      const name = String(f.properties?.name ?? '');
      if (!top.includes(name) && features.length > 1) continue;
      let a = Infinity, bb = -Infinity, c = Infinity, dd = -Infinity;
      for (const poly of polygonsOf(f.geometry as { type: string; coordinates?: unknown })) for (const p of poly[0] ?? []) { a = Math.min(a, p[0]!); bb = Math.max(bb, p[0]!); c = Math.min(c, p[1]!); dd = Math.max(dd, p[1]!); }
      parts.push(`<text x="${x((a + bb) / 2).toFixed(1)}" y="${y((c + dd) / 2).toFixed(1)}" font-size="10" text-anchor="middle" fill="#111" stroke="#fff" stroke-width="2.5" paint-order="stroke">${esc(name)} ${shown(spec.values?.[name] ?? 0)}</text>`);
    }
    // counts: 1, 2, 3–4 ...; expected values (decimals): 0–1, 1–2, 2–4 ... (upper bound included)
    const labels = ['0', ...breaks.map((b2, i) => {
      if (!integral) return `${i === 0 ? 0 : breaks[i - 1]!}–${b2}`;
      const lo = i === 0 ? 1 : breaks[i - 1]! + 1; return lo === b2 ? `${b2}` : `${lo}–${b2}`;
    }), breaks.length > 0 ? `> ${breaks[breaks.length - 1]}` : ''].filter((l) => l !== '');
    labels.forEach((l, i) => {
      const lx = pad + i * 90, ly = height - legendH + 10;
      parts.push(`<rect x="${lx}" y="${ly}" width="16" height="12" fill="${CHOROPLETH_COLOURS[Math.min(i, 5)]}" stroke="#666" stroke-width="0.5"/><text x="${lx + 20}" y="${ly + 10}" font-size="11">${esc(l)}</text>`);
    });
    parts.push(`<text x="${pad}" y="${height - 6}" font-size="11" fill="#333">${esc(spec.legend)}</text>`);
  } else {
    const classes = new Set<string>();
    for (const p of spec.points ?? []) {
      if (!(p.lon >= minLon && p.lon <= maxLon && p.lat >= minLat && p.lat <= maxLat)) continue;
      classes.add(p.cls);
      const colour = POINT_COLOURS[p.cls] ?? '#333';
      const r = p.id.startsWith('em:') ? 4 : 6;
      parts.push(p.id.startsWith('em:')
        ? `<rect x="${(x(p.lon) - r).toFixed(1)}" y="${(y(p.lat) - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="none" stroke="${colour}" stroke-width="2"><title>${esc(p.cls)} ${esc(p.label)}</title></rect>`
        : `<circle cx="${x(p.lon).toFixed(1)}" cy="${y(p.lat).toFixed(1)}" r="${r}" fill="${colour}" fill-opacity="0.75" stroke="#fff" stroke-width="1"><title>${esc(p.cls)} ${esc(p.label)}</title></circle>`);
    }
    [...classes].sort().forEach((c, i) => {
      const lx = pad + i * 110, ly = height - legendH + 10;
      parts.push(`<circle cx="${lx + 6}" cy="${ly + 6}" r="6" fill="${POINT_COLOURS[c] ?? '#333'}"/><text x="${lx + 16}" y="${ly + 10}" font-size="11">${esc(c)}</text>`);
    });
    parts.push(`<text x="${pad}" y="${height - 6}" font-size="11" fill="#333">${classes.size === 0 ? 'no significant cell' : 'circles: hot/cold spots of the period; squares: emerging hot spots (12 months)'}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" direction="ltr" role="img" aria-label="${esc(spec.title)}">${parts.join('')}</svg>`;
}
