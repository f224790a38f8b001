/**
 * Writing figures to files: .html directly, .png and .svg through plotly.js running in
 * headless Chromium. One browser serves many saves: inside `withFigureRenderer` the scoped
 * renderer is used; otherwise a shared renderer starts on the first image and closes itself
 * after a short idle time (or at `closeRenderer()`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import { writeFileAtomic } from "../io/write-atomic";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Figure } from "./figure";
import { figureToHtmlDocument, scriptJson } from "./html";
import { plotlyBundlePath } from "./plotly-bundle";
import { THEME, withReadableLogAxes } from "./theme";

export type FigureFormat = "png" | "svg" | "html";

export interface SaveFigureOptions {
  /** Width in CSS px; default layout.width, else THEME.width (900). */
  width?: number;
  /** Height in CSS px; default layout.height, else 500. */
  height?: number;
  /** PNG pixels per CSS px: the PNG is width*scale by height*scale; default 2. SVG ignores it. */
  scale?: number;
  /**
   * For .html: "inline" (default) embeds plotly.js (4.8 MB) in the file; "sibling" copies
   * plotly.min.js beside the file once and loads it by relative path, for folders of many
   * figures. Both work offline.
   */
  plotlyJs?: "inline" | "sibling";
}

export interface SavedFigure {
  path: string;
  format: FigureFormat;
  bytes: number;
  /** Wall time of this save in ms. */
  ms: number;
}

export interface RendererOptions {
  /** Chromium executable; default $RECEIPTS_CHROMIUM, else /usr/bin/chromium. */
  executablePath?: string;
}

/** Flags for headless Chromium on a closed network, running as root. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium executable the kit launches: $RECEIPTS_CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath(options: RendererOptions = {}): string {
  return options.executablePath ?? process.env.RECEIPTS_CHROMIUM ?? "/usr/bin/chromium";
}

/**
 * Launch headless Chromium with the kit's flags. Throws "<path> not found: run npm run
 * setup" when the executable is missing; `what` prefixes the message (e.g. the file being saved).
 */
export async function launchHeadlessChromium(options: RendererOptions = {}, what?: string): Promise<Browser> {
  const executablePath = chromiumPath(options);
  if (!existsSync(executablePath)) {
    // The code marks a missing tool, which the CLI reports with exit code 3 (src/cli/exit-codes.ts).
    throw Object.assign(new Error(`${what ? `${what}: ` : ""}${executablePath} not found: run npm run setup`), { code: "RECEIPTS_MISSING_TOOL" });
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true });
}

const RENDER_PAGE = '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>';

/** Page-side code: draws a figure off-screen with Plotly.toImage and returns a data URL. */
const RENDER_FUNCTION = `
window.__receiptsRender = function (spec) {
  return window.Plotly.toImage(
    { data: spec.data, layout: spec.layout, config: { staticPlot: true } },
    { format: spec.format, width: spec.width, height: spec.height, scale: spec.scale }
  );
};`;

/** One headless Chromium page with plotly.js loaded, turning figures into PNG and SVG. */
export class FigureRenderer {
  private closed = false;

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly page: Page,
    private readonly errors: string[],
  ) {}

  /** Launch Chromium and load plotly.js into a blank page (about 1 s). */
  static async launch(options: RendererOptions = {}, what?: string): Promise<FigureRenderer> {
    const browser = await launchHeadlessChromium(options, what);
    try {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.setContent(RENDER_PAGE);
      await page.addScriptTag({ path: plotlyBundlePath() });
      await page.addScriptTag({ content: RENDER_FUNCTION });
      return new FigureRenderer(browser, context, page, errors);
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  /** The figure as PNG bytes, width*scale by height*scale pixels. */
  async png(fig: Figure, options: SaveFigureOptions = {}): Promise<Buffer> {
    return decodeDataUrl(await this.render(fig, "png", options));
  }

  /** The figure as SVG text. */
  async svg(fig: Figure, options: SaveFigureOptions = {}): Promise<string> {
    return decodeDataUrl(await this.render(fig, "svg", options)).toString("utf8");
  }

  /** Write the figure to `path`; the extension (.png, .svg, .html) picks the format. */
  async save(fig: Figure, path: string, options: SaveFigureOptions = {}): Promise<SavedFigure> {
    return saveWith(this, fig, path, options);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.context.close().catch(() => undefined);
    await this.browser.close();
  }

  private async render(fig: Figure, format: "png" | "svg", options: SaveFigureOptions): Promise<string> {
    if (this.closed) throw new Error("FigureRenderer: renderer is closed");
    const size = imageSize(fig, options);
    const before = this.errors.length;
    const readable = withReadableLogAxes(fig);
    const spec = { data: readable.data, layout: readable.layout, format, ...size };
    try {
      return await this.page.evaluate<string>(`window.__receiptsRender(${scriptJson(spec)})`);
    } catch (e) {
      const pageErrors = this.errors.slice(before);
      throw new Error(
        `FigureRenderer: plotly.js could not render ${format}: ${(e as Error).message}` +
          (pageErrors.length > 0 ? `; page errors: ${pageErrors.join(" | ")}` : ""),
      );
    }
  }
}

function imageSize(fig: Figure, options: SaveFigureOptions): { width: number; height: number; scale: number } {
  const width = options.width ?? fig.layout.width ?? THEME.width;
  const height = options.height ?? fig.layout.height ?? 500;
  const scale = options.scale ?? 2;
  for (const [name, v] of [["width", width], ["height", height], ["scale", scale]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`saveFigure: ${name} must be a positive number, got ${v}`);
  }
  return { width, height, scale };
}

function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(",");
  if (!url.startsWith("data:") || comma < 0) throw new Error(`FigureRenderer: expected a data URL, got ${url.slice(0, 40)}`);
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return header.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
}

