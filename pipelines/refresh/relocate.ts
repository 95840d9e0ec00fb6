/**
 * A project folder moved or copied (to another disk, another user's home, a CI checkout): the
 * warehouse records its input files by their absolute paths (`audit.loads`, `audit.source_files`,
 * the staged rows' `_file`, ...), so without help a refresh there would find none of them and read
 * every source again. Each run records the config's folder (`audit.project`); a run whose config
 * sits elsewhere rewrites the recorded paths in a copy of the last warehouse before it compares
 * anything with it. A source's fingerprint names its files relative to the config's folder
 * (`source-state.ts`), so the same files in the same places around the config are unchanged.
 *
 * What moved is found from the two folders: the parts they end in alike are the project's own
 * (`/home/a/proj/configs` -> `/srv/b/proj/configs`: `/home/a` became `/srv/b`), and every recorded
 * path under the old root is rewritten to the new one. A recorded path outside it (data kept in a
 * shared folder that did not move) stays as it is. Rewriting more than moved is harmless: a path
 * that matches no file of the config now is a file gone, and its source is read again.
 */
import { constants as fsConstants, copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { enumMembersOf, ident, literal, type Warehouse } from "../core/warehouse.ts";
import { enumTypeSql } from "../../sources/enum-columns.ts";

/** Record the folder of the config this run was built from. */
export async function recordProjectFolder(db: Warehouse, baseDir: string): Promise<void> {
  await db.run(`DELETE FROM audit.project; INSERT INTO audit.project VALUES ($b)`, { b: baseDir });
}

/** The config folder the warehouse at `file` was last built from, or null (none recorded, or it cannot be read). */
export async function projectFolderOf(open: (file: string) => Promise<Warehouse>, file: string): Promise<string | null> {
  let db: Warehouse | null = null;
  try {
    db = await open(file);
    if (!(await db.hasTable("audit.project"))) return null;
    return (await db.one<{ b: string }>(`SELECT base_dir AS b FROM audit.project LIMIT 1`))?.b ?? null;
  } catch {
    return null; // a damaged warehouse: the run says so when it opens it
  } finally {
    db?.close();
  }
}

/**
 * The folders that moved, from the config's old and new folders: both without the trailing
 * folder names they share. The folders themselves when they share none, or when that would leave
 * a file system's root (everything under `/` is not a project).
 */
export function movedRoots(from: string, to: string): { from: string; to: string } | null {
  const a = path.resolve(from);
  const b = path.resolve(to);
  if (a === b) return null;
  let [ra, rb] = [a, b];
  while (path.basename(ra) === path.basename(rb) && path.basename(ra) !== "") {
    const [pa, pb] = [path.dirname(ra), path.dirname(rb)];
    if (pa === path.parse(pa).root || pb === path.parse(pb).root) break;
    [ra, rb] = [pa, pb];
  }
  return { from: ra, to: rb };
}

/**
 * Rewrite every recorded path under `from` to lie under `to` instead, in every table of the open
 * warehouse: text columns by replacing the folder where it occurs (a path, or a message naming
 * one), ENUM columns (police.uk's `_file`) by their members.
 */
export async function rewritePaths(db: Warehouse, from: string, to: string): Promise<void> {
  const [old, now] = [from + path.sep, to + path.sep];
  const columns = await db.all<{ s: string; t: string; c: string; type: string }>(`
    SELECT c.schema_name AS s, c.table_name AS t, c.column_name AS c, c.data_type AS type
    FROM duckdb_columns() c JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
    WHERE c.database_name = current_database() AND NOT t.temporary AND (c.data_type = 'VARCHAR' OR c.data_type LIKE 'ENUM(%')
    ORDER BY ALL`);
  for (const { s, t, c, type } of columns) {
    const table = `${ident(s)}.${ident(t)}`;
    const members = enumMembersOf(type);
    if (members) {
      if (!members.some((m) => m.includes(old))) continue;
      await db.run(`ALTER TABLE ${table} ALTER ${ident(c)} TYPE ${enumTypeSql(members.map((m) => m.replaceAll(old, now)))}
        USING replace(${ident(c)}::VARCHAR, ${literal(old)}, ${literal(now)})`);
    } else {
      await db.run(`UPDATE ${table} SET ${ident(c)} = replace(${ident(c)}, $o, $n) WHERE contains(${ident(c)}, $o)`, { o: old, n: now });
    }
  }
}

/**
 * The last warehouse as this run should see it: `final` itself when the config has not moved
 * since it was built; else a copy beside it (`<final>.relocated-<pid>`, removed by `done`) with its
 * recorded paths rewritten to the config's new place.
 */
export async function previousForFolder(
  open: (file: string, readOnly: boolean) => Promise<Warehouse>, final: string, baseDir: string,
): Promise<{ file: string; moved: { from: string; to: string } | null; done: () => void }> {
  const recorded = await projectFolderOf((f) => open(f, true), final);
  const moved = recorded ? movedRoots(recorded, baseDir) : null;
  if (!moved) return { file: final, moved: null, done: () => {} };
  const file = `${final}.relocated-${process.pid}`;
  const done = () => {
    for (const f of [file, file + ".wal", file + ".tmp"]) rmSync(f, { recursive: true, force: true });
  };
  try {
    copyFileSync(final, file, fsConstants.COPYFILE_FICLONE); // a clone where the file system can (see run-build.ts)
    const db = await open(file, false);
    try {
      await rewritePaths(db, moved.from, moved.to);
      await db.run(`CHECKPOINT`);
    } finally {
      db.close();
    }
  } catch (err) {
    done();
    throw err;
  }
  return { file, moved, done };
}
