import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { analysisPlanJsonSchema, analysisPlanSchema, parseAnalysisPlan, planDesign, type AnalysisPlanInput } from '../../src/analysis/plan.js';
import { planProblems as problems, readJson, withChange } from './helpers.js';

const BUNDLED = ['examples/sft-trial/plan.json', 'examples/pre-post/plan.json'];

describe('analysis plan schema', () => {
  it.each(BUNDLED)('accepts the bundled plan %s, with zod and with its JSON Schema (ajv)', (path) => {
    const json = readJson(path);
    const plan = parseAnalysisPlan(json);
    expect(plan.title.length).toBeGreaterThan(0);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(analysisPlanJsonSchema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('fills in every default and documents them in the JSON Schema', () => {
    const plan = parseAnalysisPlan({ title: 'x', design: { arms: ['a', 'b'], visits: ['v0', 'v1'], instruments: ['PSP'] }, outcomes: [{ instrument: 'PSP' }], model: { type: 'mixed' } });
    expect(plan.seed).toBe(1);
    expect(plan.ciLevel).toBe(0.95);
    expect(plan.outcomes[0]!.role).toBe('secondary');
    expect(plan.model).toEqual({ type: 'mixed', baseline: 'outcome', partialNesting: null, ddf: 'Satterthwaite', reml: true, residualVarianceBy: null, covariates: [] });
    expect(plan.effectSizes).toEqual({ sdMethod: 'pooled', sdUncertainty: 'ignore', rules: 'cohen1988', observed: 'hedges-g', pairedType: 'av' });
    expect(plan.report).toEqual({ smallCellK: null, individualData: true });
    expect(plan.multiplicity.method).toBe('none');
    expect(plan.clinicalSignificance).toBeUndefined();
    const props = (analysisPlanJsonSchema as { properties: Record<string, { default?: unknown }> }).properties;
    expect(props['seed']!.default).toBe(1);
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['design', 'outcomes', 'model', 'effectSizes', 'clinicalSignificance', 'doseResponse', 'subgroups', 'economics', 'report', 'seed']));
  });

  it('a normalised plan parses to itself (analyzeTrial may be given either)', () => {
    const plan = parseAnalysisPlan(readJson('examples/sft-trial/plan.json'));
    expect(parseAnalysisPlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('names the field of a misspelt option instead of ignoring it', () => {
    const p = problems(withChange((x) => ((x['model'] as Record<string, unknown>)['ddff'] = 'Kenward-Roger')));
    expect(p).toHaveLength(1);
    expect(p[0]!.field).toBe('model.ddff');
    expect(p[0]!.expected).toContain('no such field');
  });

  it('names the field and the allowed values of a bad enum', () => {
    const p = problems(withChange((x) => ((x['model'] as Record<string, unknown>)['ddf'] = 'KR')));
    expect(p.map((i) => i.field)).toEqual(['model.ddf']);
    expect(p[0]!.message).toContain('"KR"');
    expect(p[0]!.expected).toContain('Kenward-Roger');
  });

  it('names a missing required field', () => {
    const p = problems(withChange((x) => delete x['title']));
    expect(p.map((i) => i.field)).toEqual(['title']);
  });

  it('rejects an unknown model type by naming model.type', () => {
    const p = problems(withChange((x) => (x['model'] = { type: 'gee' })));
    expect(p[0]!.field).toBe('model.type');
  });

  it('checks the plan against its own design: outcomes, visits and arms', () => {
    const p = problems(
      withChange((x) => {
        (x['outcomes'] as { instrument: string }[])[1]!.instrument = 'PHQ9';
        x['primaryVisit'] = 'baseline';
        (x['model'] as { partialNesting: { treated: string } }).partialNesting.treated = 'treated';
      }),
    );
    const fields = p.map((i) => i.field);
    expect(fields).toContain('outcomes[1].instrument');
    expect(fields).toContain('primaryVisit');
    expect(fields).toContain('model.partialNesting.treated');
    expect(p.find((i) => i.field === 'primaryVisit')!.expected).toContain('9m, 15m');
  });

  it('refuses a between-arm model or section for a single-arm design', () => {
    const p = problems({
      title: 'one arm',
      design: { arms: ['course'], visits: ['start', 'end'], instruments: ['WHO5'] },
      outcomes: [{ instrument: 'WHO5' }],
      model: { type: 'mixed' },
      subgroups: { variables: [{ kind: 'sex', prespecified: true }] },
    });
    expect(p.map((i) => i.field).sort()).toEqual(['model.type', 'subgroups']);
    expect(p.find((i) => i.field === 'model.type')!.expected).toContain('pre-post');
  });

  it('requires strictly increasing willingness-to-pay values and names the position', () => {
    const p = problems(withChange((x) => ((x['economics'] as Record<string, unknown>)['wtp'] = [0, 1000, 1000, 2000])));
    expect(p.map((i) => i.field)).toEqual(['economics.wtp[2]']);
  });

  it('requires a column for a user-column subgroup and a cluster for a CR covariance', () => {
    expect(problems(withChange((x) => (x['subgroups'] = { variables: [{ kind: 'column', prespecified: false }] }))).map((i) => i.field)).toEqual(['subgroups.variables[0].column']);
    expect(problems(withChange((x) => (x['model'] = { type: 'ancova', vcov: 'CR2' }))).map((i) => i.field)).toEqual(['model.cluster']);
  });

  it('rejects a covariate name the formula parser could not read', () => {
    const p = problems(withChange((x) => ((x['model'] as Record<string, unknown>)['covariates'] = ['age', 'main diagnosis'])));
    expect(p.map((i) => i.field)).toEqual(['model.covariates[1]']);
  });

  it('lists every problem at once', () => {
    const p = problems({ title: '', design: { arms: [], visits: ['only'], instruments: [] }, outcomes: [], model: { type: 'pre-post', minimumPairs: 1 } });
    expect(p.length).toBeGreaterThanOrEqual(5);
    expect(p.map((i) => i.field)).toEqual(expect.arrayContaining(['title', 'design.arms', 'design.visits', 'outcomes', 'model.minimumPairs']));
  });

  it('the JSON Schema rejects what zod rejects for a structural error', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(analysisPlanJsonSchema);
    const bad = withChange((x) => ((x['model'] as Record<string, unknown>)['ddf'] = 'KR'));
    expect(validate(bad)).toBe(false);
    expect(analysisPlanSchema.safeParse(bad).success).toBe(false);
  });

  it('planDesign gives the design validateTrial takes, without undefined fields', () => {
    const plan = parseAnalysisPlan({ title: 'x', design: { arms: ['a'], visits: ['v0', 'v1'], instruments: ['WHO5'] }, outcomes: [{ instrument: 'WHO5' }], model: { type: 'pre-post' } } satisfies AnalysisPlanInput);
    expect(planDesign(plan)).toEqual({ arms: ['a'], visits: ['v0', 'v1'], instruments: ['WHO5'] });
    expect('visitMonths' in planDesign(plan)).toBe(false);
  });
});

describe('cost-utility plan section', () => {
  const section = { horizons: [{ label: '15 months', visits: ['baseline', '9m', '15m'] }] };
  const withCu = (cu: Record<string, unknown>, change: (p: Record<string, unknown>) => void = () => undefined) =>
    withChange((x) => {
      x['costUtility'] = cu;
      change(x);
    });

  it('accepts a valid section and fills in the documented defaults (JSON Schema too)', () => {
    const json = withCu({ ...section, skewedCosts: {} });
    const cu = parseAnalysisPlan(json).costUtility!;
    expect(cu).toEqual({
      horizons: section.horizons,
      instrument: 'EQ5D_INDEX',
      time: 'dates',
      discountRate: 0.035,
      currency: 'DKK',
      missingCosts: 'exclude',
      replicates: 2000,
      ciType: 'bca',
      adjustBaseline: true,
      vcov: 'CR2',
      planePoints: 2000,
      skewedCosts: { gamma: true, twoPart: true, replicates: 1000 },
    });
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(analysisPlanJsonSchema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(withCu({ ...section, bogus: 1 }))).toBe(false);
  });

  it('rejects an unknown key with its path, inside the section and inside a horizon', () => {
    expect(problems(withCu({ ...section, discountrate: 0.03 })).map((i) => [i.field, i.expected.includes('no such field')])).toEqual([['costUtility.discountrate', true]]);
    const p = problems(withCu({ horizons: [{ label: 'x', vists: ['baseline', '9m'] }] }));
    expect(p.map((i) => i.field)).toEqual(expect.arrayContaining(['costUtility.horizons[0].vists', 'costUtility.horizons[0].visits']));
  });

  it('names bad values: a discount rate outside [0, 1), visits out of order or unknown, a bad grid, nominal times without months', () => {
    expect(problems(withCu({ ...section, discountRate: 1 })).map((i) => i.field)).toEqual(['costUtility.discountRate']);
    const order = problems(withCu({ horizons: [{ visits: ['baseline', '15m', '9m'] }, { visits: ['baseline', '12m'] }] }));
    expect(order.map((i) => i.field)).toEqual(['costUtility.horizons[0].visits[2]', 'costUtility.horizons[1].visits[1]']);
    expect(order[0]!.expected).toContain("design's time order (15m is followed by 9m)");
    expect(problems(withCu({ ...section, instrument: 'SF6D' })).map((i) => i.field)).toEqual(['costUtility.instrument']);
    expect(problems(withCu({ ...section, wtp: { from: 10, to: 5, by: 1 } })).map((i) => i.field)).toEqual(['costUtility.wtp.to']);
    const nominal = problems(withCu({ ...section, time: 'nominal' }, (x) => delete (x['design'] as Record<string, unknown>)['visitMonths']));
    expect(nominal.map((i) => i.field)).toEqual(['design.visitMonths.baseline', 'design.visitMonths.9m', 'design.visitMonths.15m']);
  });
});
