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
import { codeSql, nameSql } from "../load-csv.ts";
import { pickPerKey, warnNormalisedCodes } from "./area-codes.ts";
import { restOfParentCode } from "../../pipelines/core/config.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import type { SourceAdapter } from "../source-adapter.ts";
import { OGL } from "../source-adapter.ts";

/** A column family's code header of any vintage and case (`WD19CD`, `wd24cd`, `GOR10CD`); `NMW` (Welsh) columns never match a name. */
const family = (prefix: string, suffix: "CD" | "NM") => new RegExp(`^${prefix}\\d{2}${suffix}$`, "i");

/** LSOA -> ward -> LAD lookup (any vintage and header case; FID/ObjectId first, last or absent; Welsh names ignored). */
export const lsoaWardLookupFormat = defineCsvFormat({
  id: "ons_lsoa_ward_lookup",
  title: "an ONS LSOA to ward to local authority lookup",
  rawTable: "raw_geo_lsoa_ward",
  rawInMemory: true,
  grain: "one row per LSOA (best-fit ward)",
  columns: [
    { name: "lsoa_code", header: /^F?_?LSOA\d{2}CD$/i, required: true, kind: "gss_code" },
    { name: "lsoa_name", header: family("LSOA", "NM") },
    { name: "ward_code", header: family("WD", "CD"), required: true, kind: "gss_code" },
    { name: "ward_name", header: family("WD", "NM"), required: true },
    { name: "lad_code", header: family("LAD", "CD"), required: true, kind: "gss_code" },
    { name: "lad_name", header: family("LAD", "NM"), required: true },
  ],
});

/**
 * Ward -> LAD -> (county) -> region -> country lookup. Regions are `RGNyy` (2019 on) or `GOR10`
 * (2016-2018); they are blank for Wales, Scotland and Northern Ireland, or (2023 on) hold the
 * country's code. Counties are filled for shire and metropolitan counties and Inner/Outer London,
 * blank for unitary authorities.
 */
export const wardHierarchyFormat = defineCsvFormat({
  id: "ons_ward_hierarchy",
  title: "an ONS ward to local authority to region to country lookup",
  rawTable: "raw_geo_ward_hierarchy",
  rawInMemory: true,
  grain: "one row per ward",
  columns: [
    { name: "ward_code", header: family("WD", "CD"), required: true, kind: "gss_code" },
    { name: "ward_name", header: family("WD", "NM") },
    { name: "lad_code", header: family("LAD", "CD"), required: true, kind: "gss_code" },
    { name: "lad_name", header: family("LAD", "NM") },
    { name: "county_code", header: family("CTY", "CD"), optional: true, kind: "gss_code" },
    { name: "county_name", header: family("CTY", "NM"), optional: true },
    { name: "region_code", header: /^(RGN|GOR)\d{2}CD$/i, kind: "gss_code" },
    { name: "region_name", header: /^(RGN|GOR)\d{2}NM$/i },
    { name: "country_code", header: family("CTRY", "CD"), required: true, kind: "gss_code" },
    { name: "country_name", header: family("CTRY", "NM") },
  ],
});

registerFormats(lsoaWardLookupFormat, wardHierarchyFormat);

/** The vintage tag (`WD24`, `LSOA21`, `LAD24`, `GOR10`) a lookup's header declares for a column family, upper case. */
export function headerVintage(file: string, family: "WD" | "LSOA" | "LAD" | "CTY" | "RGN" | "GOR" | "CTRY"): string | undefined {
  const header = readHeader(file) ?? [];
  const re = new RegExp(`^F?_?(${family})(\\d{2})CD$`, "i");
  for (const h of header) {
    const m = re.exec(h);
    if (m) return `${m[1]!.toUpperCase()}${m[2]}`;
  }
  return undefined;
}

