/**
 * Survey indicators: design-based weighted proportions for every area (ward, locality,
 * authority, rest of authority) and, for the authority and focus areas, by interview language.
 * Domain estimation keeps the whole design (all strata) and zeroes out-of-domain rows; the design
 * is prepared once per period and respondents are indexed by ward, so each area costs time in
 * proportion to its own respondents (national surveys have thousands of ward domains).
 * `numerator`/`denominator` hold the unweighted positive answers and base; bases under the
 * indicator's `minBase` are not published. The `method` names the interval and the weights the
 * respondents carry (`logit; raked weights (...)` or `logit; design weights`).
 */
import type { Context } from "../../pipelines/core/context.ts";
import { focusCodes } from "../../pipelines/core/config.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { valueRowOf, withheldStats, type IndicatorValueRow, type ValueKey } from "../marts.ts";
import { surveyDesign, surveyDomainEstimate } from "../stats/index.ts";
import type { Indicator, PeriodType } from "./define.ts";
import { periodSql } from "./periods.ts";
import { weightingMethod } from "../survey-weighting.ts";
import { literal } from "../../pipelines/core/warehouse.ts";

interface Respondent {
  period_label: string;
  period_start: string;
  period_end: string;
  ward_code: string;
  stratum: string;
  weight: number;
  /** `design` or `raked` (transforms/survey-weighting.ts). */
  weighting: string;
  language: string;
  valid: boolean;
  /** Single question: the positive answer given. Choice set: the answers given. */
  positive: boolean;
  answers: string[];
}

/** Respondents of a single question: valid unless missing or excluded ("don't know"); positive per the codebook. */
async function singleQuestion(ctx: Context, question: string, periodType: PeriodType): Promise<Respondent[]> {
  const p = periodSql(periodType, "r.fieldwork_date");
  return ctx.db.all<Respondent>(
    `SELECT ${p.label} AS period_label, ${p.start}::VARCHAR AS period_start, ${p.end}::VARCHAR AS period_end,
            r.ward_code, r.stratum, r.weight, r.weighting, r.language,
            (a.answer IS NOT NULL AND NOT list_contains(qq.exclude, a.answer)) AS valid,
            coalesce(list_contains(qq.positive, a.answer), false) AS positive, [a.answer] AS answers
     FROM staging.survey_respondents r
     JOIN staging.survey_answers a USING (wave, respondent_id)
     JOIN ref.survey_questions qq ON qq.question_id = a.question_id
     WHERE a.question_id = $q AND r.fieldwork_date IS NOT NULL
     ORDER BY r.wave, r.line_order`, // a fixed order: the weighted sums in JS are the same in every run, to the last bit
    { q: question },
  );
}

/** Respondents of a choice set (e.g. three priority columns): valid when any is answered. */
async function choiceSet(ctx: Context, questions: string[], periodType: PeriodType): Promise<Respondent[]> {
  const p = periodSql(periodType, "r.fieldwork_date");
  return ctx.db.all<Respondent>(
    `SELECT r.wave, r.respondent_id, ${p.label} AS period_label, ${p.start}::VARCHAR AS period_start, ${p.end}::VARCHAR AS period_end,
            r.ward_code, r.stratum, r.weight, r.weighting, r.language, count(a.answer) > 0 AS valid, false AS positive,
            coalesce(list(DISTINCT a.answer) FILTER (WHERE a.answer IS NOT NULL), []::VARCHAR[]) AS answers
     FROM staging.survey_respondents r
     JOIN staging.survey_answers a USING (wave, respondent_id)
     WHERE list_contains([${questions.map(literal).join(", ")}]::VARCHAR[], a.question_id) AND r.fieldwork_date IS NOT NULL
     GROUP BY ALL ORDER BY r.wave, any_value(r.line_order)`,
  );
}

/** Every table the survey indicators read (a refresh re-measures them when any changed). */
export const SURVEY_TABLES = ["ref.area_members", "ref.lsoa_ward", "ref.survey_questions", "staging.survey_answers", "staging.survey_respondents"] as const;

/** Every area's type and wards, by area code (what a survey estimate is made over). */
export type SurveyAreas = Map<string, { type: string; wards: Set<string> }>;

/** The areas of `ref.area_members` with their wards: read once for all the survey indicators of a measure stage (74,000 rows a national build). */
export async function surveyAreasOf(ctx: Context): Promise<SurveyAreas> {
  const members = await ctx.db.all<{ area_code: string; area_type: string; ward_code: string }>(
    `SELECT DISTINCT m.area_code, m.area_type, l.ward_code FROM ref.area_members m JOIN ref.lsoa_ward l USING (lsoa_code) ORDER BY 1, 3`,
  );
  const areas: SurveyAreas = new Map();
  for (const m of members) {
    const a = areas.get(m.area_code) ?? { type: m.area_type, wards: new Set<string>() };
    a.wards.add(m.ward_code);
    areas.set(m.area_code, a);
  }
  return areas;
}

