/**
 * The dashboard from the API's own origin: the built files of packages/web (`dist/`) at `/`, and the
 * shipped 2023 district boundaries joined to census population at `/geo/districts.geojson`, the map's
 * only base layer. Both are public: the files hold no data (every number comes from the
 * authenticated API) and the boundaries are open data (OpenStreetMap, ODbL; census, PBS).
 *
 * A small handler rather than @fastify/static: the dist tree is read once at start (a few files, about
 * 2 MB), so answering is a map lookup, and no path from the request ever reaches the file system
 * (no traversal to guard). Hashed files under /assets/ are cached for a year; index.html is `no-cache`
 * so a new build is picked up on the next load. Text files are gzipped once at start and sent
 * compressed to clients that accept it. Routes carry no OpenAPI tag, so they stay out of the
 * committed API document.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { BaseeratError } from '@baseerat/engine';
import { loadDistrictsGeoJSON, referenceDir } from '../reference/geography.js';
import { LANDING_PROVINCE } from './warm-up.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json; charset=utf-8',
};

/** packages/web/dist of this repository (found from this file, not the working directory). */
export function defaultWebDir(): string {
  return fileURLToPath(new URL('../../../web/dist/', import.meta.url));
}

interface StaticFile { body: Buffer; gzip: Buffer | undefined; type: string; immutable: boolean }

/** Compressed once at start: the bundle and the boundaries are most of a first load (about 1.7 MB and 0.5 MB). */
function gzipped(body: Buffer, type: string): Buffer | undefined {
  if (body.length < 1024 || !/^(text\/|application\/(json|geo\+json))|image\/svg/.test(type)) return undefined;
  const z = gzipSync(body, { level: 9 });
  return z.length < body.length * 0.9 ? z : undefined;
}

const acceptsGzip = (req: FastifyRequest) => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

function sendBody(req: FastifyRequest, reply: FastifyReply, body: Buffer, gzip: Buffer | undefined): FastifyReply {
  reply.header('Vary', 'Accept-Encoding');
  if (gzip !== undefined && acceptsGzip(req)) return reply.header('Content-Encoding', 'gzip').send(gzip);
  return reply.send(body);
}

/** Every file under `dir`, keyed by its URL path ('/index.html', '/assets/index-abc.js'). */
export function readDist(dir: string): Map<string, StaticFile> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new BaseeratError('CONFIG', `the dashboard is not built: ${join(dir, 'index.html')} is missing (run \`npm run build:web\`)`, { field: 'webDir' });
  }
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      const url = '/' + relative(dir, p).split(sep).join('/');
      const body = readFileSync(p);
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      files.set(url, { body, gzip: gzipped(body, type), type, immutable: url.startsWith('/assets/') });
    }
  };
  walk(dir);
  return files;
}

interface CensusFile { districts: Record<string, { population?: number; areaSqKm?: number }> }

/** Districts of a province (default Balochistan) with `population` and `areaSqKm` from the census. */
export function districtsWithPopulation(province: string): string {
  const census = JSON.parse(readFileSync(join(referenceDir(), 'pakistan-districts-2023', 'statistics.json'), 'utf8')) as CensusFile;
  const fc = loadDistrictsGeoJSON(province);
  return JSON.stringify({
    type: 'FeatureCollection',
    features: fc.features.map((f, i) => {
      const name = String(f.properties?.name ?? '');
      const c = census.districts[name];
      return {
        type: 'Feature', id: i, geometry: f.geometry,
        properties: { name, province: f.properties?.province ?? null, division: f.properties?.division ?? null, population: c?.population ?? null, areaSqKm: c?.areaSqKm ?? null },
      };
    }),
  });
}

export const staticDashboardRoutes: FastifyPluginAsync<{ webDir: string }> = async (app, { webDir }) => {
  const files = readDist(webDir);
  const geo = new Map<string, { body: Buffer; gzip: Buffer | undefined }>();
  const build = (province: string) => {
    const body = Buffer.from(districtsWithPopulation(province));
    return { body, gzip: gzipped(body, 'application/geo+json') };
  };
  // The dashboard's province is built now, at start: on request, the first page after a start
  // waited 90-120 ms for it (the census join and the gzip at level 9 of 0.5 MB).
  geo.set(LANDING_PROVINCE, build(LANDING_PROVINCE));

  app.get('/geo/districts.geojson', { config: { public: true } }, async (req, reply) => {
    const province = (req.query as Record<string, unknown>)['province'];
    const key = typeof province === 'string' && province !== '' ? province : 'Balochistan';
    if (key.length > 100) throw new BaseeratError('VALIDATION', 'province: longer than 100 characters', { field: 'province' });
    let entry = geo.get(key);
    if (entry === undefined) {
      entry = build(key);
      if (geo.size < 16) geo.set(key, entry);
    }
    reply.type('application/geo+json; charset=utf-8').header('Cache-Control', 'public, max-age=3600');
    return sendBody(req, reply, entry.body, entry.gzip);
  });

  const send = (url: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const f = files.get(url);
    if (f === undefined) throw new BaseeratError('NOT_FOUND', `${url} not found`, { field: 'url' });
    reply.type(f.type).header('Cache-Control', f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return sendBody(req, reply, f.body, f.gzip);
  };
  app.get('/', { config: { public: true } }, send('/index.html'));
  for (const url of files.keys()) {
    if (url === '/index.html' || url.endsWith('.map')) continue;
    app.get(url, { config: { public: true } }, send(url));
  }
};
