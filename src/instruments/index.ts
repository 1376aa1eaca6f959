/** Outcome instruments: the registry, the bundled SFT instruments and score helpers. */
export type * from './types.js';
export {
  createInstrumentRegistry,
  defaultInstruments,
  getInstrument,
  instrumentDefinitionSchema,
  itemProblem,
  levelOf,
  normaliseInstrument,
  scoreFromItems,
  scoreProblem,
  type InstrumentRegistry,
  type InstrumentRegistryOptions,
} from './registry.js';
export { defaultInstrumentDefinitions, EQ5D_INDEX, EQ5D_VAS, MHRM, PSP, WHO5 } from './defaults.js';