/** Geography: builds `ref.areas`, `ref.lsoa_ward`, `ref.area_members`, and the optional reference tables. */
export const geographyAdapter: SourceAdapter = {
  slot: "geography",
  // It places the focus areas and localities.
  readsAreas: true,
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
    if (g.lookups?.length) loads.push(...(await loadAreaLookups(ctx, await expandFiles(ctx, "geography.lookups", g.lookups))));
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
    if (g.authorities?.length && !g.authorities.includes(config.parent)) throw new LocalneedsError(messages.parentNotInAuthorities(config.parent, g.authorities));
    await conformLsoaLookup(ctx);
    if (lookupWardVintage !== g.wardVintage) await reassignWardsByCentroid(ctx, lookupWardVintage);
    await conformLsoaChanges(ctx, Boolean(g.lsoaChanges));
    await conformWardCrosswalk(ctx);
    await conformHierarchy(ctx);
    // Made again empty, not emptied row by row through its primary key (see `emptyTable`).
    await db.emptyTable("ref.areas");
    // A ward's parent is the authority holding most of its LSOAs (one, unless the lookup disagrees: see conformLsoaLookup).
    await db.run(
      `INSERT INTO ref.areas
       WITH ward_lads AS (SELECT ward_code, ward_name, lad_code, count(*) OVER (PARTITION BY ward_code, lad_code) AS n FROM ref.lsoa_ward),
       wards AS (SELECT ward_code, coalesce(any_value(ward_name), ward_code) AS ward_name, first(lad_code ORDER BY n DESC, lad_code) AS lad_code FROM ward_lads GROUP BY 1),
       authorities AS (SELECT lad_code, coalesce(any_value(lad_name), lad_code) AS lad_name FROM ref.lsoa_ward GROUP BY 1)
       SELECT lsoa_code, coalesce(lsoa_name, lsoa_code), 'lsoa', ward_code, $lv FROM ref.lsoa_ward
       UNION ALL SELECT ward_code, ward_name, 'ward', lad_code, $wv FROM wards
       UNION ALL SELECT a.lad_code, a.lad_name, 'authority', u.value, $av FROM authorities a LEFT JOIN _lad_up u ON u.key = a.lad_code
       UNION ALL SELECT c.key, coalesce(n.value, c.key), 'county', c.value, $tv FROM _county_up c LEFT JOIN _county_name n ON n.key = c.key
       UNION ALL SELECT r.key, coalesce(n.value, r.key), 'region', r.value, $rv FROM _region_up r LEFT JOIN _region_name n ON n.key = r.key
       UNION ALL SELECT c.key, coalesce(c.value, c.key), 'country', NULL, $cv FROM _country_name c`,
      {
        lv: lsoaVintage, wv: g.wardVintage, av: ladVintage,
        rv: (g.hierarchy && (headerVintage(g.hierarchy, "RGN") ?? headerVintage(g.hierarchy, "GOR"))) ?? "RGN",
        cv: (g.hierarchy && headerVintage(g.hierarchy, "CTRY")) ?? "CTRY",
        tv: (g.hierarchy && headerVintage(g.hierarchy, "CTY")) ?? "CTY",
      },
    );
    await checkNoAreaIsItsOwnAncestor(ctx);
    await checkBoundaryCodes(ctx);
    await buildMemberships(ctx);
  },
};

/** The types of `ref.areas` in hierarchy order: each area's parent is of a later type. */
const AREA_RANKS = ["lsoa", "ward", "authority", "county", "region", "country"] as const;

/**
 * Shire (non-metropolitan) counties, `E10`: the upper tier of a two-tier area, so a district's
 * parent in `ref.areas` (ward -> district -> county -> region -> country). Metropolitan counties
 * (`E11`) and Inner/Outer London (`E13`) are groupings, not councils: left out.
 */
const SHIRE_COUNTY_PREFIX = "E10";

/**
 * `ref.lsoa_ward` from the LSOA lookup, codes normalised, kept to `geography.authorities`:
 * - a ward in two authorities is an error when one of them is the build's parent (its wards would
 *   be wrong), else a warning: its parent is the authority with most of its LSOAs;
 * - an LSOA, ward or authority with two names: a warning, the most common name used (then the last);
 * - an LSOA in two wards: an error.
 */
