/** The power report section: Markdown and a Vega-Lite figure that renders. */
import { describe, expect, it } from 'vitest';
import { powerCurve } from '../../../src/power/curve.js';
import { partiallyNestedPower } from '../../../src/power/analytic.js';
import { powerCurveFigure, powerReportSection } from '../../../src/report/sections/power.js';
import { renderSvg } from '../../../src/report/render.js';

describe('power report section', () => {
  const design = { nGroups: 20, groupSize: 8, nControls: 160, effect: 0.3, icc: 0.05, retention: 2 / 3 };
  const curve = powerCurve(design, { vary: 'nGroups', values: [10, 20, 40, 80] });
  it('draws the curve with the target as a rule, and renders to SVG', async () => {
    const fig = powerCurveFigure(curve, 0.8);
    expect(fig.id).toBe('power-ngroups');
    // 160 controls cap the power below 0.8 however many groups.
    expect(fig.reading).toMatch(/Power stays below 0\.80 on this grid \(highest 0\.764/);
    expect(powerCurveFigure(powerCurve(design, { vary: "effect", values: [0.2, 0.4, 0.6] }), 0.8).reading).toMatch(/Power reaches 0\.80 at Effect \(SD units\) = 0\.600/);
    const svg = await renderSvg(fig.spec, fig.id);
    expect(svg).toContain('<svg');
    expect(svg).toContain('Therapy groups');
  });
  it('writes the power, SE, df and design effect of the design', () => {
    const { markdown, figures } = powerReportSection({ title: 'Test', power: partiallyNestedPower(design), solve: null, curves: [curve], target: 0.8 });
    expect(markdown).toContain('| power | 0.522 |');
    expect(markdown).toContain('docs/methods/power.md');
    expect(figures).toHaveLength(1);
  });
});
