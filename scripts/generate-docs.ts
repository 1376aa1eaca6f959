/**
 * Regenerate the generated documentation:
 * - docs/api.md: the API reference from TSDoc;
 * - docs/validation.md: the agreement table against R, recomputed from tests/fixtures/r/;
 * - docs/plan.schema.json: the JSON Schema of analysis plans (the bundled plans point to it).
 *
 * Run: npm run docs
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectApi, renderApi } from './docs/api.js';
import { computeAgreement, renderValidation } from './docs/validation.js';
import { planSchemaText } from './docs/plan-schema.js';

const docs = join(import.meta.dirname, '..', 'docs');
writeFileSync(join(docs, 'plan.schema.json'), planSchemaText());
console.log('docs/plan.schema.json');
const api = collectApi();
writeFileSync(join(docs, 'api.md'), renderApi(api));
console.log(`docs/api.md (${api.length} exports)`);
const rows = computeAgreement();
writeFileSync(join(docs, 'validation.md'), renderValidation(rows));
const failing = rows.filter((r) => !r.pass);
console.log(`docs/validation.md (${rows.length} groups, ${failing.length} outside tolerance)`);
if (failing.length > 0) process.exitCode = 1;