async function conformLsoaLookup(ctx: Parameters<SourceAdapter["conform"]>[0]): Promise<void> {
  const { db, config } = ctx;
  const g = config.geography;
  const f = g.lsoaLookup;
  const shownFile = displayPath(config, f);
  await warnNormalisedCodes(ctx, "raw_geo_lsoa_ward", f, ["lsoa_code", "ward_code", "lad_code"]);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE _lsoa_rows AS
     SELECT ${codeSql("lsoa_code")} AS lsoa_code, ${nameSql("lsoa_name")} AS lsoa_name, ${codeSql("ward_code")} AS ward_code, ${nameSql("ward_name")} AS ward_name,
            ${codeSql("lad_code")} AS lad_code, ${nameSql("lad_name")} AS lad_name, _line::INTEGER AS line
     FROM raw_geo_lsoa_ward WHERE _file = $f`,
    { f },
  );
  // Every LSOA of the lookup, all authorities: other sources tell a code of another authority from one the lookup does not know.
  await db.run(`CREATE OR REPLACE TABLE ref.lookup_lsoas AS SELECT DISTINCT lsoa_code FROM _lsoa_rows WHERE lsoa_code IS NOT NULL ORDER BY 1`);
  const keep = g.authorities?.length ? `WHERE lad_code IN (${g.authorities.map(literal).join(", ")})` : "";
  // Without `geography.authorities` every row is kept: no copy of the national lookup's rows, no filter.
  const kept = keep ? "_lsoa_kept" : "_lsoa_rows";
  if (keep) await db.run(`CREATE OR REPLACE TEMP TABLE _lsoa_kept AS SELECT * FROM _lsoa_rows ${keep}`);
  const ofKept = (code: string) => (keep ? ` WHERE ${code} IN (SELECT ${code} FROM _lsoa_kept)` : "");
  const twoLads = await pickPerKey(db, "_ward_lad", `SELECT ward_code AS key, lad_code AS value, line FROM _lsoa_rows${ofKept("ward_code")}`);
  for (const c of twoLads) {
    if (c.choices.includes(config.parent)) throw new LocalneedsError(messages.wardInTwoAuthorities(f, c.key, c.choices, c.lines));
    const most = await db.one<{ lad_code: string }>(`SELECT lad_code FROM ${kept} WHERE ward_code = $w GROUP BY 1 ORDER BY count(*) DESC, lad_code LIMIT 1`, { w: c.key });
    await db.recordWarning("conform", "ward_in_two_authorities", c.key, messages.wardInTwoAuthoritiesResolved(shownFile, c.key, c.choices, most!.lad_code));
  }
  for (const [type, code, name] of [["LSOA", "lsoa_code", "lsoa_name"], ["ward", "ward_code", "ward_name"], ["authority", "lad_code", "lad_name"]] as const) {
    const names = await pickPerKey(db, `_${code}_name`, `SELECT ${code} AS key, ${name} AS value, line FROM _lsoa_rows${ofKept(code)}`);
    for (const c of names) await db.recordWarning("conform", "area_named_twice", c.key, messages.areaNamedTwice(shownFile, type, c.key, c.choices, c.value));
  }
  await db.run(`CREATE OR REPLACE TABLE ref.lsoa_ward AS
    SELECT DISTINCT k.lsoa_code, ln.value AS lsoa_name, k.ward_code, wn.value AS ward_name, k.lad_code, an.value AS lad_name
    FROM ${kept} k LEFT JOIN _lsoa_code_name ln ON ln.key = k.lsoa_code
    LEFT JOIN _ward_code_name wn ON wn.key = k.ward_code LEFT JOIN _lad_code_name an ON an.key = k.lad_code`);
  const dup = await db.one<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1`);
  if (dup) throw new LocalneedsError(messages.lsoaInTwoWards(f, dup.lsoa_code));
}

/**
 * Parents of the build's authorities from the ward hierarchy lookup (`_lad_up`: a district ->
 * its shire county; another authority -> region, or country where there is no region), counties'
 * regions (`_county_up`), regions' countries (`_region_up`), and county, region and country names. A region column that is blank, a pseudo code (`W99999999`) or the country's own
 * code (Scotland and Northern Ireland from 2023) means no region. The build's parent in two
 * regions is an error; another authority in two regions, or a region in two countries, is a
 * warning (the most common is used); an authority with no row is a warning (no region comparator).
 */
