/**
 * ONS geography lookups: LSOA -> ward -> local authority (best fit), and ward -> authority ->
 * region -> country. Columns are matched by pattern (`WD24CD`, `LSOA21CD`...) because ONS
 * headers carry the vintage year; the ward vintage must match the build's declared one.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, registerFormats, type FileLoad } from "../load-csv.ts";
import { readHeader } from "../files.ts";
import { literal } from "../../pipelines/warehouse.ts";
import { LocalneedsError, messages } from "../../pipelines/messages.ts";
import type { SourceAdapter } from "../source-adapter.ts";
import { OGL } from "../source-adapter.ts";

/** LSOA -> ward -> LAD lookup (any vintage; FID/ObjectId first or last is ignored). */
export const lsoaWardLookupFormat = defineCsvFormat({
  id: "ons_lsoa_ward_lookup",
  title: "an ONS LSOA to ward to local authority lookup",
  rawTable: "raw.geo_lsoa_ward",
  grain: "one row per LSOA (best-fit ward)",
  columns: [
    { name: "lsoa_code", header: /^F?_?LSOA\d{2}CD$/, required: true },
    { name: "lsoa_name", header: /^LSOA\d{2}NM$/ },
    { name: "ward_code", header: /^WD\d{2}CD$/, required: true },
    { name: "ward_name", header: /^WD\d{2}NM$/, required: true },
    { name: "lad_code", header: /^LAD\d{2}CD$/, required: true },
    { name: "lad_name", header: /^LAD\d{2}NM$/, required: true },
  ],
});

/** Ward -> LAD -> (county) -> region -> country lookup. */
export const wardHierarchyFormat = defineCsvFormat({
  id: "ons_ward_hierarchy",
  title: "an ONS ward to local authority to region to country lookup",
  rawTable: "raw.geo_ward_hierarchy",
  grain: "one row per ward",
  columns: [
    { name: "ward_code", header: /^WD\d{2}CD$/, required: true },
    { name: "ward_name", header: /^WD\d{2}NM$/ },
    { name: "lad_code", header: /^LAD\d{2}CD$/, required: true },
    { name: "lad_name", header: /^LAD\d{2}NM$/ },
    { name: "region_code", header: /^RGN\d{2}CD$/, required: true },
    { name: "region_name", header: /^RGN\d{2}NM$/ },
    { name: "country_code", header: /^CTRY\d{2}CD$/, required: true },
    { name: "country_name", header: /^CTRY\d{2}NM$/ },
  ],
});

registerFormats(lsoaWardLookupFormat, wardHierarchyFormat);

/** The vintage tag (`WD24`, `LSOA21`, `LAD24`) a lookup's header declares for a column family. */
export function headerVintage(file: string, family: "WD" | "LSOA" | "LAD"): string | undefined {
  const header = readHeader(file) ?? [];
  const re = new RegExp(`^F?_?(${family})(\\d{2})CD$`);
  for (const h of header) {
    const m = re.exec(h);
    if (m) return `${m[1]}${m[2]}`;
  }
  return undefined;
}

