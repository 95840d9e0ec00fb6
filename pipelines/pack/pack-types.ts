/**
 * The pack model: what stage 5 assembles (`pack-model.ts`) and stage 6 renders (`render-html.ts`,
 * `render-pdf.ts`, `write-xlsx.ts`, `write-pptx.ts`): plain data types and the declarations every
 * renderer shares (the domain sections, comparator order and labels, outcome words). The
 * renderers depend on this and on `narrative.ts`, never on the assembly or on each other.
 */
import type { ChangeReport } from "../refresh/changes.ts";
import type { Weighting } from "../../transforms/survey-weighting.ts";
import type { Indicator, Domain } from "../../transforms/indicators/define.ts";
import type { IndicatorTrendRow, IndicatorValueRow, NeedIndexRow, NeedLocalityRow, Outcome, OutcomeRow, Polarity } from "../../transforms/marts.ts";
import type { DataQuality, WarehouseTables } from "./pack-data.ts";
import type { PackFigure } from "./figures/index.ts";
import type { ChartSpecBundle } from "../../notebooks/charts/index.ts";
import { listEnglish } from "../../notebooks/charts/bundle.ts";

export type { PackFigure, View } from "./figures/index.ts";

/** One headline: the sentence and the outcome it rests on. */
export interface Headline {
  indicatorId: string;
  outcome: Outcome;
  text: string;
  /** How far from the comparator, as a ratio (for ordering: biggest differences first). */
  size: number;
}

/** One priority as the pack shows it. */
export interface Priority {
  rank: number;
  indicatorId: string;
  title: string;
  sentence: string;
  value: number | null;
  unit: string;
  period: string;
  comparator: { name: string; value: number | null };
  /** The id of the pack section with the evidence (`#crime`). */
  sectionId: string;
  /** Why it ranks where it does, in words. */
  reasons: string[];
}

/** Outcome words and shapes: the shape and the word carry the outcome as well as the colour. */
export const OUTCOME_TEXT: Record<string, { label: string; symbol: string }> = {
  better: { label: "Better", symbol: "▲" },
  worse: { label: "Worse", symbol: "▼" },
  similar: { label: "Similar", symbol: "●" },
  higher: { label: "Higher", symbol: "◆" },
  lower: { label: "Lower", symbol: "◇" },
  not_compared: { label: "Not compared", symbol: "–" },
};

/** Domain sections, in pack order, with the config slot that feeds each. */
/**
 * The pack's domain sections, in order, as data: each with the domain-wide figures it draws before
 * its indicators (names of `DOMAIN_FIGURES` in `figures/index.ts`, drawn in this order).
 */
export const SECTIONS: { domain: Domain; title: string; intro: string | ((indicators: readonly Indicator[], present: ReadonlySet<string>) => string); slot: string; figures: string[] }[] = [
  { domain: "crime", title: "Crime and community safety", intro: "Recorded crime and anti-social behaviour from police.uk, as rates per 1,000 residents.", slot: "sources.crime", figures: ["crime-by-type", "crime-by-month", "ward-map", "trend-panels"] },
  { domain: "health", title: "Health and wellbeing", intro: "OHID Fingertips indicators as OHID publishes them, and locally held health counts.", slot: "sources.health", figures: ["ward-map", "trend-panels"] },
  { domain: "school", title: "Children, schools and education", intro: schoolIntro, slot: "sources.school", figures: ["ward-map", "trend-panels"] },
  { domain: "survey", title: "Community voice", intro: "What residents told the residents survey, weighted to the population.", slot: "sources.survey", figures: ["survey-priorities", "ward-map", "trend-panels"] },
  { domain: "complaints", title: "Council contacts and complaints", intro: "Cases received by the council, placed by ward.", slot: "sources.complaints", figures: ["complaints", "ward-map", "trend-panels"] },
  { domain: "economy", title: "Work, income and affordable warmth", intro: "People claiming unemployment-related benefits (DWP claimant count), the employment rate (Annual Population Survey) and households in fuel poverty (DESNZ).", slot: "sources.economy", figures: ["ward-map", "trend-panels"] },
  { domain: "deprivation", title: "Deprivation", intro: deprivationIntro, slot: "sources.deprivation", figures: ["lsoa-imd-map", "ward-map", "trend-panels"] },
];

