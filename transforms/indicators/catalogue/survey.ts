/** Community voice: residents survey indicators (weighted proportions: design or raked weights, as `transforms/survey-weighting.ts` made them). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

const q = (id: string, question: string, title: string, short: string, polarity: IndicatorSpec["polarity"]): IndicatorSpec =>
  defineIndicator({
    id: `survey.${id}`,
    domain: "survey",
    title,
    short,
    numerator: { kind: "survey", question },
    method: "survey_proportion",
    polarity,
    periods: ["financial_year"],
    source: "Residents survey (local microdata)",
    definition: `Weighted share of respondents giving the positive answer(s) to "${question}" (don't know excluded); stratified design, logit interval with the design's degrees of freedom. Bases under 30 are not published.`,
  });

/** Survey indicators. */
export const surveyIndicators: IndicatorSpec[] = [
  q("feel_safe_after_dark", "q_safe_dark", "Residents who feel safe outside in their local area after dark", "Feel safe after dark", "high_is_good"),
  q("can_influence_decisions", "q_influence", "Residents who feel they can influence decisions affecting their local area", "Can influence decisions", "high_is_good"),
  q("satisfied_with_area", "q_satisfied_area", "Residents satisfied with their local area as a place to live", "Satisfied with the area", "high_is_good"),
  q("different_backgrounds_get_on", "q_get_on", "Residents who agree people from different backgrounds get on well together", "Different backgrounds get on well", "high_is_good"),
  q("drunk_rowdy_problem", "q_problem_drunk", "Residents who say drunk or rowdy behaviour is a problem", "Drunk or rowdy behaviour a problem", "low_is_good"),
  q("drugs_problem", "q_problem_drugs", "Residents who say drug use or dealing is a problem", "Drug use or dealing a problem", "low_is_good"),
  defineIndicator({
    id: "survey.top_priorities",
    domain: "survey",
    title: "Residents naming each issue among their top three priorities for the area",
    short: "Top priorities",
    numerator: { kind: "survey_choice", questions: ["q_priority_1", "q_priority_2", "q_priority_3"] },
    method: "survey_proportion",
    polarity: "no_judgement",
    periods: ["financial_year"],
    source: "Residents survey (local microdata)",
    definition: "Weighted share of respondents naming each issue among their three priorities (one breakdown per issue); respondents who named none are left out.",
  }),
];
