/**
 * Runs the CLI in-process as a user would (`main([...])`) and returns its exit code and what it
 * printed on stdout and stderr (console.log/error included). For tests of command output.
 */
import { vi } from 'vitest';
import { main } from '../src/cli/main.js';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out += `${a.map(String).join(' ')}\n`; });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err += `${a.map(String).join(' ')}\n`; });
  try {
    return { code: await main(args), out, err };
  } finally {
    w.mockRestore(); e.mockRestore(); log.mockRestore(); error.mockRestore();
  }
}
