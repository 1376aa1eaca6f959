/** The typed error of subgroup definitions. */
import { RctevalError } from '../errors/index.js';

/**
 * A subgroup variable that does not split the participants: fewer than two levels occur among
 * those with a value. An interaction with such a variable is not defined, so the analysis
 * stops instead of fitting a model that silently drops the term.
 * `code` is `'SUBGROUP_LEVELS'`.
 */
export class SubgroupLevelsError extends RctevalError {
  /** The subgroup variable's name. */
  readonly variable: string;
  /** The levels that do occur (zero or one). */
  readonly levels: string[];
  constructor(variable: string, levels: string[], detail: string) {
    super(
      'SUBGROUP_LEVELS',
      `Subgroup variable "${variable}" has ${levels.length === 0 ? 'no level' : `only one level (${JSON.stringify(levels[0])})`} among the participants with a value: ${detail}. A subgroup analysis needs at least two levels; choose other cut-points or bands, or leave the variable out.`,
    );
    this.name = 'SubgroupLevelsError';
    this.variable = variable;
    this.levels = levels;
  }
}
