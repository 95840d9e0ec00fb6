/**
 * Which sources a refresh must read again. The input files are the raw layer: nothing of them is
 * kept in the warehouse but what staging made of them, so a refresh either reads a source's files
 * again in full or leaves the source's staged tables, load records and warnings as they are.
 *
 * A source's fingerprint covers everything its two stages depend on:
 * - the code that loads and conforms (`sources/`, `pipelines/core/`), and the DuckDB library
 *   version (staged keys are DuckDB's 64-bit hashes, which another version may compute otherwise);
 * - what of the config outside `sources` the stages read: the parent and geography with its
 *   files for every source (a change there reads every source again), the focus areas and
 *   localities only for the sources that declare `readsAreas` (geography, which places them, and
 *   those that read `ref.area_members`): a locality added reads those again and keeps the rest;
 * - the source's own block and the content (SHA-256) of every file it names (globs expanded), by
 *   its path relative to the config's folder: a project moved with its files is unchanged (the
 *   run rewrites the last warehouse's paths first: `relocate.ts`);
 * - the fingerprints of the sources whose staged tables its conform reads (`reads`).
 * A source whose fingerprint equals the one the previous run recorded (`audit.source_state`) is
 * unchanged. One whose only change is its own files may read just the new ones, when its adapter
 * can (`Context.previousFiles`; police.uk street files do). Grain of `audit.source_state`: one
 * row per source of the run; of `audit.file_hashes`: one row per input file ever hashed here.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "../core/context.ts";
import { literal, type Warehouse } from "../core/warehouse.ts";
import type { SourceAdapter } from "../../sources/source-adapter.ts";
import type { FileLoad } from "../../sources/load-csv.ts";
import { ARCHIVE_PATTERN, expandFiles, hashFiles } from "../../sources/files.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The code that decides staged data: every module under `sources/` and `pipelines/core/`. */
function codeFingerprint(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) h.update(path.relative(root, p)).update(readFileSync(p));
    }
  };
  walk(path.join(root, "sources"));
  walk(path.join(root, "pipelines", "core"));
  return h.digest("hex");
}

/** Every string in a JSON-like value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * A config value as JSON with its paths and globs left out: what they name is in the files part
 * (so listing one more month's file, or a glob that now matches it, is a change of files only).
 */
const withoutPaths = (value: unknown) => {
  const isPath = (v: unknown) => typeof v === "string" && path.isAbsolute(v);
  return JSON.stringify(value, (_k, v: unknown) => (isPath(v) || (Array.isArray(v) && v.length > 0 && v.every(isPath)) ? "<paths>" : v));
};

/**
 * The files a config value names: each string that is a file, or a glob's matches. A zip
 * archive (`archive.zip#<glob>`) is hashed, and so are the members the build reads (extracted
 * once per archive content, their hashes known from the last run's loads): a refresh given one
 * more monthly download reads just its members.
 */