async function conformHierarchy(ctx: Parameters<SourceAdapter["conform"]>[0]): Promise<void> {
  const { db, config } = ctx;
  const h = config.geography.hierarchy;
  await db.run(`CREATE OR REPLACE TEMP TABLE _hier_rows (lad_code VARCHAR, county_code VARCHAR, county_name VARCHAR, region_code VARCHAR, region_name VARCHAR,
    country_code VARCHAR, country_name VARCHAR, line INTEGER)`);
  if (h) {
    await warnNormalisedCodes(ctx, "raw_geo_ward_hierarchy", h, ["ward_code", "lad_code", "county_code", "region_code", "country_code"]);
    const region = codeSql("region_code");
    const county = codeSql("county_code");
    await db.run(
      `INSERT INTO _hier_rows
       SELECT ${codeSql("lad_code")}, CASE WHEN ${county} LIKE '${SHIRE_COUNTY_PREFIX}%' THEN ${county} END, ${nameSql("county_name")},
              CASE WHEN ${region} LIKE '_99999999' OR ${region} = ${codeSql("country_code")} THEN NULL ELSE ${region} END,
              ${nameSql("region_name")}, ${codeSql("country_code")}, ${nameSql("country_name")}, _line::INTEGER
       FROM raw_geo_ward_hierarchy WHERE _file = $h`,
      { h },
    );
  }
  const shownFile = h ? displayPath(config, h) : "";
  // A district's parent is its shire county; a unitary authority's is its region (or country).
  const ladUp = await pickPerKey(db, "_lad_up", `SELECT lad_code AS key, coalesce(county_code, region_code, country_code) AS value, line FROM _hier_rows WHERE lad_code IN (SELECT lad_code FROM ref.lsoa_ward)`);
  for (const c of ladUp) {
    if (c.key === config.parent) throw new LocalneedsError(messages.authorityInTwoRegions(h!, c.key, c.choices, c.lines));
    await db.recordWarning("conform", "authority_in_two_regions", c.key, messages.areaInTwoParentsResolved(shownFile, "authority", c.key, "region", c.choices, c.value));
  }
  if (h) {
    const missing = await db.all<{ lad_code: string }>(`SELECT DISTINCT lad_code FROM ref.lsoa_ward WHERE lad_code NOT IN (SELECT key FROM _lad_up) ORDER BY 1`);
    for (const m of missing) await db.recordWarning("conform", "authority_not_in_hierarchy", m.lad_code, messages.authorityNotInHierarchy(shownFile, m.lad_code));
  }
  const countyUp = await pickPerKey(db, "_county_up", `SELECT county_code AS key, coalesce(region_code, country_code) AS value, line FROM _hier_rows WHERE county_code IN (SELECT value FROM _lad_up)`);
  for (const c of countyUp) await db.recordWarning("conform", "county_in_two_regions", c.key, messages.areaInTwoParentsResolved(shownFile, "county", c.key, "region", c.choices, c.value));
  const regionUp = await pickPerKey(db, "_region_up", `SELECT region_code AS key, country_code AS value, line FROM _hier_rows
    WHERE region_code IN (SELECT value FROM _lad_up UNION SELECT value FROM _county_up)`);
  for (const c of regionUp) await db.recordWarning("conform", "region_in_two_countries", c.key, messages.areaInTwoParentsResolved(shownFile, "region", c.key, "country", c.choices, c.value));
  const names = [
    ["county", "_county_name", `SELECT county_code AS key, county_name AS value, line FROM _hier_rows WHERE county_code IN (SELECT key FROM _county_up)`],
    ["region", "_region_name", `SELECT region_code AS key, region_name AS value, line FROM _hier_rows WHERE region_code IN (SELECT key FROM _region_up)`],
    ["country", "_country_name", `SELECT country_code AS key, coalesce(country_name, country_code) AS value, line FROM _hier_rows
       WHERE country_code IN (SELECT value FROM _region_up UNION SELECT value FROM _lad_up WHERE value NOT IN (SELECT key FROM _region_up UNION SELECT key FROM _county_up)
         UNION SELECT value FROM _county_up WHERE value NOT IN (SELECT key FROM _region_up))`],
  ] as const;
  for (const [type, table, sql] of names) {
    for (const c of await pickPerKey(db, table, sql)) await db.recordWarning("conform", "area_named_twice", c.key, messages.areaNamedTwice(shownFile, type, c.key, c.choices, c.value));
  }
}

/**
 * No area may be its own ancestor: a code that is two types of area (an authority whose region
 * column holds its own code, a ward coded as its authority) or its own parent is an error naming
 * the file that made it (the hierarchy lookup for regions and countries, else the LSOA lookup).
 */
async function checkNoAreaIsItsOwnAncestor(ctx: Parameters<SourceAdapter["conform"]>[0]): Promise<void> {
  const { db, config } = ctx;
  const g = config.geography;
  const clash = await db.one<{ area_code: string; types: string[] }>(
    // The first offending code found by plain aggregates, then only its types listed (listing every area's took 0.06 s nationally).
    `WITH clash AS (SELECT min(area_code) AS area_code FROM (SELECT area_code FROM ref.areas GROUP BY 1 HAVING count(DISTINCT area_type) > 1 OR bool_or(area_code = parent_code)))
     SELECT area_code, list(DISTINCT area_type ORDER BY list_position(${JSON.stringify(AREA_RANKS).replace(/"/g, "'")}, area_type)) AS types
     FROM ref.areas WHERE area_code = (SELECT area_code FROM clash) GROUP BY 1`,
  );
  if (!clash) return;
  const file = g.hierarchy && clash.types.some((t) => t === "region" || t === "country") ? g.hierarchy : g.lsoaLookup;
  throw new LocalneedsError(messages.hierarchyCircular(file, clash.area_code, clash.types));
}