/** Geography: builds `ref.areas`, `ref.lsoa_ward` and `ref.area_members`. */
export const geographyAdapter: SourceAdapter = {
  slot: "geography",
  title: "ONS Open Geography Portal lookups",
  licence: OGL + " Contains OS data © Crown copyright and database right.",
  enabled: () => true,
  async load(ctx): Promise<FileLoad[]> {
    const g = ctx.config.geography;
    const vintage = headerVintage(g.lsoaLookup, "WD");
    if (vintage !== g.wardVintage) throw new LocalneedsError(messages.wardVintageMismatch(g.lsoaLookup, g.wardVintage, vintage ?? "none"));
    const loads = await loadCsvFiles(ctx, lsoaWardLookupFormat, [g.lsoaLookup]);
    if (g.hierarchy) loads.push(...(await loadCsvFiles(ctx, wardHierarchyFormat, [g.hierarchy])));
    return loads;
  },
  async conform(ctx) {
    const { db, config } = ctx;
    const g = config.geography;
    const lsoaVintage = headerVintage(g.lsoaLookup, "LSOA") ?? "LSOA";
    const ladVintage = headerVintage(g.lsoaLookup, "LAD") ?? "LAD";
    await db.run(`CREATE OR REPLACE TABLE ref.lsoa_ward AS
      SELECT DISTINCT trim(lsoa_code) AS lsoa_code, trim(lsoa_name) AS lsoa_name, trim(ward_code) AS ward_code,
             trim(ward_name) AS ward_name, trim(lad_code) AS lad_code, trim(lad_name) AS lad_name
      FROM raw.geo_lsoa_ward`);
    const dup = await db.one<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward GROUP BY 1 HAVING count(*) > 1 LIMIT 1`);
    if (dup) throw new LocalneedsError(messages.lsoaInTwoWards(g.lsoaLookup, dup.lsoa_code));
    const hasHierarchy = Boolean(g.hierarchy);
    await db.run(`DELETE FROM ref.areas`);
    await db.run(
      `INSERT INTO ref.areas
       SELECT lsoa_code, coalesce(lsoa_name, lsoa_code), 'lsoa', ward_code, $lv FROM ref.lsoa_ward
       UNION ALL SELECT DISTINCT ward_code, ward_name, 'ward', lad_code, $wv FROM ref.lsoa_ward
       UNION ALL SELECT DISTINCT l.lad_code, l.lad_name, 'authority', ${hasHierarchy ? "h.region_code" : "NULL"}, $av
         FROM ref.lsoa_ward l ${hasHierarchy ? "LEFT JOIN (SELECT DISTINCT lad_code, region_code FROM raw.geo_ward_hierarchy) h USING (lad_code)" : ""}`,
      { lv: lsoaVintage, wv: g.wardVintage, av: ladVintage },
    );
    if (hasHierarchy) {
      const rv = g.wardVintage.replace("WD", "RGN");
      const cv = g.wardVintage.replace("WD", "CTRY");
      await db.run(
        `INSERT INTO ref.areas
         SELECT DISTINCT trim(region_code), trim(coalesce(region_name, region_code)), 'region', trim(country_code), $rv FROM raw.geo_ward_hierarchy
           WHERE trim(region_code) IN (SELECT parent_code FROM ref.areas WHERE area_type = 'authority')
         UNION ALL
         SELECT DISTINCT trim(country_code), trim(coalesce(country_name, country_code)), 'country', NULL, $cv FROM raw.geo_ward_hierarchy
           WHERE trim(region_code) IN (SELECT parent_code FROM ref.areas WHERE area_type = 'authority')`,
        { rv, cv },
      );
    }
    await buildMemberships(ctx);
  },
};

/**
 * Localities (groups of wards from the config), rest-of-parent areas, and `ref.area_members`:
 * every aggregate area (ward, locality, authority, rest of authority) with its member LSOAs.
 */
export async function buildMemberships(ctx: Parameters<SourceAdapter["conform"]>[0]): Promise<void> {
  const { db, config } = ctx;
  const parent = await db.one<{ area_name: string }>(`SELECT area_name FROM ref.areas WHERE area_code = $p AND area_type = 'authority'`, { p: config.parent });
  if (!parent) throw new LocalneedsError(messages.parentNotInLookup(config.parent, config.geography.lsoaLookup));
  await db.run(`CREATE OR REPLACE TABLE ref.area_members (area_code VARCHAR, area_type VARCHAR, lsoa_code VARCHAR)`);
  await db.run(`INSERT INTO ref.area_members
    SELECT ward_code, 'ward', lsoa_code FROM ref.lsoa_ward
    UNION ALL SELECT lad_code, 'authority', lsoa_code FROM ref.lsoa_ward`);
  for (const f of config.focus) {
    const wards = "ward" in f ? [f.ward] : f.wards;
    for (const w of wards) {
      const ok = await db.one(`SELECT 1 FROM ref.lsoa_ward WHERE ward_code = $w AND lad_code = $p LIMIT 1`, { w, p: config.parent });
      if (!ok) throw new LocalneedsError(messages.focusNotWard(w, config.parent));
    }
    const code = "ward" in f ? f.ward : f.locality;
    if (!("ward" in f)) {
      await db.run(`INSERT INTO ref.areas VALUES ($c, $n, 'locality', $p, 'config')`, { c: f.locality, n: f.name, p: config.parent });
      await db.run(`INSERT INTO ref.area_members SELECT $c, 'locality', lsoa_code FROM ref.lsoa_ward WHERE ward_code IN (${wards.map(literal).join(", ")})`, {
        c: f.locality,
      });
    }
    const rest = restOfParentCode(config.parent, code);
    const focusName = (await db.one<{ area_name: string }>(`SELECT area_name FROM ref.areas WHERE area_code = $c`, { c: code }))!.area_name;
    await db.run(`INSERT INTO ref.areas VALUES ($c, $n, 'rest_of_authority', $p, 'derived')`, {
      c: rest,
      n: `Rest of ${parent.area_name} (excluding ${focusName})`,
      p: config.parent,
    });
    await db.run(
      `INSERT INTO ref.area_members SELECT $r, 'rest_of_authority', lsoa_code FROM ref.lsoa_ward
       WHERE lad_code = $p AND lsoa_code NOT IN (SELECT lsoa_code FROM ref.area_members WHERE area_code = $c)`,
      { r: rest, p: config.parent, c: code },
    );
  }
}

/** Code of the derived "rest of the authority without the focus area" comparator. */
export const restOfParentCode = (parent: string, focus: string) => `${parent}_EXCL_${focus}`;
