/** Plotly figures for safety receipts: pure figure functions, a theme, notebook display and file export. */
export type { Figure } from "./figure";
export { describeFigure, figureTitle } from "./figure";
export type {
  BaselineRelativeInput,
  BenignCoefficientInput,
  ComplianceCellInput,
  FigureInputKind,
  FigureInputs,
  FormatAdoptionInput,
  ScheduleInput,
} from "./inputs";
export {
  FONT_FAMILY,
  NEUTRAL_GREY,
  OKABE_ITO,
  OUTCOME_COLORS,
  PALETTE,
  SEQUENTIAL_COLORSCALE,
  SYMBOLS,
  THEME,
  VERDICT_COLORS,
  axisStyle,
  axisTitle,
  baseLayout,
  errorBars,
  seriesColor,
  seriesSymbol,
  withReadableLogAxes,
} from "./theme";
export type { FacetGrid, FacetGridOptions, Panel } from "./facets";
export { facetGrid } from "./facets";
export { mainSweepFigure } from "./figures/main-sweep";
export type { MainSweepOptions } from "./figures/main-sweep";
export { benignSweepFigure } from "./figures/benign-sweep";
export type { BenignSweepOptions as BenignSweepFigureOptions } from "./figures/benign-sweep";
export { VERDICT_LABELS, benignForestFigure } from "./figures/benign-forest";
export type { BenignForestOptions } from "./figures/benign-forest";
export { STAGE_ORDER, stageName, trainingStageFigure } from "./figures/training-stage";
export type { TrainingStageOptions as TrainingStageFigureOptions } from "./figures/training-stage";
export { SCHEDULE_ORDER, orderingFigure, scheduleName } from "./figures/ordering";
export type { OrderingOptions as OrderingFigureOptions } from "./figures/ordering";
export { formatAdoptionFigure } from "./figures/format-adoption";
export type { FormatAdoptionOptions as FormatAdoptionFigureOptions } from "./figures/format-adoption";
export { complianceHeatmapFigure } from "./figures/heatmap";
export type { HeatmapOptions } from "./figures/heatmap";
export { baselineRelativeFigure } from "./figures/baseline-relative";
export type { BaselineRelativeOptions } from "./figures/baseline-relative";
export { FIGURES, FIGURE_NAMES, buildFigure, isFigureName } from "./registry";
export type { FigureEntry, FigureName } from "./registry";
export {
  FIGURE_DIV_CLASS,
  PLOTLY_CONFIG,
  figureToHtmlDocument,
  figureToHtmlFragment,
  figuresToHtmlDocument,
  PLOTLY_FILE_NAME,
  plotlyLoaderScript,
  plotlyScriptTag,
} from "./html";
export type { FigureDocumentOptions, FigureFragmentOptions, FiguresDocumentOptions } from "./html";
export { plotlyBundlePath, plotlyVersion } from "./plotly-bundle";
export {
  figureDisplayData,
  plotlyLoaderDisplayData,
  resetPlotlyLoaded,
  showFigure,
  tslabDisplayWriter,
  writePlotlyFile,
} from "./display";
export type { DisplayData, DisplayWriter, ShowFigureOptions } from "./display";
export {
  CHROMIUM_ARGS,
  FigureRenderer,
  chromiumPath,
  closeRenderer,
  figureFormat,
  launchHeadlessChromium,
  saveFigure,
  withFigureRenderer,
} from "./save";
export type { FigureFormat, RendererOptions, SaveFigureOptions, SavedFigure } from "./save";
export { listFigures, plotCommand, readFigureInputs } from "./plot-command";
export type { PlotCommandOptions, PlotCommandResult } from "./plot-command";
