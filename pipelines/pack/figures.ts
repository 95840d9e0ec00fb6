/**
 * The pack's figure layer as data (issue 18): which figures a section draws, and in what order.
 * Each figure is declared once, with the marts it reads and what it applies to: a domain-wide
 * figure by name (a section lists the names it draws, `SECTIONS[].figures`), an indicator figure
 * by the indicators it fits. The builders themselves are in `pack-charts.ts`; adding a figure to
 * a section is a line here and a name in `SECTIONS`, not a branch in the assembly.
 */
import type { Indicator } from "../../transforms/indicators/define.ts";
import type { IndicatorTrendRow } from "../../transforms/marts.ts";
import type { PackData } from "./pack-data.ts";
import {
  compareFigure,
  complaintsFigures,
  crimeMonthFigure,
  crimeTypeFigure,
  lsoaImdMapFigure,
  prioritiesFigure,
  sexBreakdownFigure,
  surveyLanguageFigure,
  surveyWardFigure,
  trendPanelsFigure,
  wardMapFigure,
  type PackFigure,
  type View,
} from "./pack-charts.ts";

/** What a domain-wide figure is drawn from: the pack's data, its view, and the section's indicator rows (latest period each). */
export interface DomainFigureInput {
  d: PackData;
  view: View;
  indicators: readonly Indicator[];
  domain: string;
  title: string;
  rows: readonly { indicator: Indicator; periodType: string; period: string; trend: IndicatorTrendRow | null }[];
}

/** A figure drawn once per section. */
export interface DomainFigure {
  /** The marts (and reference tables) it reads, through `PackData`. */
  reads: string[];
  build: (x: DomainFigureInput) => (PackFigure | null)[];
}

/** The domain-wide figures, by the name a section lists them under. */
export const DOMAIN_FIGURES: Record<string, DomainFigure> = {
  "crime-by-type": { reads: ["marts.indicator_values"], build: (x) => [crimeTypeFigure(x.d, x.view, [...x.indicators])] },
  "crime-by-month": { reads: ["marts.crime_by_month", "audit.warnings"], build: (x) => [crimeMonthFigure(x.d, x.view)] },
  complaints: { reads: ["marts.complaints_by_category"], build: (x) => complaintsFigures(x.d, x.view) },
  "survey-priorities": { reads: ["marts.indicator_values"], build: (x) => [prioritiesFigure(x.d, x.view, x.indicators)] },
  "lsoa-imd-map": { reads: ["marts.lsoa_deprivation", "ref.area_members"], build: (x) => [lsoaImdMapFigure(x.d, x.view)] },
  // The section's lead indicator, ward by ward.
  "ward-map": {
    reads: ["marts.indicator_values"],
    build: (x) => (x.rows[0] ? [wardMapFigure(x.d, x.view, x.rows[0].indicator, x.rows[0].periodType, x.rows[0].period)] : []),
  },
  "trend-panels": {
    reads: ["marts.indicator_values", "marts.indicator_trends", "marts.series_breaks"],
    build: (x) => [trendPanelsFigure(x.d, x.view, x.domain, x.title, x.rows.map((r) => ({ ind: r.indicator, periodType: r.periodType, trend: r.trend })))],
  },
};

/** A figure drawn for each indicator it applies to, in this order, under the indicator's heading. */
export interface IndicatorFigure {
  id: string;
  reads: string[];
  appliesTo: (ind: Indicator) => boolean;
  build: (d: PackData, view: View, ind: Indicator, periodType: string, period: string) => PackFigure | null;
}

const isSurvey = (ind: Indicator) => ind.method === "survey_proportion";

export const INDICATOR_FIGURES: IndicatorFigure[] = [
  { id: "survey-wards", reads: ["marts.indicator_values", "marts.indicator_comparisons"], appliesTo: isSurvey, build: surveyWardFigure },
  { id: "survey-languages", reads: ["marts.indicator_values", "marts.indicator_comparisons"], appliesTo: isSurvey, build: (d, view, ind, _t, period) => surveyLanguageFigure(d, view, ind, period) },
  { id: "compare-areas", reads: ["marts.indicator_values", "marts.indicator_comparisons"], appliesTo: (ind) => !isSurvey(ind), build: compareFigure },
  { id: "sex-breakdown", reads: ["marts.indicator_values", "marts.indicator_comparisons"], appliesTo: (ind) => !isSurvey(ind), build: (d, view, ind, _t, period) => sexBreakdownFigure(d, view, ind, period) },
];
