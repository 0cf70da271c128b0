/**
 * Writes docs/openapi.json from the API's route schemas. Run: `npx tsx scripts/generate-openapi.ts`.
 * Never edit docs/openapi.json by hand; packages/server/test/api/openapi-drift.test.ts fails on a diff.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateOpenApiDocument } from '../packages/server/src/api/openapi-document.js';

const out = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(out, await generateOpenApiDocument());
console.log(`wrote ${out}`);
