import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateOpenApiDocument } from '../../src/api/openapi-document.js';

const COMMITTED = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url));

describe('docs/openapi.json', () => {
  it('equals the document generated from the routes (regenerate: npx tsx scripts/generate-openapi.ts)', async () => {
    const generated = await generateOpenApiDocument();
    const doc = JSON.parse(generated) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    // Every operation except login and health documents its 401.
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path === '/api/auth/login' || path === '/healthz') continue;
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
      }
    }
    expect(readFileSync(COMMITTED, 'utf8')).toBe(generated);
  }, 60_000);
});
