/**
 * Typed errors. Misuse and bad data throw; numerical trouble in a fit that still
 * produced estimates is a diagnostic on the result instead (see `Diagnostic`).
 *
 * Every error carries a stable `code` so callers can branch without parsing text.
 */
import type { DiagnosticCode } from './diagnostics.js';

/** Base class of every error rcteval throws on purpose. */
export class RctevalError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RctevalError';
    this.code = code;
  }
}

/** One problem found while validating data. */
export interface ValidationIssue {
  /** Which table the row belongs to, e.g. `participants` or `measurements`. */
  table: string;
  /** 1-based data row number (header excluded), or `null` when the problem is not tied to a row (e.g. an empty file or missing column). */
  row: number | null;
  /** Column or field name. */
  field: string;
  /** The value received, as found (never coerced). */
  value: unknown;
  /** What was expected, in plain language. */
  expected: string;
  /** Full human-readable message. */
  message: string;
}

/** Render a received value for a message: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Build a `ValidationIssue` with its message. */
export function issue(table: string, row: number | null, field: string, value: unknown, expected: string): ValidationIssue {
  const where = row === null ? `${table}` : `${table} row ${row}`;
  return {
    table,
    row,
    field,
    value,
    expected,
    message: `${where}, field "${field}": received ${showValue(value)}, expected ${expected}`,
  };
}

/**
 * Data failed validation. `issues` lists **every** problem found, not just the first.
 */
export class ValidationError extends RctevalError {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[], summary?: string) {
    const head = summary ?? `Validation failed with ${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    const shown = issues.slice(0, 20).map((i) => `  - ${i.message}`);
    if (issues.length > 20) shown.push(`  ... and ${issues.length - 20} more (see error.issues)`);
    super('VALIDATION', `${head}:\n${shown.join('\n')}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/**
 * A function was called with an argument it cannot use (wrong type, out of range,
 * inconsistent lengths). Fails fast, naming the argument, the value and what was expected.
 */
export class ArgumentError extends RctevalError {
  readonly argument: string;
  readonly value: unknown;
  readonly expected: string;
  constructor(argument: string, value: unknown, expected: string, detail?: string) {
    super(
      'ARGUMENT',
      `Argument "${argument}": received ${showValue(value)}, expected ${expected}${detail ? `. ${detail}` : ''}`,
    );
    this.name = 'ArgumentError';
    this.argument = argument;
    this.value = value;
    this.expected = expected;
  }
}

/** A model formula could not be parsed or does not match the data. */
export class FormulaError extends RctevalError {
  readonly formula: string;
  /** 0-based character position of the problem, or `null` when not positional (e.g. unknown column). */
  readonly position: number | null;
  constructor(formula: string, position: number | null, message: string) {
    const pointer =
      position === null ? '' : `\n  ${formula}\n  ${' '.repeat(Math.max(0, Math.min(position, formula.length)))}^`;
    super('FORMULA', `${message}${position === null ? '' : ` (at position ${position})`}${pointer}`);
    this.name = 'FormulaError';
    this.formula = formula;
    this.position = position;
  }
}

/** The optimiser produced no usable fit at all (e.g. the objective was never finite). */
export class ConvergenceError extends RctevalError {
  constructor(message: string) {
    super('CONVERGENCE', message);
    this.name = 'ConvergenceError';
  }
}

/**
 * Numerical or design trouble recorded on a result that still carries estimates.
 * `code` is stable and one of `DIAGNOSTIC_CODES` (errors/diagnostics.ts: e.g. `singular`,
 * `rank-deficient`, `not-converged`); `message` says in plain language what happened and what to try.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** Optional details, e.g. the dropped column names. */
  details?: Record<string, unknown>;
}

/**
 * An SQL engine refused a query or could not be reached (a table or column that does not
 * exist, a failed connection, a column of a type the model cannot use). `table` and `column`
 * name what the query was about; `engineMessage` is the engine's own text.
 */
export class SqlEngineError extends RctevalError {
  readonly engine: string;
  readonly table: string | null;
  readonly column: string | null;
  readonly engineMessage: string;
  readonly sql: string | null;
  constructor(engine: string, what: { table?: string | null; column?: string | null; sql?: string | null }, engineMessage: string, hint?: string) {
    const about = [what.table ? `table ${what.table}` : null, what.column ? `column "${what.column}"` : null].filter(Boolean).join(', ');
    super('SQL', `${engine}${about ? ` (${about})` : ''}: ${engineMessage}${hint ? `. ${hint}` : ''}`);
    this.name = 'SqlEngineError';
    this.engine = engine;
    this.table = what.table ?? null;
    this.column = what.column ?? null;
    this.engineMessage = engineMessage;
    this.sql = what.sql ?? null;
  }
}
