/**
 * Dose–response adapter (src/dose-response, issue 5): within the treated arm, the outcome
 * regressed on attendance in each planned form (exploratory: attendance is not randomised),
 * and the instrumental-variable estimates with randomisation as the instrument (ITT, effect
 * per session, CACE).
 */
import { doseResponse, type DoseResponseOptions } from '../../dose-response/dose-response.js';
import { attendanceEffects, type AttendanceEffect, type AttendanceEffectsOptions } from '../../dose-response/attendance-effects.js';
import type { AttendanceBand } from '../../dose-response/bands.js';
import type { DoseResponsePlan } from '../plan.js';
import { plainDiagnostics } from '../internal.js';
import type { DoseResponseSection } from '../types.js';
import type { AnalysisContext, SectionAdapter } from './types.js';

function causalRow(instrument: string, visit: string, estimand: string, e: AttendanceEffect, firstStageF: number | null): DoseResponseSection['causal'][number] {
  return { instrument, visit, estimand, estimate: e.estimate, se: e.se, ci: [e.ci[0], e.ci[1]], pValue: e.pValue, firstStageF, method: e.method };
}

async function runDoseResponse(ctx: AnalysisContext, section: DoseResponsePlan): Promise<DoseResponseSection> {
  const { trial, plan } = ctx;
  const instruments = section.outcomes ?? plan.outcomes.map((o) => o.instrument);
  const visits = section.visits ?? [ctx.primaryVisit];
  const treated = trial.design.arms[1]!;
  const out: DoseResponseSection = {
    estimates: [],
    curves: [],
    observed: [],
    tests: [],
    causal: [],
    exposureLabel: section.exposure === 'sessions' ? 'sessions attended' : 'proportion of sessions attended',
    method: '',
    diagnostics: [],
  };
  const methods: string[] = [];
  for (const instrument of instruments) {
    for (const visit of visits) {
      for (const form of section.forms) {
        ctx.progress(`${instrument} at ${visit}: attendance (${form})`);
        const options: DoseResponseOptions = {
          instrument,
          visit,
          form,
          exposure: section.exposure,
          treatedArm: treated,
          covariates: section.covariates,
          ciLevel: plan.ciLevel,
          // Therapy groups share trainers and sessions, so their members' outcomes are correlated.
          vcov: section.clusterRobust ? 'CR2' : 'HC2',
          spline: { df: section.spline.df },
        };
        if (section.bands) options.bands = section.bands.map((b): AttendanceBand => ({ label: b.label, min: b.min, max: b.max }));
        const dr = doseResponse(trial, options);
        if (methods.length === 0) methods.push(dr.caution, dr.method);
        out.diagnostics.push(...plainDiagnostics(dr.diagnostics));
        for (const s of dr.slope ?? []) {
          out.estimates.push({ instrument, visit, form, term: `per ${s.unit}`, estimate: s.estimate, se: s.se, df: s.df, ci: [s.ci[0], s.ci[1]], pValue: s.pValue, n: dr.n, nClusters: dr.nClusters, method: dr.method });
        }
        for (const b of dr.bands ?? []) {
          if (b.difference) {
            const ref = dr.bands!.find((x) => x.reference)?.band ?? 'reference';
            out.estimates.push({ instrument, visit, form, term: `${b.band} vs ${ref} sessions`, estimate: b.difference.estimate, se: b.difference.se, df: b.difference.df, ci: [b.difference.ci[0], b.difference.ci[1]], pValue: b.difference.pValue, n: b.n, nClusters: dr.nClusters, method: dr.method });
          }
        }
        out.tests.push({ instrument, visit, form, statistic: dr.test.statistic, numDf: dr.test.numDf, denDf: dr.test.denDf, pValue: dr.test.pValue, method: dr.test.method });
        for (const p of dr.prediction) {
          if (!p.extrapolated && p.estimable && p.estimate !== null && p.ci) out.curves.push({ instrument, visit, form, x: p.attendance, estimate: p.estimate, lower: p.ci[0], upper: p.ci[1] });
        }
      }
      if (ctx.individualData) {
        // The observed follow-up scores of the treated participants with attendance, for the figure.
        const baselineVisit = trial.design.visits[0]!;
        const score = new Map<string, number>();
        const hasBaseline = new Set<string>();
        for (const m of trial.measurements) {
          if (m.instrument !== instrument || m.score === null) continue;
          if (m.visit === visit) score.set(m.id, m.score);
          if (m.visit === baselineVisit) hasBaseline.add(m.id);
        }
        for (const p of trial.participants) {
          const y = score.get(p.id);
          if (p.arm !== treated || y === undefined || !hasBaseline.has(p.id) || p.sessionsAttended === null) continue;
          const x = section.exposure === 'sessions' ? p.sessionsAttended : p.sessionsOffered ? p.sessionsAttended / p.sessionsOffered : null;
          if (x !== null) out.observed.push({ instrument, visit, x, y });
        }
      }
      if (section.cace) {
        ctx.progress(`${instrument} at ${visit}: instrumental-variable estimates`);
        const options: AttendanceEffectsOptions = {
          instrument,
          visit,
          exposure: section.exposure,
          treatedArm: treated,
          covariates: section.covariates,
          ciLevel: plan.ciLevel,
          vcov: section.clusterRobust ? 'CR2' : 'HC1',
        };
        if (section.atLeast.length > 0) options.atLeast = section.atLeast;
        const fx = attendanceEffects(trial, options);
        out.diagnostics.push(...plainDiagnostics(fx.diagnostics));
        out.causal.push(causalRow(instrument, visit, 'ITT (arm difference)', fx.itt, null));
        out.causal.push(causalRow(instrument, visit, section.exposure === 'sessions' ? 'per session attended' : 'per whole course attended', fx.perSession, fx.perSession.firstStage.classical.statistic));
        if (fx.perTenSessions) out.causal.push(causalRow(instrument, visit, 'per 10 sessions attended', fx.perTenSessions, fx.perSession.firstStage.classical.statistic));
        for (const c of fx.cace) out.causal.push(causalRow(instrument, visit, `CACE: attending at least ${c.atLeast} session${c.atLeast === 1 ? '' : 's'} (${Math.round(100 * c.complierShare)}% of the treated)`, c, c.firstStage.classical.statistic));
      }
    }
  }
  out.method = methods.join(' ');
  return out;
}

/** Attendance–outcome regression and complier average causal effects: wired to src/dose-response. */
export const doseResponseAdapter: SectionAdapter<DoseResponsePlan, DoseResponseSection> = {
  capability: 'src/dose-response (issue 5)',
  run: runDoseResponse,
};
