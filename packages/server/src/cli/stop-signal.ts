/**
 * SIGINT/SIGTERM as a promise, listened for from the moment this is called. `serve` starts work
 * before it waits for a stop (its NATS consumers run while it warms the dashboard and starts
 * listening): a stop asked for meanwhile is then kept until it waits, and the process closes its
 * consumers and its store as on any stop, instead of dying by the signal's default action with the
 * store open. `dispose` removes the listeners.
 */
export function stopSignal(): { requested: Promise<NodeJS.Signals>; dispose(): void } {
  let resolve!: (s: NodeJS.Signals) => void;
  const requested = new Promise<NodeJS.Signals>((r) => { resolve = r; });
  const on = (s: NodeJS.Signals) => { resolve(s); };
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return {
    requested,
    dispose() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
