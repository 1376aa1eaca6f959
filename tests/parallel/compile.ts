/**
 * The library compiled with tsc as in its `dist/` (ES modules, worker.js beside the compiled
 * pool), for the runs that must load plain .js workers: tests/parallel/worker-loading.test.ts and
 * bench/economics/bootstrap.bench.ts.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Compile `entries` (paths under src/) and what they import into `out`, keeping the package's "type": "module". */
export function compileLibrary(out: string, entries: readonly string[]): void {
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '--outDir', out, '--rootDir', join(root, 'src'),
      '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
      '--strict', '--skipLibCheck', '--types', 'node',
      ...entries.map((e) => join(root, 'src', e)),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
}
