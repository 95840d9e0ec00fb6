/**
 * Residents survey microdata plus its codebook (JSON). The codebook names the questions, their
 * answer codes, which codes count as the positive answer for an indicator, which answers are
 * excluded from the base ("Don't know"), the free-text columns and the design columns. Free text
 * stays in `raw_survey_responses` and is never staged, charted or exported.
 * Grains: `staging.survey_respondents` one row per respondent and wave;
 * `staging.survey_answers` one row per respondent, wave and question.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { defineCsvFormat, withColumnNames, type CsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";
import { loadCsvOrWorkbooks } from "../workbook.ts";
import { expandFiles } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { literal, strptimeSql, type Warehouse } from "../../pipelines/core/warehouse.ts";
import { screenLabel, screenLabelColumn } from "../../pipelines/core/label-screen.ts";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
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

/**
 * The largest design weight accepted: a respondent standing for more people than live in the UK
 * is a typing or export error (weights of 0, negative, non-finite or above this reject the row).
 */
export const MAX_DESIGN_WEIGHT = 100_000_000;

/** The microdata format a codebook implies: design columns, its questions and free text. */
export function surveyFormat(codebook: Codebook): CsvFormat {
  return defineCsvFormat({
    id: "residents_survey_microdata",
    title: "residents survey microdata",
    rawTable: "raw_survey_responses",
    grain: "one row per respondent and wave",
    renameHint: `if your microdata names a column otherwise, give its name in sources.survey.columns (e.g. "columns": { "design_weight": "wt_final" })`,
    columns: [
      { name: "respondent_id", header: "respondent_id", required: true, personal: "hash" },
      { name: "wave", header: "wave", required: true },
      { name: "fieldwork_date", header: "fieldwork_date", kind: "date", required: true, notFuture: true },
      { name: "ward_code", header: "ward_code", kind: "code", required: true },
      { name: "stratum", header: "stratum", required: true },
      { name: "design_weight", header: "design_weight", kind: "number", range: { above: 0, atMost: MAX_DESIGN_WEIGHT }, required: true },
      { name: "interview_language", header: "interview_language" },
      { name: "sex", header: "sex", optional: true },
      { name: "age_band", header: "age_band", optional: true },
      ...codebook.questions.map((q) => ({ name: q.id, header: q.id })),
      ...codebook.free_text.map((f) => ({ name: f, header: f, optional: true, personal: "drop" as const })),
    ],
  });
}

