import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { loadReceipts } from "../io/load";
import { closeRenderer, saveFigure } from "../plots/save";
import { buildReceiptFigure, receiptFigureInputs } from "../plots/receipt-figures";
import { FIGURE_NAMES, isFigureName } from "../plots/registry";

export interface PlotReceiptsOptions {
  readonly figure: string;
  readonly out: string;
  readonly width?: number;
  readonly height?: number;
}

/** `receipts plot FILE... --figure NAME --out PATH`: .html, .png or .svg from the extension. */
export async function plotReceiptsCommand(files: string[], options: PlotReceiptsOptions, err = process.stderr): Promise<number> {
  if (!isFigureName(options.figure)) {
    err.write(`receipts plot: unknown figure ${JSON.stringify(options.figure)}; figures are ${FIGURE_NAMES.join(", ")}\n`);
    return 2;
  }
  const table = await loadReceipts(files, { strict: true });
  const fig = buildReceiptFigure(options.figure, receiptFigureInputs(table));
  if (fig === null) {
    err.write(`receipts plot: the receipts have nothing to draw for ${options.figure} (see receipts analyze for what the data supports)\n`);
    return 1;
  }
  await mkdir(dirname(options.out), { recursive: true });
  try {
    const saved = await saveFigure(fig, options.out, { width: options.width, height: options.height });
    err.write(`wrote ${saved.path} (${saved.bytes} bytes)\n`);
  } finally {
    await closeRenderer();
  }
  return 0;
}
