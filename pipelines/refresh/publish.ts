/**
 * Versioned publishing: each run writes its packs into a hidden folder, renames it to
 * `<outputDir>/<runId>/`, then points `<outputDir>/latest` at it by renaming a fresh symlink over
 * the old one (an atomic replace). A failed or killed run leaves `latest` exactly as it was;
 * its half-written folder is cleared by the next run. Older versions are kept up to `retention`.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { processAlive } from "./lock.ts";

/** The folder `latest` points at, or null. */
export function latestVersion(outputDir: string): string | null {
  const link = path.join(outputDir, "latest");
  try {
    return lstatSync(link).isSymbolicLink() ? path.resolve(outputDir, readlinkSync(link)) : null;
  } catch {
    return null; // no latest yet
  }
}

/** Remove `.building-*` folders left by runs whose process is gone. */
export function clearAbandoned(outputDir: string): string[] {
  if (!existsSync(outputDir)) return [];
  const cleared: string[] = [];
  for (const name of readdirSync(outputDir)) {
    const m = /^\.(?:building|latest)-.*-(\d+)$/.exec(name);
    if (m && !processAlive(Number(m[1]))) {
      rmSync(path.join(outputDir, name), { recursive: true, force: true });
      cleared.push(name);
    }
  }
  return cleared;
}

/**
 * Publish a run: `write(dir)` fills a fresh folder (and returns what it wrote); `extra` files
 * (e.g. `changes.json`) are added; then the folder becomes `<outputDir>/<runId>` and `latest`
 * switches to it. Returns the version folder.
 */
export async function publishRun<T>(
  outputDir: string,
  runId: string,
  write: (dir: string) => Promise<T>,
  opts: { retention: number; extra?: Record<string, string> } = { retention: 10 },
): Promise<{ versionDir: string; written: T }> {
  mkdirSync(outputDir, { recursive: true });
  clearAbandoned(outputDir);
  const tmp = path.join(outputDir, `.building-${runId}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let written: T;
  try {
    written = await write(tmp);
    for (const [name, text] of Object.entries(opts.extra ?? {})) writeFileSync(path.join(tmp, name), text);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  let name = runId;
  for (let i = 2; existsSync(path.join(outputDir, name)); i++) name = `${runId}-${i}`;
  const versionDir = path.join(outputDir, name);
  renameSync(tmp, versionDir);
  const link = path.join(outputDir, `.latest-${runId}-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(name, link);
  renameSync(link, path.join(outputDir, "latest"));
  prune(outputDir, opts.retention);
  return { versionDir, written };
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
