/**
 * The pack's figure layer (issue 18): one file per figure in this folder, each exporting the
 * builder and its declaration (`figure`: what it reads, where it applies, how it builds its
 * spec). This registry is the only list of them. A section draws the domain-wide figures it
 * names (`SECTIONS[].figures`, by `DomainFigure.name`), then, under each indicator, the indicator
 * figures that apply to it, in the order below; the assembly places the area figures itself.
 * Adding a figure is a file here and a line below, not a branch in the assembly.
 */
import type { AreaFigure, DomainFigure, IndicatorFigure } from "./common.ts";
import { figure as complaints } from "./complaints.ts";
import { figure as crimeByMonth } from "./crime-by-month.ts";
import { figure as crimeByType } from "./crime-by-type.ts";
import { figure as lsoaImdMap } from "./lsoa-imd-map.ts";
import { figure as surveyPriorities } from "./survey-priorities.ts";
import { figure as trendPanels } from "./trend-panels.ts";
import { figure as wardMap } from "./ward-map.ts";
import { figure as compareAreas } from "./compare-areas.ts";
import { figure as sexBreakdown } from "./sex-breakdown.ts";
import { figure as surveyLanguages } from "./survey-languages.ts";
import { figure as surveyWards } from "./survey-wards.ts";
import { figure as funnel } from "./funnel.ts";
import { figure as needIndex } from "./need-index.ts";
import { figure as needMap } from "./need-map.ts";
import { figure as populationMap } from "./population-map.ts";
import { figure as publishedAreas } from "./published-areas.ts";
import { figure as pyramid } from "./pyramid.ts";
import { figure as spine } from "./spine.ts";
import { figure as trajectories } from "./trajectories.ts";

/** The domain-wide figures, by the name a section lists them under. */
export const DOMAIN_FIGURES: Record<string, DomainFigure> = Object.fromEntries(
  [crimeByType, crimeByMonth, complaints, surveyPriorities, lsoaImdMap, wardMap, trendPanels].map((f) => [f.name, f]),
);

/** The indicator figures, in the order they are drawn under an indicator's heading. */
export const INDICATOR_FIGURES: readonly IndicatorFigure[] = [surveyWards, surveyLanguages, compareAreas, sexBreakdown];

/** The figures the assembly places itself. */
export const AREA_FIGURES: readonly AreaFigure[] = [populationMap, pyramid, spine, trajectories, needIndex, needMap, funnel, publishedAreas];

export type { AreaFigure, DomainFigure, DomainFigureInput, HeadlinePeriod, IndicatorFigure, PackFigure, View } from "./common.ts";
export { headlinePeriod, methodLine, MIN_COUNT, quantile, rowsOf } from "./common.ts";
export { funnelFigure } from "./funnel.ts";
export { needIndexFigure } from "./need-index.ts";
export { needMapFigure } from "./need-map.ts";
export { populationMapFigure } from "./population-map.ts";
export { publishedAreasFigure } from "./published-areas.ts";
export { pyramidFigure } from "./pyramid.ts";
export { SLIDE_SPINE_ROWS, SPINE_ROWS, spineFigures } from "./spine.ts";
export { trajectoryFigure } from "./trajectories.ts";
