/**
 * police.uk street-level crime: monthly CSVs, a folder per month, any number of forces.
 * Grain of `staging.crime_events`: one row per crime or ASB incident placed in an LSOA of the
 * build's lookup. Rows are placed by the LSOA code police.uk supplies (never by force or name);
 * "No Location" rows are counted at force level; LSOAs outside the lookup are counted, not
 * placed; a line repeated with the same Crime ID is counted once and reported; ID-less ASB
 * lines are all counted (separate incidents can be byte-identical).
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, registerFormats } from "../load-csv.ts";
import { expandFiles } from "../files.ts";
import { messages } from "../../pipelines/messages.ts";
import { OGL, type SourceAdapter } from "../source-adapter.ts";
import type { Context } from "../../pipelines/context.ts";

/** police.uk street-level crime CSV (12 columns). */
export const policeStreetFormat = defineCsvFormat({
  id: "police_uk_street",
  title: "a police.uk street-level crime file",
  rawTable: "raw.police_street",
  grain: "one row per line of the police.uk street files",
  columns: [
    { name: "crime_id", header: "Crime ID" },
    { name: "month", header: "Month", kind: "month", required: true },
    { name: "reported_by", header: "Reported by" },
    { name: "falls_within", header: "Falls within", required: true },
    { name: "longitude", header: "Longitude", kind: "number" },
    { name: "latitude", header: "Latitude", kind: "number" },
    { name: "location", header: "Location" },
    { name: "lsoa_code", header: "LSOA code" },
    { name: "lsoa_name", header: "LSOA name" },
    { name: "crime_type", header: "Crime type", required: true },
    { name: "last_outcome_category", header: "Last outcome category" },
    { name: "context", header: "Context" },
  ],
});
registerFormats(policeStreetFormat);

/** A month is anomalous when its volume is below this share, or above its inverse, of its neighbours' median. */
export const ANOMALY_RATIO = 0.6;

/** Crime adapter. */
export const crimeAdapter: SourceAdapter = {
  slot: "crime",
  title: "police.uk street-level crime",
  licence: OGL,
  enabled: (ctx) => Boolean(ctx.config.sources.crime),
  async load(ctx) {
    const files = await expandFiles(ctx.db, "crime", ctx.config.sources.crime!.files);
    return loadCsvFiles(ctx, policeStreetFormat, files);
  },
  async conform(ctx) {
    const { db } = ctx;
    await db.run(`CREATE OR REPLACE TABLE staging.crime_events AS
      WITH lines AS (
        SELECT nullif(trim(crime_id), '') AS crime_id, strptime(trim(month), '%Y-%m')::DATE AS month,
               trim(falls_within) AS falls_within, nullif(trim(lsoa_code), '') AS lsoa_code, trim(crime_type) AS crime_type,
               nullif(trim(last_outcome_category), '') AS last_outcome_category, _file, _line,
               row_number() OVER (PARTITION BY crime_id, month, falls_within, longitude, latitude, location, lsoa_code, crime_type, last_outcome_category
                                  ORDER BY _file, _line) AS copy_no
        FROM raw.police_street
      )
      SELECT l.crime_id, l.month, l.falls_within, l.lsoa_code, w.ward_code, w.lad_code, l.crime_type, l.last_outcome_category, l._file, l._line
      FROM lines l JOIN ref.lsoa_ward w ON w.lsoa_code = l.lsoa_code
      WHERE l.crime_id IS NULL OR l.copy_no = 1`);
    await db.run(`CREATE OR REPLACE TABLE staging.crime_no_location AS
      SELECT strptime(trim(month), '%Y-%m')::DATE AS month, trim(falls_within) AS falls_within, trim(crime_type) AS crime_type, count(*)::INTEGER AS crimes
      FROM raw.police_street WHERE nullif(trim(lsoa_code), '') IS NULL GROUP BY ALL`);
    await db.run(`CREATE OR REPLACE TABLE staging.crime_outside_lookup AS
      SELECT strptime(trim(month), '%Y-%m')::DATE AS month, trim(lsoa_code) AS lsoa_code, any_value(trim(lsoa_name)) AS lsoa_name, count(*)::INTEGER AS crimes
      FROM raw.police_street WHERE nullif(trim(lsoa_code), '') IS NOT NULL AND trim(lsoa_code) NOT IN (SELECT lsoa_code FROM ref.lsoa_ward) GROUP BY ALL`);
    await reportRepeats(ctx);
    await checkMonthlyVolumes(ctx);
  },
};

async function reportRepeats(ctx: Context): Promise<void> {
  const repeats = await ctx.db.all<{ crime_id: string; copies: number }>(`
    SELECT crime_id, count(*)::INTEGER AS copies FROM raw.police_street WHERE nullif(trim(crime_id), '') IS NOT NULL
    GROUP BY crime_id, month, falls_within, longitude, latitude, location, lsoa_code, crime_type, last_outcome_category HAVING count(*) > 1 ORDER BY 1`);
  for (const r of repeats) {
    await ctx.db.run(`INSERT INTO audit.warnings VALUES ('conform', 'crime_repeated_line', $s, $m)`, {
      s: r.crime_id,
      m: messages.repeatedCrimeLine(r.crime_id, r.copies),
    });
  }
}

/** Month-on-month volume check over the crimes placed in the build's area. */
async function checkMonthlyVolumes(ctx: Context): Promise<void> {
  const months = await ctx.db.all<{ month: string; n: number }>(
    `SELECT strftime(month, '%Y-%m') AS month, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`,
  );
  for (const a of findAnomalousMonths(months)) {
    await ctx.db.run(`INSERT INTO audit.warnings VALUES ('conform', 'crime_anomalous_month', $s, $m)`, {
      s: a.month,
      m: messages.anomalousMonth("police.uk street crime", a.month, a.n, a.typical),
    });
  }
}

/** Months whose count departs from the median of up to 2 months either side by more than ANOMALY_RATIO. */
export function findAnomalousMonths(months: { month: string; n: number }[]): { month: string; n: number; typical: number }[] {
  const out: { month: string; n: number; typical: number }[] = [];
  months.forEach((m, i) => {
    const neighbours = [...months.slice(Math.max(0, i - 2), i), ...months.slice(i + 1, i + 3)].map((x) => x.n).sort((a, b) => a - b);
    if (neighbours.length < 2) return;
    const mid = neighbours.length / 2;
    const typical = neighbours.length % 2 ? neighbours[Math.floor(mid)]! : (neighbours[mid - 1]! + neighbours[mid]!) / 2;
    if (m.n < typical * ANOMALY_RATIO || m.n > typical / ANOMALY_RATIO) out.push({ month: m.month, n: m.n, typical: Math.round(typical) });
  });
  return out;
}
