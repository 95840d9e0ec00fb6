/** Every builder applied to its fixture: shared by the tests and the preview script. */
import { type ChartSpecBundle, categoryBarsChart, choroplethMap, compareAreasChart, crimeByMonthChart, crimeByTypeChart, funnelChart, needIndexChart, populationPyramidChart, spineChart, surveyResultsChart, trajectoryChart, trendChart, trendPanelsChart } from "../../../notebooks/charts/index.ts";
import { BOROUGH, FOCUS, compareComparators, compareRows, crimeMonthRows, crimeTypeRows, funnelLimits, funnelPoints, mapValues, needRows, pyramidRows, spineRows, surveyRows, trendRows, wardGeojson, wardNames, categoryRows, trendPanelRows, trajectoryPanels } from "./fixtures.ts";

export const fixtureCharts = {
  "compare-areas": () =>
    compareAreasChart(compareRows, {
      focusCodes: [FOCUS.code],
      areaNames: wardNames,
      comparators: compareComparators,
      title: "Violence and sexual offences per 1,000 residents",
      unit: "per 1,000",
      polarity: "low_is_good",
    }),
  trend: () =>
    trendChart(trendRows, {
      focusCode: FOCUS.code,
      comparatorCodes: [BOROUGH.code, "E12000008"],
      areaNames: wardNames,
      title: "Violence and sexual offences per 1,000 residents, by financial year",
      unit: "per 1,000",
    }),
  "crime-by-month": () =>
    crimeByMonthChart(crimeMonthRows, {
      title: "Recorded crime by month",
      anomalousMonths: ["2023-12"],
      areaName: FOCUS.name,
    }),
  "crime-by-type": () =>
    crimeByTypeChart(crimeTypeRows, {
      title: "Crime rate by type, October 2023 to September 2024",
      focusName: FOCUS.name,
      comparatorName: BOROUGH.name,
    }),
  spine: () =>
    spineChart([...spineRows], {
      title: "St Mary's & Riverside at a glance",
      focusName: FOCUS.name,
      comparatorName: BOROUGH.name,
    }),
  funnel: () =>
    funnelChart(funnelPoints, {
      title: "Violence and sexual offences per 1,000 residents: wards against the Kestrel rate",
      limits: funnelLimits,
      comparatorName: BOROUGH.name,
    }),
  "population-pyramid": () =>
    populationPyramidChart(pyramidRows, {
      title: "Population by age and sex, mid-2022",
      focusName: FOCUS.name,
      comparatorName: BOROUGH.name,
    }),
  survey: () =>
    surveyResultsChart(surveyRows, {
      title: "Feel safe walking alone after dark, by interview language",
      comparatorValue: 60.4,
      comparatorName: "All respondents",
      focusGroups: ["Romanian"],
    }),
  map: () =>
    choroplethMap(wardGeojson(), mapValues, {
      title: "Violence and sexual offences per 1,000 residents by ward, 2023/24",
      codeProperty: "WD23CD",
      nameProperty: "WD23NM",
      focusCodes: [FOCUS.code],
      legendTitle: "Per 1,000",
      unit: "per 1,000",
    }),
  "need-index": () =>
    needIndexChart(needRows, {
      title: "Composite need index by ward",
      focusCodes: [FOCUS.code],
      tiers: ["Highest need", "High need", "Moderate need", "Lower need"],
    }),
  "category-bars": () =>
    categoryBarsChart(categoryRows, {
      title: "Council cases by category, 2023/24: share of all cases",
      focusName: FOCUS.name,
      comparatorName: BOROUGH.name,
      unit: "%",
    }),
  "trend-panels": () =>
    trendPanelsChart(trendPanelRows, {
      title: "Crime and community safety: trends",
      focusCode: FOCUS.code,
      comparatorCodes: [BOROUGH.code, "E12000008"],
      areaNames: wardNames,
    }),
  trajectory: () => trajectoryChart(trajectoryPanels, { title: "Outcomes: from the baseline toward the targets", areaName: FOCUS.name }),
} satisfies Record<string, () => ChartSpecBundle>;

export function allFixtureCharts(): Record<string, ChartSpecBundle> {
  return Object.fromEntries(Object.entries(fixtureCharts).map(([k, f]) => [k, f()]));
}
