/**
 * The faulty provider: a faithful in-memory provider of the Payments v2 API on the core, with one
 * deliberate defect switched on per instance (see {@link DEFECTS}).
 */
export { DEFECTS, type Defect, type DefectArea, type DefectName, defectNames } from "./defects.js";
export {
  type FaultyProvider,
  type FaultyProviderOptions,
  startFaultyProvider,
} from "./startFaultyProvider.js";
