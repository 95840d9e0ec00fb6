/** The starter catalogue: every domain's indicator definitions, in pack order. */
import { crimeIndicators } from "./crime.ts";
import { healthIndicators } from "./health.ts";
import { schoolIndicators } from "./school.ts";
import { surveyIndicators } from "./survey.ts";
import { complaintsIndicators } from "./complaints.ts";
import { economyIndicators } from "./economy.ts";
import { deprivationIndicators } from "./deprivation.ts";
import type { IndicatorSpec } from "../define.ts";

/** All starter indicators. */
export const CATALOGUE: readonly IndicatorSpec[] = [
  ...crimeIndicators,
  ...healthIndicators,
  ...schoolIndicators,
  ...surveyIndicators,
  ...complaintsIndicators,
  ...economyIndicators,
  ...deprivationIndicators,
];