/** The vintage (`WD22`, `LSOA11`) of a boundary file's code property. */
function boundaryVintage(file: string, family: "LSOA" | "WD"): string {
  return readBoundaries(file, family).vintage;
}

/**
 * The lookup's wards are another vintage than the build's: place each LSOA in the declared-vintage
 * ward containing its centroid (best fit; a point inside it where its centroid is not, `inside`),
 * from the configured boundaries, and say so.
 */
async function reassignWardsByCentroid(ctx: Parameters<SourceAdapter["conform"]>[0], lookupWardVintage: string): Promise<void> {
  const { db, config } = ctx;
  const g = config.geography;
  const wards = readBoundaries(g.wardBoundaries!, "WD");
  const lsoas = readBoundaries(g.lsoaBoundaries!, "LSOA");
  const index = new BoundaryIndex(wards.areas);
  // An LSOA whose point falls in no ward (a gap between generalised boundaries) goes to the nearest.
  const placed = lsoas.areas.map((l) => {
    const within = index.locate(l.inside[0], l.inside[1]);
    return { lsoa_code: l.code, ward: within ?? index.nearest(l.inside[0], l.inside[1]), nearest: !within };
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE _lsoa_new_ward (lsoa_code VARCHAR, ward_code VARCHAR, ward_name VARCHAR)`);
  await db.insertRows("_lsoa_new_ward", ["lsoa_code", "ward_code", "ward_name"], placed.filter((p) => p.ward).map((p) => ({
    lsoa_code: p.lsoa_code, ward_code: p.ward!.code, ward_name: p.ward!.name ?? p.ward!.code,
  })));
  const before = (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ref.lsoa_ward`))!.n;
  await db.run(`CREATE OR REPLACE TABLE ref.lsoa_ward AS
    SELECT l.lsoa_code, l.lsoa_name, w.ward_code, w.ward_name, l.lad_code, l.lad_name
    FROM ref.lsoa_ward l JOIN _lsoa_new_ward w USING (lsoa_code)`);
  const after = (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ref.lsoa_ward`))!.n;
  await db.recordWarning("conform", "ward_vintage_crosswalk", g.wardVintage, messages.wardCrosswalkByCentroid(g.wardVintage, lookupWardVintage, displayPath(config, g.lsoaBoundaries!), displayPath(config, g.wardBoundaries!), after, before - after, placed.filter((p) => p.nearest && p.ward).map((p) => p.lsoa_code)));
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
  const checkWards = async (wards: readonly string[], locality?: string) => {
    for (const w of wards) {
      const ok = await db.one(`SELECT 1 FROM ref.lsoa_ward WHERE ward_code = $w AND lad_code = $p LIMIT 1`, { w, p: config.parent });
      if (ok) continue;
      // Why not: a ward of another authority, or a code of another ward vintage (wards are re-coded at boundary reviews).
      const elsewhere = await db.one<{ lad_code: string }>(`SELECT lad_code FROM ref.lsoa_ward WHERE ward_code = $w LIMIT 1`, { w });
      const wards = await db.one<{ n: number; examples: string }>(`SELECT count(DISTINCT ward_code)::INTEGER AS n, string_agg(DISTINCT ward_code, ', ' ORDER BY ward_code) FILTER (WHERE ward_code IS NOT NULL) AS examples
        FROM (SELECT DISTINCT ward_code FROM ref.lsoa_ward WHERE lad_code = $p ORDER BY ward_code LIMIT 3)`, { p: config.parent });
      const why = messages.wardNotInBuildWhy(config.geography.wardVintage, elsewhere?.lad_code ?? null, wards?.n ? wards.examples : null);
      throw new LocalneedsError((locality ? messages.localityNotWard(locality, w, config.parent) : messages.focusNotWard(w, config.parent)) + why);
    }
  };
  // Every locality, focus or not (`localities`): an area of its wards' LSOAs.
  for (const { code, name, wards } of config.localityAreas) {
    await checkWards(wards, code);
    const taken = await db.one<{ area_type: string }>(`SELECT area_type FROM ref.areas WHERE area_code = $c`, { c: code });
    if (taken) throw new LocalneedsError(messages.localityCodeTaken(code, taken.area_type));
    await db.run(`INSERT INTO ref.areas VALUES ($c, $n, 'locality', $p, 'config')`, { c: code, n: name!, p: config.parent });
    await db.run(`INSERT INTO ref.area_members SELECT $c, 'locality', lsoa_code FROM ref.lsoa_ward WHERE ward_code IN (${wards.map(literal).join(", ")})`, {
      c: code,
    });
  }
  for (const { code, wards } of config.focusAreas) {
    await checkWards(wards);
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
