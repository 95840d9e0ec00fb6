/**
 * Build the analytics notebooks (`notebooks/*.html`, Observable Notebook Kit's HTML notebook
 * format) into static pages, or serve them for live editing. Vite with Notebook Kit's own plugin
 * does the work; this module adds the warehouse (SQL cells run at build time against it,
 * read-only: `warehouse-cells.ts`), the offline rule (`offline-check.ts`) and the page frame
 * (`lib/page-template.html`: navigation between notebooks, a footer naming the warehouse).
 *
 * Every library a notebook uses is bundled from node_modules, Notebook Kit's lazy loaders included
 * (`offline-libraries.ts`), so the built pages make no request to any other host; a build whose
 * files would load from one fails (`remoteLoads`). They are ES modules: open them through a local
 * web server (`serveNotebooks` or `npx tsx pipelines/notebooks.ts serve`), not from file:// (a
 * page opened from a file says so and how to serve it, `messages.notebookFileProtocol`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { config as kitConfig, observable } from "@observablehq/notebook-kit/vite";
import { build, createServer, preview, type InlineConfig, type PreviewServer, type ViteDevServer } from "vite";
import type { Notebook } from "@observablehq/notebook-kit";
import { escapeHtml } from "./escape-html.ts";
import type { Logger } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { offlineProblems, remoteLoads } from "./offline-check.ts";
import { offlineLibraries } from "./offline-libraries.ts";
import { removeStaleCacheFiles, SESSION_CACHE_NAME, WAREHOUSE_DATABASE, warehouseCells, type WarehouseCells } from "./warehouse-cells.ts";

/** The notebooks folder (the Vite root). */
export const NOTEBOOKS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The page frame every notebook is rendered into. */
export const PAGE_TEMPLATE = path.join(NOTEBOOKS_DIR, "lib", "page-template.html");
/** Where Notebook Kit keeps query results (git-ignored). */
export const QUERY_CACHE_DIR = path.join(NOTEBOOKS_DIR, ".observable", "cache");

/** The order of the notebooks in the navigation; others follow by name. */
export const NOTEBOOK_ORDER = ["index.html", "indicator-explorer.html", "crime.html", "residents-survey.html", "complaints.html", "starter.html"];

/** The notebooks: every `*.html` directly in `dir`, in {@link NOTEBOOK_ORDER} then by name. */
export function listNotebooks(dir = NOTEBOOKS_DIR): string[] {
  const rank = (f: string) => (NOTEBOOK_ORDER.includes(f) ? NOTEBOOK_ORDER.indexOf(f) : NOTEBOOK_ORDER.length);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".html"))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((f) => path.join(dir, f));
}

/** A notebook's `<title>` (the file name when it has none). */
export function notebookTitle(file: string): string {
  const m = /<title>([^<]*)<\/title>/i.exec(readFileSync(file, "utf-8"));
  return m?.[1]?.trim() || path.basename(file, ".html");
}

/** Options shared by build and preview. */
export interface NotebookSessionOptions {
  /** The warehouse the SQL cells read (built by `pipelines/build.ts`). */
  warehouse: string;
  /** The notebooks folder; default `notebooks/` of this checkout. */
  notebooksDir?: string;
  log?: Logger;
}

/** Options of {@link buildNotebooks}. */
export interface BuildNotebooksOptions extends NotebookSessionOptions {
  /** Output folder, replaced as a whole when the build succeeds (e.g. `outputs/notebooks`). */
  outDir: string;
  /** Notebook files to build; default all ({@link listNotebooks}). */
  notebooks?: string[];
  /** Minify JS and CSS; default true. */
  minify?: boolean;
}

/** What a build wrote. */
export interface BuildNotebooksResult {
  outDir: string;
  /** Built pages, relative to `outDir` (`crime.html`, ...). */
  pages: string[];
  /** SQL cells run. */
  queries: number;
  seconds: number;
}

/**
 * Build the notebooks into static pages under `outDir`. The build goes to a temporary folder
 * beside it and is renamed into place at the end: a failed build leaves the previous pages whole.
 */
export async function buildNotebooks(opts: BuildNotebooksOptions): Promise<BuildNotebooksResult> {
  const t0 = performance.now();
  const dir = opts.notebooksDir ?? NOTEBOOKS_DIR;
  const files = (opts.notebooks ?? listNotebooks(dir)).map((f) => path.resolve(f));
  if (!files.length) throw new Error(`no notebooks (*.html) in ${dir}`);
  const outDir = path.resolve(opts.outDir);
  const tmp = `${outDir}.tmp-${process.pid}`;
  const old = `${outDir}.old-${process.pid}`;
  const cells = warehouseCells(opts.warehouse, opts.log);
  removeStaleCacheFiles(path.join(dir, ".observable", "cache"));
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.dirname(outDir), { recursive: true });
  try {
    await build({
      ...sessionConfig(dir, cells, files),
      logLevel: "warn",
      build: {
        outDir: tmp,
        emptyOutDir: true,
        minify: opts.minify ?? true,
        cssMinify: opts.minify ?? true,
        chunkSizeWarningLimit: 5000,
        reportCompressedSize: false,
        // The timing report is about Vite's own plugins, not something a notebook author can act on.
        rolldownOptions: { input: files, checks: { bundlerTimings: false }, output: { assetFileNames: assetFileName } },
      },
    });
    // The last word on the offline rule: nothing built loads from another host.
    const remote = remoteLoads(tmp);
    if (remote.length) throw new Error(messages.notebookRemoteLoads(remote));
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    cells.removeCacheFiles();
    rmSync(tmp, { recursive: true, force: true });
  }
  const pages = files.map((f) => path.relative(dir, f));
  const seconds = (performance.now() - t0) / 1000;
  opts.log?.info(`notebooks: ${pages.length} pages, ${cells.queries} SQL cells run against ${path.basename(cells.warehouse)} (${seconds.toFixed(1)} s)`);
  return { outDir, pages, queries: cells.queries, seconds };
}

