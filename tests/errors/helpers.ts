import { expect } from 'vitest';
import { ArgumentError } from '../../src/errors/index.js';

/** The error a call throws or its promise rejects with (`undefined` when it does neither). */
export async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The ArgumentError a call throws (the test fails when it throws anything else or nothing). */
export function argumentErrorOf(call: () => unknown): ArgumentError {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return e as ArgumentError;
  }
  throw new Error('expected an ArgumentError');
}
