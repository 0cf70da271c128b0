/** The part of autocannon's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  interface Options { url: string; connections?: number; duration?: number; timeout?: number; amount?: number; headers?: Record<string, string>; method?: string; body?: string; requests?: { setupRequest?: (req: { path: string }) => { path: string } }[] }
  interface Result { requests: { average: number; total: number }; non2xx: number; errors: number; timeouts: number; duration: number; latency: { p50: number; p99: number; average: number } }
  interface Instance { on(ev: 'response', fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void; on(ev: 'done', fn: (r: Result) => void): void }
  function autocannon(opts: Options, cb?: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
