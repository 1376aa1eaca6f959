#!/usr/bin/env node
// The `rcteval` command. In a clone (src/ present, tsx installed by `npm ci`) it runs the
// TypeScript sources through tsx, so no build step is needed and the command always matches
// the code; in an installed package (only dist/ shipped) it runs the compiled dist/.
// RCTEVAL_USE_DIST=1 forces dist/ (after `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');

async function load() {
  if (process.env.RCTEVAL_USE_DIST !== '1' && existsSync(source)) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return await import(pathToFileURL(source).href);
    } catch (e) {
      if (!existsSync(built)) {
        process.stderr.write(`rcteval: cannot run the TypeScript sources (${e instanceof Error ? e.message : e}); run \`npm ci\` (installs tsx) or \`npm run build\`.\n`);
        process.exit(1);
      }
    }
  }
  if (existsSync(built)) return await import(pathToFileURL(built).href);
  process.stderr.write('rcteval: neither src/cli/main.ts nor dist/cli/main.js was found next to bin/.\n');
  process.exit(1);
}

const cli = await load();
process.exitCode = await cli.runCli(process.argv.slice(2));
