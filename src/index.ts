/**
 * safety-receipts: the one public entry point. Everything a notebook or script needs is
 * exported from here, grouped by role.
 */
export * from "./receipt";
export * from "./io";
export * from "./stats";
export * from "./analysis";
export * from "./plots";
export * from "./simulate";
export * from "./compose";
export * from "./collect";
export * from "./import";
export { clusteredMcNemar, type ClusteredMcNemar } from "./stats/clustered-mcnemar";
export { pairedModelComparison, type PairedModelOptions, type PairedModelComparison } from "./analysis/paired-models";
export { showTable, rowsToHtml, type ShowTableOptions } from "./display/show-table";
export { buildReceiptFigure, receiptFigureInputs, defaultComplianceCells, type ReceiptFigureInputs } from "./plots/receipt-figures";
export { fromSufficientStatistics, type SufficientStatisticsRow, type CountDataPart } from "./engine/from-sufficient-statistics";
export { countDataByGroup, complianceTableFromFiles, queryReceipts, type Engine } from "./engine/duckdb";
export { sufficientStatisticsSQL, complianceCountsSQL, SUFFICIENT_STATISTICS_COLUMNS } from "./engine/sufficient-statistics.sql";
export { checkedReceipts, duplicateKeysSQL, fileRelation, receiptsRelation } from "./engine/receipt-relation";
export { fitColumns, summarizeColumns, analyzeColumns, ANALYZE_COLUMNS } from "./analysis/needed-columns";
export { analyzeFiles, analysisTable, type AnalyzeFilesOptions, type AnalysisTableOptions } from "./engine/analyze-files";
export { analysisCellsFromFiles, type AnalysisCellsOptions } from "./engine/analysis-cells";
export { analysisCellsSQL, analysisCellFields } from "./engine/analysis-cells.sql";
export { withRowWeights } from "./io/receipt-table";