/**
 * The deprivation section's first line, naming the index the build loaded (its indicators' source
 * lines say it, `withDeprivationIndex`): England's, Wales's (WIMD), or each nation's.
 */
/** The school measures the section shows (a build with the FSM census alone has no results or absence to speak of). */
function schoolIntro(_: readonly Indicator[], present: ReadonlySet<string>): string {
  const measures = [
    ...(present.has("school.ks2_rwm_expected") ? ["key stage 2 results"] : []),
    ...([...present].some((id) => id.endsWith("_absence")) ? ["pupil absence"] : []),
    ...(present.has("school.fsm_eligible") ? ["free school meals"] : []),
  ];
  const said = listEnglish(measures) || "school measures";
  return `${said.charAt(0).toUpperCase()}${said.slice(1)} of the schools in the area (placed by where the school is, not where its pupils live).`;
}

function deprivationIntro(indicators: readonly Indicator[]): string {
  const source = indicators.find((i) => i.id === "deprivation.imd_average_rank")?.source ?? "";
  if (!source.includes("Welsh Index")) return "The English Indices of Deprivation, averaged over the area's neighbourhoods.";
  return source.includes("English Indices")
    ? "The English Indices of Deprivation for neighbourhoods in England and the Welsh Index of Multiple Deprivation (WIMD) for those in Wales, averaged over the area's neighbourhoods."
    : "The Welsh Index of Multiple Deprivation (WIMD), averaged over the area's neighbourhoods.";
}

/** One row of the summary table. */
export interface SummaryRow {
  indicator: Indicator;
  periodType: string;
  period: string;
  focus: IndicatorValueRow;
  comparators: { kind: string; code: string; name: string; value: number | null; outcome: Outcome; outcome998: Outcome | null }[];
  /** The wards' spread in the same period. */
  wardRange: { min: number; q25: number; q75: number; max: number; wards: number } | null;
  /** Recent trend (`marts.indicator_trends`), when computed. */
  trend: IndicatorTrendRow | null;
}

/** A block of a section. */
export type PackBlock =
  | { kind: "figure"; figure: PackFigure }
  | { kind: "subhead"; id: string; text: string }
  | { kind: "note"; text: string };

/** A section of the pack. */
export interface PackSection {
  id: string;
  title: string;
  /** Paragraphs before the first block. */
  intro: string[];
  blocks: PackBlock[];
}

/** The overview's table of every ward's value for one domain's indicators. */
export interface WardMatrix {
  domain: Domain;
  title: string;
  /** False for indicators published for the authority only (no ward has a value): the table has the authority's and England's rows alone. */
  byWard: boolean;
  indicators: { id: string; short: string; unit: string; period: string }[];
  rows: { code: string; name: string; kind: "ward" | "parent" | "country"; cells: { value: number | null; suppressed: boolean; outcome: Outcome | null }[] }[];
}

/** One line of the outcomes framework. */
export interface OutcomeLine {
  title: string;
  /** The indicator's short name, for chart panels. */
  short: string;
  unit: string;
  polarity: Polarity | null;
  row: OutcomeRow;
}

