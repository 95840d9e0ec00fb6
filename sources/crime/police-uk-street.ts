/**
 * police.uk street-level crime: monthly CSVs, a folder per month, any number of forces.
 * Grain of `staging.crime_events`: one row per crime or ASB incident placed in an LSOA of the
 * build's lookup (its ward and authority are the lookup's, `ref.lsoa_ward`: not copied onto each
 * line). Rows are placed by the LSOA code police.uk supplies (never by force or name),
 * converted through the LSOA 2011 -> 2021 change file when the file's code vintage is not the
 * lookup's (`audit.lsoa_vintages` records each file's; a converted line keeps the code it came
 * with in `source_lsoa_code`, NULL for a line placed by its own code); "No Location" rows are counted at force
 * level (`staging.crime_no_location`); LSOAs outside the build are counted, not placed
 * (`staging.crime_outside_lookup`); a line repeated with the same Crime ID is counted once and
 * reported; ID-less ASB lines are all counted (separate incidents can be byte-identical); a
 * month and force found in two files is counted from one (see `police-files.ts`); a month with
 * a header-only file or no file is recorded as missing, not zero (`police-missing-months.ts`).
 */
import { defineCsvFormat } from "../csv-format.ts";
import { headerFits, loadCsvFiles, recordedLoads, registerFormats } from "../load-csv.ts";
import { displayPath, expandFiles, readHeader } from "../files.ts";
import { messages, monthSpans } from "../../pipelines/core/messages.ts";
import { z } from "zod";
import { OGL } from "../source-adapter.ts";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { placeLsoaCodes } from "../geography/lsoa-vintage.ts";
import { widenEnumsLike } from "../enum-columns.ts";
import { POLICE_SHARED_COLUMNS, recordPoliceFiles, resolveReissues, STREET_KEYS, supersededSql } from "./police-files.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { conformOutcomes, loadOutcomes, OUTCOME_TABLES, policeOutcomesFormat } from "./police-uk-outcomes.ts";
import { AUTHORITIES_SQL, CRIME_LAD_MONTHS, placedByAuthority, recordMissingMonths } from "./police-missing-months.ts";
import { checkCrimeRateFloor } from "./police-rate-floor.ts";
import { conformStopSearch, loadStopSearch, policeStopSearchFormat, STOP_SEARCH_TABLES } from "./police-uk-stop-search.ts";

/**
 * police.uk's crime types over time. Until August 2011 six (anti-social behaviour, burglary,
 * robbery, vehicle crime, violent crime, other crime); from September 2011 criminal damage and
 * arson, drugs, other theft, public disorder and weapons and shoplifting were counted apart from
 * other crime; from May 2013 violent crime was renamed violence and sexual offences, public
 * disorder and weapons split into public order and possession of weapons, and bicycle theft and
 * theft from the person were counted apart from other theft. `from` and `to` bound the months a
 * type exists (`YYYY-MM`); `changed` is a month a type lost part of its crimes to new types.
 */
export const POLICE_CRIME_TYPES: Readonly<Record<string, { from?: string; to?: string; changed?: string }>> = {
  "Other crime": { changed: "2011-09" },
  "Criminal damage and arson": { from: "2011-09" },
  "Drugs": { from: "2011-09" },
  "Shoplifting": { from: "2011-09" },
  "Other theft": { from: "2011-09", changed: "2013-05" },
  "Public disorder and weapons": { from: "2011-09", to: "2013-04" },
  "Violent crime": { to: "2013-04" },
  "Violence and sexual offences": { from: "2013-05" },
  "Public order": { from: "2013-05" },
  "Possession of weapons": { from: "2013-05" },
  "Bicycle theft": { from: "2013-05" },
  "Theft from the person": { from: "2013-05" },
};

/** Every crime type police.uk has used: those that changed, and the four that never did. */
const POLICE_CRIME_TYPE_NAMES = [...Object.keys(POLICE_CRIME_TYPES), "Anti-social behaviour", "Burglary", "Robbery", "Vehicle crime"];

/** Last outcome categories police.uk has published (a value not listed is learned as it is read). */
const POLICE_OUTCOME_CATEGORIES = [
  "Action to be taken by another organisation", "Awaiting court outcome", "Court case unable to proceed", "Court result unavailable",
  "Defendant found not guilty", "Defendant sent to Crown Court", "Formal action is not in the public interest",
  "Further action is not in the public interest", "Further investigation is not in the public interest",
  "Investigation complete; no suspect identified", "Local resolution", "Offender deprived of property", "Offender fined",
  "Offender given a caution", "Offender given a drugs possession warning", "Offender given absolute discharge",
  "Offender given community sentence", "Offender given conditional discharge", "Offender given penalty notice",
  "Offender given suspended prison sentence", "Offender ordered to pay compensation", "Offender otherwise dealt with",
  "Offender sent to prison", "Status update unavailable", "Suspect charged as part of another case", "Unable to prosecute suspect",
  "Under investigation",
];

