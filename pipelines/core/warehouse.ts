/**
 * The DuckDB warehouse: a thin wrapper over `@duckdb/node-api` with bound parameters, quoted
 * identifiers and JSON-friendly results. One schema per layer: staging, ref, marts, audit. The
 * input files are the raw layer: the loader reads them into `raw_*` tables that the build drops
 * once conformed (`dropRawTables`), so the warehouse keeps no raw row.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalneedsError, messages } from "./messages.ts";

/** Parameters bound to `$name` (object) or `?` (array) placeholders. */
export type Params = Record<string, DuckDBValue> | DuckDBValue[];

/** The layers of the warehouse, in data-flow order. */
export const SCHEMAS = ["staging", "ref", "marts", "audit"] as const;

/** Quote an SQL identifier (schema, table or column name). */
export function ident(name: string): string {
  return '"' + name.replaceAll('"', '""') + '"';
}

/** Quote an SQL string literal (for the few places DuckDB will not bind, e.g. `read_csv` paths). */
export function literal(value: string): string {
  return "'" + value.replaceAll("'", "''") + "'";
}

/** The schema and table of a table name, `main` when it names none (`ref.areas`, `raw_ks2`). */
const schemaAndTable = (qualified: string): [string, string] => {
  const [a, b] = qualified.split(".", 2);
  return b === undefined ? ["main", a!] : [a!, b];
};

/**
 * SQL: a month the loader has checked (`YYYY-MM`, a column of `kind: "month"`) as the DATE of its
 * first day, cast from `YYYY-MM-01`: no strptime, and no make_date of two integer casts (a
 * national year of police.uk months: 0.1 s against 0.25 s). NULL for NULL; an error for text the
 * loader would have rejected.
 */
export function checkedMonthSql(cell: string): string {
  return `(${cell} || '-01')::DATE`;
}

/** White space trimmed from a cell before it is parsed as a date (C isspace: space, tab, LF, VT, FF, CR). */
const DATE_SPACES = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)";

/** What each strptime specifier the project uses reads, as a regular expression. */
const SPECIFIER_SHAPES: Record<string, string> = {
  d: "[0-9]{1,2}", m: "[0-9]{1,2}", Y: "[0-9]{4}", y: "[0-9]{2}", H: "[0-9]{1,2}", M: "[0-9]{1,2}", S: "[0-9]{1,2}", B: "[A-Za-z]+", b: "[A-Za-z]{3}",
};

/** The shape of the text a strptime `format` reads whole, as a regular expression (`%d/%m/%Y` -> `[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}`). */
export function strptimeShape(format: string): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== "%") {
      out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      continue;
    }
    const spec = format[++i]!;
    const shape = SPECIFIER_SHAPES[spec];
    if (!shape) throw new Error(`strptimeSql: no shape for %${spec} (add it to SPECIFIER_SHAPES)`);
    out += shape;
  }
  return out;
}

/**
 * SQL: `cell` parsed as a timestamp with a strptime `format`: NULL when it does not fit (with
 * `strict`, an error naming the value), NULL for NULL. Every strptime of the project goes through
 * here. DuckDB's strptime (1.5.6) reads one byte past the end of its input when the input ends
 * before the format does: "20/06/2022 10:20" against `%d/%m/%Y %H:%M:%S` read byte 17 of a
 * 16-byte string. Where the string ended at the end of mapped memory, the build died with SIGSEGV,
 * rarely and only under load: the "intermittent native crash" of issue 15, caught in a core dump
 * reading the page after "20/06/2022 10:20" in `StrpTimeFormat::Parse`. (Its leading-white-space
 * skip is unchecked too: duckdb/duckdb#25082.) So strptime is only ever given text of its
 * format's whole shape (`strptimeShape`), trimmed of white space: it never runs out of input.
 */
export function strptimeSql(cell: string, format: string, { strict = false }: { strict?: boolean } = {}): string {
  const text = `trim(${cell}, ${DATE_SPACES})`;
  const fits = `regexp_full_match(${text}, ${literal(strptimeShape(format))})`;
  const otherwise = strict ? ` WHEN ${cell} IS NOT NULL THEN error('could not parse ' || ${cell} || ' with the format ' || ${literal(format)})` : "";
  return `(CASE WHEN ${fits} THEN ${strict ? "strptime" : "try_strptime"}(${text}, ${literal(format)})${otherwise} END)`;
}

