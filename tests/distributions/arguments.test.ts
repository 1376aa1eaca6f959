import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';
import {
  betaCdf,
  binomialCdf,
  chiSquaredQuantile,
  fCdf,
  hypergeometricPmf,
  logBeta,
  noncentralTCdf,
  noncentralTNcpInterval,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
} from '../../src/distributions/index.js';

function expectArgumentError(fn: () => unknown, argument: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe(argument);
    return;
  }
  throw new Error(`expected an ArgumentError for "${argument}"`);
}

describe('bad arguments throw ArgumentError naming the argument', () => {
  it('degrees of freedom', () => {
    expectArgumentError(() => studentTCdf(1, 0), 'df');
    expectArgumentError(() => studentTCdf(1, -2), 'df');
    expectArgumentError(() => studentTCdf(1, Number.NaN), 'df');
    expectArgumentError(() => chiSquaredQuantile(0.5, Number.POSITIVE_INFINITY), 'df');
    expectArgumentError(() => fCdf(1, 3, 0), 'df2');
    expectArgumentError(() => noncentralTCdf(1, 0, 1), 'df');
  });
  it('probabilities and points', () => {
    expectArgumentError(() => normalQuantile(1.2), 'p');
    expectArgumentError(() => normalQuantile(0.1, { log: true }), 'p');
    expectArgumentError(() => studentTQuantile(Number.NaN, 3), 'p');
    expectArgumentError(() => normalCdf(Number.NaN), 'x');
    expectArgumentError(() => regularizedIncompleteBeta(1.5, 1, 1), 'x');
    expectArgumentError(() => noncentralTCdf(1, 5, Number.POSITIVE_INFINITY), 'ncp');
    expectArgumentError(() => noncentralTNcpInterval(1, 5, { ciLevel: 1 }), 'ciLevel');
  });
  it('shapes and counts', () => {
    expectArgumentError(() => betaCdf(0.5, 0, 1), 'a');
    expectArgumentError(() => logBeta(1, -1), 'b');
    expectArgumentError(() => binomialCdf(3, 10.5, 0.5), 'size');
    expectArgumentError(() => binomialCdf(3, 10, 1.5), 'prob');
    expectArgumentError(() => hypergeometricPmf(1, 2, 2, 5), 'k');
    expectArgumentError(() => normalCdf(0, { sd: 0 }), 'sd');
  });
  it('the message quotes the value and the expectation', () => {
    expect(() => studentTCdf(1, -2)).toThrow(/Argument "df": received -2, expected positive degrees of freedom/);
  });
});