/**
 * Where a built asset goes: Vite's `assets/[name]-[hash][extname]`, except a query result, whose
 * cache name carries the session (`warehouse-<hash of the warehouse path>-<process id>-<hash of
 * the query>`, see `warehouseCells`): it becomes `assets/warehouse-<hash of the query>-[hash].json`,
 * so two builds of the same warehouse and notebooks write the same pages, byte for byte, from any
 * checkout (the pages' scripts name these files, and their own names hash those scripts).
 */
export function assetFileName(asset: { names?: readonly string[]; name?: string }): string {
  const name = asset.names?.[0] ?? asset.name ?? "";
  const query = SESSION_CACHE_NAME.exec(path.basename(name));
  return query ? `assets/${WAREHOUSE_DATABASE}-${query.groups!.query}-[hash][extname]` : "assets/[name]-[hash][extname]";
}

/** Options of {@link previewNotebooks}. */
export interface PreviewNotebooksOptions extends NotebookSessionOptions {
  port?: number;
  host?: string;
}

/**
 * Serve the notebooks for live editing: saving a notebook re-runs its SQL cells against the
 * warehouse and reloads the page. Close the returned server to stop (its query results are
 * removed from the cache).
 */
export async function previewNotebooks(opts: PreviewNotebooksOptions): Promise<ViteDevServer> {
  const dir = opts.notebooksDir ?? NOTEBOOKS_DIR;
  const cells = warehouseCells(opts.warehouse, opts.log);
  const server = await createServer({
    ...sessionConfig(dir, cells, null),
    server: { port: opts.port ?? 5173, host: opts.host ?? "127.0.0.1", strictPort: false },
  });
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    cells.removeCacheFiles();
  };
  await server.listen();
  return server;
}

/** Options of {@link serveNotebooks}. */
export interface ServeNotebooksOptions {
  /** The built pages (`outDir` of a build). */
  outDir: string;
  port?: number;
  host?: string;
}

/** Serve built notebooks as static files (the pages are ES modules, which browsers refuse from file://). */
export async function serveNotebooks(opts: ServeNotebooksOptions): Promise<PreviewServer> {
  const outDir = path.resolve(opts.outDir);
  if (!existsSync(path.join(outDir, "index.html"))) throw new Error(`no built notebooks in ${outDir} (run: npm run notebooks)`);
  return preview({
    configFile: false,
    root: NOTEBOOKS_DIR,
    appType: "mpa",
    logLevel: "warn",
    build: { outDir },
    preview: { port: opts.port ?? 4173, host: opts.host ?? "127.0.0.1", strictPort: false, open: false },
  });
}

/**
 * The Vite config of a build or preview session: Notebook Kit's config without its `npm:` and
 * `jsr:` aliases (they point at CDNs), its plugin with our template and notebook transform.
 */
function sessionConfig(dir: string, cells: WarehouseCells, files: string[] | null): InlineConfig {
  const kit = kitConfig() as InlineConfig;
  const aliases = Array.isArray(kit.resolve?.alias) ? kit.resolve.alias : [];
  const titles = () => new Map((files ?? listNotebooks(dir)).map((f) => [path.basename(f), notebookTitle(f)]));
  const warehouseLabel = () => {
    const rel = path.relative(process.cwd(), cells.warehouse);
    const shown = rel.startsWith("..") || path.isAbsolute(rel) ? path.basename(cells.warehouse) : rel;
    return `${shown}, built ${statSync(cells.warehouse).mtime.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  };
  return {
    ...kit,
    configFile: false,
    root: dir,
    base: "./",
    publicDir: false,
    resolve: { ...kit.resolve, alias: aliases.filter((a) => !/npm:|jsr:/.test(String(a.find))) },
    server: { watch: { ignored: ["**/.observable/**"] } },
    plugins: [
      offlineLibraries(),
      observable({
        template: PAGE_TEMPLATE,
        transformTemplate: (html, ctx) => frame(html, path.basename(ctx.filename), titles(), warehouseLabel()),
        transformNotebook: async (notebook: Notebook, ctx) => {
          const rel = path.relative(process.cwd(), ctx.filename);
          const problems = offlineProblems(notebook, rel);
          if (problems.length) throw new Error(`notebook would load code from the network:\n  ${problems.join("\n  ")}`);
          return cells.transformNotebook(notebook, ctx);
        },
      }),
    ],
  };
}

/** Fill the template's navigation and footer for the page `current`. */
function frame(html: string, current: string, titles: Map<string, string>, warehouse: string): string {
  const nav = [...titles]
    .map(([file, title]) => `<a href="./${escapeHtml(file)}"${file === current ? ` aria-current="page"` : ""}>${escapeHtml(title)}</a>`)
    .join("\n      ");
  const footer =
    `Warehouse: ${escapeHtml(warehouse)}. Notebook source: <code>notebooks/${escapeHtml(current)}</code>. ` +
    `Charts: <code>notebooks/charts/</code>, the builders the pack uses.`;
  return html
    .replace("<!-- localneeds:nav -->", nav)
    .replace("<!-- localneeds:file-protocol -->", escapeHtml(messages.notebookFileProtocol(current)))
    .replace("<!-- localneeds:footer -->", footer);
}
