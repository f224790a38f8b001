/**
 * `receipts plot`: build registered figures from analysis tables and write them to a
 * folder, reusing one headless Chromium for every image. The CLI parses flags and calls
 * `plotCommand`; `listFigures` prints the catalogue for `--list`.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../io/write-atomic";
import { extname, join, resolve } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type { Figure } from "./figure";
import type { FigureInputKind, FigureInputs } from "./inputs";
import { FIGURES, FIGURE_NAMES, buildFigure, isFigureName } from "./registry";
import type { FigureName } from "./registry";
import { figuresToHtmlDocument } from "./html";
import { saveFigure, withFigureRenderer } from "./save";
import type { FigureFormat, SavedFigure } from "./save";

export interface PlotCommandOptions {
  /** Figure names to draw; default every registered figure whose table is given. */
  figures?: readonly string[];
  /** The analysis tables, by kind. */
  inputs: FigureInputs;
  /** Folder to write into (created if missing). Files are named `<figure>.<format>`. */
  outDir: string;
  /** Formats to write; default ["png", "html"]. */
  formats?: readonly FigureFormat[];
  /** Image width and height in CSS px and PNG scale; defaults as in `saveFigure`. */
  width?: number;
  height?: number;
  scale?: number;
  /** Also write `figures.html`, every figure in one offline page; default true. */
  report?: boolean;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

export interface PlotCommandResult {
  written: Array<SavedFigure & { figure: FigureName | "report" }>;
  /** Figures left out because their table was not given (only when no names were asked for). */
  skipped: Array<{ figure: FigureName; reason: string }>;
  /** Wall time in ms. */
  ms: number;
}

/**
 * Build and write figures. Throws naming the figure when a figure asked for by name is
 * unknown or lacks its table, and naming the path when a file cannot be written.
 *
 * @example await plotCommand({ inputs: { compliance }, outDir: "out/figures", formats: ["png"] })
 */
export async function plotCommand(options: PlotCommandOptions): Promise<PlotCommandResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const formats = options.formats ?? ["png", "html"];
  const skipped: PlotCommandResult["skipped"] = [];
  let names: FigureName[];
  if (options.figures && options.figures.length > 0) {
    const unknown = options.figures.filter((n) => !isFigureName(n));
    if (unknown.length > 0) {
      throw new Error(`plotCommand: unknown figure ${unknown.map((n) => `"${n}"`).join(", ")}; figures are ${FIGURE_NAMES.join(", ")}`);
    }
    names = options.figures as FigureName[];
  } else {
    names = [];
    for (const name of FIGURE_NAMES) {
      const input = FIGURES[name].input;
      if (options.inputs[input]?.length) names.push(name);
      else skipped.push({ figure: name, reason: `no ${input} table` });
    }
  }
  const figures: Array<[FigureName, Figure]> = names.map((n) => [n, buildFigure(n, options.inputs)]);
  const outDir = resolve(options.outDir);
  const size = { width: options.width, height: options.height, scale: options.scale };
  const written: PlotCommandResult["written"] = [];
  const save = async (): Promise<void> => {
    for (const [name, fig] of figures) {
      for (const format of formats) {
        const saved = await saveFigure(fig, join(outDir, `${name}.${format}`), size);
        written.push({ ...saved, figure: name });
        log(`${name}.${format}: ${(saved.bytes / 1024).toFixed(0)} KiB in ${saved.ms.toFixed(0)} ms`);
      }
    }
  };
  if (formats.some((f) => f !== "html")) await withFigureRenderer(save);
  else await save();
  if ((options.report ?? true) && figures.length > 0) {
    const t = performance.now();
    const path = join(outDir, "figures.html");
    const html = figuresToHtmlDocument(figures.map(([, f]) => f), { title: "Safety receipt figures", width: options.width, height: options.height });
    await writeFileAtomic(path, html);
    written.push({ path, format: "html", bytes: Buffer.byteLength(html), ms: performance.now() - t, figure: "report" });
    log(`figures.html: ${figures.length} figures in one page`);
  }
  return { written, skipped, ms: performance.now() - started };
}

/** The figure catalogue as text: number, name, input table, title and description. */
export function listFigures(): string {
  return FIGURE_NAMES.map((n) => {
    const f = FIGURES[n];
    return `${f.number}. ${n}  [${f.input}]\n   ${f.title}\n   ${f.description}`;
  }).join("\n");
}

/**
 * Read analysis tables from files: `.json` (an array of rows), `.jsonl`/`.ndjson` (a row a
 * line) or `.csv` (header row; numbers become numbers, empty cells and NA become null).
 * Throws naming the file and table on anything else.
 */
export async function readFigureInputs(paths: Partial<Record<FigureInputKind, string>>): Promise<FigureInputs> {
  const inputs: Record<string, unknown[]> = {};
  for (const [kind, path] of Object.entries(paths)) {
    if (!path) continue;
    const text = await readFile(path, "utf8");
    const ext = extname(path).toLowerCase();
    let rows: unknown;
    try {
      if (ext === ".json") rows = JSON.parse(text);
      else if (ext === ".jsonl" || ext === ".ndjson") rows = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      else if (ext === ".csv") rows = parseCsv(text, { columns: true, skip_empty_lines: true, cast: castCell });
      else throw new Error("the extension must be .json, .jsonl, .ndjson or .csv");
    } catch (e) {
      throw new Error(`readFigureInputs: cannot read the ${kind} table from ${path}: ${(e as Error).message}`);
    }
    if (!Array.isArray(rows)) throw new Error(`readFigureInputs: ${path} (${kind} table) must hold an array of rows`);
    inputs[kind] = rows;
  }
  return inputs as FigureInputs;
}

function castCell(value: string): string | number | null {
  const v = value.trim();
  if (v === "" || v === "NA" || v === "null") return null;
  const n = Number(v);
  return Number.isFinite(n) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? n : value;
}