async function namedFiles(ctx: Pick<Context, "db" | "config">, value: unknown): Promise<string[]> {
  const { db } = ctx;
  const files = new Set<string>();
  for (const named of strings(value)) {
    const archive = ARCHIVE_PATTERN.exec(named)?.[1];
    if (archive && path.isAbsolute(archive)) {
      try {
        for (const f of await expandFiles(ctx, "", [named])) files.add(f);
      } catch {
        // An archive the load cannot read either (it says why), or one without tables (boundaries): the archive alone.
      }
    }
    const s = archive ?? named;
    if (!path.isAbsolute(s)) continue;
    if (/[*?[]/.test(s)) for (const r of await db.all<{ file: string }>(`SELECT file FROM glob($p)`, { p: s })) files.add(r.file);
    else if (existsSync(s) && statSync(s).isFile()) {
      files.add(s);
      // A shapefile is its .shp and the files beside it: the attributes (area codes) are in the .dbf.
      if (/\.shp$/i.test(s)) for (const ext of [".dbf", ".prj", ".cpg"]) if (existsSync(s.slice(0, -4) + ext)) files.add(s.slice(0, -4) + ext);
    }
  }
  return [...files].sort();
}

/** What a source's stages depend on (see the module doc). */
export interface SourceState {
  /** Everything but its own files: code, config, its block, the sources it reads. */
  setup: string;
  /** Its own files with their SHA-256. */
  files: Map<string, string>;
  /** `setup` and `files` together. */
  fingerprint: string;
}

/** Each source's state, in load order (a source's `reads` come before it). */
export async function sourceStates(ctx: Pick<Context, "db" | "config">, adapters: readonly SourceAdapter[]): Promise<Map<string, SourceState>> {
  const { db } = ctx;
  // What of the config the two stages read besides `sources` (the title, comparators, weighting,
  // outcomes and pack options are for the later stages, which run in full every time): what
  // every source reads, and the build's own areas, for the sources that read them.
  const { sources, parent, focus, focusAreas, localityAreas, geography, baseDir } = ctx.config;
  const rest = { parent, geography, baseDir };
  const areas = withoutPaths({ focus, focusAreas, localityAreas });
  const common = await namedFiles(ctx, rest);
  const commonHashes = await hashFiles(db, common);
  const engine = (await db.one<{ v: string }>(`SELECT library_version AS v FROM pragma_version()`))?.v ?? "unknown";
  // Files by their place relative to the config: a project moved with its files is unchanged (`relocate.ts`).
  const portable = (files: Map<string, string>) => JSON.stringify([...files].map(([f, sha]) => [path.relative(baseDir, f), sha]));
  const base = createHash("sha256").update(codeFingerprint()).update(engine).update(withoutPaths(rest)).update(portable(commonHashes)).digest("hex");
  const out = new Map<string, SourceState>();
  for (const a of adapters) {
    const block = (sources as Record<string, unknown>)[a.slot];
    const setup = createHash("sha256").update(base).update(a.slot).update(withoutPaths(block ?? null));
    if (a.readsAreas) setup.update(areas);
    for (const slot of a.reads ?? []) setup.update(slot).update(out.get(slot)?.fingerprint ?? "absent");
    const files = await hashFiles(db, await namedFiles(ctx, block));
    const setupHex = setup.digest("hex");
    out.set(a.slot, { setup: setupHex, files, fingerprint: createHash("sha256").update(setupHex).update(portable(files)).digest("hex") });
  }
  return out;
}

/**
 * How each source stands against the previous warehouse (attached as `prev`): `unchanged` (same
 * fingerprint), `files` (only its own files differ: the previous files with their SHA-256, so an
 * adapter may read only the new ones), or absent (read in full).
 */
export async function compareSources(db: Warehouse, prev: string, states: Map<string, SourceState>): Promise<Map<string, "unchanged" | Map<string, string>>> {
  const out = new Map<string, "unchanged" | Map<string, string>>();
  if (!(await db.hasTable("audit.source_state", prev))) return out;
  const recorded = await db.all<{ slot: string; setup: string; fingerprint: string }>(`SELECT slot, setup, fingerprint FROM ${prev}.audit.source_state`);
  for (const r of recorded) {
    const now = states.get(r.slot);
    if (!now) continue;
    if (now.fingerprint === r.fingerprint) out.set(r.slot, "unchanged");
    else if (now.setup === r.setup) {
      const files = await db.all<{ path: string; sha256: string }>(`SELECT path, sha256 FROM ${prev}.audit.source_files WHERE slot = $s`, { s: r.slot });
      out.set(r.slot, new Map(files.map((f) => [f.path, f.sha256])));
    }
  }
  return out;
}

/** Record this run's source states. */
export async function recordSourceState(db: Warehouse, states: Map<string, SourceState>): Promise<void> {
  await db.run(`DELETE FROM audit.source_state`);
  await db.insertRows("audit.source_state", ["slot", "setup", "fingerprint"], [...states].map(([slot, s]) => ({ slot, setup: s.setup, fingerprint: s.fingerprint })));
}

/** What files gave when they were last read (their `audit.loads` rows; a workbook's tables are `book.xlsx#sheet`), marked as reused: all of an unchanged source's, or the named ones. */
export async function previousLoads(db: Warehouse, slot: string, only?: readonly string[]): Promise<FileLoad[]> {
  if (only && !only.length) return [];
  const rows = await db.all<{ source: string; path: string; sha256: string; r: number; l: number; j: number }>(
    `SELECT l.source, l.path, l.sha256, l.rows_read::BIGINT AS r, l.rows_loaded::BIGINT AS l, l.rows_rejected::BIGINT AS j
     FROM audit.loads l JOIN audit.source_files s ON (s.path = l.path OR starts_with(l.path, s.path || '#')) AND s.sha256 = l.sha256 WHERE s.slot = $s
     ${only ? `AND l.path IN (${only.map(literal).join(", ")})` : ""} ORDER BY s.rowid, l.rowid`,
    { s: slot },
  );
  return rows.map((r) => ({ source: r.source, path: r.path, sha256: r.sha256, rowsRead: Number(r.r), rowsLoaded: Number(r.l), rowsRejected: Number(r.j), reused: true }));
}
