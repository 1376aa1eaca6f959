/**
 * Helpers shared by the analysis sections: error capture, model rows with participant
 * covariates, baseline/follow-up pairs.
 */
import { dict } from '../data/own.js';
import { ArgumentError, RctevalError, type Diagnostic } from '../errors/index.js';
import { diagnostic } from '../errors/diagnostics.js';
import { participantValue } from '../data/participant-value.js';
import type { TrialData } from '../data/types.js';
import type { EffectRecord } from '../economics/effects.js';
import { trialToRows } from '../data/validate.js';
import type { ErrorInfo, Interval } from './types.js';

/** The typed error as plain JSON (name, stable code, message). */
export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof RctevalError) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, code: null, message: e.message };
  return { name: 'Error', code: null, message: String(e) };
}

/** `null` for a non-finite number, so results stay JSON (JSON has no NaN or Infinity). */
export function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** An interval with both limits finite, else `null`. */
export function intervalOrNull(ci: readonly number[] | null | undefined): Interval | null {
  if (!ci || ci.length !== 2) return null;
  const [a, b] = ci as [number, number];
  return Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
}

/** Diagnostics copied as plain JSON (details may hold anything a module put there). */
export function plainDiagnostics(ds: readonly Diagnostic[] | undefined): Diagnostic[] {
  return (ds ?? []).map((d) => {
    const out = diagnostic(d.code, d.severity, d.message);
    if (d.details !== undefined) out.details = JSON.parse(JSON.stringify(d.details)) as Record<string, unknown>;
    return out;
  });
}

/** Names a model row already uses; a covariate may not take one. */
const RESERVED = new Set(['id', 'arm', 'group', 'site', 'visit', 'months', 'score', 'baseline']);

/**
 * Model rows of one instrument (see `trialToRows`) with participant covariates joined on.
 * @throws ArgumentError naming `path` when a covariate is not a participant field or column.
 */
export function modelRows(trial: TrialData, instrument: string, covariates: readonly string[], path: string): Record<string, unknown>[] {
  const rows = trialToRows(trial, { instrument }) as unknown as Record<string, unknown>[];
  if (covariates.length === 0) return rows;
  const known = new Set(['sex', 'age', 'site']);
  for (const p of trial.participants) for (const k of Object.keys(p.extra)) known.add(k);
  covariates.forEach((c, i) => {
    if (RESERVED.has(c) && c !== 'site') throw new ArgumentError(`${path}[${i}]`, c, 'a participant covariate other than the model’s own columns (id, arm, group, visit, score, baseline)');
    if (!known.has(c)) throw new ArgumentError(`${path}[${i}]`, c, `a participant field or column (${[...known].join(', ')})`);
  });
  const byId = new Map(trial.participants.map((p) => [p.id, p] as const));
  return rows.map((r) => {
    const p = byId.get(r['id'] as string)!;
    // Without a prototype: a covariate column may have any name (`__proto__`, `constructor`).
    const out = Object.assign(dict<unknown>(), r);
    for (const c of covariates) if (c !== 'site') out[c] = participantValue(p, c);
    return out;
  });
}

/** Scores of one instrument per participant and visit. */
export function scoresByVisit(trial: TrialData, instrument: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const m of trial.measurements) {
    if (m.instrument !== instrument || m.score === null) continue;
    let v = out.get(m.id);
    if (!v) out.set(m.id, (v = new Map()));
    v.set(m.visit, m.score);
  }
  return out;
}

/**
 * Every participant's score of `instrument` at `baselineVisit` and at `visit` (null where
 * missing): the effects a cost-effectiveness analysis of that outcome reads.
 */
export function baselineFollowUpEffects(trial: TrialData, instrument: string, baselineVisit: string, visit: string): EffectRecord[] {
  const scores = scoresByVisit(trial, instrument);
  return trial.participants.map((p) => ({
    id: p.id,
    baseline: scores.get(p.id)?.get(baselineVisit) ?? null,
    followUp: scores.get(p.id)?.get(visit) ?? null,
  }));
}

/** Baseline and follow-up of the participants of `arm` who have both. */
export function pairsFor(
  trial: TrialData,
  scores: Map<string, Map<string, number>>,
  arm: string,
  from: string,
  to: string,
): { ids: string[]; baseline: number[]; followUp: number[]; nBaseline: number; nFollowUp: number } {
  const ids: string[] = [];
  const baseline: number[] = [];
  const followUp: number[] = [];
  let nBaseline = 0;
  let nFollowUp = 0;
  for (const p of trial.participants) {
    if (p.arm !== arm) continue;
    const s = scores.get(p.id);
    const b = s?.get(from);
    const f = s?.get(to);
    if (b !== undefined) nBaseline++;
    if (f !== undefined) nFollowUp++;
    if (b !== undefined && f !== undefined) {
      ids.push(p.id);
      baseline.push(b);
      followUp.push(f);
    }
  }
  return { ids, baseline, followUp, nBaseline, nFollowUp };
}

/** Months of a visit from the design, or `null`. */
export function monthsOf(trial: TrialData, visit: string): number | null {
  return trial.design.visitMonths?.[visit] ?? null;
}

// Mean and sample SD (n − 1): the shared ones, R's to the bit.
export { mean, sd } from '../statistics/sample.js';