/** police.uk street-level crime CSV (12 columns). */
export const policeStreetFormat = defineCsvFormat({
  id: "police_uk_street",
  title: "a police.uk street-level crime file",
  // In the staging schema: a full conform makes it `staging.crime_events` in place (see `stageInPlace`).
  rawTable: "staging.raw_police_street",
  grain: "one row per line of the police.uk street files",
  columns: [
    // Compared only for equality (a crime counted once): stored as a 64-bit hash, not 64 characters a row.
    { name: "crime_id", header: "Crime ID", stored: "hash" },
    ...POLICE_SHARED_COLUMNS,
    { name: "crime_type", header: "Crime type", required: true, stored: "enum", enumValues: POLICE_CRIME_TYPE_NAMES },
    { name: "last_outcome_category", header: "Last outcome category", stored: "enum", enumValues: POLICE_OUTCOME_CATEGORIES },
    // Free text police.uk leaves blank: never read.
    { name: "context", header: "Context", stored: false },
  ],
});
registerFormats(policeStreetFormat);
const RAW = policeStreetFormat.rawTable;


/** A month is anomalous when its volume is below this share, or above its inverse, of its neighbours' median. */
export const ANOMALY_RATIO = 0.6;

/** The `sources.crime` block. */
const crimeConfig = z
  .object({
    files: fileList,
    outcomes: fileList.optional().describe("police.uk outcomes CSVs"),
    stopSearch: fileList.optional().describe("police.uk stop-and-search CSVs (placed by point in polygon)"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { crime: z.output<typeof crimeConfig> }
}

/** Per-file tables of the street conform, kept across runs (a refresh that only adds files reads just those). */
const NO_LOCATION_FILES = "staging.crime_no_location_files";
const OUTSIDE_FILES = "staging.crime_outside_lookup_files";
/** Hashes of the Crime IDs of lines not placed in the build (the placed ones are in `staging.crime_events`). */
const UNPLACED_IDS = "staging.crime_unplaced_ids";
/** One row: how many Crime IDs repeated in the last conform over every file; and the warnings that said so. */
const STREET_STATE = "staging.crime_street_state";
const STREET_REPEATS = "staging.crime_street_repeats";
/**
 * With outcomes files: each street file's Crime IDs (hashes) with the first month each has in it,
 * kept across runs, so the outcomes' crime months need no street line read again (one row per
 * file and Crime ID).
 */
const ID_MONTHS = "staging.crime_id_months";

/** Crime adapter: street-level crime, and optionally outcomes and stop and search. */
export const crimeAdapter = defineSource({
  slot: "crime",
  // The plausibility check of its rates reads the population staged before it (`police-rate-floor.ts`).
  reads: ["population"],
  title: "police.uk street-level crime, outcomes and stop and search",
  licence: OGL,
  schema: crimeConfig,
  paths: ["files", "outcomes", "stopSearch"],
  async load(ctx, c) {
    const kinds = await policeFilesOf(ctx, c);
    const files = kinds.street;
    if (kinds.routedOutcomes || kinds.routedSearches) ctx.log.info(messages.policeFilesRouted(kinds.routedOutcomes, kinds.routedSearches));
    await recordPoliceFiles(ctx, "street", files);
    const added = await addedStreetFiles(ctx, kinds, files);
    const byPath = new Map((await loadCsvFiles(ctx, policeStreetFormat, added ?? files)).map((l) => [l.path, l]));
    if (added) {
      const earlier = files.filter((f) => !byPath.has(f));
      // The added files are staged alone when they can be (see addedStandAlone); else every file is read.
      const rest = (await addedStandAlone(ctx, earlier)) ? await recordedLoads(ctx.db, policeStreetFormat, earlier) : await loadCsvFiles(ctx, policeStreetFormat, earlier);
      for (const l of rest) byPath.set(l.path, l);
    }
    await ctx.db.run(`CREATE OR REPLACE TEMP TABLE _street_read (_file VARCHAR)`);
    await ctx.db.insertRows("_street_read", ["_file"], [...byPath.values()].filter((l) => !l.reused).map((l) => ({ _file: l.path })));
    const loads = files.map((f) => byPath.get(f)!);
    const { outcomes, stopSearch: searches } = kinds;
    // Outcomes take their crimes' months from the street lines, so a street file changed reads them
    // all again; stop and search is placed by its points alone, so no other kind's change bears on it.
    if (outcomes.length) loads.push(...(await loadOutcomes(ctx, outcomes, await addedFiles(ctx, outcomes, OUTCOME_TABLES, searches))));
    if (searches.length) loads.push(...(await loadStopSearch(ctx, searches, await addedFiles(ctx, searches, STOP_SEARCH_TABLES, [...files, ...outcomes]))));
    return loads;
  },
  async conform(ctx, c) {
    const kinds = await policeFilesOf(ctx, c);
    const unread = await ctx.db.one(`SELECT 1 FROM raw_police_files WHERE kind = 'street' AND _file NOT IN (SELECT _file FROM _street_read)`);
    // Outcomes first: each Crime ID's month comes from the street lines as read (kept per file),
    // which the street conform may make into `staging.crime_events` in place.
    if (kinds.outcomes.length) {
      await stageIdMonths(ctx, Boolean(unread));
      await conformOutcomes(ctx, `(SELECT id_hash AS crime_id, month FROM ${ID_MONTHS} WHERE _file IN (SELECT _file FROM raw_police_files WHERE kind = 'street'))`);
    }
    await conformStreet(ctx, Boolean(unread));
    if (kinds.stopSearch.length) await conformStopSearch(ctx);
  },
});

/** The police.uk files of each kind a crime block lists, and how many of `files` were read as another kind. */
interface PoliceFiles {
  street: string[];
  outcomes: string[];
  stopSearch: string[];
  routedOutcomes: number;
  routedSearches: number;
}

/**
 * The street, outcomes and stop-and-search files of the crime block. police.uk's download holds
 * all three kinds (`2019-01/2019-01-kent-street.csv`, `...-outcomes.csv`,
 * `...-stop-and-search.csv`), so a file listed under `files` (the zip as downloaded, or a glob
 * over its folders) whose header is an outcomes or stop-and-search file's is read as one, after
 * those listed under `outcomes` and `stopSearch` (each file once). Only a file not named
 * `...-street.csv` has its header read; one of no police.uk kind stays a street file, to be
 * refused with what it looks like.
 */
async function policeFilesOf(ctx: Context, c: z.output<typeof crimeConfig>): Promise<PoliceFiles> {
  const listed = await expandFiles(ctx, "crime", c.files);
  const outcomes = c.outcomes?.length ? await expandFiles(ctx, "crime.outcomes", c.outcomes) : [];
  const stopSearch = c.stopSearch?.length ? await expandFiles(ctx, "crime.stopSearch", c.stopSearch) : [];
  const street: string[] = [];
  let routedOutcomes = 0;
  let routedSearches = 0;
  for (const f of listed) {
    const header = /-street\.csv$/i.test(f) ? null : readHeader(f);
    if (header && !headerFits(policeStreetFormat, header) && headerFits(policeOutcomesFormat, header)) {
      if (!outcomes.includes(f)) outcomes.push(f), routedOutcomes++;
    } else if (header && !headerFits(policeStreetFormat, header) && headerFits(policeStopSearchFormat, header)) {
      if (!stopSearch.includes(f)) stopSearch.push(f), routedSearches++;
    } else street.push(f);
  }
  return { street, outcomes, stopSearch, routedOutcomes, routedSearches };
}

/**
 * The street files a refresh need read, when they are only new ones: the street files' only change
 * is files added (none changed or gone; an outcomes or stop-and-search file changed does not bear
 * on the street lines) and the last conform kept its per-file tables (with outcomes files, the
 * Crime IDs' months too). Else null: read every file. (The conform may still read them all: see
 * `conformStreet`.) Outcomes and stop-and-search files added are read alone likewise.
 */
async function addedStreetFiles(ctx: Context, kinds: PoliceFiles, files: readonly string[]): Promise<string[] | null> {
  const tables = [STREET_KEYS, NO_LOCATION_FILES, OUTSIDE_FILES, UNPLACED_IDS, STREET_STATE, STREET_REPEATS, "staging.crime_events", ...(kinds.outcomes.length ? [ID_MONTHS] : [])];
  return addedFiles(ctx, files, tables, [...kinds.outcomes, ...kinds.stopSearch]);
}

/**
 * Of `files`, those a refresh added, when the source's only change is files added (none of its
 * files changed or gone, but for `others`: files of another kind listed now, whose change does not
 * bear on these) and the per-file `tables` a read of just those builds on are there; else null.
 */
async function addedFiles(ctx: Context, files: readonly string[], tables: readonly string[], others: readonly string[] = []): Promise<string[] | null> {
  const p = ctx.previousFiles;
  if (!p) return null;
  const unrelated = new Set(others);
  for (const [f, sha] of p.before) if (p.now.get(f) !== sha && !unrelated.has(f)) return null;
  for (const t of tables) if (!(await ctx.db.hasTable(t))) return null;
  return files.filter((f) => !p.before.has(f));
}

/**
 * `ID_MONTHS` for the street lines read: replaced for the files read (all of them, or with
 * `onlyAdded` the added ones beside the earlier files' rows), the rows of files no longer listed dropped.
 */
async function stageIdMonths(ctx: Context, onlyAdded: boolean): Promise<void> {
  const { db } = ctx;
  if (onlyAdded) await db.run(`DELETE FROM ${ID_MONTHS} WHERE _file IN (SELECT _file FROM _street_read) OR _file NOT IN (SELECT _file FROM raw_police_files WHERE kind = 'street')`);
  else await db.run(`CREATE OR REPLACE TABLE ${ID_MONTHS} (_file VARCHAR, id_hash UBIGINT, month DATE)`);
  await db.run(`INSERT INTO ${ID_MONTHS} SELECT _file::VARCHAR, crime_id, min(month) FROM ${RAW} WHERE crime_id IS NOT NULL GROUP BY ALL`);
}

/**
 * Can the files a refresh added be staged alone, the `earlier` files' lines standing as staged?
 * Not when one of their Crime IDs repeats among them or is in an earlier file (late rows of last
 * month: counted once, from its first line over every file), nor when an added file re-issues an
 * earlier file's month while Crime IDs repeat (the first line of an ID may go with it). Checked
 * on the lines just read (`staging.raw_police_street`) against the per-file tables of the last conform.
 */
async function addedStandAlone(ctx: Context, earlier: readonly string[]): Promise<boolean> {
  const { db } = ctx;
  await newStreetKeys(db);
  const files = earlier.map(literal).join(", ") || "NULL";
  await resolveReissues(ctx, "street", `SELECT * FROM ${STREET_KEYS} WHERE _file IN (${files}) UNION ALL SELECT * FROM _street_new_keys`, "street-level crime", { quiet: true });
  // One scan of the staged IDs (a national year: six million) joined to the new ones (a month:
  // half a million); the re-issue check (a scan of every staged line) only when IDs repeated.
  const check = await db.one<{ meets: boolean; repeats: number }>(`
    WITH n AS (SELECT crime_id AS h FROM ${RAW} WHERE crime_id IS NOT NULL)
    SELECT (SELECT count(*) <> count(DISTINCT h) FROM n)
        OR EXISTS (SELECT 1 FROM (SELECT crime_id_hash AS h FROM staging.crime_events UNION ALL SELECT id_hash FROM ${UNPLACED_IDS}) s SEMI JOIN n ON n.h = s.h) AS meets,
      (SELECT max(repeats) FROM ${STREET_STATE})::INTEGER AS repeats`);
  if (check!.meets) return false;
  if (!(Number(check!.repeats) > 0)) return true;
  return !(await db.one(`SELECT 1 FROM staging.crime_events e WHERE ${supersededSql("street", "e", "strftime(e.month, '%Y-%m')", "e.falls_within")} LIMIT 1`));
}

/** `_street_new_keys`: the rows of each month and force in each street file read (see `STREET_KEYS`). */
async function newStreetKeys(db: Context["db"]): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE _street_new_keys AS SELECT _file, strftime(month, '%Y-%m') AS month, falls_within::VARCHAR AS force, count(*)::INTEGER AS rows,
    count(*) FILTER (WHERE nullif(trim_fast(lsoa_code), '') IS NOT NULL)::INTEGER AS located FROM ${RAW} GROUP BY ALL`);
}

/**
 * Stage the street lines read (`_street_read`) into `staging.crime_events` and the per-file
 * tables, then derive what spans files (re-issues, no-location and outside-lookup counts, missing
 * months, volume checks) from the per-file tables of every file. With `onlyAdded`, a refresh
 * read only the files it gained (`addedStandAlone`): the earlier files' lines stand as staged.
 */
async function conformStreet(ctx: Context, onlyAdded: boolean): Promise<void> {
  const { db } = ctx;
  const files = "(SELECT _file FROM raw_police_files WHERE kind = 'street')";
  const tables = {
    [STREET_KEYS]: "_file VARCHAR, month VARCHAR, force VARCHAR, rows INTEGER, located INTEGER",
    [NO_LOCATION_FILES]: "_file VARCHAR, month DATE, falls_within VARCHAR, crime_type VARCHAR, crimes INTEGER",
    [OUTSIDE_FILES]: "_file VARCHAR, month DATE, falls_within VARCHAR, lsoa_code VARCHAR, lsoa_name VARCHAR, reason VARCHAR, crimes INTEGER",
    [UNPLACED_IDS]: "_file VARCHAR, id_hash UBIGINT",
  };
  await newStreetKeys(db);
  const earlierKeys = onlyAdded ? `SELECT * FROM ${STREET_KEYS} WHERE _file IN ${files} AND _file NOT IN (SELECT _file FROM _street_read) UNION ALL ` : "";
  await resolveReissues(ctx, "street", `${earlierKeys}SELECT * FROM _street_new_keys`, "street-level crime");
  for (const [t, cols] of Object.entries(tables)) {
    if (onlyAdded) await db.run(`DELETE FROM ${t} WHERE _file IN (SELECT _file FROM _street_read) OR _file NOT IN ${files}`);
    else await db.run(`CREATE OR REPLACE TABLE ${t} (${cols})`);
  }
  await db.run(`INSERT INTO ${STREET_KEYS} SELECT * FROM _street_new_keys`);
  await placeLsoaCodes(ctx, "police_street", RAW, "police.uk street crime");
  // Usually no file is superseded and none is converted to the lookup's LSOA vintage: then every
  // line is live and placed by its own code, and the conform joins neither table (6 million lines a national year).
  const superseded = Boolean(await db.one(`SELECT 1 FROM _superseded_street LIMIT 1`));
  const live = superseded ? `NOT ${supersededSql("street", "r", "strftime(r.month, '%Y-%m')", "r.falls_within")}` : "true";
  const converts = Boolean(await db.one(`SELECT 1 FROM _lsoa_map_police_street WHERE source_code IS DISTINCT FROM lsoa_code LIMIT 1`));
  const mapJoin = converts ? "LEFT JOIN _lsoa_map_police_street m ON m._file = r._file AND m.source_code = trim_fast(r.lsoa_code)" : "";
  const placed = converts ? "m.lsoa_code" : "nullif(trim_fast(r.lsoa_code), '')";
  // The code police.uk gave, kept only for a line placed under another (converted) code: a copy
  // of every line's LSOA code cost 0.8 s of a national year's 5 s staging.
  const source = converts ? `CASE WHEN m.lsoa_code IS DISTINCT FROM nullif(trim_fast(r.lsoa_code), '') THEN nullif(trim_fast(r.lsoa_code), '') END` : "NULL::VARCHAR";
  // A Crime ID counts once (its first line by file path and line), whether its lines are
  // identical or differ (two forces, a re-typed line); ID-less (ASB) lines all count. A window
  // over the lines of the IDs that repeat only (`_repeated_ids`, found as they are reported; usually none).
  // Added files alone repeat none (checked above): the earlier files' repeats stand, and are reported again.
  let repeats = 0;
  if (onlyAdded) {
    for (const w of await db.all<{ code: string; subject: string; message: string }>(`SELECT code, subject, message FROM ${STREET_REPEATS} ORDER BY rowid`)) {
      await db.recordWarning("conform", w.code, w.subject, w.message);
    }
  } else {
    await db.run(`CREATE OR REPLACE TEMP TABLE _warnings_before AS SELECT rowid AS r FROM audit.warnings`);
    repeats = await reportRepeats(ctx, live);
    await db.run(`CREATE OR REPLACE TABLE ${STREET_REPEATS} AS SELECT code, subject, message FROM audit.warnings
      WHERE stage = 'conform' AND code IN ('crime_repeated_line', 'crime_id_conflict') AND rowid NOT IN (SELECT r FROM _warnings_before) ORDER BY rowid`);
    await db.run(`CREATE OR REPLACE TABLE ${STREET_STATE} AS SELECT ${repeats}::INTEGER AS repeats`);
  }
  // The lines not placed in the build (no location, or an LSOA outside it), found in one scan; per
  // file from them: the lines with no location, those outside the build, and their Crime IDs.
  await db.run(`CREATE OR REPLACE TEMP TABLE _unplaced AS
    SELECT r.rowid AS line_row, r._file, r.month, r.falls_within, r.crime_type, r.crime_id, ${placed} AS lsoa_code, r.lsoa_name
    FROM ${RAW} r ${mapJoin} WHERE ${placed} IS NULL OR ${placed} NOT IN (SELECT lsoa_code FROM ref.lsoa_ward)`);
  await db.run(`INSERT INTO ${NO_LOCATION_FILES}
    SELECT _file, month, falls_within, crime_type, count(*)::INTEGER FROM _unplaced WHERE lsoa_code IS NULL GROUP BY ALL`);
  await db.run(`INSERT INTO ${OUTSIDE_FILES}
    SELECT _file, month, falls_within, lsoa_code, any_value(trim_fast(lsoa_name)),
           CASE WHEN lsoa_code IN (SELECT lsoa_code FROM ref.lookup_lsoas) THEN 'authority not in this build' ELSE 'not in the lookup' END, count(*)::INTEGER
    FROM _unplaced WHERE lsoa_code IS NOT NULL GROUP BY _file, month, falls_within, lsoa_code`);
  await db.run(`INSERT INTO ${UNPLACED_IDS} SELECT _file, crime_id FROM _unplaced WHERE crime_id IS NOT NULL`);
  const lineColumns = "crime_id_hash, month, falls_within, lsoa_code, source_lsoa_code, crime_type, last_outcome_category";
  const events = `
    WITH lines AS (
      SELECT r.crime_id AS crime_id_hash, r.month, r.falls_within, ${placed} AS lsoa_code, ${source} AS source_lsoa_code, r.crime_type,
             r.last_outcome_category, r._file, r._line
      FROM ${RAW} r ${mapJoin}
      WHERE ${live}
    ),
    kept AS (${repeats === 0
      ? `SELECT ${lineColumns}, _file, _line FROM lines`
      : `SELECT ${lineColumns}, _file, _line FROM lines WHERE crime_id_hash IN (SELECT crime_id FROM _repeated_ids)
           QUALIFY row_number() OVER (PARTITION BY crime_id_hash ORDER BY _file, _line) = 1
         UNION ALL
         SELECT ${lineColumns}, _file, _line FROM lines WHERE crime_id_hash IS NULL OR crime_id_hash NOT IN (SELECT crime_id FROM _repeated_ids)`})
    SELECT ${EVENT_COLUMNS.map((c) => `l.${c}`).join(", ")}
    FROM kept l SEMI JOIN ref.lsoa_ward w ON w.lsoa_code = l.lsoa_code`;
  if (onlyAdded) {
    await db.run(`DELETE FROM staging.crime_events WHERE _file IN (SELECT _file FROM _street_read) OR _file NOT IN ${files}`);
    // The added files may bring a force or crime type the staged lines' ENUMs do not have yet.
    await widenEnumsLike(db, "staging.crime_events", RAW);
    await db.run(`INSERT INTO staging.crime_events ${events}`);
    // An added file can re-issue the month and force of an earlier one: that file's rows of it go
    // (a scan of every staged line, 0.2 s a national year: only when a file is superseded).
    if (superseded) await db.run(`DELETE FROM staging.crime_events e WHERE ${supersededSql("street", "e", "strftime(e.month, '%Y-%m')", "e.falls_within")}`);
  } else if (await fewDropped(db)) {
    await stageInPlace(db, live, repeats > 0, converts);
  } else {
    await db.run(`CREATE OR REPLACE TABLE staging.crime_events AS ${events}`);
  }
  // Over every file: the live months and forces only.
  await db.run(`CREATE OR REPLACE TABLE staging.crime_no_location AS
    SELECT month, falls_within, crime_type, sum(crimes)::INTEGER AS crimes FROM ${NO_LOCATION_FILES} n
    WHERE NOT ${supersededSql("street", "n", "strftime(n.month, '%Y-%m')", "n.falls_within")} GROUP BY ALL ORDER BY ALL`);
  // One line per force: how many rows, over which months, could not be placed.
  const noLoc = await db.all<{ falls_within: string; first: string; last: string; months: number; n: number }>(
    `SELECT falls_within, strftime(min(month), '%Y-%m') AS first, strftime(max(month), '%Y-%m') AS last, count(DISTINCT month)::INTEGER AS months,
            sum(crimes)::INTEGER AS n FROM staging.crime_no_location GROUP BY 1 ORDER BY 1`,
  );
  for (const r of noLoc) {
    const period = r.months === 1 ? r.first : `${r.first} to ${r.last} (${r.months} months)`;
    await db.recordWarning("conform", "crime_no_location", r.falls_within, messages.noLocationRows("street-level crime", period, r.falls_within, r.n));
  }
  await db.run(`CREATE OR REPLACE TABLE staging.crime_outside_lookup AS
    SELECT month, lsoa_code, any_value(lsoa_name) AS lsoa_name, reason, sum(crimes)::INTEGER AS crimes FROM ${OUTSIDE_FILES} o
    WHERE NOT ${supersededSql("street", "o", "strftime(o.month, '%Y-%m')", "o.falls_within")} GROUP BY month, lsoa_code, reason ORDER BY ALL`);
  // The crimes placed per authority, month and force, from one scan of the staged lines: what the checks below read.
  await placedByAuthority(db);
  await warnFilesOutsideBuild(ctx);
  await checkMonthlyVolumes(ctx);
  await checkTypeVolumes(ctx);
  await recordMissingMonths(ctx);
  await checkCrimeRateFloor(ctx);
  await db.run(`DROP TABLE ${CRIME_LAD_MONTHS}`);
}

/** The columns of `staging.crime_events`, in order (made by a copy of the lines read, or from them in place). */
const EVENT_COLUMNS = ["crime_id_hash", "month", "falls_within", "lsoa_code", "crime_type", "last_outcome_category", "_file", "_line", "source_lsoa_code"];

/** When the street lines read are staged in place (`stageInPlace`): fewer than this share of them not placed. A setting, so tests can run either way. */
export const streetStaging = { inPlaceBelowDropped: 0.5 };

/** Are few enough lines read left out of the build (`_unplaced`) for `stageInPlace`? */
async function fewDropped(db: Context["db"]): Promise<boolean> {
  const r = await db.one<{ dropped: number; n: number }>(`SELECT (SELECT count(*) FROM _unplaced) AS dropped, (SELECT count(*) FROM ${RAW}) AS n`);
  return Number(r!.dropped) < streetStaging.inPlaceBelowDropped * Number(r!.n);
}

/**
 * `staging.crime_events` made from the lines read in place, not copied (a national year: 1.2 s
 * to copy six million lines; about 0.2 s to delete the few not kept and change the columns): lines
 * converted to the lookup's LSOA vintage get their new code (the code read kept beside it), the
 * lines of superseded files, not placed in the build, or repeating an earlier line's Crime ID go,
 * the place hash and LSOA name are dropped, and the table takes the staged lines' name. The same
 * rows and columns as the copy (`events` in `conformStreet`), which is made instead when most
 * lines are not placed (a force's file in a one-authority build: deleting nine lines in ten
 * would cost more than copying one, and leave the staged lines scattered through the table).
 */
async function stageInPlace(db: Context["db"], live: string, repeats: boolean, converts: boolean): Promise<void> {
  // Of a Crime ID's live lines, the first by file and line is kept (as the copy's window keeps it).
  if (repeats) {
    await db.run(`CREATE OR REPLACE TEMP TABLE _first_lines AS
      SELECT arg_min(r.rowid, (r._file, r._line)) AS first FROM ${RAW} r WHERE r.crime_id IN (SELECT crime_id FROM _repeated_ids) AND ${live} GROUP BY r.crime_id`);
  }
  // By row id (of this table as read: before any column changes), the lines not placed (`_unplaced`) among them.
  const notFirst = repeats ? ` OR (r.crime_id IN (SELECT crime_id FROM _repeated_ids) AND r.rowid NOT IN (SELECT first FROM _first_lines))` : "";
  await db.run(`DELETE FROM ${RAW} AS r WHERE (${live}) IS NOT TRUE OR r.rowid IN (SELECT line_row FROM _unplaced)${notFirst}`);
  await db.run(`ALTER TABLE ${RAW} ADD COLUMN source_lsoa_code VARCHAR`);
  if (converts) {
    await db.run(`UPDATE ${RAW} AS r SET source_lsoa_code = r.lsoa_code, lsoa_code = m.lsoa_code FROM _lsoa_map_police_street m
      WHERE m._file = r._file AND m.source_code = r.lsoa_code AND m.lsoa_code IS DISTINCT FROM m.source_code`);
  }
  await db.run(`DROP TABLE IF EXISTS staging.crime_events;
    ALTER TABLE ${RAW} DROP COLUMN lsoa_name; ALTER TABLE ${RAW} DROP COLUMN place_hash;
    ALTER TABLE ${RAW} RENAME COLUMN crime_id TO crime_id_hash; ALTER TABLE ${RAW} RENAME TO crime_events`);
  const columns = (await db.columnTypes("staging.crime_events")).map((c) => c.name);
  if (columns.join() !== EVENT_COLUMNS.join()) throw new Error(`staging.crime_events made in place has columns ${columns.join(", ")}, not ${EVENT_COLUMNS.join(", ")}`);
}

/**
 * Warn of the street files none of whose located rows falls in the build's authorities: their
 * months get no values there rather than zeros, and the analyst is told why. A force none of
 * whose files places a crime in the build (another area's force in a whole police.uk download:
 * some 40 forces x 36 months) is warned about once, with its files and months
 * (`crime_force_outside_build`); a file of a force that does place crimes in the build (a
 * Medway-only extract in a Thanet build beside Kent's files) is warned about on its own
 * (`crime_file_outside_build`). A file's force is the one most of its rows fall within.
 */
async function warnFilesOutsideBuild(ctx: Context): Promise<void> {
  const files = await ctx.db.all<{ f: string; force: string; n: number; months: string[]; inside: boolean }>(`
    WITH outside AS (
      SELECT k._file AS f, sum(k.located)::INTEGER AS n, list(DISTINCT k.month ORDER BY k.month) AS months
      FROM ${STREET_KEYS} k
      WHERE NOT ${supersededSql("street", "k", "k.month", "k.force")} AND k.located > 0 AND k._file NOT IN (SELECT DISTINCT _file FROM staging.crime_events)
      GROUP BY 1),
    file_force AS (SELECT _file AS f, arg_max(force, rows) AS force FROM (SELECT _file, force, sum(rows) AS rows FROM ${STREET_KEYS} GROUP BY ALL) GROUP BY 1)
    SELECT o.f, ff.force, o.n, o.months, ff.force IN (SELECT falls_within FROM ${CRIME_LAD_MONTHS}) AS inside
    FROM outside o JOIN file_force ff USING (f) ORDER BY o.f`);
  const authorities = ctx.config.geography.authorities?.length ? ctx.config.geography.authorities : [ctx.config.parent];
  const byForce = new Map<string, typeof files>();
  for (const x of files) {
    if (!x.inside) {
      byForce.set(x.force, [...(byForce.get(x.force) ?? []), x]);
      continue;
    }
    const shown = displayPath(ctx.config, x.f);
    await ctx.db.recordWarning("conform", "crime_file_outside_build", shown, messages.crimeFileOutsideBuild(shown, x.n, x.months.join(", "), authorities));
  }
  for (const [force, fs] of byForce) {
    const rows = fs.reduce((s, x) => s + x.n, 0);
    await ctx.db.recordWarning("conform", "crime_force_outside_build", force,
      messages.crimeForceOutsideBuild(force, fs.length, rows, monthSpans(fs.flatMap((x) => x.months)), displayPath(ctx.config, fs[0]!.f), authorities));
  }
}

/**
 * Warn of each Crime ID line repeated identically, and of Crime IDs whose lines differ (one
 * warning per month and set of forces, with the count); returns how many warnings (0: no ID repeats).
 * Crime IDs are stored as hashes: a warning names the first line (file and line) of each.
 */
async function reportRepeats(ctx: Context, live: string): Promise<number> {
  // The IDs that repeat (none usually; some tens of thousands in five national years): in sorted
  // order, an ID equal to the one before it (a sort of the 64-bit hashes spills like any: 0.26 s a
  // national year, where GROUP BY ... HAVING count(*) > 1, a hash table of every ID, took 0.6-0.9 s).
  // Only their lines are grouped with lists below (grouping every line so ran out of memory at 30
  // million lines). The stored hashes: equal hashes can only make distinct IDs look repeated, never
  // hide a repeat, and a false alarm is reported as a conflict.
  await ctx.db.run(`CREATE OR REPLACE TEMP TABLE _repeated_ids AS
    SELECT DISTINCT crime_id FROM (SELECT crime_id, lag(crime_id) OVER (ORDER BY crime_id) AS before FROM ${RAW} r WHERE crime_id IS NOT NULL AND ${live})
    WHERE crime_id = before`);
  if (!(await ctx.db.one(`SELECT 1 FROM _repeated_ids LIMIT 1`))) return 0;
  const repeated = `crime_id IN (SELECT crime_id FROM _repeated_ids) AND ${live}`;
  // What a line says (the month, force, crime type and outcome are stored typed, blank as NULL).
  const line = "month, falls_within, nullif(trim_fast(lsoa_code), ''), crime_type, last_outcome_category";
  const first = "(list(_file ORDER BY _file, _line))[1] AS file, (list(_line ORDER BY _file, _line))[1]::BIGINT AS line";
  const at = (r: { file: string; line: number }) => messages.fileLine(displayPath(ctx.config, r.file), Number(r.line));
  const repeats = await ctx.db.all<{ file: string; line: number; copies: number }>(`
    SELECT ${first}, count(*)::INTEGER AS copies FROM ${RAW} r WHERE ${repeated}
    GROUP BY crime_id, ${line},
             place_hash HAVING count(*) > 1 ORDER BY 1, 2`);
  for (const r of repeats) {
    await ctx.db.recordWarning("conform", "crime_repeated_line", at(r), messages.repeatedCrimeLine(at(r), r.copies));
  }
  const conflicts = await ctx.db.all<{ month: string; forces: string; ids: number; examples: { file: string; line: number }[] }>(`
    WITH ids AS (
      SELECT crime_id, strftime(min(month), '%Y-%m') AS month, ${first},
             string_agg(DISTINCT falls_within::VARCHAR, ' and ' ORDER BY falls_within::VARCHAR) AS forces
      FROM ${RAW} r WHERE ${repeated}
      GROUP BY 1 HAVING count(DISTINCT (${line}, place_hash)) > 1)
    SELECT month, forces, count(*)::INTEGER AS ids, list({'file': file, 'line': line} ORDER BY file, line) FILTER (WHERE rn <= 3) AS examples
    FROM (SELECT *, row_number() OVER (PARTITION BY month, forces ORDER BY file, line) AS rn FROM ids) GROUP BY 1, 2 ORDER BY 1, 2`);
  for (const c of conflicts) {
    await ctx.db.recordWarning("conform", "crime_id_conflict", `${c.month} ${c.forces}`, messages.crimeIdConflict(c.month, c.forces, c.ids, c.examples.map(at).join(", ")));
  }
  return repeats.length + conflicts.length;
}

/** A crime type is checked month on month only where its neighbours' typical month has at least this many crimes (smaller series are noise). */
export const TYPE_ANOMALY_MIN = 20;

/**
 * Month-on-month volume check per force and crime type over the crimes placed in the build
 * (issue 14.6): a month far from its neighbours (`findAnomalousMonths`) is flagged with the
 * force, the type and the month (`crime_anomalous_type_month`). Months with no crimes of a type
 * count as 0 between the first and last month of the build's data, so a type that vanishes is seen.
 */
async function checkTypeVolumes(ctx: Context): Promise<void> {
  const rows = await ctx.db.all<{ force: string; crime_type: string; month: string; n: number }>(
    `WITH months AS (SELECT DISTINCT month FROM staging.crime_events),
          series AS (SELECT DISTINCT falls_within AS force, crime_type FROM staging.crime_events),
          counts AS (SELECT falls_within AS force, crime_type, month, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY ALL)
     SELECT s.force, s.crime_type, strftime(m.month, '%Y-%m') AS month, coalesce(c.n, 0)::INTEGER AS n
     FROM series s CROSS JOIN months m LEFT JOIN counts c USING (force, crime_type, month) ORDER BY 1, 2, 3`,
  );
  const series = new Map<string, { force: string; type: string; months: { month: string; n: number }[] }>();
  for (const r of rows) {
    const key = `${r.force}\u0000${r.crime_type}`;
    const entry = series.get(key) ?? { force: r.force, type: r.crime_type, months: [] };
    entry.months.push({ month: r.month, n: r.n });
    series.set(key, entry);
  }
  for (const { force, type, months } of series.values()) {
    // A type is checked over the months police.uk had it, before and after a split apart (`POLICE_CRIME_TYPES`).
    const life = POLICE_CRIME_TYPES[type];
    const lived = months.filter((m) => (!life?.from || m.month >= life.from) && (!life?.to || m.month <= life.to));
    const spans = life?.changed ? [lived.filter((m) => m.month < life.changed!), lived.filter((m) => m.month >= life.changed!)] : [lived];
    for (const a of spans.flatMap(findAnomalousMonths)) {
      if (a.typical < TYPE_ANOMALY_MIN) continue;
      await ctx.db.recordWarning("conform", "crime_anomalous_type_month", `${a.month} ${force} ${type}`, messages.anomalousTypeMonth(force, type, a.month, a.n, a.typical));
    }
  }
}

/** Month-on-month volume check over the crimes placed in each authority of the build. */
async function checkMonthlyVolumes(ctx: Context): Promise<void> {
  const rows = await ctx.db.all<{ lad_code: string; lad_name: string; month: string; n: number }>(
    `SELECT c.lad_code, any_value(a.lad_name) AS lad_name, strftime(c.month, '%Y-%m') AS month, sum(c.n)::INTEGER AS n
     FROM ${CRIME_LAD_MONTHS} c JOIN ${AUTHORITIES_SQL} a USING (lad_code) GROUP BY c.lad_code, 3 ORDER BY 1, 3`,
  );
  const byLad = new Map<string, { name: string; months: { month: string; n: number }[] }>();
  for (const r of rows) {
    const entry = byLad.get(r.lad_code) ?? { name: r.lad_name, months: [] };
    entry.months.push({ month: r.month, n: r.n });
    byLad.set(r.lad_code, entry);
  }
  const subject = byLad.size > 1 ? (name: string) => `police.uk street crime in ${name}` : () => "police.uk street crime";
  for (const { name, months } of byLad.values()) {
    for (const a of findAnomalousMonths(months)) {
      await ctx.db.recordWarning("conform", "crime_anomalous_month", a.month, messages.anomalousMonth(subject(name), a.month, a.n, a.typical));
    }
  }
}

/**
 * Months whose count departs from the median of their neighbours (up to 2 months either side) by
 * more than ANOMALY_RATIO. Two passes, so one bad month does not make its neighbours look bad: a
 * month flagged in the first pass is kept only if it is still anomalous against the nearest
 * months (up to 2 each side, within 4 months) that were not flagged.
 */
export function findAnomalousMonths(months: { month: string; n: number }[]): { month: string; n: number; typical: number }[] {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length / 2;
    return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  const odd = (n: number, typical: number) => n < typical * ANOMALY_RATIO || n > typical / ANOMALY_RATIO;
  const first = new Set<number>();
  months.forEach((m, i) => {
    const neighbours = [...months.slice(Math.max(0, i - 2), i), ...months.slice(i + 1, i + 3)].map((x) => x.n);
    if (neighbours.length >= 2 && odd(m.n, median(neighbours))) first.add(i);
  });
  const out: { month: string; n: number; typical: number }[] = [];
  for (const i of first) {
    const clean = (from: number, to: number, step: number) => {
      const xs: number[] = [];
      for (let j = from; j !== to && xs.length < 2; j += step) if (j >= 0 && j < months.length && !first.has(j)) xs.push(months[j]!.n);
      return xs;
    };
    const neighbours = [...clean(i - 1, i - 5, -1), ...clean(i + 1, i + 5, 1)];
    if (neighbours.length < 2) continue;
    const typical = median(neighbours);
    if (odd(months[i]!.n, typical)) out.push({ month: months[i]!.month, n: months[i]!.n, typical: Math.round(typical) });
  }
  return out;
}
