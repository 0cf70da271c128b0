/**
 * Progress for long work: a bar on an interactive terminal, a line every few seconds otherwise
 * (CI logs, pipes), nothing with --quiet. Always on stderr so that --json output stays clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(done: number, detail?: string): void;
  stop(summary?: string): void;
}

export function createProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet === true) return { start() {}, update() {}, stop() {} };
  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      { format: '{label} [{bar}] {percentage}% | {detail}', hideCursor: true, stream, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    return {
      start(total, label) { bar.start(Math.max(total, 1), 0, { label, detail: '' }); },
      update(done, detail = '') { bar.update(done, { detail }); },
      stop(summary) { bar.stop(); if (summary !== undefined) stream.write(`${summary}\n`); },
    };
  }
  let total = 1, label = '', last = 0;
  return {
    start(t, l) { total = Math.max(t, 1); label = l; last = 0; stream.write(`${label}: started\n`); },
    update(done, detail = '') {
      const now = performance.now();
      if (now - last < 3000) return;
      last = now;
      stream.write(`${label}: ${Math.min(100, Math.round((100 * done) / total))}% ${detail}\n`);
    },
    stop(summary) { stream.write(`${label}: done${summary === undefined ? '' : ` (${summary})`}\n`); },
  };
}