/** Values of one survey indicator for one period type, over `surveyAreas` (read from the warehouse when not given). */
export async function surveyValues(ctx: Context, ind: Indicator, periodType: PeriodType, surveyAreas?: Promise<SurveyAreas>): Promise<IndicatorValueRow[]> {
  const n = ind.numerator;
  if (n.kind !== "survey" && n.kind !== "survey_choice") throw new Error(`indicator ${ind.id} is not a survey indicator`);
  const { db } = ctx;
  const questions = n.kind === "survey" ? [n.question] : n.questions;
  const known = await db.all<{ question_id: string; answers: string }>(
    `SELECT question_id, answers::VARCHAR AS answers FROM ref.survey_questions WHERE list_contains([${questions.map(literal).join(", ")}]::VARCHAR[], question_id)`,
  );
  if (known.length === 0) return [];
  const respondents = n.kind === "survey" ? await singleQuestion(ctx, n.question, periodType) : await choiceSet(ctx, n.questions, periodType);
  // Breakdowns: `all` for a single question; one `choice:<code>` per answer code for a choice set.
  const choices = n.kind === "survey_choice" ? Object.keys(JSON.parse(known[0]!.answers) as Record<string, string>).sort() : [];
  const areas = await (surveyAreas ?? surveyAreasOf(ctx));
  const byLanguageAreas = new Set([ctx.config.parent, ...focusCodes(ctx.config)]);
  const periods = [...new Set(respondents.map((r) => r.period_label))].sort();
  const smallBase = messages.smallBase(ind.suppress.minBase);
  const out: IndicatorValueRow[] = [];
  for (const period of periods) {
    const design = respondents.filter((r) => r.period_label === period);
    const { period_start, period_end } = design[0]!;
    const prepared = surveyDesign(design.map((r) => ({ stratum: r.stratum, weight: r.weight })));
    // Valid respondents by ward (indices into the design), in design order.
    const byWard = new Map<string, number[]>();
    design.forEach((r, i) => {
      if (!r.valid) return;
      const list = byWard.get(r.ward_code) ?? [];
      list.push(i);
      byWard.set(r.ward_code, list);
    });
    const languages = [...new Set(design.map((r) => r.language))].sort();
    for (const [code, area] of areas) {
      const valid = [...area.wards].flatMap((w) => byWard.get(w) ?? []).sort((a, b) => a - b);
      // [breakdown, who is in the group, who counts as positive]
      const groups: [string, (r: Respondent) => boolean, (r: Respondent) => boolean][] = [];
      if (n.kind === "survey") {
        groups.push(["all", () => true, (r) => r.positive]);
        if (byLanguageAreas.has(code)) for (const l of languages) groups.push([`language:${l}`, (r) => r.language === l, (r) => r.positive]);
      } else {
        for (const c of choices) groups.push([`choice:${c}`, () => true, (r) => r.answers.includes(c)]);
      }
      for (const [breakdown, inGroup, isPositive] of groups) {
        const base = valid.filter((i) => inGroup(design[i]!));
        const y = base.map((i) => (isPositive(design[i]!) ? 1 : 0));
        const positives = y.reduce<number>((a, b) => a + b, 0);
        const row: ValueKey = {
          indicator_id: ind.id, area_code: code, area_type: area.type, period_type: periodType, period_label: period,
          period_start, period_end, breakdown, numerator: positives, denominator: base.length,
        };
        if (base.length < ind.suppress.minBase) {
          if (breakdown.startsWith("language:") && base.length === 0) continue;
          // A base of 1 to 4 respondents is itself a small count: hide it too.
          const denominator = base.length >= 1 && base.length < 5 ? null : base.length;
          out.push(valueRowOf(row, withheldStats(weightingMethod("survey logit", base.map((i) => design[i]!.weighting)), smallBase, null, denominator)));
          continue;
        }
        const est = surveyDomainEstimate(prepared, base, y, { multiplier: ind.multiplier });
        out.push(valueRowOf(row, { value: est.value, lower95: est.lower95, upper95: est.upper95, lower998: est.lower998, upper998: est.upper998,
          method: weightingMethod(est.method, base.map((i) => design[i]!.weighting)), is_suppressed: false, suppression_reason: est.note ?? null }));
      }
    }
  }
  return out;
}
