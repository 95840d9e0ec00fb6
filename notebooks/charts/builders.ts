/**
 * The browser-safe half of `localneeds/charts`: the pure builders, their types and the theme,
 * without the Node-only renderer (resvg is a native module). Notebooks that build specs in the
 * browser import this file; `index.ts` re-exports it together with `render.ts`.
 */
export { formatNumber, withUnit, type ChartSpecBundle, type ChartTable, type CommonChartOptions } from "./bundle.ts";
export { compareAreasChart, type CompareAreasOptions, type ComparatorLine } from "./compare-areas-chart.ts";
export { trendChart, type TrendOptions } from "./trend-chart.ts";
export { trendPanelsChart, type TrendPanel, type TrendPanelsOptions } from "./trend-panels-chart.ts";
export { crimeByMonthChart, monthLabel, OTHER_CRIME, type CrimeByMonthOptions, type CrimeMonthRow } from "./crime-by-month-chart.ts";
export { crimeByTypeChart, type CrimeByTypeOptions, type CrimeTypeRow } from "./crime-by-type-chart.ts";
export { spineChart, spinePosition, type SpineOptions, type SpineRow } from "./spine-chart.ts";
export { FUNNEL_X_PAD, funnelBands, funnelChart, type AdjustedLimitRow, type FunnelBand, type FunnelDispersion, type FunnelOptions, type FunnelPoint } from "./funnel-chart.ts";
export { ageBandLower, populationPyramidChart, type PyramidOptions, type PyramidRow } from "./population-pyramid-chart.ts";
export { surveyResultsChart, type SurveyResultRow, type SurveyResultsOptions } from "./survey-results-chart.ts";
export { choroplethMap, labelPoint, rewindForD3, type ChoroplethOptions } from "./choropleth-map.ts";
export { categoryBarsChart, type CategoryBarRow, type CategoryBarsOptions } from "./category-bars-chart.ts";
export { needIndexChart, type NeedIndexOptions, type NeedIndexRow } from "./need-index-chart.ts";
export { trajectoryChart, type TrajectoryOptions, type TrajectoryPanel } from "./trajectory-chart.ts";
export * as theme from "./theme.ts";
