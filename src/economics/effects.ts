/**
 * Joining effects (and covariates) to cost participants, and choosing the two arms.
 */
import { ArgumentError, ValidationError, issue, type Diagnostic, type ValidationIssue } from '../errors/index.js';
import { armsAssumed } from '../errors/diagnostics.js';
import type { CostParticipant } from './types.js';

/** Per-participant effect data, joined to the participants by `id`. */
export interface EffectRecord {
  /** Participant id; must be one of the participants'. */
  readonly id: string;
  /**
   * The participant's effect on the outcome scale, e.g. change from baseline in PSP points or
   * a model-based individual outcome (used by `effectEstimator: 'mean-difference'` and by
   * net-benefit regression).
   */
  readonly effect?: number | null;
  /** Baseline score (for `difference-in-change` and `ancova`). */
  readonly baseline?: number | null;
  /** Follow-up score (for `difference-in-change` and `ancova`). */
  readonly followUp?: number | null;
  /** Covariates for net-benefit regression, by name. */
  readonly covariates?: Readonly<Record<string, number | null>>;
}

/** Costs and effects of a trial. */
export interface CostEffectInput {
  participants: readonly CostParticipant[];
  effects: readonly EffectRecord[];
}

/**
 * How the incremental effect ΔE is estimated:
 * - `mean-difference`: mean of the supplied per-participant `effect` in treated minus control;
 * - `difference-in-change`: mean change (followUp − baseline) in treated minus control;
 * - `ancova`: follow-up difference adjusted for baseline, (f̄_T − f̄_C) − β(b̄_T − b̄_C), β the pooled within-arm slope (the OLS arm coefficient of followUp ~ arm + baseline).
 */
export type EffectEstimator = 'mean-difference' | 'difference-in-change' | 'ancova';

function finiteOrNull(v: unknown): v is number | null | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Index effect records by participant id.
 * @throws ValidationError (table `effects`) for records of unknown participants, duplicate ids or non-finite values.
 */
export function indexEffects(participants: readonly CostParticipant[], effects: readonly EffectRecord[]): Map<string, EffectRecord> {
  if (!Array.isArray(effects)) throw new ArgumentError('effects', effects, 'an array of { id, effect } or { id, baseline, followUp } records');
  const ids = new Set(participants.map((p) => p.id));
  const out = new Map<string, EffectRecord>();
  const issues: ValidationIssue[] = [];
  effects.forEach((r, i) => {
    const row = i + 1;
    if (typeof r !== 'object' || r === null) {
      issues.push(issue('effects', row, '(row)', r, 'an object { id, effect } or { id, baseline, followUp }'));
      return;
    }
    if (typeof r.id !== 'string' || !ids.has(r.id)) {
      issues.push(issue('effects', row, 'id', r.id, 'the id of one of the participants (effect for an unknown participant)'));
      return;
    }
    if (out.has(r.id)) issues.push(issue('effects', row, 'id', r.id, 'one effect record per participant'));
    for (const f of ['effect', 'baseline', 'followUp'] as const) {
      if (!finiteOrNull(r[f])) issues.push(issue('effects', row, f, r[f], 'a finite number, or null when missing'));
    }
    if (r.covariates !== undefined) {
      if (typeof r.covariates !== 'object' || r.covariates === null) issues.push(issue('effects', row, 'covariates', r.covariates, 'an object of numbers'));
      else {
        for (const [name, v] of Object.entries(r.covariates)) {
          if (!finiteOrNull(v)) issues.push(issue('effects', row, `covariates.${name}`, v, 'a finite number, or null when missing'));
        }
      }
    }
    out.set(r.id, r);
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Effect data failed validation');
  return out;
}

/** The per-participant effect an estimator uses, or `null` when missing. */
export function effectValue(r: EffectRecord | undefined, estimator: EffectEstimator): number | null {
  if (!r) return null;
  if (estimator === 'mean-difference') return r.effect ?? null;
  const b = r.baseline ?? null;
  const f = r.followUp ?? null;
  return b === null || f === null ? null : f - b;
}

/**
 * Choose control and treated arms. With both given they must exist; otherwise there must be
 * exactly two arms, and if only one of them has therapy groups it is the treated arm, else the
 * first arm in order of appearance is the control (with an info diagnostic).
 */
export function chooseArms(
  participants: readonly CostParticipant[],
  control: string | undefined,
  treated: string | undefined,
): { control: string; treated: string; diagnostics: Diagnostic[] } {
  const present: string[] = [];
  for (const p of participants) if (!present.includes(p.arm)) present.push(p.arm);
  const diagnostics: Diagnostic[] = [];
  for (const [name, v] of [
    ['control', control],
    ['treated', treated],
  ] as const) {
    if (v !== undefined && !present.includes(v)) throw new ArgumentError(name, v, `one of the arms in the data (${present.join(', ')})`);
  }
  if (control !== undefined && treated !== undefined) {
    if (control === treated) throw new ArgumentError('treated', treated, `an arm different from control ("${control}")`);
    return { control, treated, diagnostics };
  }
  if (present.length !== 2) {
    throw new ArgumentError('control', control, `the control arm named explicitly (with treated), since the data have ${present.length} arms: ${present.join(', ')}`);
  }
  if (control !== undefined) return { control, treated: present.find((a) => a !== control)!, diagnostics };
  if (treated !== undefined) return { control: present.find((a) => a !== treated)!, treated, diagnostics };
  const grouped = present.filter((a) => participants.some((p) => p.arm === a && p.group !== null));
  if (grouped.length === 1) {
    const t = grouped[0]!;
    return { control: present.find((a) => a !== t)!, treated: t, diagnostics };
  }
  diagnostics.push(armsAssumed(present[0], present[1]));
  return { control: present[0]!, treated: present[1]!, diagnostics };
}
