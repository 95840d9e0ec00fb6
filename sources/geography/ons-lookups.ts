/**
 * ONS geography lookups: LSOA -> ward -> local authority (best fit), and ward -> authority ->
 * (county, blank for unitary authorities) -> region -> country. Columns are matched by pattern
 * (`WD24CD`, `LSOA21CD`, `F_LSOA11CD`...) because ONS headers carry the vintage year; FID/ObjectId
 * columns, first or last, are ignored. The lookup's ward vintage must be the build's declared one,
 * unless LSOA and declared-vintage ward boundaries are configured: then each LSOA goes to the ward
 * containing its centroid (a stated best-fit crosswalk, reported in `audit.warnings`).
 * Optional: the LSOA 2011 -> 2021 change file (`ref.lsoa_changes`), boundary GeoJSON
 * (`ref.boundaries`), other ONS lookups (`ref.geography_codes`, `ref.geography_links`), and
 * `geography.authorities` to keep only some authorities' LSOAs from a national lookup.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, pickFormat, registerFormats, type FileLoad } from "../load-csv.ts";
import { displayPath, expandFiles, readHeader } from "../files.ts";
import { BoundaryIndex, loadBoundaries, readBoundaries } from "./boundaries.ts";
import { loadAreaLookups } from "./ons-area-lookups.ts";
import { conformLsoaChanges, lsoaChangesFormat } from "./lsoa-vintage.ts";
import { conformWardCrosswalk, loadWardCrosswalk } from "./ward-crosswalk.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { restOfParentCode } from "../../pipelines/core/config.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
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
    { name: "county_code", header: /^CTY\d{2}CD$/, optional: true },
    { name: "county_name", header: /^CTY\d{2}NM$/, optional: true },
    { name: "region_code", header: /^RGN\d{2}CD$/ }, // blank for Wales, Scotland and Northern Ireland
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

/** Geography: builds `ref.areas`, `ref.lsoa_ward`, `ref.area_members`, and the optional reference tables. */
export const geographyAdapter: SourceAdapter = {
  slot: "geography",
  title: "ONS Open Geography Portal lookups",
  licence: OGL + " Contains OS data © Crown copyright and database right.",
  enabled: () => true,
  async load(ctx): Promise<FileLoad[]> {
    const g = ctx.config.geography;
    // A lookup that is not one (empty, `;`-delimited, another kind, missing columns) is named for that first.
    pickFormat(g.lsoaLookup, [lsoaWardLookupFormat], lsoaWardLookupFormat.title);
    const vintage = headerVintage(g.lsoaLookup, "WD");
    if (vintage !== g.wardVintage) {
      // Another ward vintage is usable only with a stated crosswalk: LSOA centroids in the declared wards' boundaries.
      const wardsVintage = g.wardBoundaries ? boundaryVintage(g.wardBoundaries, "WD") : undefined;
      if (!(g.lsoaBoundaries && wardsVintage === g.wardVintage)) {
        throw new LocalneedsError(messages.wardVintageMismatch(g.lsoaLookup, g.wardVintage, vintage ?? "none"));
      }
    }
    const loads = await loadCsvFiles(ctx, lsoaWardLookupFormat, [g.lsoaLookup]);
    if (g.hierarchy) loads.push(...(await loadCsvFiles(ctx, wardHierarchyFormat, [g.hierarchy])));
    if (g.lsoaChanges) loads.push(...(await loadCsvFiles(ctx, lsoaChangesFormat, [g.lsoaChanges])));
    if (g.lsoaBoundaries) loads.push((await loadBoundaries(ctx, g.lsoaBoundaries, "LSOA")).load);
    if (g.wardBoundaries) loads.push((await loadBoundaries(ctx, g.wardBoundaries, "WD")).load);
    if (g.lookups?.length) loads.push(...(await loadAreaLookups(ctx, await expandFiles(ctx.db, "geography.lookups", g.lookups))));
    loads.push(...(await loadWardCrosswalk(ctx)));
    return loads;
  },
  async conform(ctx) {
    const { db, config } = ctx;
    const g = config.geography;
    const lsoaVintage = headerVintage(g.lsoaLookup, "LSOA") ?? "LSOA";
    const ladVintage = headerVintage(g.lsoaLookup, "LAD") ?? "LAD";
    const lookupWardVintage = headerVintage(g.lsoaLookup, "WD") ?? g.wardVintage;
    await db.run(`CREATE OR REPLACE TABLE ref.geography_meta AS SELECT $wv AS ward_vintage, $lv AS lsoa_vintage, $av AS lad_vintage, $lw AS lookup_ward_vintage, $f AS lsoa_lookup`, {
      wv: g.wardVintage, lv: lsoaVintage, av: ladVintage, lw: lookupWardVintage, f: g.lsoaLookup,
    });
    const keep = g.authorities?.length ? `WHERE trim(lad_code) IN (${g.authorities.map(literal).join(", ")})` : "";
    if (g.authorities?.length && !g.authorities.includes(config.parent)) throw new LocalneedsError(messages.parentNotInAuthorities(config.parent, g.authorities));
    await db.run(`CREATE OR REPLACE TABLE ref.lsoa_ward AS
      SELECT DISTINCT trim(lsoa_code) AS lsoa_code, trim(lsoa_name) AS lsoa_name, trim(ward_code) AS ward_code,
             trim(ward_name) AS ward_name, trim(lad_code) AS lad_code, trim(lad_name) AS lad_name
      FROM raw.geo_lsoa_ward ${keep}`);
    const dup = await db.one<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward GROUP BY 1 HAVING count(*) > 1 LIMIT 1`);
    if (dup) throw new LocalneedsError(messages.lsoaInTwoWards(g.lsoaLookup, dup.lsoa_code));
    if (lookupWardVintage !== g.wardVintage) await reassignWardsByCentroid(ctx, lookupWardVintage);
    await conformLsoaChanges(ctx, Boolean(g.lsoaChanges));
    await conformWardCrosswalk(ctx);
    const hasHierarchy = Boolean(g.hierarchy);
    await db.run(`DELETE FROM ref.areas`);
    await db.run(
      `INSERT INTO ref.areas
       SELECT lsoa_code, coalesce(lsoa_name, lsoa_code), 'lsoa', ward_code, $lv FROM ref.lsoa_ward
       UNION ALL SELECT DISTINCT ward_code, ward_name, 'ward', lad_code, $wv FROM ref.lsoa_ward
       UNION ALL SELECT DISTINCT l.lad_code, l.lad_name, 'authority', ${hasHierarchy ? "h.region_code" : "NULL"}, $av
         FROM ref.lsoa_ward l ${hasHierarchy ? "LEFT JOIN (SELECT DISTINCT trim(lad_code) AS lad_code, coalesce(nullif(trim(region_code), ''), trim(country_code)) AS region_code FROM raw.geo_ward_hierarchy) h USING (lad_code)" : ""}`,
      { lv: lsoaVintage, wv: g.wardVintage, av: ladVintage },
    );
    if (hasHierarchy) {
      const hv = headerVintage(g.hierarchy!, "WD") ?? g.wardVintage;
      const rv = hv.replace("WD", "RGN");
      const cv = hv.replace("WD", "CTRY");
      await db.run(
        `INSERT INTO ref.areas
         SELECT DISTINCT trim(region_code), trim(coalesce(region_name, region_code)), 'region', trim(country_code), $rv FROM raw.geo_ward_hierarchy
           WHERE trim(region_code) IN (SELECT parent_code FROM ref.areas WHERE area_type = 'authority')
         UNION ALL
         SELECT DISTINCT trim(country_code), trim(coalesce(country_name, country_code)), 'country', NULL, $cv FROM raw.geo_ward_hierarchy
           WHERE trim(region_code) IN (SELECT parent_code FROM ref.areas WHERE area_type = 'authority')
              OR trim(country_code) IN (SELECT parent_code FROM ref.areas WHERE area_type = 'authority')`,
        { rv, cv },
      );
    }
    await checkBoundaryCodes(ctx);
    await buildMemberships(ctx);
  },
};

/** The vintage (`WD22`, `LSOA11`) of a boundary file's code property. */
function boundaryVintage(file: string, family: "LSOA" | "WD"): string {
  return readBoundaries(file, family).vintage;
}

/**
 * The lookup's wards are another vintage than the build's: place each LSOA in the declared-vintage
 * ward containing its centroid (best fit), from the configured boundaries, and say so.
 */
async function reassignWardsByCentroid(ctx: Parameters<SourceAdapter["conform"]>[0], lookupWardVintage: string): Promise<void> {
  const { db, config } = ctx;
  const g = config.geography;
  const wards = readBoundaries(g.wardBoundaries!, "WD");
  const lsoas = readBoundaries(g.lsoaBoundaries!, "LSOA");
  const index = new BoundaryIndex(wards.areas);
  const placed = lsoas.areas.map((l) => ({ lsoa_code: l.code, ward: index.locate(l.centroid[0], l.centroid[1]) }));
  await db.run(`CREATE OR REPLACE TEMP TABLE _lsoa_new_ward (lsoa_code VARCHAR, ward_code VARCHAR, ward_name VARCHAR)`);
  await db.insertRows("_lsoa_new_ward", ["lsoa_code", "ward_code", "ward_name"], placed.filter((p) => p.ward).map((p) => ({
    lsoa_code: p.lsoa_code, ward_code: p.ward!.code, ward_name: p.ward!.name ?? p.ward!.code,
  })));
  const before = (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ref.lsoa_ward`))!.n;
  await db.run(`CREATE OR REPLACE TABLE ref.lsoa_ward AS
    SELECT l.lsoa_code, l.lsoa_name, w.ward_code, w.ward_name, l.lad_code, l.lad_name
    FROM ref.lsoa_ward l JOIN _lsoa_new_ward w USING (lsoa_code)`);
  const after = (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ref.lsoa_ward`))!.n;
  await db.recordWarning("conform", "ward_vintage_crosswalk", g.wardVintage, messages.wardCrosswalkByCentroid(g.wardVintage, lookupWardVintage, displayPath(config, g.lsoaBoundaries!), displayPath(config, g.wardBoundaries!), after, before - after));
}

/** Ward boundaries of another vintage than the build's: say whether their codes match the build's wards. */
async function checkBoundaryCodes(ctx: Parameters<SourceAdapter["conform"]>[0]): Promise<void> {
  const { db, config } = ctx;
  const g = config.geography;
  if (!g.wardBoundaries) return;
  const r = await db.one<{ vintage: string; n: number; matched: number; missing: number }>(`
    WITH b AS (SELECT DISTINCT area_code, vintage FROM ref.boundaries WHERE path = $f),
         w AS (SELECT DISTINCT ward_code FROM ref.lsoa_ward WHERE lad_code IN (SELECT DISTINCT lad_code FROM ref.lsoa_ward WHERE ward_code IN (SELECT area_code FROM b)))
    SELECT any_value(b.vintage) AS vintage, count(*)::INTEGER AS n, count(*) FILTER (WHERE area_code IN (SELECT ward_code FROM w))::INTEGER AS matched,
           (SELECT count(*) FROM w WHERE ward_code NOT IN (SELECT area_code FROM b))::INTEGER AS missing FROM b`, { f: g.wardBoundaries });
  if (!r || r.vintage === g.wardVintage) return;
  await db.recordWarning("conform", "ward_boundaries_vintage", r.vintage, messages.wardBoundariesOtherVintage(displayPath(config, g.wardBoundaries), r.vintage, g.wardVintage, r.n, r.matched, r.missing));
}

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
  for (const { code, kind, name, wards } of config.focusAreas) {
    for (const w of wards) {
      const ok = await db.one(`SELECT 1 FROM ref.lsoa_ward WHERE ward_code = $w AND lad_code = $p LIMIT 1`, { w, p: config.parent });
      if (!ok) throw new LocalneedsError(messages.focusNotWard(w, config.parent));
    }
    if (kind === "locality") {
      const taken = await db.one<{ area_type: string }>(`SELECT area_type FROM ref.areas WHERE area_code = $c`, { c: code });
      if (taken) throw new LocalneedsError(messages.localityCodeTaken(code, taken.area_type));
      await db.run(`INSERT INTO ref.areas VALUES ($c, $n, 'locality', $p, 'config')`, { c: code, n: name!, p: config.parent });
      await db.run(`INSERT INTO ref.area_members SELECT $c, 'locality', lsoa_code FROM ref.lsoa_ward WHERE ward_code IN (${wards.map(literal).join(", ")})`, {
        c: code,
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
