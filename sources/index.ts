/**
 * Every source adapter, in load order (geography first: the others join to it). Importing this
 * module registers each source's config block (`registerSources`), so a config can be read.
 */
import { registerSources } from "../pipelines/core/source-definition.ts";
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

/** The `sources.<slot>` sources (each declared with `defineSource`), in load order. */
export const SOURCES = [
  populationAdapter,
  crimeAdapter,
  deprivationAdapter,
  healthAdapter,
  schoolAdapter,
  surveyAdapter,
  complaintsAdapter,
  economyAdapter,
] as const;
registerSources(...SOURCES);

/** The adapters a build runs, geography first. */
export const ADAPTERS: readonly SourceAdapter[] = [geographyAdapter, ...SOURCES];
export type { SourceAdapter } from "./source-adapter.ts";
