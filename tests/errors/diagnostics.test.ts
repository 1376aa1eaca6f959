/**
 * Diagnostic codes: `Diagnostic.code` is the `DiagnosticCode` union, so the compiler rejects a
 * diagnostic whose code is not listed in DIAGNOSTIC_CODES (src/errors/diagnostics.ts). This test
 * adds the other direction and the list's hygiene: every listed code is used somewhere in src/
 * (no stale codes), none is listed twice, and the shared builders make what the sites made. All
 * messages live in one place: src/ outside src/errors/ makes diagnostics only by calling the
 * builders of src/errors/diagnostics.ts, never as inline objects (a source scan checks it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DIAGNOSTIC_CODES,
  type DiagnosticCode,
  diagnostic,
  effectSizeNotEstimable,
  incompleteCasesExcluded,
  notConverged,
  rankDeficient,
  rowsDropped,
  workerFallback,
} from '../../src/errors/diagnostics.js';
import type { Diagnostic } from '../../src/errors/index.js';

const SRC = new URL('../../src/', import.meta.url).pathname;
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}
const files = sources(SRC).filter((p) => !p.endsWith('errors/diagnostics.ts'));
const text = files.map((p) => readFileSync(p, 'utf8')).join('\n');
const builderSource = readFileSync(join(SRC, 'errors/diagnostics.ts'), 'utf8');
// Each builder with the code it makes: the first quoted code passed to diagnostic() before the next export.
const builders = [...builderSource.matchAll(/export function (\w+)\((?:(?!export function)[^])*?diagnostic\(\s*'([a-z-]+)'/g)].map(([, name, code]) => ({ name: name!, code: code! }));
const called = (name: string) => new RegExp(`\\b${name}\\(`).test(text);

// Compile-time: a code outside the union is an error, and so is a plain string.
// @ts-expect-error 'no-such-code' is not a DiagnosticCode
export const notACode: Diagnostic = { code: 'no-such-code', severity: 'info', message: '' };
export const listed: DiagnosticCode = 'rank-deficient';

describe('diagnostic codes', () => {
  it('are listed once each, in kebab case', () => {
    expect(new Set(DIAGNOSTIC_CODES).size).toBe(DIAGNOSTIC_CODES.length);
    for (const c of DIAGNOSTIC_CODES) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('are each used in src/ (as a quoted literal outside the list, or through a builder that src/ calls)', () => {
    const viaBuilder = new Set(builders.filter((b) => called(b.name)).map((b) => b.code));
    expect(viaBuilder.has('worker-fallback')).toBe(true);
    const unused = DIAGNOSTIC_CODES.filter((c) => !text.includes(`'${c}'`) && !viaBuilder.has(c));
    expect(unused).toEqual([]);
  });

  it('are made by the builders of src/errors/diagnostics.ts: no inline diagnostic object elsewhere in src/, and every builder is called', () => {
    const listedCode = new RegExp(`\\bcode\\s*:\\s*'(${DIAGNOSTIC_CODES.join('|')})'`);
    const inline = files
      .filter((p) => !p.includes('/src/errors/'))
      .flatMap((p) =>
        readFileSync(p, 'utf8')
          .split('\n')
          .flatMap((line, i) => (/\bseverity\s*:/.test(line) || listedCode.test(line) ? [`${p.slice(SRC.length)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(inline).toEqual([]);
    // Every export but diagnostic() itself is a builder naming its code as a literal.
    expect(builders.length).toBe([...builderSource.matchAll(/^export function /gm)].length - 1);
    expect(builders.filter((b) => !called(b.name)).map((b) => b.name)).toEqual([]);
  });

  it('builders: rankDeficient and incompleteCasesExcluded word the message as the fits did', () => {
    expect(rankDeficient(['x2'], { design: 'The design', others: 'earlier', asR: "R's lm does (its NA coefficients)", hint: 'Check.' })).toEqual({
      code: 'rank-deficient',
      severity: 'warning',
      message: `The design is rank deficient: "x2" is a linear combination of earlier columns and was dropped, as R's lm does (its NA coefficients). Check.`,
      details: { droppedColumns: ['x2'] },
    });
    expect(rankDeficient(['a', 'b'], { design: 'The fixed-effects design', others: 'other', asR: 'R does', hint: 'Check.' }).message).toBe(
      'The fixed-effects design is rank deficient: "a", "b" are linear combinations of other columns and were dropped, as R does. Check.',
    );
    expect(incompleteCasesExcluded(3, 'a cost total or a covariate')).toEqual({
      code: 'incomplete-cases-excluded',
      severity: 'info',
      message: '3 participant(s) without a cost total or a covariate were left out (complete-case analysis).',
      details: { excluded: 3 },
    });
    expect(diagnostic('singular', 'info', 'm')).toEqual({ code: 'singular', severity: 'info', message: 'm' });
  });

  it('builders: rowsDropped, workerFallback, notConverged and effectSizeNotEstimable word the message as the sites did', () => {
    expect(rowsDropped({ total: 3, missingResponse: 2, missingPredictor: { age: 1 } }, 40, ': the fit uses complete cases only.')).toEqual({
      code: 'rows-dropped',
      severity: 'info',
      message: '3 of 40 rows were left out (2 with a missing response; 1 with a missing age): the fit uses complete cases only.',
      details: { total: 3, missingResponse: 2, missingPredictor: { age: 1 } },
    });
    expect(workerFallback('Worker threads exist in Node only', 'the bootstrap')).toEqual({
      code: 'worker-fallback',
      severity: 'info',
      message: 'Worker threads exist in Node only; the bootstrap ran on the calling thread with identical results.',
    });
    expect(notConverged('IRLS did not converge.')).toEqual({ code: 'not-converged', severity: 'warning', message: 'IRLS did not converge.' });
    expect(effectSizeNotEstimable('Model-based effect size at 9m', 'the baseline SD is 0')).toEqual({
      code: 'effect-size-not-estimable',
      severity: 'warning',
      message: 'Model-based effect size at 9m not estimable: the baseline SD is 0',
    });
  });
});
