/**
 * The committed `docs/openapi.json` is this function's output: the document of an app built on a
 * throw-away in-memory store. `scripts/generate-openapi.ts` writes it; a test fails on any drift.
 */
import { randomBytes } from 'node:crypto';
import { loadGeography } from '../reference/geography.js';
import { createApp } from './app.js';
import { openEmbedded } from './embedded.js';

export async function generateOpenApiDocument(): Promise<string> {
  const epoch = new Date(0);
  const e = await openEmbedded(':memory:', randomBytes(32), epoch);
  try {
    const app = await createApp({ store: e.store, security: e.security, geography: loadGeography(), now: () => epoch });
    const doc = `${JSON.stringify(app.swagger(), null, 2)}\n`;
    await app.close();
    return doc;
  } finally {
    await e.close();
  }
}
