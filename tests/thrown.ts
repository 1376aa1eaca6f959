/** What a call throws, for the tests of bad input: the error itself, or its typed details. */
import { expect } from 'vitest';
import { ArgumentError, ValidationError, type ValidationIssue } from '../src/errors/index.js';

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return expect.fail('expected the call to throw');
}

/** The issues of the `ValidationError` that `fn` throws; fails the test on any other outcome. */
export function validationIssues(fn: () => unknown): ValidationIssue[] {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(ValidationError);
  return (e as ValidationError).issues;
}

/** The `ArgumentError` that `fn` throws, checked to name `argument`; fails the test on any other outcome. */
export function argumentError(fn: () => unknown, argument: string): ArgumentError {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(ArgumentError);
  expect((e as ArgumentError).argument).toBe(argument);
  return e as ArgumentError;
}