/** Format of a path by its extension; throws naming the path for anything else. */
export function figureFormat(path: string): FigureFormat {
  const ext = extname(path).toLowerCase().slice(1);
  if (ext === "png" || ext === "svg" || ext === "html") return ext;
  throw new Error(`saveFigure: cannot write ${path}: the extension must be .png, .svg or .html`);
}

async function saveWith(
  renderer: FigureRenderer | (() => Promise<FigureRenderer>),
  fig: Figure,
  path: string,
  options: SaveFigureOptions,
): Promise<SavedFigure> {
  const started = performance.now();
  const format = figureFormat(path);
  const out = resolve(path);
  await mkdir(dirname(out), { recursive: true });
  if (format === "html") {
    let plotlyJs: "inline" | { src: string } = "inline";
    if (options.plotlyJs === "sibling") {
      const name = basename(plotlyBundlePath());
      const sibling = join(dirname(out), name);
      if (!existsSync(sibling)) await writeFileAtomic(sibling, await readFile(plotlyBundlePath()));
      plotlyJs = { src: name };
    }
    await writeFileAtomic(out, figureToHtmlDocument(fig, { width: options.width, height: options.height, plotlyJs }));
  } else {
    const r = typeof renderer === "function" ? await renderer() : renderer;
    const bytes = format === "png" ? await r.png(fig, options) : await r.svg(fig, options);
    await writeFileAtomic(out, bytes);
  }
  const { size } = await stat(out);
  return { path: out, format, bytes: size, ms: performance.now() - started };
}

const scoped = new AsyncLocalStorage<FigureRenderer>();

/**
 * Launch one renderer, run `fn` with it, then close it, even when `fn` throws. Every
 * `saveFigure` call inside `fn` (however deep) uses this renderer too.
 *
 * @example await withFigureRenderer(async (r) => { for (const [fig, path] of jobs) await r.save(fig, path); });
 */
export async function withFigureRenderer<T>(
  fn: (renderer: FigureRenderer) => Promise<T>,
  options: RendererOptions = {},
): Promise<T> {
  const renderer = await FigureRenderer.launch(options, "withFigureRenderer");
  try {
    return await scoped.run(renderer, () => fn(renderer));
  } finally {
    await renderer.close();
  }
}

/** Idle time after which the shared renderer closes itself, so scripts can exit. */
const SHARED_IDLE_MS = 2000;
let shared: Promise<FigureRenderer> | undefined;
let sharedTimer: NodeJS.Timeout | undefined;
let sharedUsers = 0;

async function acquireShared(what: string): Promise<FigureRenderer> {
  if (sharedTimer) clearTimeout(sharedTimer);
  sharedTimer = undefined;
  if (shared) {
    const r = await shared.catch(() => undefined);
    if (!r || r.isClosed) shared = undefined;
  }
  shared ??= FigureRenderer.launch({}, what);
  const p = shared;
  p.catch(() => {
    if (shared === p) shared = undefined;
  });
  return p;
}

function releaseShared(): void {
  if (sharedUsers > 0 || !shared) return;
  if (sharedTimer) clearTimeout(sharedTimer);
  sharedTimer = setTimeout(() => {
    sharedTimer = undefined;
    if (sharedUsers === 0) void closeRenderer();
  }, SHARED_IDLE_MS);
}

/** Close the shared renderer now (it also closes itself after 2 s without saves). */
export async function closeRenderer(): Promise<void> {
  if (sharedTimer) clearTimeout(sharedTimer);
  sharedTimer = undefined;
  const p = shared;
  shared = undefined;
  if (p) await (await p.catch(() => undefined))?.close();
}

/**
 * Write a figure to `path`: .html (standalone, plotly.js embedded, works offline), .png or
 * .svg (rendered by plotly.js in headless Chromium). Creates missing folders. Inside
 * `withFigureRenderer` it uses that scope's browser; otherwise a shared one.
 *
 * Throws "saveFigure: cannot write PATH: /usr/bin/chromium not found: run npm run setup"
 * when an image is asked for and Chromium is missing.
 */
export async function saveFigure(fig: Figure, path: string, options: SaveFigureOptions = {}): Promise<SavedFigure> {
  const what = `saveFigure: cannot write ${path}`;
  const fixed = scoped.getStore();
  if (fixed && !fixed.isClosed) return saveWith(fixed, fig, path, options);
  if (figureFormat(path) === "html") return saveWith(() => acquireShared(what), fig, path, options);
  sharedUsers++;
  try {
    return await saveWith(() => acquireShared(what), fig, path, options);
  } finally {
    sharedUsers--;
    releaseShared();
  }
}
