/** Reading the committed R fixtures and comparing with tolerances scaled to the quantity. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export function loadFixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/r/models/${name}.json`, import.meta.url), 'utf8'));
}

/** Fixture data as an object of columns (R's NA is null already). */
export function fixtureColumns(dataset: any): Record<string, unknown[]> {
  return dataset.columns;
}

/** |a − b| ≤ rel · max(|b|, floor); a not-estimable (`null`) value fails. */
export function expectRel(actual: number | null, expected: number, rel: number, floor = 0, label = ''): void {
  if (actual === null) expect.fail(`${label}: not estimable (null) where R gives ${expected}`);
  const tol = rel * Math.max(Math.abs(expected), floor);
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`${label}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)} (> ${tol})`);
  }
}

/** Worst relative error seen per quantity, for the validation table. */
export const worst: Record<string, number> = {};
export function track(kind: string, actual: number | null, expected: number, floor = 0): void {
  if (actual === null) expect.fail(`${kind}: not estimable (null) where R gives ${expected}`);
  const e = Math.abs(actual - expected) / Math.max(Math.abs(expected), floor, Number.MIN_VALUE);
  worst[kind] = Math.max(worst[kind] ?? 0, e);
}
