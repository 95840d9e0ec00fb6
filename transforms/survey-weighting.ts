/**
 * Survey weighting: rake each wave's design weights to population margins of the wave's year
 * (residents aged 16 and over by ward, by age band, and by sex) from `staging.population_lsoa`.
 * Respondents whose sex is not F or M keep their weighted share (their margin target is their
 * current weighted total; the F and M targets share the rest in population proportion).
 * `staging.survey_respondents.weight` becomes the raked weight; `design_weight` keeps the original;
 * `weighting` says which a respondent has (`raked`, or `design` where raking was not asked for or
 * failed), so every estimate can say what its weights did (`weightingMethod`).
 */
import type { Context } from "../pipelines/core/context.ts";
import { messages } from "../pipelines/core/messages.ts";
import { rakeWeights } from "./stats/index.ts";

/** How a respondent's weight was made (`staging.survey_respondents.weighting`). */
export type Weighting = "design" | "raked";

/** The words for each weighting, as method labels and the pack write them. */
export const WEIGHTING_WORDS: Record<Weighting, string> = {
  design: "design weights",
  raked: "raked weights (weighted to population totals by ward, age band and sex)",
};

/** The weightings named in words, raked first: `raked weights (...) and design weights`; null for none. */
export function weightingWords(weightings: Iterable<string>): string | null {
  const given = [...weightings];
  const used = (["raked", "design"] as const).filter((w) => given.includes(w));
  return used.length ? used.map((w) => WEIGHTING_WORDS[w]).join(" and ") : null;
}

/**
 * The method label of a survey estimate from the weightings of its respondents: `logit; raked
 * weights (...)`, `logit; design weights`, or both when a period mixes raked and unraked waves.
 */
export function weightingMethod(interval: string, weightings: Iterable<string>): string {
  const words = weightingWords(weightings);
  return words ? `${interval}; ${words}` : interval;
}

/** The weightings a method label from {@link weightingMethod} names (none for other methods). */
export function weightingsOf(method: string | null | undefined): Weighting[] {
  return (Object.keys(WEIGHTING_WORDS) as Weighting[]).filter((w) => method?.includes(WEIGHTING_WORDS[w]));
}

interface Resp {
  wave: string;
  respondent_id: string;
  ward_code: string;
  age_band: string | null;
  sex: string | null;
  weight: number;
  year: number;
}

/** `16-24` -> [16, 24]; `75+` -> [75, 120]. Null when the label is not an age band. */
export function parseAgeBand(label: string): [number, number] | null {
  const m = /^(\d+)\s*(?:-\s*(\d+)|\+)$/.exec(label.trim());
  if (!m) return null;
  return [Number(m[1]), m[2] ? Number(m[2]) : 120];
}

/** Rake the survey weights when the config asks for it. Returns the number of waves raked. */
export async function weightSurvey(ctx: Context): Promise<number> {
  const { db, config } = ctx;
  const has = (t: string) => db.hasTable(`staging.${t}`);
  if (!(await has("survey_respondents"))) return 0;
  await db.run(`ALTER TABLE staging.survey_respondents ADD COLUMN IF NOT EXISTS design_weight DOUBLE`);
  await db.run(`UPDATE staging.survey_respondents SET design_weight = weight WHERE design_weight IS NULL`);
  await db.run(`ALTER TABLE staging.survey_respondents ADD COLUMN IF NOT EXISTS weighting VARCHAR`);
  await db.run(`UPDATE staging.survey_respondents SET weighting = 'design' WHERE weighting IS NULL`);
  if (config.surveyWeighting !== "rake" || !(await has("population_lsoa"))) return 0;
  const resp = await db.all<Resp>(
    `SELECT wave, respondent_id, ward_code, age_band, sex, design_weight AS weight, year(fieldwork_date)::INTEGER AS year
     FROM staging.survey_respondents ORDER BY wave, line_order`,
  );
  const waves = [...new Set(resp.map((r) => r.wave))].sort();
  const raked: { wave: string; respondent_id: string; weight: number }[] = [];
  for (const wave of waves) {
    const rows = resp.filter((r) => r.wave === wave && r.age_band && parseAgeBand(r.age_band));
    const year = rows[0]?.year;
    if (!year) continue;
    const bands = [...new Set(rows.map((r) => r.age_band!))];
    const pop = await db.all<{ ward_code: string; sex: string; age: number; age_to: number; population: number }>(
      `WITH y AS (SELECT greatest(least($y, max(year)), min(year)) AS year FROM staging.population_lsoa)
       SELECT l.ward_code, p.sex, p.age, p.age_to, sum(p.population)::DOUBLE AS population
       FROM staging.population_lsoa p JOIN ref.lsoa_ward l USING (lsoa_code), y
       WHERE p.year = y.year AND p.age >= 16 GROUP BY ALL`,
      { y: year },
    );
    const wards = new Set(rows.map((r) => r.ward_code));
    const byWard: Record<string, number> = {};
    const byBand: Record<string, number> = {};
    let f = 0;
    let m = 0;
    for (const p of pop) {
      if (!wards.has(p.ward_code)) continue;
      byWard[p.ward_code] = (byWard[p.ward_code] ?? 0) + p.population;
      const band = bands.find((b) => {
        const [lo, hi] = parseAgeBand(b)!;
        return p.age >= lo && p.age_to <= hi;
      });
      if (band) byBand[band] = (byBand[band] ?? 0) + p.population;
      if (p.sex === "F") f += p.population;
      if (p.sex === "M") m += p.population;
    }
    const total = Object.values(byWard).reduce((a, b) => a + b, 0);
    const bandTotal = Object.values(byBand).reduce((a, b) => a + b, 0);
    for (const b of Object.keys(byBand)) byBand[b] = (byBand[b]! / bandTotal) * total;
    const weighted = rows.reduce((a, r) => a + r.weight, 0);
    const otherShare = rows.filter((r) => r.sex !== "F" && r.sex !== "M").reduce((a, r) => a + r.weight, 0) / weighted;
    const sexMargin: Record<string, number> = {};
    if (f + m > 0) {
      sexMargin.F = (total * (1 - otherShare) * f) / (f + m);
      sexMargin.M = (total * (1 - otherShare) * m) / (f + m);
    }
    if (otherShare > 0) sexMargin.other = total * otherShare;
    const input = rows.map((r) => ({ weight: r.weight, ward: r.ward_code, band: r.age_band!, sex: r.sex === "F" || r.sex === "M" ? r.sex : "other" }));
    try {
      const result = rakeWeights(input, { ward: byWard, band: byBand, sex: sexMargin });
      rows.forEach((r, i) => raked.push({ wave, respondent_id: r.respondent_id, weight: result.weights[i]! }));
    } catch (err) {
      await db.recordWarning("conform", "survey_not_raked", wave, messages.surveyNotRaked(wave, (err as Error).message));
    }
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE _raked (wave VARCHAR, respondent_id VARCHAR, weight DOUBLE)`);
  await db.insertRows("_raked", ["wave", "respondent_id", "weight"], raked);
  await db.run(`UPDATE staging.survey_respondents s SET weight = r.weight, weighting = 'raked' FROM _raked r WHERE s.wave = r.wave AND s.respondent_id = r.respondent_id`);
  return new Set(raked.map((r) => r.wave)).size;
}
