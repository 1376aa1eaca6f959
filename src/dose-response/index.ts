/** Dose–response of attendance (observational, within the treated arm) and its causal (instrumental-variable) counterpart. */
export { doseResponse, type DoseResponseOptions, type DoseResponseResult, type DoseForm, type DoseExposure, type DoseOutcome, type DoseEstimate, type DoseSlope, type DoseBandRow, type DosePredictionRow } from './dose-response.js';
export { attendanceEffects, type AttendanceEffectsOptions, type AttendanceEffectsResult, type AttendanceEffect, type CaceEffect } from './attendance-effects.js';
export { twoStageLeastSquares, WEAK_INSTRUMENT_F, type IvOptions, type IvFit, type IvVcovType, type IvFirstStage } from './two-stage-least-squares.js';
export { attendanceData, type AttendanceDataOptions, type AttendanceData, type AttendanceRow, type ControlAttendancePolicy } from './attendance-data.js';
export { defaultAttendanceBands, resolveAttendanceBands, type AttendanceBand, type ResolvedAttendanceBand } from './bands.js';
