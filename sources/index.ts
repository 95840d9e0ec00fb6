/** Every source adapter, in load order (geography first: the others join to it). */
import { geographyAdapter } from "./geography/ons-lookups.ts";
import { populationAdapter } from "./population/ons-sape.ts";
import { crimeAdapter } from "./crime/police-uk-street.ts";
import { deprivationAdapter } from "./deprivation/iod-scores.ts";
import { healthAdapter } from "./health/fingertips.ts";
import { schoolAdapter } from "./school/dfe-ks2.ts";
import { surveyAdapter } from "./survey/residents-survey.ts";
import { complaintsAdapter } from "./complaints/crm-export.ts";
import { economyAdapter } from "./economy/nomis.ts";
import type { SourceAdapter } from "./source-adapter.ts";

/** The adapters a build runs, geography first. */
export const ADAPTERS: readonly SourceAdapter[] = [
  geographyAdapter,
  populationAdapter,
  crimeAdapter,
  deprivationAdapter,
  healthAdapter,
  schoolAdapter,
  surveyAdapter,
  complaintsAdapter,
  economyAdapter,
];
export type { SourceAdapter } from "./source-adapter.ts";
