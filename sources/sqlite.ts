/**
 * Tables of a SQLite database file, read synchronously from its bytes: only what reading a
 * GeoPackage needs (`geography/geopackage.ts`), the rows of a table (ordinary rowid tables) and
 * the schema's `CREATE TABLE` statements for their column names. Layouts from "Database File
 * Format" (sqlite.org/fileformat2.html): the 100-byte header, table b-tree pages (interior 0x05,
 * leaf 0x0D), varints, records and overflow chains. Written here rather than taken from sql.js
 * (SQLite compiled to WebAssembly) because the boundary readers are synchronous, as the
 * shapefile's is, and sql.js starts only asynchronously; the tests write their databases with
 * sql.js, so this reader is checked against SQLite itself.
 */

/** A value as SQLite stores it: integers and reals as numbers (an integer past 2^53 as a bigint), text, a blob, or null. */
export type SqliteValue = number | bigint | string | Uint8Array | null;

/** A table from the schema: its name, root page and columns (the rowid alias, `INTEGER PRIMARY KEY`, given its rowid). */
export interface SqliteTable {
  name: string;
  rootPage: number;
  columns: string[];
  /** Index of the column that aliases the rowid, or -1. */
  rowidColumn: number;
}

const MAGIC = "SQLite format 3\u0000";

/** Is this the start of a SQLite database file? */
export const isSqliteHeader = (head: Uint8Array) => Buffer.from(head.subarray(0, 16)).toString("latin1") === MAGIC;

/** A SQLite database file held in memory, read table by table. Errors say what was wrong, and where. */
export class SqliteFile {
  private readonly view: DataView;
  readonly pageSize: number;
  private readonly usable: number;
  private readonly pages: number;
  private readonly decoder: TextDecoder;
  private schema?: Map<string, SqliteTable>;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < 100 || !isSqliteHeader(bytes)) throw new Error(`not a SQLite database (no "SQLite format 3" header)`);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = this.view.getUint16(16);
    this.pageSize = size === 1 ? 65536 : size;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new Error(`page size ${this.pageSize} in the header is not a power of two from 512 to 65536`);
    this.usable = this.pageSize - bytes[20]!;
    this.pages = Math.floor(bytes.length / this.pageSize);
    const encoding = this.view.getUint32(56);
    this.decoder = new TextDecoder(encoding === 2 ? "utf-16le" : encoding === 3 ? "utf-16be" : "utf-8");
  }

  /** The schema's tables by name (case as written). */
  tables(): Map<string, SqliteTable> {
    if (this.schema) return this.schema;
    const schema = new Map<string, SqliteTable>();
    for (const { values } of this.scan(1, "sqlite_schema")) {
      const [type, name, , rootPage, sql] = values;
      if (type !== "table" || typeof name !== "string" || typeof sql !== "string" || !(Number(rootPage) > 0)) continue;
      const { columns, rowidColumn } = columnsOf(sql);
      schema.set(name, { name, rootPage: Number(rootPage), columns, rowidColumn });
    }
    return (this.schema = schema);
  }

  /** A table by name, its case ignored as SQLite ignores it; null when there is none. */
  table(name: string): SqliteTable | null {
    const tables = this.tables();
    return tables.get(name) ?? [...tables.values()].find((t) => t.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  /**
   * The rows of a table as objects by column name, in rowid order. A row written before columns
   * were added (ALTER TABLE ADD COLUMN) has null for them.
   */
  *rows(table: SqliteTable): Generator<Record<string, SqliteValue>> {
    for (const { rowid, values } of this.scan(table.rootPage, table.name)) {
      const row: Record<string, SqliteValue> = {};
      table.columns.forEach((c, i) => (row[c] = i === table.rowidColumn ? rowid : (values[i] ?? null)));
      yield row;
    }
  }

  /** Every row of the table b-tree rooted at `root`, depth first (rowid order). */
  private *scan(root: number, name: string): Generator<{ rowid: number; values: SqliteValue[] }> {
    const stack = [root];
    const seen = new Set<number>();
    while (stack.length) {
      const page = stack.pop()!;
      if (page < 1 || page > this.pages) throw new Error(`table ${name} points to page ${page}, past the file's ${this.pages} pages (a truncated file?)`);
      if (seen.has(page)) throw new Error(`table ${name} reaches page ${page} twice (a corrupt file)`);
      seen.add(page);
      const start = (page - 1) * this.pageSize;
      const head = start + (page === 1 ? 100 : 0);
      const kind = this.bytes[head]!;
      const cells = this.view.getUint16(head + 3);
      if (kind === 0x05) {
        // Interior: children left to right, pushed right to left so the leftmost is read first.
        const children: number[] = [];
        for (let i = 0; i < cells; i++) children.push(this.view.getUint32(start + this.view.getUint16(head + 12 + 2 * i)));
        children.push(this.view.getUint32(head + 8));
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      } else if (kind === 0x0d) {
        for (let i = 0; i < cells; i++) yield this.leafCell(start + this.view.getUint16(head + 8 + 2 * i));
      } else {
        throw new Error(`page ${page} of table ${name} is not a table b-tree page (type ${kind})`);
      }
    }
  }

  /** A table leaf cell: its payload (gathered from overflow pages when it spills) decoded as a record. */
  private leafCell(at: number): { rowid: number; values: SqliteValue[] } {
    let [size, n] = this.varint(at);
    at += n;
    const [rowid, m] = this.varint(at);
    at += m;
    const U = this.usable;
    const X = U - 35;
    let payload: Uint8Array;
    if (size <= X) {
      payload = this.bytes.subarray(at, at + size);
    } else {
      const M = Math.floor(((U - 12) * 32) / 255) - 23;
      const K = M + ((size - M) % (U - 4));
      const local = K <= X ? K : M;
      payload = new Uint8Array(size);
      payload.set(this.bytes.subarray(at, at + local));
      let filled = local;
      let next = this.view.getUint32(at + local);
      while (filled < size) {
        if (next < 1 || next > this.pages) throw new Error(`a row's overflow page ${next} is past the file's ${this.pages} pages (a truncated file?)`);
        const o = (next - 1) * this.pageSize;
        const take = Math.min(size - filled, U - 4);
        payload.set(this.bytes.subarray(o + 4, o + 4 + take), filled);
        filled += take;
        next = this.view.getUint32(o);
      }
    }
    return { rowid, values: this.record(payload) };
  }

  /** A record: its header of serial types, then the values. */
  private record(p: Uint8Array): SqliteValue[] {
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const [headerSize, n0] = varintOf(p, 0);
    const types: number[] = [];
    for (let at = n0; at < headerSize; ) {
      const [t, n] = varintOf(p, at);
      types.push(t);
      at += n;
    }
    const values: SqliteValue[] = [];
    let at = headerSize;
    for (const t of types) {
      switch (t) {
        case 0: values.push(null); break;
        case 1: values.push(view.getInt8(at)); at += 1; break;
        case 2: values.push(view.getInt16(at)); at += 2; break;
        case 3: values.push((view.getInt8(at) << 16) | view.getUint16(at + 1)); at += 3; break;
        case 4: values.push(view.getInt32(at)); at += 4; break;
        case 5: values.push(view.getInt16(at) * 2 ** 32 + view.getUint32(at + 2)); at += 6; break;
        case 6: {
          const v = view.getBigInt64(at);
          values.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
          at += 8;
          break;
        }
        case 7: values.push(view.getFloat64(at)); at += 8; break;
        case 8: values.push(0); break;
        case 9: values.push(1); break;
        default: {
          if (t < 12) throw new Error(`a record has the reserved serial type ${t} (a corrupt file)`);
          const len = (t - (t % 2 ? 13 : 12)) / 2;
          const bytes = p.subarray(at, at + len);
          values.push(t % 2 ? this.decoder.decode(bytes) : bytes);
          at += len;
        }
      }
    }
    return values;
  }

  private varint(at: number): [number, number] {
    return varintOf(this.bytes, at);
  }
}

/** A SQLite varint at `at`: its value and how many bytes it took (1 to 9). */
function varintOf(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[at + i]!;
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) return [v, i + 1];
  }
  return [v * 256 + b[at + 8]!, 9];
}

