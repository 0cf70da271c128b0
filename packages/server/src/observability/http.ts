/**
 * The operations endpoints of a process that is not the API (workers): `GET /healthz` (liveness:
 * the process answers), `GET /readyz` (readiness: its dependencies answer; 503 with the failing
 * checks otherwise) and `GET /metrics` (Prometheus text format). Bind it to an internal address:
 * it has no authentication, and carries counts, not data.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<void>;

/**
 * The readiness checks of a process's dependencies, the same for `baseerat worker` and `serve
 * --ops-port`: `database`, one transaction on the store as the system that counts nothing (an empty
 * district list matches no row), and, when given, `nats`, the connection open and answering a
 * round trip (a flush).
 */
export function dependencyChecks(d: {
  store: { countIncidents(filter: { districts: string[] }): Promise<number> };
  nats?: { isClosed(): boolean; flush(): Promise<void> };
}): Record<string, ReadinessCheck> {
  const { store, nats } = d;
  return {
    database: async () => { await store.countIncidents({ districts: [] }); },
    ...(nats === undefined ? {} : {
      nats: async () => {
        if (nats.isClosed()) throw new Error('NATS connection closed');
        await nats.flush();
      },
    }),
  };
}

export interface OpsServer {
  server: Server;
  /** `host:port` actually bound (port 0 picks a free one). */
  address: string;
  close(): Promise<void>;
}

export async function startOpsServer(o: { host: string; port: number; registry: Registry; checks: Record<string, ReadinessCheck> }): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'application/json', JSON.stringify({ status: 'method not allowed' }));
    if (req.url === '/healthz') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (req.url === '/readyz') {
      void Promise.all(Object.entries(o.checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (e) {
          return [name, e instanceof Error ? e.message : String(e)] as const;
        }
      })).then((results) => {
        const failing = results.filter(([, r]) => r !== 'ok');
        send(failing.length === 0 ? 200 : 503, 'application/json', JSON.stringify({ status: failing.length === 0 ? 'ready' : 'unavailable', checks: Object.fromEntries(results) }));
      });
      return undefined;
    }
    if (req.url === '/metrics') {
      void o.registry.metrics().then((text) => send(200, o.registry.contentType, text), (e: unknown) => send(500, 'text/plain', String(e)));
      return undefined;
    }
    return send(404, 'application/json', JSON.stringify({ status: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address();
  const address = typeof a === 'object' && a !== null ? `${a.address}:${a.port}` : String(a);
  return { server, address, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
