export {
  importEvaluations, importNotes,
  fromInspectLog, fromGarakReport, fromPromptfooResults, fromHarmBenchResults, fromPyritExport,
  loadInspectLog, loadGarakReport, loadPromptfooResults, loadHarmBenchResults, loadPyritExport,
  type ImportEvaluationsOptions, type FromLogOptions,
} from "./import-evaluations";
export { detectSourceTool } from "./detect";
export { parseLabelMap, mapLabel, type LabelMap } from "./label-map";
export { LabelMapRequiredError } from "./imported-rows";
export { SOURCE_TOOLS, formatNote, type SourceTool, type ImportOptions, type ImportNote } from "./types";
