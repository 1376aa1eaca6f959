/** `rcteval power`: the plan's power section from the command line. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { capture } from './capture.js';

const plan = new URL('../../examples/sft-trial/power-plan.json', import.meta.url).pathname;

describe('rcteval power', () => {
  it('prints the power summary and writes power.md and the curves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcteval-power-'));
    try {
      const io = capture();
      expect(await runCli(['power', '--plan', plan, '--out', dir, '--quiet'], io)).toBe(0);
      expect(io.out).toMatch(/Smallest nGroups for power 0\.80: \d+/);
      expect(readFileSync(join(dir, 'power.md'), 'utf8')).toBe(io.out);
      const spec = JSON.parse(readFileSync(join(dir, 'figures', 'power-ngroups.vl.json'), 'utf8')) as { layer: unknown[] };
      expect(spec.layer).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('is a usage error without --plan, and an error for a plan without a power section', async () => {
    const io = capture();
    expect(await runCli(['power'], io)).toBe(2);
    const io2 = capture();
    expect(await runCli(['power', '--plan', new URL('../../examples/sft-trial/plan.json', import.meta.url).pathname], io2)).toBe(1);
    expect(io2.err).toMatch(/power" section/);
  });
});