/** The `sources.survey` block. */
const surveyConfig = z
  .object({
    microdata: fileList,
    codebook: z.string().min(1),
    columns: z.record(z.string(), z.string().min(1)).optional().describe("the microdata's own name for any column, by the format's name: { \"design_weight\": \"wt_final\" }"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { survey: z.output<typeof surveyConfig> }
}

/** Survey adapter. */
export const surveyAdapter = defineSource({
  slot: "survey",
  title: "Residents survey (local microdata)",
  licence: "Local data: council residents survey. Microdata and free text never leave the warehouse.",
  schema: surveyConfig,
  paths: ["microdata", "codebook"],
  async load(ctx, s) {
    const format = withColumnNames(surveyFormat(readCodebook(s.codebook)), s.columns, "sources.survey.columns");
    registerFormats(format);
    // Microdata saved as a workbook: only the columns staged are copied out of it (`formatPlan`).
    return loadCsvOrWorkbooks(ctx, format, await expandFiles(ctx, "survey", s.microdata));
  },
  async conform(ctx, s) {
    const { db } = ctx;
    const codebook = readCodebook(s.codebook);
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
    await db.run(`CREATE OR REPLACE TEMP TABLE _survey_lines AS SELECT * EXCLUDE (_rid) FROM (SELECT *, rowid AS _rid FROM raw_survey_responses
      QUALIFY row_number() OVER (PARTITION BY trim(wave), trim(respondent_id) ORDER BY _file DESC, _line DESC) = 1) ORDER BY _rid`);
    const repeated = await db.one<{ ids: number; lines: number; examples: string | null }>(`
      SELECT count(*)::INTEGER AS ids, sum(n)::INTEGER AS lines, string_agg(id, ', ' ORDER BY id) FILTER (WHERE r <= 3) AS examples
      FROM (SELECT trim(respondent_id) || ' (wave ' || trim(wave) || ')' AS id, count(*) AS n, row_number() OVER (ORDER BY trim(wave), trim(respondent_id)) AS r
            FROM raw_survey_responses GROUP BY trim(wave), trim(respondent_id) HAVING count(*) > 1)`);
    if (repeated!.ids) {
      await db.recordWarning("conform", "survey_repeated_respondent", "residents survey", messages.repeatedRespondents(repeated!.ids, repeated!.lines, repeated!.examples ?? ""));
    }
    await db.run(`CREATE OR REPLACE TABLE staging.survey_respondents AS
      SELECT trim(wave) AS wave, trim(respondent_id) AS respondent_id,
             coalesce(${strptimeSql("trim(fieldwork_date)", "%Y-%m-%d")}, ${strptimeSql("trim(fieldwork_date)", "%d/%m/%Y")})::DATE AS fieldwork_date,
             ${declaredWardSql("trim(ward_code)")} AS ward_code, trim(stratum) AS stratum, replace(design_weight, ',', '')::DOUBLE AS weight,
             'design' AS weighting,
             coalesce(nullif(trim(interview_language), ''), 'unknown') AS language, nullif(trim(sex), '') AS sex, nullif(trim(age_band), '') AS age_band,
             trim(ward_code) AS source_ward_code,
             row_number() OVER (ORDER BY trim(wave), _file, _line)::INTEGER AS line_order
      FROM _survey_lines`);
    await reportWardConversion(ctx, "residents survey", "staging.survey_respondents", "source_ward_code", "best_fit", "ward_code");
    // The interview language becomes a breakdown label: only the codebook's languages (or, with
    // none declared, screened values) are kept; anything else counts as unknown.
    await screenLabelColumn(db, {
      table: "staging.survey_respondents", column: "language", subject: "residents survey", what: "interview language",
      vocabulary: Object.keys(codebook.languages), replacement: "unknown", stage: "conform", raw: { table: "raw_survey_responses", column: "interview_language" },
    });
    const unions = codebook.questions
      .map((q) => `SELECT trim(wave) AS wave, trim(respondent_id) AS respondent_id, ${literal(q.id)} AS question_id, nullif(trim(${q.id}), '') AS answer FROM _survey_lines`)
      .join("\nUNION ALL ");
    await db.run(`CREATE OR REPLACE TABLE staging.survey_answers AS ${unions}`);
    await db.run(`DROP TABLE _survey_lines`);
    await dropUnknownAnswerCodes(db, codebook);
  },
});

/**
 * Answers whose code is not one of their question's codebook answers are left out (NULL: not in
 * the base), never counted as a "no", with one warning per question naming it and the codes
 * (only short codes that pass the label screen are shown; others are counted). Questions with no declared
 * answers (numeric) and multi-answer cells are left as they are.
 */
async function dropUnknownAnswerCodes(db: Warehouse, codebook: Codebook): Promise<void> {
  const coded = codebook.questions.filter((q) => q.type !== "multi" && Object.keys(q.answers).length > 0);
  if (!coded.length) return;
  await db.run(`CREATE OR REPLACE TEMP TABLE _survey_codes (question_id VARCHAR, code VARCHAR)`);
  await db.insertRows("_survey_codes", ["question_id", "code"], coded.flatMap((q) => Object.keys(q.answers).map((code) => ({ question_id: q.id, code }))));
  const unknown = await db.all<{ question_id: string; answer: string; n: number }>(
    `SELECT a.question_id, a.answer, count(*)::INTEGER AS n FROM staging.survey_answers a
     WHERE a.answer IS NOT NULL AND a.question_id IN (SELECT question_id FROM _survey_codes)
       AND NOT EXISTS (SELECT 1 FROM _survey_codes c WHERE c.question_id = a.question_id AND c.code = a.answer)
     GROUP BY ALL ORDER BY 1, 2`,
  );
  for (const q of coded) {
    const mine = unknown.filter((u) => u.question_id === q.id);
    if (!mine.length) continue;
    const shown = mine.filter((u) => /^[\w.+-]{1,12}$/.test(u.answer) && screenLabel(u.answer) === null).map((u) => u.answer);
    const rows = mine.reduce((s, u) => s + u.n, 0);
    await db.recordWarning("conform", "survey_unknown_answer_code", q.id, messages.surveyUnknownAnswerCodes(q.id, shown, mine.length - shown.length, rows));
  }
  if (unknown.length) {
    await db.run(`UPDATE staging.survey_answers a SET answer = NULL
      WHERE a.answer IS NOT NULL AND a.question_id IN (SELECT question_id FROM _survey_codes)
        AND NOT EXISTS (SELECT 1 FROM _survey_codes c WHERE c.question_id = a.question_id AND c.code = a.answer)`);
  }
  await db.run(`DROP TABLE _survey_codes`);
}