/** An open warehouse. Always `close()` it in `finally`. */
/**
 * SQL: the groups whose rows differ between tables `a` and `b` (same columns), one row `g` per
 * group value: rows grouped by `group` (an expression over the row, alias `t`) and compared by
 * count and a checksum of every row; a group in one table only differs too (NULL is a group).
 * With a constant `group`, one row when the tables differ at all, none when they hold the same rows.
 * `row` is what is hashed of a row (`t`, the whole row; see `TableChanges` for ENUM columns).
 */
export const changedGroupsSql = (a: string, b: string, group: string, row = "t") => {
  const groups = (x: string) => `SELECT ${group} AS g, count(*) AS n, sum(hash(${row})) AS h FROM ${x} t GROUP BY 1`;
  return `SELECT coalesce(a.g, b.g) AS g FROM (${groups(a)}) a FULL JOIN (${groups(b)}) b ON a.g IS NOT DISTINCT FROM b.g
    WHERE a.n IS DISTINCT FROM b.n OR a.h IS DISTINCT FROM b.h ORDER BY 1`;
};

/** The members of an ENUM type as DuckDB writes it (`ENUM('a', 'b''s')`), or null for another type. */
export function enumMembersOf(type: string | undefined): string[] | null {
  if (!type?.startsWith("ENUM(")) return null;
  return [...type.slice(5, -1).matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

/** The stages that record warnings. */
export type WarningStage = "load" | "conform" | "measure" | "compare" | "chart" | "pack";

/** A DuckDB setting from the environment variable `name`, checked against `pattern` (else a named error). */
function engineSetting(name: string, pattern: RegExp, expected: string): string | undefined {
  const value = process.env[name]?.trim();
  if (!value) return undefined;
  if (!pattern.test(value)) throw new LocalneedsError(messages.badEnvironmentSetting(name, value, expected));
  return value;
}

/** A connection with the session every statement of the project expects: UTC, and `trim_fast`. */
async function connectSession(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const c = await instance.connect();
  await c.run("SET TimeZone = 'UTC'");
  // trim() allocates a new string for every cell; most cells have no edge spaces. Same result
  // (DuckDB's trim strips spaces only), a fraction of the cost on millions of rows.
  await c.run(`CREATE OR REPLACE TEMP MACRO trim_fast(x) AS CASE WHEN prefix(x, ' ') OR suffix(x, ' ') THEN trim(x) ELSE x END`);
  return c;
}

export class Warehouse {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** The file path, or `:memory:`. */
    readonly path: string,
  ) {}

  /**
   * Open (or create) a warehouse file, or `:memory:`; creates the layer schemas. DuckDB's memory is
   * capped (`opts.memoryLimit`, else `LOCALNEEDS_MEMORY_LIMIT`, default 3GB) and spills to a temp
   * folder beside the file; its worker threads are `LOCALNEEDS_DUCKDB_THREADS` (default: one per
   * core; 1 where other processes already use every core, as the test workers do).
   * `readOnly` opens an existing file for reading only, so several processes can read it at once.
   */
  static async open(path = ":memory:", opts: { memoryLimit?: string; readOnly?: boolean } = {}): Promise<Warehouse> {
    const threads = engineSetting("LOCALNEEDS_DUCKDB_THREADS", /^[1-9]\d{0,3}$/, "a whole number of threads from 1");
    const instance = await DuckDBInstance.create(path, {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "true",
      // A new file in DuckDB 1.5's storage format, not the 1.0 format it writes by default: text columns
      // write a quarter faster (a national year's staged crime lines 6.0 -> 4.6 s). Pinned, so a newer
      // DuckDB does not change the format unasked; a file of an earlier build keeps its own.
      storage_compatibility_version: "v1.5.0",
      memory_limit: opts.memoryLimit ?? engineSetting("LOCALNEEDS_MEMORY_LIMIT", /^\d+(\.\d+)?\s*[KMGT]i?B$/i, "a size such as 3GB or 512MB") ?? "3GB",
      ...(threads ? { threads } : {}),
      ...(opts.readOnly ? { access_mode: "READ_ONLY" } : path === ":memory:" ? {} : { temp_directory: `${path}.tmp` }),
    });
    const wh = new Warehouse(instance, await connectSession(instance), path);
    if (!opts.readOnly) {
      for (const schema of SCHEMAS) await wh.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      // Warehouses written before the files became the raw layer kept a copy of every row in `raw.*`.
      await wh.run(`DROP SCHEMA IF EXISTS raw CASCADE`);
    }
    return wh;
  }

  /** The source (config slot) being loaded or conformed, recorded with its warnings (a refresh keeps an unchanged source's). */
  slot: string | null = null;

  /** Run a statement (or several separated by `;` when there are no parameters). */
  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params as never);
  }

  /**
   * Run independent statements side by side, `n` at a time, each on a connection of its own to the
   * same database, set up as this one (each statement runs on its connection's thread: with DuckDB's `threads` at 1, `n`
   * statements use `n` cores). Waits for every one; then throws the first failure, if any.
   */
  async runSideBySide(statements: readonly string[], n: number): Promise<void> {
    const connections = await Promise.all(Array.from({ length: Math.max(1, Math.min(n, statements.length)) }, () => connectSession(this.instance)));
    let next = 0;
    try {
      const done = await Promise.allSettled(connections.map(async (c) => {
        while (next < statements.length) await c.run(statements[next++]!);
      }));
      const failed = done.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    } finally {
      for (const c of connections) c.closeSync();
    }
  }

  /** Run a query and return its rows as plain objects (BIGINT as string, DATE as `YYYY-MM-DD`). */
  async all<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as never);
    // Read column by column, then zipped into rows: the objects getRowObjectsJson makes (checked
    // on every table of the demo warehouse), in a quarter to a half of its time (the pack's
    // 42,000 comparisons: 250-410 -> 85-95 ms).
    const columns = reader.getColumnsObjectJson();
    const names = Object.keys(columns);
    const cells = names.map((c) => columns[c]!);
    const rows = new Array<Record<string, unknown>>(reader.currentRowCount);
    for (let i = 0; i < rows.length; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]!] = cells[c]![i];
      rows[i] = row;
    }
    return rows as T[];
  }

  /**
   * Run a query and return its columns as arrays of native values, for large numeric reads: cast
   * what it selects to INTEGER, DOUBLE, BOOLEAN or VARCHAR, which come as numbers, booleans and
   * strings (BIGINT comes as bigint, DATE as an object). A fraction of `all`'s time on many rows
   * (535,000 rows of 7 numbers: 0.36 s against 0.86 s).
   */
  async columns<T extends Record<string, unknown[]>>(sql: string, params?: Params): Promise<T> {
    const reader = await this.connection.runAndReadAll(sql, params as never);
    const names = reader.columnNames();
    // No rows: no columns either, so each is an empty array.
    const cells = reader.getColumns();
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? []])) as T;
  }

  /** The first row of a query, or undefined. */
  async one<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Run `fn` inside a transaction; rolls back on error and rethrows the error that ended it. When
   * the failure already ended the transaction (DuckDB aborts it on an I/O error such as a full
   * disk), the ROLLBACK fails too ("no transaction is active"); that second error is dropped so
   * it never hides the cause.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run("BEGIN TRANSACTION");
    try {
      const out = await fn();
      await this.run("COMMIT");
      return out;
    } catch (err) {
      try {
        await this.run("ROLLBACK");
      } catch {
        // The transaction is already gone with the failure: `err` is what the user must see.
      }
      throw err;
    }
  }

  /**
   * Insert plain objects into an existing table by column name. Small batches go as bound VALUES;
   * large ones through a temporary newline-delimited JSON file read with the table's own column
   * types (hundreds of times faster than row-by-row VALUES).
   */
  async insertRows(table: string, columns: string[], rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length > 500) return this.insertViaJson(table, columns, rows);
    const chunk = Math.max(1, Math.floor(2000 / Math.max(1, columns.length)));
    const cols = columns.map(ident).join(", ");
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const params: DuckDBValue[] = [];
      const tuples = part.map((row) => {
        const marks = columns.map((c) => {
          const v = row[c];
          if (v === undefined || v === null) return "NULL";
          params.push(v as DuckDBValue);
          return "?";
        });
        return `(${marks.join(", ")})`;
      });
      await this.connection.run(`INSERT INTO ${table} (${cols}) VALUES ${tuples.join(", ")}`, params);
    }
  }

  private async insertViaJson(table: string, columns: string[], rows: Record<string, unknown>[]): Promise<void> {
    const types = new Map((await this.columnTypes(table)).map((c) => [c.name, c.type]));
    // A column the table does not have is read as text (the INSERT then names the error).
    const spec = columns.map((c) => `${literal(c)}: ${literal(types.get(c) ?? "VARCHAR")}`).join(", ");
    const dir = mkdtempSync(join(tmpdir(), "localneeds-insert-"));
    const file = join(dir, "rows.ndjson");
    try {
      const out = openSync(file, "w");
      try {
        let buf = "";
        for (const row of rows) {
          const o: Record<string, unknown> = {};
          for (const c of columns) {
            const v = row[c];
            o[c] = typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isFinite(v) ? null : (v ?? null);
          }
          buf += JSON.stringify(o) + "\n";
          if (buf.length > 1 << 20) {
            writeSync(out, buf);
            buf = "";
          }
        }
        writeSync(out, buf);
      } finally {
        closeSync(out);
      }
      const cols = columns.map(ident).join(", ");
      await this.run(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${spec}})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Make `table` hold exactly the rows of `selectSql`, rewriting only the groups of rows (by the
   * value of column `by`, e.g. each row's source file) that differ from what it holds (row count
   * and a checksum of every row). A new table is created directly. A refresh that adds one month
   * of files thus writes that month's rows, not every row again. Returns the groups rewritten.
   */
  async syncTable(table: string, selectSql: string, by: string): Promise<number> {
    const [schema, name] = schemaAndTable(table);
    if (!(await this.hasTable(table))) {
      await this.run(`CREATE TABLE ${table} AS ${selectSql}`);
      return this.groupCount(table, by);
    }
    await this.run(`CREATE OR REPLACE TEMP TABLE _sync AS ${selectSql}`);
    const shape = (t: string, db: string) =>
      `SELECT list(column_name || ' ' || data_type ORDER BY column_index)::VARCHAR AS s FROM duckdb_columns() WHERE database_name = ${db} AND schema_name = ${literal(t === "_sync" ? "main" : schema)} AND table_name = ${literal(t === "_sync" ? "_sync" : name)}`;
    const same = await this.one<{ same: boolean }>(`SELECT (${shape(table, "current_database()")}) = (${shape("_sync", "'temp'")}) AS same`);
    if (!same?.same) {
      await this.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM _sync; DROP TABLE _sync`);
      return this.groupCount(table, by);
    }
    await this.run(`CREATE OR REPLACE TEMP TABLE _sync_groups AS ${changedGroupsSql("_sync", table, ident(by))}`);
    const changed = Number((await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM _sync_groups`))!.n);
    if (changed) {
      const inChanged = `${ident(by)} IN (SELECT g FROM _sync_groups) OR (${ident(by)} IS NULL AND EXISTS (SELECT 1 FROM _sync_groups WHERE g IS NULL))`;
      await this.run(`DELETE FROM ${table} WHERE ${inChanged}`);
      await this.run(`INSERT INTO ${table} SELECT * FROM _sync WHERE ${inChanged}`);
    }
    await this.run(`DROP TABLE _sync; DROP TABLE _sync_groups`);
    return changed;
  }

  /**
   * Record one row of `audit.warnings`: the stage that noticed it, a code from the message
   * catalogue, its subject (a file, a wave, an area code; null when none) and the text.
   */
  async recordWarning(stage: WarningStage, code: string, subject: string | null | undefined, message: string): Promise<void> {
    await this.run(`INSERT INTO audit.warnings VALUES ($stage, $code, $subject, $message, $slot)`, { stage, code, subject: subject ?? null, message, slot: this.slot });
  }

  /**
   * Does `schema.table` exist in this warehouse, or in the attached database `database`? A name
   * without a schema: a run's table (`main` or temporary). Asked by binding an empty read of it:
   * a tenth of the time of a `duckdb_tables()` scan, which lists every table of every attached
   * database (a national build asks some 360 times). No statement runs inside a transaction, so a
   * failed bind aborts nothing.
   */
  async hasTable(qualified: string, database?: string): Promise<boolean> {
    return (await this.emptyRead(qualified, database, "NULL")) !== null;
  }

  /**
   * An empty read (`SELECT <what> FROM <table> LIMIT 0`) of `schema.table` in this warehouse or in
   * the attached `database` (a name without a schema: a run's table, temporary or `main`), bound
   * but returning no row; null when there is no such table.
   */
  private async emptyRead(qualified: string, database: string | undefined, what: string) {
    const parts = qualified.includes(".") ? [database ?? (this.databaseName ??= (await this.one<{ d: string }>(`SELECT current_database() AS d`))!.d), ...qualified.split(".", 2)] : [qualified];
    try {
      return await this.connection.runAndReadAll(`SELECT ${what} FROM ${parts.map(ident).join(".")} LIMIT 0`);
    } catch (err) {
      if (/^Catalog Error|^Binder Error: Catalog .* does not exist/.test((err as Error).message)) return null;
      throw err;
    }
  }

  private databaseName: string | undefined;

  /**
   * The columns of `schema.table` (a name without a schema: a run's table, temporary or `main`)
   * with their DuckDB types as it writes them (`VARCHAR`, `ENUM('a', 'b')`), in order; of the
   * attached database `database` when given; none when there is no such table. Read from an empty
   * read's result, as `hasTable` asks, not from `duckdb_columns()`, which writes out the type of
   * every column of every table first (a national warehouse's file ENUM alone names 516 paths):
   * 0.6 ms against 3 ms a call.
   */
  async columnTypes(qualified: string, database?: string): Promise<{ name: string; type: string }[]> {
    const read = await this.emptyRead(qualified, database, "*");
    if (!read) return [];
    const types = read.columnTypes();
    return read.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
  }

  /**
   * Empty a table by making it again from its own DDL (`duckdb_tables().sql`: columns, NOT NULLs,
   * keys), its comments written again by the contract at the end of the build. A DELETE of every
   * row goes row by row through a primary key's index, read back from disk once the warehouse has
   * been checkpointed: `ref.areas` of a national warehouse, 42,000 rows, took 2.4-2.7 s so (a
   * refresh that conforms the geography again), 0.15 s made again.
   */
  async emptyTable(qualified: string): Promise<void> {
    const [schema, table] = schemaAndTable(qualified);
    const row = await this.one<{ sql: string }>(
      `SELECT sql FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $s AND table_name = $t`, { s: schema, t: table });
    if (!row) throw new Error(`emptyTable: no table ${qualified}`);
    await this.run(`DROP TABLE ${ident(schema)}.${ident(table)}; ${row.sql}`);
  }

  private async groupCount(table: string, by: string): Promise<number> {
    return Number((await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT ${ident(by)} FROM ${table})`))!.n);
  }

  /**
   * Drop the run's `raw_*` tables (what the loader read from the input files): the files are the
   * raw layer, so the warehouse keeps only what staging made of them.
   */
  async dropRawTables(): Promise<void> {
    const tables = await this.all<{ d: string; s: string; t: string }>(
      `SELECT database_name AS d, schema_name AS s, table_name AS t FROM duckdb_tables()
       WHERE database_name IN ('temp', current_database()) AND schema_name IN ('main', 'staging') AND starts_with(table_name, 'raw_')`,
    );
    for (const { d, s, t } of tables) await this.run(`DROP TABLE ${ident(d)}.${ident(s)}.${ident(t)}`);
  }

  /** Release the connection and the database file. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
