/**
 * Gamma GLMMs (issue 11: "gamma where it converges") are not in fitGlmm yet: a gamma family is
 * refused up front with a typed error that names the families it fits, never fitted as
 * something else. Skewed costs are modelled by the gamma GLM (fitGlm, tests/models/glm) meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { fitGlmm } from '../../../src/models/glmm/fit.js';
import { ArgumentError } from '../../../src/errors/index.js';

describe('fitGlmm with a gamma family', () => {
  it('is refused with a typed error naming the option, the value and the supported families', () => {
    const data = { cost: [1200, 800, 4300, 150, 2300, 990], arm: ['c', 'c', 't', 't', 'c', 't'], site: ['a', 'a', 'b', 'b', 'c', 'c'] };
    let err: unknown;
    try {
      fitGlmm('cost ~ arm + (1 | site)', data, { family: 'gamma' as never, link: 'log' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err).toMatchObject({ code: 'ARGUMENT', argument: 'options.family', value: 'gamma' });
    expect((err as Error).message).toMatch(/"binomial", "poisson", "negativeBinomial"/);
  });
});
