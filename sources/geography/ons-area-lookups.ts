/**
 * Any other ONS names-and-codes lookup (LSOA -> upper-tier authority, MSOA -> ward, LAD -> CSP ->
 * police force area, LAD -> PHE centre, drkane's `ward_all_codes` / `la_all_codes`...), normalised
 * to codes and links whatever the vintage in the column names:
 * `ref.geography_codes(geography_type, vintage, code, name)`, one row per code; and
 * `ref.geography_links(child_type, child_vintage, child_code, parent_type, parent_vintage, parent_code, path)`,
 * one row per child code and each other code column of the same row. The first code column is the
 * child. `FID`/`ObjectId` columns are ignored wherever they are; `F_LSOA11CD` is read as `LSOA11CD`.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { ident } from "../../pipelines/core/warehouse.ts";
import { defineCsvFormat, type CsvFormat } from "../csv-format.ts";
import { readHeader } from "../files.ts";
import { codeSql, foreignDelimiter, loadCsvFiles, nameSql, recogniseHeader, type FileLoad } from "../load-csv.ts";
import { warnNormalisedCodes } from "./area-codes.ts";

/** A code column of an ONS lookup header. */
export interface CodeColumn {
  header: string;
  /** `LSOA`, `WD`, `LAD`, `UTLA`, `PFA`... */
  type: string;
  /** `LSOA11`, `WD19`; the bare type when the header has no year (`WDCD`). */
  vintage: string;
  /** The matching name column, if any. */
  nameHeader?: string;
}

const CODE_RE = /^(?:F_)?([A-Z]+?)(\d{2})?CD(_ACTIVE)?$/i;

/** The code columns of a header (`LAD19CD`, `WDCD`, `LADCD_ACTIVE`, `F_LSOA11CD`), with their name columns. */
export function codeColumns(header: readonly string[]): CodeColumn[] {
  const out: CodeColumn[] = [];
  for (const h of header) {
    const m = CODE_RE.exec(h.trim());
    if (!m) continue;
    const type = m[1]!.toUpperCase();
    const vintage = type + (m[2] ?? "") + (m[3] ? "_ACTIVE" : "");
    const name = h.trim().replace(/^F_/i, "").replace(/CD(_ACTIVE)?$/i, "NM$1").toLowerCase();
    const nameHeader = header.find((x) => x.trim().toLowerCase() === name);
    out.push({ header: h, type: type === "WD" ? "ward" : type.toLowerCase(), vintage, nameHeader });
  }
  return out;
}

const columnName = (h: string) => h.trim().replace(/^F_/i, "").toLowerCase().replace(/[^a-z0-9]+/g, "_");

/** The format of one lookup file, declared from its header (every code and name column). */
export function onsLookupFormat(file: string, header: readonly string[]): { format: CsvFormat; codes: CodeColumn[] } {
  const codes = codeColumns(header);
  if (codes.length < 2) {
    const delim = foreignDelimiter(header);
    if (delim) throw new LocalneedsError(messages.wrongDelimiter(file, delim === "\t" ? "tab" : delim, "an ONS lookup"));
    const other = recogniseHeader(header);
    if (other) throw new LocalneedsError(messages.wrongKindOfFile(file, "an ONS lookup", other.title));
    throw new LocalneedsError(messages.missingColumns(file, ["two or more ONS code columns (e.g. LAD19CD, RGN19CD)"], header, ["ONS code columns"]));
  }
  const cols = codes.flatMap((c) => [
    { name: columnName(c.header), header: c.header, required: c === codes[0], kind: "gss_code" as const },
    ...(c.nameHeader ? [{ name: columnName(c.nameHeader), header: c.nameHeader }] : []),
  ]);
  const slug = codes.map((c) => c.vintage.toLowerCase()).join("_").slice(0, 60);
  return {
    codes,
    format: defineCsvFormat({
      id: "ons_lookup",
      title: "an ONS lookup",
      rawTable: `raw_geo_lookup_${slug}`,
      grain: `one row per ${codes[0]!.vintage} code`,
      columns: cols,
    }),
  };
}

/** Load extra lookups and normalise them into `ref.geography_codes` and `ref.geography_links`. */
export async function loadAreaLookups(ctx: Pick<Context, "db" | "log" | "clock"> & Partial<Pick<Context, "config">>, files: readonly string[]): Promise<FileLoad[]> {
  const { db } = ctx;
  await db.run(`CREATE TABLE IF NOT EXISTS ref.geography_codes (geography_type VARCHAR, vintage VARCHAR, code VARCHAR, name VARCHAR, path VARCHAR)`);
  await db.run(`CREATE TABLE IF NOT EXISTS ref.geography_links (child_type VARCHAR, child_vintage VARCHAR, child_code VARCHAR,
    parent_type VARCHAR, parent_vintage VARCHAR, parent_code VARCHAR, path VARCHAR)`);
  const loads: FileLoad[] = [];
  for (const file of files) {
    const header = readHeader(file) ?? [];
    if (header.length === 0 || (header.length === 1 && header[0] === "")) throw new LocalneedsError(messages.emptyFile(file, "an ONS lookup"));
    const { format, codes } = onsLookupFormat(file, header);
    const [load] = await loadCsvFiles(ctx, format, [file]);
    loads.push(load!);
    await db.run(`DELETE FROM ref.geography_codes WHERE path = $f`, { f: file });
    await db.run(`DELETE FROM ref.geography_links WHERE path = $f`, { f: file });
    const child = codes[0]!;
    const col = (h: string) => ident(columnName(h));
    await warnNormalisedCodes(ctx, format.rawTable, file, codes.map((c) => columnName(c.header)));
    for (const c of codes) {
      await db.run(
        `INSERT INTO ref.geography_codes SELECT DISTINCT $t, $v, ${codeSql(col(c.header))}, ${c.nameHeader ? nameSql(col(c.nameHeader)) : "NULL"}, $f
         FROM ${format.rawTable} WHERE _file = $f AND ${codeSql(col(c.header))} IS NOT NULL`,
        { t: c.type, v: c.vintage, f: file },
      );
      if (c === child) continue;
      await db.run(
        `INSERT INTO ref.geography_links SELECT DISTINCT $ct, $cv, ${codeSql(col(child.header))}, $pt, $pv, ${codeSql(col(c.header))}, $f
         FROM ${format.rawTable} WHERE _file = $f AND ${codeSql(col(c.header))} IS NOT NULL`,
        { ct: child.type, cv: child.vintage, pt: c.type, pv: c.vintage, f: file },
      );
    }
  }
  return loads;
}
