/**
 * Regenerate the committed synthetic SFT sample in this folder:
 *
 *   npx tsx data-samples/generate.ts
 *
 * The draw is seeded (see README.md here), so the files come out byte for byte the same;
 * tests/simulate/write-sample.test.ts checks that they do.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSample } from '../src/simulate/write-sample.js';

const here = dirname(fileURLToPath(import.meta.url));
const written = writeSample(here);
console.log(`wrote ${written.participants}\nwrote ${written.measurements}\nwrote ${written.register}`);
