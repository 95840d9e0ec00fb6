/**
 * The European Standard Population 2013 (Eurostat) as published in the NHS Scotland / ISD
 * layout: `AgeGroup,EuropeanStandardPopulation[,Group]`, 20 rows. Label quirk: `Under 1 year`
 * is followed by `0-4 years`, which is really ages 1-4; the two are merged into the usual
 * 0-4 band (5,000), giving the 19 bands of `ref.esp2013(age, age_to, label, population)` that
 * sum to 100,000 (90+ is 90-120). A total other than 100,000 is reported in `audit.warnings`.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, registerFormats, type FileLoad } from "../load-csv.ts";
import { displayPath } from "../files.ts";

/** ESP file layout. */
export const esp2013Format = defineCsvFormat({
  id: "esp2013",
  title: "a European Standard Population file",
  rawTable: "raw_esp2013",
  grain: "one row per age band as published",
  columns: [
    { name: "age_group", header: "AgeGroup", required: true },
    { name: "population", header: "EuropeanStandardPopulation", kind: "integer", nonNegative: true, required: true },
    { name: "group", header: "Group", optional: true },
  ],
});
registerFormats(esp2013Format);

/** Parse a published band label to ages (`Under 1 year` -> 0-0, `90plus years` -> 90-120, `5-9 years` -> 5-9). */
export function espBand(label: string): [number, number] | undefined {
  const t = label.trim().toLowerCase();
  if (/^under 1/.test(t)) return [0, 0];
  let m = /^(\d+)\s*(?:plus|\+)/.exec(t);
  if (m) return [Number(m[1]), 120];
  m = /^(\d+)\s*-\s*(\d+)/.exec(t);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Load the ESP file and write `ref.esp2013` (19 bands). */
export async function loadEsp2013(ctx: Context, file: string): Promise<FileLoad[]> {
  return loadCsvFiles(ctx, esp2013Format, [file]);
}

/** Conform `raw_esp2013` into the 19 standard bands. */
export async function conformEsp2013(ctx: Context, file: string): Promise<void> {
  const { db } = ctx;
  const rows = await db.all<{ age_group: string; population: string; line: number }>(
    `SELECT age_group, population, _line::INTEGER AS line FROM raw_esp2013 WHERE _file = $f ORDER BY _line`, { f: file });
  const bands: { age: number; age_to: number; label: string; population: number }[] = [];
  let sawUnder1 = false;
  for (const r of rows) {
    const b = espBand(r.age_group);
    if (!b) {
      // A total line is expected; any other label is a band this reader cannot place: say which.
      if (!/^\s*total\b/i.test(r.age_group)) {
        await db.recordWarning("conform", "esp2013_band_unreadable", displayPath(ctx.config, file), messages.esp2013BandUnreadable(displayPath(ctx.config, file), r.line, r.age_group));
      }
      continue;
    }
    let [from, to] = b;
    const pop = Number(r.population.replace(/,/g, ""));
    if (from === 0 && to === 0) sawUnder1 = true;
    // `0-4 years` right after `Under 1 year` is the 1-4 band: merge both into 0-4.
    else if (sawUnder1 && from === 0 && to === 4) from = 1;
    const last = bands.at(-1);
    if (last && last.age === 0 && last.age_to === 0 && from === 1 && to === 4) {
      last.age_to = 4;
      last.population += pop;
      last.label = "0-4";
      continue;
    }
    bands.push({ age: from, age_to: to, label: to === 120 ? `${from}+` : `${from}-${to}`, population: pop });
  }
  await db.run(`CREATE OR REPLACE TABLE ref.esp2013 (age INTEGER, age_to INTEGER, label VARCHAR, population DOUBLE)`);
  await db.insertRows("ref.esp2013", ["age", "age_to", "label", "population"], bands);
  const total = bands.reduce((s, b) => s + b.population, 0);
  if (total !== 100000) {
    await db.recordWarning("conform", "esp2013_total", displayPath(ctx.config, file), messages.esp2013Total(displayPath(ctx.config, file), total));
  }
}
