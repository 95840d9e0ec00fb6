/**
 * SQL cells at build time. Every `<script type="application/sql" database="warehouse">` cell of
 * a notebook is run against the warehouse (opened read-only) when the page is built or served,
 * and its result is written where Notebook Kit looks for a cached query result
 * (`notebooks/.observable/cache/`), so the kit's own SQL-cell machinery turns it into a
 * `FileAttachment(...).json()` on the page. The page never talks to a database.
 *
 * Why not the kit's DuckDB connector: Notebook Kit 2.1.8 imports `VARINT` from
 * `@duckdb/node-api`, a type that DuckDB 1.4 renamed `BIGNUM`, so the connector cannot load next
 * to the pinned `@duckdb/node-api` 1.5.6. Running the cells here also lets us open the file
 * read-only and always re-run the queries (the kit keys its cache on the query text only, so a
 * rebuilt warehouse would otherwise be served stale results).
 *
 * Any warehouse: a build without a survey or complaints has no `ref.survey_languages` or
 * `staging.complaints`. A SQL cell that reads a table the warehouse lacks is not run; it and every
 * cell that depends on it (through the variables they define) are replaced by a short note, so
 * the rest of the notebook still builds and runs (`omitCellsOnAbsentTables`). A cell marked
 * optional (a line `-- optional: why` in its SQL) is not omitted: it gives no rows, and the cells
 * that use it fall back to what they know without it (`ref.indicators`, which warehouses built
 * before it existed lack: the notebooks then name indicators from the catalogue).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBType } from "@duckdb/node-api";
import { getQueryCachePath } from "@observablehq/notebook-kit/databases";
import { transpile, type Cell, type Notebook } from "@observablehq/notebook-kit";
import type { Logger } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { escapeHtml } from "./escape-html.ts";

/** The `database` name notebooks give their SQL cells. */
export const WAREHOUSE_DATABASE = "warehouse";

/** A SQL cell that gives no rows, rather than being left out, when a table it reads is absent: a line `-- optional: why`. */
export const OPTIONAL_CELL = /^\s*--\s*optional:/m;

/** A query result's cache file name, `warehouse-<hash of the warehouse path>-<process id>-<hash of the query>.json`: groups `pid` and `query`. */
export const SESSION_CACHE_NAME = new RegExp(`^${WAREHOUSE_DATABASE}-[0-9a-f]{10}-(?<pid>\\d+)-(?<query>[0-9a-z]+)\\.json$`);

/** A column of a cached result, as Notebook Kit's `DatabaseClient.revive` reads it. */
export interface ResultColumn {
  name: string;
  type: "string" | "number" | "integer" | "date" | "boolean" | "object" | "array" | "buffer" | "other";
}

/** What Notebook Kit expects in a query cache file. */
export interface CachedResult {
  rows: Record<string, unknown>[];
  schema: ResultColumn[];
  duration: number;
  /** When the data was produced: the warehouse file's modification time. */
  date: string;
}

/** The build-time SQL runner of one build or preview session. */
export interface WarehouseCells {
  /** The warehouse file (absolute). */
  warehouse: string;
  /**
   * The name SQL cells are re-pointed to: `warehouse-<hash of the path>-<process id>`, so two
   * sessions (a build and a preview, a test and a build) never share or delete each other's
   * cache files.
   */
  databaseName: string;
  /** Notebook Kit's `transformNotebook` hook: runs the notebook's warehouse SQL cells. */
  transformNotebook(notebook: Notebook, context: { filename: string }): Promise<Notebook>;
  /** Cache files written or confirmed by this session. */
  readonly files: Set<string>;
  /** Queries run so far. */
  readonly queries: number;
  /** Delete this session's cache files (after a build: the built pages carry their own copies). */
  removeCacheFiles(): void;
}

/** A notebook's SQL cell failed; the message names the notebook and the cell. */
export class NotebookQueryError extends Error {
  override name = "NotebookQueryError";
}

/**
 * Prepare to run notebooks' SQL cells against `warehouse`. The file is opened read-only for each
 * notebook and closed again, so a long preview never holds it while the pipeline rebuilds it.
 */
