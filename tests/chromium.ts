/**
 * Headless Chromium for the tests that run the library or its report in a browser
 * (tests/package/browser.test.ts, tests/report/browser.test.ts): Debian's `chromium`, which
 * .ci/run installs, driven through its own --dump-dom and --screenshot (no driver library).
 */
import { execFile, execFileSync } from 'node:child_process';

/** The Chromium binary on PATH, or `null` (the browser tests are then skipped, loudly). */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      // not installed under this name
    }
  }
  return null;
}

/** The Chromium binary, warning in capitals that `what` is skipped when there is none. */
export function chromiumOrWarn(what: string): string | null {
  const chromium = findChromium();
  if (!chromium) {
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! SKIPPING ${what}: chromium is not installed.\n` +
        '!! Install it (apt-get install -y --no-install-recommends chromium), as .ci/run does, to run it.\n' +
        `${bar}\n`,
    );
  }
  return chromium;
}

/**
 * Run headless `chromium` with a fresh profile and the given virtual-time budget, then `args`
 * (e.g. `--dump-dom <url>`); its console goes to stderr. Asynchronous (execFile), so a page
 * served from this process's event loop is answered.
 */
export function runChromium(chromium: string, args: readonly string[], profile: string, budgetMs: number): Promise<{ stdout: string; stderr: string }> {
  const flags = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
    '--enable-logging=stderr', '--v=0', `--virtual-time-budget=${budgetMs}`,
  ];
  return new Promise((resolve) => {
    execFile(
      chromium,
      [...flags, ...args],
      // A hung browser must not hang the suite: the child has its own, generous limit.
      { encoding: 'utf8', timeout: 600_000, maxBuffer: 200 * 1024 * 1024 },
      (_error, stdout, stderr) => resolve({ stdout: stdout ?? '', stderr: stderr ?? '' }),
    );
  });
}
