/** The plan's JSON Schema as committed in docs/plan.schema.json. */
import { analysisPlanJsonSchema } from '../../src/analysis/plan.js';

/** The file's text: the schema, pretty-printed, with a trailing newline. */
export function planSchemaText(): string {
  return `${JSON.stringify(analysisPlanJsonSchema, null, 2)}\n`;
}