export function warehouseCells(warehouse: string, log?: Logger): WarehouseCells {
  if (!existsSync(warehouse)) {
    throw new NotebookQueryError(`warehouse not found: ${warehouse} (build it first: npx tsx pipelines/build.ts)`);
  }
  const file = realpathSync(warehouse);
  const databaseName = `${WAREHOUSE_DATABASE}-${createHash("sha1").update(file).digest("hex").slice(0, 10)}-${process.pid}`;
  const files = new Set<string>();
  let queries = 0;

  async function transformNotebook(notebook: Notebook, context: { filename: string }): Promise<Notebook> {
    const cells = notebook.cells.filter((c) => c.mode === "sql");
    if (!cells.length) return notebook;
    const where = (id: number) => `${path.relative(process.cwd(), context.filename)}, cell ${id}`;
    for (const cell of cells) {
      if (cell.database !== WAREHOUSE_DATABASE) {
        throw new NotebookQueryError(
          `${where(cell.id)}: SQL cells must use database="${WAREHOUSE_DATABASE}" (got ${cell.database ? `"${cell.database}"` : "none"}); ` +
            `the notebooks read only the warehouse, at build time`,
        );
      }
      if (/\$\{/.test(cell.value)) {
        throw new NotebookQueryError(
          `${where(cell.id)}: SQL cells run once, at build time, so they cannot interpolate \${...}; ` +
            `select what you need here and filter it in a JavaScript cell`,
        );
      }
    }
    const date = statSync(file).mtime.toISOString();
    const instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY", autoinstall_known_extensions: "false" });
    try {
      const connection = await instance.connect();
      try {
        // One thread: a query's rows then come out in the same order every build, ties of its
        // ORDER BY (or a query without one) included, so the pages are the same byte for byte.
        // Notebook queries read marts, small enough that more threads would save little.
        await connection.run("SET TimeZone = 'UTC'; SET threads = 1");
        const present = await warehouseTables(connection);
        const absent = new Map<Cell, string[]>();
        for (const cell of cells) {
          const missing = (await referencedTables(connection, cell.value)).filter((t) => !present.has(t));
          if (missing.length && !OPTIONAL_CELL.test(cell.value)) {
            absent.set(cell, missing);
            continue;
          }
          const t0 = performance.now();
          let result: CachedResult;
          if (missing.length) {
            result = { rows: [], schema: [], duration: 0, date };
          } else {
            try {
              const reader = await connection.runAndReadAll(cell.value);
              const schema = reader.columnNames().map((name, i) => ({ name, type: columnType(reader.columnTypes()[i]) }));
              const rows = reader.getRowObjectsJson().map((row) => reviveNumbers(row as Record<string, unknown>, schema));
              result = { rows, schema, duration: Math.round(performance.now() - t0), date };
            } catch (err) {
              throw new NotebookQueryError(`${where(cell.id)}: ${(err as Error).message}`);
            }
            queries++;
          }
          cell.database = databaseName;
          const cachePath = await getQueryCachePath(context.filename, databaseName, [cell.value]);
          writeIfChanged(cachePath, JSON.stringify({ ...result, duration: 0 }));
          files.add(cachePath);
        }
        if (absent.size) {
          const { notebook: shown, omitted, tables } = omitCellsOnAbsentTables(notebook, absent);
          log?.warn(messages.notebookCellsOmitted(path.relative(process.cwd(), context.filename), omitted, tables));
          return shown;
        }
      } finally {
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }
    return notebook;
  }

  return {
    warehouse: file,
    databaseName,
    transformNotebook,
    files,
    get queries() {
      return queries;
    },
    removeCacheFiles() {
      for (const f of files) if (existsSync(f)) unlinkSync(f);
      files.clear();
    },
  };
}

/** Every table and view of the warehouse, as `schema.name`. */
async function warehouseTables(connection: DuckDBConnection): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal`,
  );
  return new Set(reader.getRowObjectsJson().map((r) => String(r.name)));
}

/**
 * The schema-qualified tables a query reads (`staging.complaints`, ...), from DuckDB's own parse
 * tree (`json_serialize_sql`), so names in comments, strings and CTEs are not mistaken for tables.
 * Unqualified names (CTEs, table functions) are left out. A query DuckDB cannot parse gives none:
 * running it then reports the syntax error.
 */
export async function referencedTables(connection: DuckDBConnection, sql: string): Promise<string[]> {
  // json_serialize_sql takes a constant only: the query goes in as a quoted literal.
  const reader = await connection.runAndReadAll(`SELECT json_serialize_sql('${sql.replaceAll("'", "''")}') AS tree`);
  const tables = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      const n = node as Record<string, unknown>;
      if (n.type === "BASE_TABLE" && typeof n.schema_name === "string" && n.schema_name && typeof n.table_name === "string") {
        tables.add(`${n.schema_name}.${n.table_name}`);
      }
      Object.values(n).forEach(visit);
    }
  };
  visit(JSON.parse(String(reader.getRowObjectsJson()[0].tree)));
  return [...tables].sort();
}

/** What {@link omitCellsOnAbsentTables} made of a notebook. */
export interface OmittedCells {
  notebook: Notebook;
  /** Cells taken out (each shown as a note where it would have shown something). */
  omitted: number;
  /** The absent tables, sorted. */
  tables: string[];
}

/**
 * Take out the SQL cells in `absent` (cell -> the tables it reads that the warehouse lacks) and
 * every cell that uses a variable they define, directly or through other cells. A cell that would
 * have shown something (a visible SQL, Markdown or HTML cell, a JavaScript expression, or one
 * that calls `display` or `view`) becomes a note naming the absent tables; the others go.
 * Adjacent identical notes are shown once. A Markdown cell that opens with a heading keeps a
 * heading of that level, so the page's outline stays whole.
 */
