/**
 * Residents survey microdata plus its codebook (JSON). The codebook names the questions, their
 * answer codes, which codes count as the positive answer for an indicator, which answers are
 * excluded from the base ("Don't know"), the free-text columns and the design columns. Free text
 * stays in `raw.survey_responses` and is never staged, charted or exported.
 * Grains: `staging.survey_respondents` one row per respondent and wave;
 * `staging.survey_answers` one row per respondent, wave and question.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { defineCsvFormat, type CsvFormat } from "../csv-format.ts";
import { loadCsvFiles, registerFormats } from "../load-csv.ts";
import { expandFiles } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import type { SourceAdapter } from "../source-adapter.ts";
import { declaredWardSql, reportWardConversion } from "../geography/ward-crosswalk.ts";

const questionSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  text: z.string(),
  type: z.enum(["single", "multi", "priority", "numeric"]).default("single"),
  answers: z.record(z.string(), z.string()).default({}),
  indicator: z.object({ positive: z.array(z.string()).min(1), exclude: z.array(z.string()).default([]) }).optional(),
});

/** Codebook schema. */
export const codebookSchema = z.object({
  survey: z.string(),
  waves: z.array(z.any()).optional(),
  languages: z.record(z.string(), z.string()).default({}),
  questions: z.array(questionSchema).min(1),
  free_text: z.array(z.string()).default([]),
});
/** A parsed codebook. */
export type Codebook = z.output<typeof codebookSchema>;

/** Read and validate a codebook file. */
export function readCodebook(file: string): Codebook {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new LocalneedsError(messages.codebookUnreadable(file, (err as Error).message));
  }
  const r = codebookSchema.safeParse(json);
  if (!r.success) throw new LocalneedsError(messages.codebookInvalid(file, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)));
  return r.data;
}

/** The microdata format a codebook implies: design columns, its questions and free text. */
export function surveyFormat(codebook: Codebook): CsvFormat {
  return defineCsvFormat({
    id: "residents_survey_microdata",
    title: "residents survey microdata",
    rawTable: "raw.survey_responses",
    grain: "one row per respondent and wave",
    columns: [
      { name: "respondent_id", header: "respondent_id", required: true, personal: "hash" },
      { name: "wave", header: "wave", required: true },
      { name: "fieldwork_date", header: "fieldwork_date", kind: "date", required: true, notFuture: true },
      { name: "ward_code", header: "ward_code", kind: "code", required: true },
      { name: "stratum", header: "stratum", required: true },
      { name: "design_weight", header: "design_weight", kind: "number", nonNegative: true, required: true },
      { name: "interview_language", header: "interview_language" },
      { name: "sex", header: "sex", optional: true },
      { name: "age_band", header: "age_band", optional: true },
      ...codebook.questions.map((q) => ({ name: q.id, header: q.id })),
      ...codebook.free_text.map((f) => ({ name: f, header: f, optional: true, personal: "drop" as const })),
    ],
  });
}

/** Survey adapter. */
export const surveyAdapter: SourceAdapter = {
  slot: "survey",
  title: "Residents survey (local microdata)",
  licence: "Local data: council residents survey. Microdata and free text never leave the warehouse.",
  enabled: (ctx) => Boolean(ctx.config.sources.survey),
  async load(ctx) {
    const s = ctx.config.sources.survey!;
    const format = surveyFormat(readCodebook(s.codebook));
    registerFormats(format);
    return loadCsvFiles(ctx, format, await expandFiles(ctx.db, "survey", s.microdata));
  },
  async conform(ctx) {
    const { db } = ctx;
    const codebook = readCodebook(ctx.config.sources.survey!.codebook);
    await db.run(`CREATE OR REPLACE TABLE ref.survey_questions (question_id VARCHAR, text VARCHAR, type VARCHAR, positive VARCHAR[], exclude VARCHAR[], answers JSON)`);
    for (const q of codebook.questions) {
      const list = (xs: string[] | undefined) => `[${(xs ?? []).map(literal).join(", ")}]::VARCHAR[]`;
      await db.run(`INSERT INTO ref.survey_questions VALUES ($id, $t, $ty, ${list(q.indicator?.positive)}, ${list(q.indicator?.exclude)}, $a)`, {
        id: q.id,
        t: q.text,
        ty: q.type,
        a: JSON.stringify(q.answers),
      });
    }
    await db.run(`CREATE OR REPLACE TABLE ref.survey_languages (code VARCHAR, name VARCHAR)`);
    await db.insertRows("ref.survey_languages", ["code", "name"], Object.entries(codebook.languages).map(([code, name]) => ({ code, name })));
    // A respondent ID repeated within a wave (a re-pasted block, an export run twice) counts once,
    // from its last line: joined to its answers twice it would count four times.
    // In the raw table's own order: weighting sums over respondents in this order, and a window's
    // output order varies run to run (the last bits of the weights would too).
    await db.run(`CREATE OR REPLACE TEMP TABLE _survey_lines AS SELECT * EXCLUDE (_rid) FROM (SELECT *, rowid AS _rid FROM raw.survey_responses
      QUALIFY row_number() OVER (PARTITION BY trim(wave), trim(respondent_id) ORDER BY _file DESC, _line DESC) = 1) ORDER BY _rid`);
    const repeated = await db.one<{ ids: number; lines: number; examples: string | null }>(`
      SELECT count(*)::INTEGER AS ids, sum(n)::INTEGER AS lines, string_agg(id, ', ' ORDER BY id) FILTER (WHERE r <= 3) AS examples
      FROM (SELECT trim(respondent_id) || ' (wave ' || trim(wave) || ')' AS id, count(*) AS n, row_number() OVER (ORDER BY trim(wave), trim(respondent_id)) AS r
            FROM raw.survey_responses GROUP BY trim(wave), trim(respondent_id) HAVING count(*) > 1)`);
    if (repeated!.ids) {
      await db.recordWarning("conform", "survey_repeated_respondent", "residents survey", messages.repeatedRespondents(repeated!.ids, repeated!.lines, repeated!.examples ?? ""));
    }
    await db.run(`CREATE OR REPLACE TABLE staging.survey_respondents AS
      SELECT trim(wave) AS wave, trim(respondent_id) AS respondent_id,
             coalesce(try_strptime(trim(fieldwork_date), '%Y-%m-%d'), try_strptime(trim(fieldwork_date), '%d/%m/%Y'))::DATE AS fieldwork_date,
             ${declaredWardSql("trim(ward_code)")} AS ward_code, trim(stratum) AS stratum, replace(design_weight, ',', '')::DOUBLE AS weight,
             coalesce(nullif(trim(interview_language), ''), 'unknown') AS language, nullif(trim(sex), '') AS sex, nullif(trim(age_band), '') AS age_band,
             trim(ward_code) AS source_ward_code,
             row_number() OVER (ORDER BY trim(wave), _file, _line)::INTEGER AS line_order
      FROM _survey_lines`);
    await reportWardConversion(ctx, "residents survey", "staging.survey_respondents", "source_ward_code", "best_fit", "ward_code");
    const unions = codebook.questions
      .map((q) => `SELECT trim(wave) AS wave, trim(respondent_id) AS respondent_id, ${literal(q.id)} AS question_id, nullif(trim(${q.id}), '') AS answer FROM _survey_lines`)
      .join("\nUNION ALL ");
    await db.run(`CREATE OR REPLACE TABLE staging.survey_answers AS ${unions}`);
    await db.run(`DROP TABLE _survey_lines`);
  },
};
