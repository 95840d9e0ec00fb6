/**
 * Versioned publishing: each run writes its packs into a hidden folder and renames it to
 * `<outputDir>/<runId>/` (`stageRun`); then `commitRun` switches the warehouse and the packs
 * together: the new warehouse file is renamed over the old one, and `latest` is switched to the
 * new version. If either cannot switch, neither does: the old warehouse is put back, the new
 * version folder removed, and `latest` stays as it was. A failed or killed run leaves `latest`
 * exactly as it was; its half-written folder is cleared by the next run. Older versions are kept
 * up to `retention`.
 *
 * `latest` is the same on every platform:
 * - `<outputDir>/LATEST`, a one-line file naming the version folder, written aside and renamed
 *   over the old one (an atomic replace): what `latestVersion` reads.
 * - `<outputDir>/latest`, the path people open: a symlink renamed over the old one where
 *   symlinks are allowed; where they are not (Windows without admin rights or developer mode) a
 *   copy of the version folder, swapped in by two renames.
 */
import { copyFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SCRATCH_NAME } from "../../sources/files.ts";
import { processAlive } from "../core/process-alive.ts";

/** The pointer file naming the latest version folder. */
export const LATEST_FILE = "LATEST";

/** The folder `latest` points at (the `LATEST` file, else an older output folder's symlink), or null. */
export function latestVersion(outputDir: string): string | null {
  try {
    const name = readFileSync(path.join(outputDir, LATEST_FILE), "utf8").trim();
    if (name) return path.resolve(outputDir, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const link = path.join(outputDir, "latest");
  try {
    return lstatSync(link).isSymbolicLink() ? path.resolve(outputDir, readlinkSync(link)) : null;
  } catch {
    return null; // no latest yet
  }
}

/** Temporary names of a run's publishing (`.building-…-<pid>`, `.latest-…-<pid>`, `.LATEST-<pid>`), with the pid. */
const TEMP_NAME = /^\.(?:building|latest|LATEST)(?:-.*)?-(\d+)$/;

/** Remove the entries of `dir` whose name `pattern` matches with a pid (its first group) whose process is gone. */
function clearDeadRuns(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const cleared: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = pattern.exec(name);
    const pid = m && Number(m[1] ?? m[2]);
    if (m && !processAlive(pid as number)) {
      rmSync(path.join(dir, name), { recursive: true, force: true });
      cleared.push(name);
    }
  }
  return cleared;
}

/** Remove the temporary folders and files left in `outputDir` by runs whose process is gone. */
export function clearAbandoned(outputDir: string): string[] {
  return clearDeadRuns(outputDir, TEMP_NAME);
}

/**
 * Remove what runs whose process is gone left beside the warehouse `final`: their new warehouse
 * (`<final>.building-<pid>`, with its `.wal` and `.tmp` spill folder), the old one kept aside
 * while switching (`<final>.previous-<pid>`) and the old one's copy for a moved project
 * (`<final>.relocated-<pid>`). Paths removed, relative to the warehouse's folder.
 */
export function clearAbandonedWarehouse(final: string): string[] {
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const base = esc(path.basename(final));
  // The Parquet export beside it (`<name>-parquet.building-<pid>`, `<name>-parquet.old-<pid>`).
  const parquet = esc(`${path.basename(final, path.extname(final))}-parquet`);
  return clearDeadRuns(path.dirname(final), new RegExp(`^(?:${base}\\.(?:building|previous|relocated)-(\\d+)(?:\\.wal|\\.tmp)?|${parquet}\\.(?:building|old)-(\\d+))$`));
}

/** Remove the scratch folders (`SCRATCH_NAME`) that killed runs left in the OS temp dir. Names removed. */
export function clearAbandonedScratch(): string[] {
  return clearDeadRuns(tmpdir(), SCRATCH_NAME);
}

/** A run's packs in their version folder, waiting for `commitRun` (or `discardRun`). */
export interface StagedRun {
  outputDir: string;
  /** `<outputDir>/<runId>` (or `<runId>-2`, … when that name is taken). */
  versionDir: string;
}

/**
 * Stage a run: `write(dir)` fills a fresh folder (and returns what it wrote); `extra` files
 * (e.g. `changes.json`) are added; then the folder becomes `<outputDir>/<runId>`. Nothing that
 * readers use has changed yet. A failing writer leaves no folder behind.
 */
export async function stageRun<T>(
  outputDir: string,
  runId: string,
  write: (dir: string) => Promise<T>,
  extra: Record<string, string> = {},
): Promise<{ staged: StagedRun; written: T }> {
  mkdirSync(outputDir, { recursive: true });
  clearAbandoned(outputDir);
  const tmp = path.join(outputDir, `.building-${runId}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  let written: T;
  try {
    mkdirSync(tmp, { recursive: true });
    written = await write(tmp);
    for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(tmp, name), text);
    let name = runId;
    for (let i = 2; existsSync(path.join(outputDir, name)); i++) name = `${runId}-${i}`;
    const versionDir = path.join(outputDir, name);
    renameSync(tmp, versionDir);
    return { staged: { outputDir, versionDir }, written };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Remove a staged run that will not be published. */
export function discardRun(staged: StagedRun): void {
  if (latestVersion(staged.outputDir) !== staged.versionDir) rmSync(staged.versionDir, { recursive: true, force: true });
}

/** How `latest` is switched; `symlink` is injectable so tests can refuse it as Windows does. */
export interface SwitchOptions {
  symlink?: (target: string, file: string) => void;
}

/** Errors of a platform that does not allow this process to make symlinks. */
const NO_SYMLINKS = new Set(["EPERM", "EACCES", "ENOSYS", "EOPNOTSUPP", "ENOTSUP"]);

/**
 * Point `latest` at `versionDir`: the `LATEST` file (renamed over), then the `latest` symlink, or
 * a copy of the folder where symlinks are not allowed. Returns how `latest` was made.
 */
export function switchLatest(outputDir: string, versionDir: string, opts: SwitchOptions = {}): "symlink" | "copy" {
  const name = path.basename(versionDir);
  const pointer = path.join(outputDir, `.LATEST-${process.pid}`);
  const next = path.join(outputDir, `.latest-${name}-${process.pid}`);
  const old = path.join(outputDir, `.latest-old-${process.pid}`);
  const latest = path.join(outputDir, "latest");
  rmSync(next, { recursive: true, force: true });
  let how: "symlink" | "copy" = "symlink";
  try {
    (opts.symlink ?? symlinkSync)(name, next);
  } catch (err) {
    if (!NO_SYMLINKS.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
    how = "copy";
    cpSync(versionDir, next, { recursive: true });
  }
  const previous = latestVersion(outputDir);
  const point = (to: string) => {
    writeFileSync(pointer, to + "\n");
    renameSync(pointer, path.join(outputDir, LATEST_FILE));
  };
  try {
    point(name);
  } catch (err) {
    rmSync(pointer, { force: true });
    rmSync(next, { recursive: true, force: true });
    throw err;
  }
  try {
    // A symlink is renamed over a symlink in one step; a folder (a copy, or a symlink replacing
    // an earlier copy) cannot replace or be replaced that way, so the old one is moved aside first.
    const before = entryKind(latest);
    if (before === "folder" || (how === "copy" && before === "link")) {
      renameSync(latest, old);
      try {
        renameSync(next, latest);
      } catch (err) {
        renameSync(old, latest);
        throw err;
      }
      rmSync(old, { recursive: true, force: true });
    } else renameSync(next, latest);
  } catch (err) {
    // `latest` did not move: LATEST goes back to what it named.
    if (previous) point(path.relative(outputDir, previous));
    else rmSync(path.join(outputDir, LATEST_FILE), { force: true });
    rmSync(next, { recursive: true, force: true });
    throw err;
  }
  return how;
}

/** What stands at a path: nothing, a symlink (even dangling) or anything else. */
function entryKind(p: string): "none" | "link" | "folder" {
  try {
    return lstatSync(p).isSymbolicLink() ? "link" : "folder";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "none";
    throw err;
  }
}

/** The new warehouse file to switch with the packs: `building` is renamed to `final`. */
export interface WarehouseSwitch {
  building: string;
  final: string;
}

/**
 * Switch the warehouse and the packs together, or neither: the old warehouse is kept aside, the
 * new one renamed over it, then `latest` switched; if any step fails, the old warehouse is put
 * back (the new one is dropped), the staged version removed, and the error rethrown.
 * Then versions beyond `retention` are pruned.
 */
export function commitRun(staged: StagedRun, opts: { retention: number; warehouse?: WarehouseSwitch } & SwitchOptions): void {
  const w = opts.warehouse;
  const aside = w ? `${w.final}.previous-${process.pid}` : null;
  let kept = false;
  let placed = false;
  try {
    if (w && aside) {
      // The old warehouse is kept under a second name (a hard link: no copy, and `final` never
      // goes missing), then the new one renamed over it in one step.
      rmSync(aside, { force: true });
      if (existsSync(w.final)) {
        try {
          linkSync(w.final, aside);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "EPERM" && (err as NodeJS.ErrnoException).code !== "ENOTSUP") throw err;
          copyFileSync(w.final, aside); // a file system without hard links (FAT, some network shares)
        }
        kept = true;
      }
      renameSync(w.building, w.final);
      placed = true;
    }
    switchLatest(staged.outputDir, staged.versionDir, opts);
  } catch (err) {
    // Put back what was there: the old warehouse, or no warehouse at all.
    if (w && placed) {
      if (kept) renameSync(aside!, w.final);
      else rmSync(w.final, { force: true });
    }
    discardRun(staged);
    throw err;
  } finally {
    if (aside) rmSync(aside, { force: true });
  }
  prune(staged.outputDir, opts.retention);
}

/**
 * Publish a run's packs alone (no warehouse to switch): `stageRun` then `commitRun`. Returns the
 * version folder and what `write` returned.
 */
export async function publishRun<T>(
  outputDir: string,
  runId: string,
  write: (dir: string) => Promise<T>,
  opts: { retention: number; extra?: Record<string, string> } & SwitchOptions = { retention: 10 },
): Promise<{ versionDir: string; written: T }> {
  const { staged, written } = await stageRun(outputDir, runId, write, opts.extra);
  commitRun(staged, opts);
  return { versionDir: staged.versionDir, written };
}

/** Keep the newest `retention` version folders (never the one `latest` points at). */
export function prune(outputDir: string, retention: number): string[] {
  const current = latestVersion(outputDir);
  const versions = readdirSync(outputDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{8}T\d{6}Z(-\d+)?$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const removed: string[] = [];
  for (const v of versions.slice(0, Math.max(0, versions.length - retention))) {
    if (path.join(outputDir, v) === current) continue;
    rmSync(path.join(outputDir, v), { recursive: true, force: true });
    removed.push(v);
  }
  return removed;
}