export function omitCellsOnAbsentTables(notebook: Notebook, absent: Map<Cell, string[]>): OmittedCells {
  const missingVars = new Map<string, string[]>();
  const omitted = new Map<Cell, string[]>(absent);
  for (const [cell, tables] of absent) if (cell.output) missingVars.set(cell.output, tables);
  const deps = new Map(notebook.cells.filter((c) => c.mode !== "sql").map((c) => [c, transpile(c)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [cell, t] of deps) {
      if (omitted.has(cell)) continue;
      const tables = [...new Set((t.inputs ?? []).flatMap((name) => missingVars.get(name) ?? []))].sort();
      if (!tables.length) continue;
      omitted.set(cell, tables);
      for (const name of [...(t.outputs ?? []), ...(t.output ? [t.output] : []), ...(cell.output ? [cell.output] : [])]) missingVars.set(name, tables);
      changed = true;
    }
  }
  const shows = (cell: Cell): boolean => {
    if (cell.mode === "sql" || cell.mode === "md" || cell.mode === "html") return !cell.hidden;
    const t = deps.get(cell)!;
    return !cell.hidden && (Boolean(t.autodisplay) || (t.inputs ?? []).some((name) => name === "display" || name === "view"));
  };
  const cells: Cell[] = [];
  let lastNote: string | undefined;
  for (const cell of notebook.cells) {
    const tables = omitted.get(cell);
    if (!tables) {
      cells.push(cell);
      lastNote = undefined;
      continue;
    }
    if (!shows(cell)) continue;
    const note = headingOf(cell) + `<p class="ln-note ln-absent">${escapeHtml(messages.notebookTablesAbsent(tables))}</p>`;
    if (note === lastNote) continue;
    cells.push({ id: cell.id, mode: "html", value: note, pinned: false, hidden: false });
    lastNote = note;
  }
  return { notebook: { ...notebook, cells }, omitted: omitted.size, tables: [...new Set([...absent.values()].flat())].sort() };
}


/**
 * The heading a Markdown cell opens with, as HTML: its text without `${...}` parts, or "Not
 * available" when nothing readable is left (`## ${info.title}`). Empty for other cells.
 */
function headingOf(cell: Cell): string {
  if (cell.mode !== "md") return "";
  const m = /^\s*(#{1,6})\s+(.*)$/m.exec(cell.value);
  if (!m || cell.value.trimStart().indexOf(m[1]) !== 0) return "";
  const text = m[2].replace(/\$\{[^}]*\}/g, "").replace(/^[\s,:;.–-]+|[\s,:;–-]+$/g, "");
  return `<h${m[1].length}>${escapeHtml(/\p{L}/u.test(text) ? text : "Not available")}</h${m[1].length}>`;
}

/**
 * Delete query results that interrupted sessions left in `cacheDir` (a finished session removes
 * its own): those whose session process (the `<pid>` in `warehouse-<hash>-<pid>-...`) has exited.
 */
export function removeStaleCacheFiles(cacheDir: string): void {
  if (!existsSync(cacheDir)) return;
  for (const f of readdirSync(cacheDir)) {
    const pid = SESSION_CACHE_NAME.exec(f)?.groups?.pid;
    if (pid && !isRunning(Number(pid))) unlinkSync(path.join(cacheDir, f));
  }
}

/** Whether a process with this id exists (signal 0 only checks). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Write only when the content differs: the preview server watches the notebooks folder, and an
 * unchanged result must not trigger a reload (which would re-run the queries, and so on).
 */
function writeIfChanged(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, "utf-8") === content) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** DuckDB column type -> Database Client column type (dates are revived as `Date` on the page). */
function columnType(type: DuckDBType): ResultColumn["type"] {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return "boolean";
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UBIGINT: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UHUGEINT: case DuckDBTypeId.BIGNUM:
      return "integer";
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL:
      return "number";
    case DuckDBTypeId.DATE: case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: case DuckDBTypeId.TIMESTAMP_TZ:
      return "date";
    case DuckDBTypeId.VARCHAR: case DuckDBTypeId.UUID: case DuckDBTypeId.ENUM: case DuckDBTypeId.TIME: case DuckDBTypeId.TIME_TZ:
      return "string";
    case DuckDBTypeId.BLOB:
      return "buffer";
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY:
      return "array";
    case DuckDBTypeId.STRUCT: case DuckDBTypeId.MAP:
      return "object";
    default:
      return "other";
  }
}

/**
 * The JSON rows carry BIGINT and DECIMAL as strings and NaN as `"NaN"`: make them plain numbers
 * (null when not finite), so a `count(*)` is a number on the page without a cast.
 */
function reviveNumbers(row: Record<string, unknown>, schema: ResultColumn[]): Record<string, unknown> {
  for (const { name, type } of schema) {
    if (type !== "integer" && type !== "number") continue;
    const v = row[name];
    if (typeof v !== "string") continue;
    const n = Number(v);
    row[name] = Number.isFinite(n) ? n : null;
  }
  return row;
}