/** A pack: everything stage 6 needs to write it. */
export interface PackModel {
  kind: "focus" | "overview";
  /** What changed since the last run (set by the build before the pack is written). */
  changes?: ChangeReport;
  slug: string;
  title: string;
  synthetic: boolean;
  builtAt: Date;
  /** The focus area; for the overview, the parent authority. */
  focus: { code: string; name: string; type: string };
  parent: { code: string; name: string };
  /** Codes highlighted in charts ([] in the overview). */
  highlight: string[];
  /** The three to five issues that matter most, ranked by `PRIORITY_RULE` (priorities.ts). */
  priorities: Priority[];
  /** Opening sentences of the executive summary. */
  keyFacts: string[];
  headlines: Headline[];
  summary: SummaryRow[];
  /** The spine chart, in page-sized parts of whole domains (none in an overview). */
  spines: PackFigure[];
  /** The same spine chart in slide-sized parts (`SLIDE_SPINE_ROWS`), for `pack.pptx` only. */
  slideSpines: PackFigure[];
  wardMatrices: WardMatrix[];
  about: PackSection;
  sections: PackSection[];
  outcomes: { lines: OutcomeLine[]; baseline: string; note: string | null; figure: PackFigure | null };
  need: {
    rows: NeedIndexRow[];
    focusRow: NeedIndexRow | null;
    /** The config's localities on the wards' scale, and the focus's own row when it is one. */
    localities: NeedLocalityRow[];
    focusLocality: NeedLocalityRow | null;
    drivers: { title: string; z: number }[];
    figures: PackFigure[];
    note: string | null;
    /** Indicators used, by domain, and the alternative weightings tested. */
    domains: { domain: string; indicators: string[] }[];
    schemes: string[];
  };
  dataQuality: DataQuality;
  /** Indicators with values in the warehouse that no section shows, and why (listed on the data-quality page). */
  unshown: { id: string; title: string; reason: string }[];
  /** The marts the pack carries whole as CSV downloads (the same object in every pack of a build). */
  warehouse: WarehouseTables;
  /** The weightings the survey estimates were made with (raked, design), for the wording of Methods and captions. */
  surveyWeightings: Weighting[];
  /** Comparator definitions used in this pack (for Methods). */
  comparatorNotes: string[];
  indicators: Indicator[];
  inputs: { path: string; sha256: string; rowsRead: number; rowsLoaded: number; rowsRejected: number }[];
  configBaseDir: string;
  chartCount: number;
}

/** Every figure of a pack, in page order. */
export function packFigures(m: PackModel): PackFigure[] {
  const fromBlocks = (s: PackSection) => s.blocks.flatMap((b) => (b.kind === "figure" ? [b.figure] : []));
  return [...m.spines, ...fromBlocks(m.about), ...m.sections.flatMap(fromBlocks), ...(m.outcomes.figure ? [m.outcomes.figure] : []), ...m.need.figures];
}

/**
 * What the pack calls its authority, from its GSS code: a district (E07) or a borough (metropolitan
 * E08, London E09, and the synthetic demo's Z), else an authority (unitary E06, Welsh W06, any other).
 */
export function parentNoun(code: string): string {
  return /^E07/.test(code) ? "district" : /^(E08|E09|Z)/.test(code) ? "borough" : "authority";
}

/** What a comparator kind is called in the pack; `parent` and `rest_of_parent` name the authority by its kind (`parentNoun`). */
export function comparatorLabel(kind: string, parentCode: string): string {
  return kind === "parent" ? parentNoun(parentCode) : kind === "rest_of_parent" ? `rest of ${parentNoun(parentCode)}` : kindLabel[kind] ?? kind;
}

export const kindLabel: Record<string, string> = {
  county: "county",
  similar_wards: "similar wards",
  deprivation_decile: "same deprivation decile",
  region: "region",
  country: "England",
};

/** Comparator kinds in the order the glance table and the workbook show them (those with values only). */
export const COMPARATOR_ORDER = ["parent", "rest_of_parent", "similar_wards", "deprivation_decile", "county", "region", "country"] as const;

/** The title and the reading notes of a chart's title block, as plain text. */
export function titleOf(b: ChartSpecBundle): { title: string; notes: string } {
  const t = (b.spec as { title?: string | { text: string | string[]; subtitle?: string | string[] } }).title;
  const join = (x: string | string[] | undefined) => (Array.isArray(x) ? x.join(" ") : (x ?? "")).replace(/\s+/g, " ").trim();
  if (!t) return { title: b.id, notes: "" };
  if (typeof t === "string") return { title: t, notes: "" };
  return { title: join(t.text), notes: join(t.subtitle) };
}