/** An identifier as written in SQL, its quotes taken off (`"a""b"`, `[a]`, `` `a` ``, `'a'`). */
function unquote(token: string): string {
  const q = token[0];
  if (q === '"' || q === "`" || q === "'") return token.slice(1, -1).split(q + q).join(q);
  if (q === "[") return token.slice(1, -1);
  return token;
}

/** The first token of a column definition or table constraint: a quoted identifier or a bare word. */
const FIRST_TOKEN = /^\s*("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[^\s(]+)/;

/**
 * The columns of a `CREATE TABLE` statement, in order, and which one aliases the rowid (a column
 * declared `INTEGER PRIMARY KEY`, or named alone in a table's `PRIMARY KEY (...)` with type INTEGER).
 */
export function columnsOf(sql: string): { columns: string[]; rowidColumn: number } {
  const open = sql.indexOf("(");
  const close = sql.lastIndexOf(")");
  const body = open >= 0 && close > open ? sql.slice(open + 1, close) : "";
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "[") quote = "]";
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  const columns: string[] = [];
  const types: string[] = [];
  let rowidColumn = -1;
  let tableKey: string | null = null;
  for (const part of parts) {
    const m = FIRST_TOKEN.exec(part);
    if (!m) continue;
    const word = m[1]!;
    if (/^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)$/i.test(word)) {
      const key = /PRIMARY\s+KEY\s*\(\s*("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[^\s,)]+)\s*(?:ASC|DESC)?\s*\)/i.exec(part);
      if (key) tableKey = unquote(key[1]!);
      continue;
    }
    const rest = part.slice(m[0].length);
    const type = /^\s*([A-Za-z_]\w*)/.exec(rest)?.[1] ?? "";
    columns.push(unquote(word));
    types.push(type.toUpperCase());
    if (type.toUpperCase() === "INTEGER" && /\bPRIMARY\s+KEY\b(?!\s+DESC)/i.test(rest)) rowidColumn = columns.length - 1;
  }
  if (rowidColumn < 0 && tableKey !== null) {
    const i = columns.findIndex((c) => c.toLowerCase() === tableKey!.toLowerCase());
    if (i >= 0 && types[i] === "INTEGER") rowidColumn = i;
  }
  return { columns, rowidColumn };
}
