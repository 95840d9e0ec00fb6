/**
 * Small hand-made chart fixtures: a made-up borough ("Kestrel", E06999999) of 14 wards with
 * invented values. Names include an apostrophe, an ampersand and a long name on purpose.
 */
import type { IndicatorValueRow } from "../../../transforms/marts.ts";
import { rateFunnelLimits } from "../../../notebooks/lib/funnel.ts";

export const BOROUGH = { code: "E06999999", name: "Kestrel" };
export const FOCUS = { code: "E05099003", name: "St Mary's & Riverside" };

/** Ward code -> name. */
export const wardNames: Record<string, string> = {
  E05099001: "Abbey Fields",
  E05099002: "Brook Hill",
  [FOCUS.code]: FOCUS.name,
  E05099004: "Castle Gate",
  E05099005: "Dockside",
  E05099006: "Eastcote",
  E05099007: "Fairmead North and Upper Hollingbourne Valley",
  E05099008: "Greenway",
  E05099009: "Harbour",
  E05099010: "Ivy Lane",
  E05099011: "Jubilee",
  E05099012: "Kingsmead",
  E05099013: "Longfield",
  E05099014: "Millbrook",
  [BOROUGH.code]: BOROUGH.name,
  E06999998: "Rest of Kestrel",
  E12000008: "South East",
};

const wardCodes = Object.keys(wardNames).filter((c) => c.startsWith("E05"));

/** One indicator_values row with defaults. */
export function ivRow(p: Partial<IndicatorValueRow> & { area_code: string }): IndicatorValueRow {
  return {
    indicator_id: "crime.violence_rate",
    area_type: p.area_code.startsWith("E05") ? "ward" : "authority",
    period_type: "financial_year",
    period_label: "2023/24",
    period_start: "2023-04-01",
    period_end: "2024-03-31",
    breakdown: "all",
    numerator: null,
    denominator: null,
    value: null,
    lower95: null,
    upper95: null,
    lower998: null,
    upper998: null,
    method: "rate",
    is_suppressed: false,
    suppression_reason: null,
    ...p,
  };
}

const wardValues = [18.2, 22.9, 41.3, 27.5, 35.8, 12.1, 9.4, 30.2, 38.7, 15.6, 24.4, 19.9, null, 26.1];

/** Violence per 1,000, 2023/24, one row per ward; Longfield suppressed. */
export const compareRows: IndicatorValueRow[] = wardCodes.map((code, i) => {
  const v = wardValues[i];
  if (v === null) {
    return ivRow({ area_code: code, is_suppressed: true, suppression_reason: "fewer than 5 events: not published" });
  }
  const den = 6000 + i * 350;
  const se = (v / Math.sqrt((v * den) / 1000)) * 1.96;
  return ivRow({ area_code: code, numerator: Math.round((v * den) / 1000), denominator: den, value: v, lower95: +(v - se).toFixed(2), upper95: +(v + se).toFixed(2) });
});

export const compareComparators = [
  { code: BOROUGH.code, name: "Kestrel", value: 25.4, kind: "parent" },
  { code: "E06999998", name: "Rest of Kestrel", value: 24.1, kind: "rest_of_parent" },
  { code: "E12000008", name: "South East", value: 17.3, kind: "region" },
];

const years = ["2018", "2019", "2020", "2021", "2022", "2023"];
const fy = (y: string) => `${y}/${String(Number(y) + 1).slice(2)}`;
const trendValues: Record<string, (number | null)[]> = {
  [FOCUS.code]: [33.1, 35.4, null, 37.9, 39.6, 41.3],
  [BOROUGH.code]: [22.0, 23.1, 21.4, 23.9, 24.8, 25.4],
  E12000008: [15.2, 15.9, 14.8, 16.4, 16.9, 17.3],
};

/** Violence per 1,000 by financial year for the focus ward, the borough and the region; 2020/21 suppressed for the ward. */
export const trendRows: IndicatorValueRow[] = Object.entries(trendValues).flatMap(([code, vs]) =>
  vs.map((v, i) => {
    const period = { period_label: fy(years[i]), period_start: `${years[i]}-04-01`, period_end: `${Number(years[i]) + 1}-03-31` };
    if (v === null) return ivRow({ area_code: code, ...period, is_suppressed: true, suppression_reason: "fewer than 5 events: not published" });
    const half = code === FOCUS.code ? 5.2 - i * 0.2 : code === BOROUGH.code ? 1.1 : 0.3;
    return ivRow({ area_code: code, ...period, value: v, lower95: +(v - half).toFixed(2), upper95: +(v + half).toFixed(2) });
  }),
);

/** Two tracked outcomes of the focus ward: violence (baseline 2019/20, a 10% cut by 2026/27, worsened) and ASB (no target, improved). */
export const trajectoryPanels = [
  {
    title: "Violence and sexual offences", unit: "per 1,000", direction: "worsened",
    rows: trendRows.filter((r) => r.area_code === FOCUS.code), baseline: { period: "2019/20", value: 35.4 }, target: { period: "2026/27", value: 31.86 },
  },
  {
    title: "Anti-social behaviour", unit: "per 1,000", direction: "improved",
    rows: trendRows.filter((r) => r.area_code === FOCUS.code).map((r, i) => ({ ...r, value: r.value === null ? null : 30 - i * 2, lower95: r.value === null ? null : 28 - i * 2, upper95: r.value === null ? null : 32 - i * 2 })),
    baseline: { period: "2018/19", value: 30 }, target: null,
  },
];

const crimeTypes: [string, number][] = [
  ["Violence and sexual offences", 62],
  ["Anti-social behaviour", 48],
  ["Shoplifting", 21],
  ["Criminal damage and arson", 17],
  ["Public order", 14],
  ["Vehicle crime", 9],
  ["Burglary", 7],
  ["Drugs", 4],
];
const crimeMonths = Array.from({ length: 18 }, (_, i) => {
  const m = 3 + i; // Apr 2023 ..
  return `${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
});

/** Ward crime by month and type, Apr 2023 to Sep 2024; Dec 2023 is short (an incomplete file). */
export const crimeMonthRows = crimeMonths.flatMap((month, i) =>
  crimeTypes.map(([crime_type, base], j) => {
    const seasonal = 1 + 0.2 * Math.sin(((i + 1) / 12) * 2 * Math.PI);
    const wobble = ((i * 7 + j * 13) % 9) - 4;
    const count = Math.max(0, Math.round(base * seasonal + wobble));
    return { month, crime_type, count: month === "2023-12" ? Math.round(count * 0.3) : count };
  }),
);

/** Crime rate per 1,000 by type: focus ward vs borough. */
export const crimeTypeRows = [
  { crime_type: "Violence and sexual offences", focus_rate: 41.3, comparator_rate: 25.4 },
  { crime_type: "Anti-social behaviour", focus_rate: 30.8, comparator_rate: 21.9 },
  { crime_type: "Shoplifting", focus_rate: 14.2, comparator_rate: 6.1 },
  { crime_type: "Criminal damage and arson", focus_rate: 10.9, comparator_rate: 8.0 },
  { crime_type: "Public order", focus_rate: 8.7, comparator_rate: 6.6 },
  { crime_type: "Vehicle crime", focus_rate: 4.1, comparator_rate: 5.3 },
  { crime_type: "Burglary", focus_rate: 3.9, comparator_rate: 4.4 },
  { crime_type: "Drugs", focus_rate: 2.6, comparator_rate: 1.8 },
  { crime_type: "Possession of weapons", focus_rate: 0.9, comparator_rate: 0.5 },
];

/** Spine rows for the focus ward against the borough. */
export const spineRows = [
  { indicator_id: "crime.violence_rate", title: "Violence and sexual offences per 1,000 residents", focus_value: 41.3, england_or_parent_value: 25.4, min: 9.4, q25: 18.2, q75: 30.2, max: 41.3, outcome: "worse", polarity: "low_is_good" },
  { indicator_id: "crime.asb_rate", title: "Anti-social behaviour incidents per 1,000 residents", focus_value: 24.8, england_or_parent_value: 21.9, min: 8.3, q25: 15.0, q75: 27.1, max: 39.9, outcome: "similar", polarity: "low_is_good" },
  { indicator_id: "health.good_health", title: "Residents in good or very good health (%)", focus_value: 84.6, england_or_parent_value: 81.2, min: 74.0, q25: 78.9, q75: 83.3, max: 88.1, outcome: "better", polarity: "high_is_good", unit: "%" },
  { indicator_id: "school.fsm", title: "Pupils eligible for free school meals (%)", focus_value: 31.5, england_or_parent_value: 24.6, min: 9.8, q25: 17.5, q75: 29.0, max: 38.2, outcome: "higher", polarity: "no_judgement", unit: "%" },
  { indicator_id: "population.over_65", title: "Residents aged 65 and over (%)", focus_value: 12.0, england_or_parent_value: 16.8, min: 9.1, q25: 13.9, q75: 19.4, max: 24.7, outcome: "lower", polarity: "no_judgement", unit: "%" },
  { indicator_id: "survey.feel_safe", title: "Feel safe walking alone after dark (survey, %)", focus_value: null, england_or_parent_value: 64.0, min: 51.0, q25: 58.5, q75: 70.2, max: 79.9, outcome: "not_compared", polarity: "high_is_good", unit: "%" },
] as const;

/** Funnel points: the wards with a published value. */
export const funnelPoints = compareRows
  .filter((r) => r.value !== null && r.numerator !== null && r.denominator !== null)
  .map((r) => ({
    area_code: r.area_code,
    name: wardNames[r.area_code],
    numerator: r.numerator as number,
    denominator: r.denominator as number,
    value: ((r.numerator as number) / (r.denominator as number)) * 1000,
    is_focus: r.area_code === FOCUS.code,
  }));

/** PHE crude-rate funnel limits (per 1,000) around the fixture wards' pooled rate, tabulated out to twice the largest ward (as the notebooks draw them). */
export const funnelLimits = rateFunnelLimits(funnelPoints.map((p) => p.numerator), funnelPoints.map((p) => p.denominator), 1000);

const ageBands = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"];
const rawPyramid = (young: number) =>
  ageBands.flatMap((age_band, i) =>
    (["M", "F"] as const).map((sex) => {
      const base = Math.max(0.4, 3.6 - i * 0.16 + (i >= 4 && i <= 7 ? young : 0) - (i >= 13 ? young * 0.4 : 0));
      return { age_band, sex, pct: sex === "F" && i >= 14 ? base * 1.25 : base };
    }),
  );
const normalise = (xs: { age_band: string; sex: "F" | "M"; pct: number }[]) => {
  const total = xs.reduce((s, x) => s + x.pct, 0);
  return xs.map((x) => ({ ...x, pct: +((100 * x.pct) / total).toFixed(2) }));
};
const focusPyr = normalise(rawPyramid(1.6));
const compPyr = normalise(rawPyramid(0.2));

/** Age bands and sex: a young ward against the borough. */
export const pyramidRows = focusPyr.map((f, i) => ({ age_band: f.age_band, sex: f.sex, focus_pct: f.pct, comparator_pct: compPyr[i].pct }));

/** Residents' survey: "feel safe after dark" by interview language; Polish suppressed (small base). */
export const surveyRows = [
  { group: "English", value: 63.2, lower95: 59.8, upper95: 66.5, is_suppressed: false, n: 812 },
  { group: "Polish", value: null, lower95: null, upper95: null, is_suppressed: true, n: 23 },
  { group: "Romanian", value: 48.9, lower95: 39.1, upper95: 58.8, is_suppressed: false, n: 97 },
  { group: "Urdu", value: 55.4, lower95: 46.0, upper95: 64.5, is_suppressed: false, n: 109 },
  { group: "Punjabi (Gurmukhi script)", value: 71.8, lower95: 62.3, upper95: 79.7, is_suppressed: false, n: 88 },
  { group: "Lithuanian", value: 41.0, lower95: 30.2, upper95: 52.7, is_suppressed: false, n: 71 },
];

/**
 * Made-up ward boundaries: a jittered 4 x 4 grid near (0.53 E, 51.38 N), 14 wards (the last two
 * cells belong to Millbrook, a MultiPolygon), rings wound counter-clockwise as RFC 7946 says
 * (which d3-geo would read inside-out without the builder's rewinding).
 */
export function wardGeojson(): import("geojson").FeatureCollection {
  const jitter = (i: number, j: number) => (((i * 31 + j * 17) % 7) - 3) * 0.0015;
  const pt = (i: number, j: number): [number, number] => [+(0.47 + i * 0.03 + jitter(i, j)).toFixed(5), +(51.34 + j * 0.02 + jitter(j, i)).toFixed(5)];
  const cell = (i: number, j: number) => [pt(i, j), pt(i + 1, j), pt(i + 1, j + 1), pt(i, j + 1), pt(i, j)]; // counter-clockwise
  const codes = wardCodes;
  const features = codes.slice(0, 13).map((code, k) => ({
    type: "Feature" as const,
    properties: { WD23CD: code, WD23NM: wardNames[code], OTHER: "ignored" },
    geometry: { type: "Polygon" as const, coordinates: [cell(k % 4, Math.floor(k / 4))] },
  }));
  features.push({
    type: "Feature" as const,
    properties: { WD23CD: codes[13], WD23NM: wardNames[codes[13]], OTHER: "ignored" },
    geometry: { type: "MultiPolygon", coordinates: [[cell(1, 3)], [cell(2, 3)]] } as never,
  });
  return { type: "FeatureCollection", features };
}

/** Map values: violence rate by ward (Longfield suppressed -> null; Millbrook missing entirely). */
export const mapValues: Record<string, number | null> = Object.fromEntries(
  compareRows.filter((r) => r.area_code !== "E05099014").map((r) => [r.area_code, r.value]),
);

const tierOf = (rank: number) => (rank <= 3 ? "Highest need" : rank <= 7 ? "High need" : rank <= 11 ? "Moderate need" : "Lower need");
/** Composite need index (z-score sums, some negative), ranked. */
export const needRows = [1.92, 1.41, 2.37, 0.88, 1.15, -0.31, -1.12, 0.42, 1.6, -0.64, 0.07, -0.2, 0.63, -0.9]
  .map((score, i) => ({ area_code: wardCodes[i], name: wardNames[wardCodes[i]], score }))
  .sort((a, b) => b.score - a.score)
  .map((r, i) => ({ ...r, rank: i + 1, tier: tierOf(i + 1) }));

/** Council cases by category: the focus area's share (one category withheld: fewer than 5 cases) and the borough's. */
export const categoryRows = [
  { category: "Missed bin", focus: 24.1, comparator: 21.3 },
  { category: "Fly-tipping", focus: 19.5, comparator: 14.8 },
  { category: "=Housing repairs", focus: 15.2, comparator: 13.0 },
  { category: "Noise", focus: 12.7, comparator: 11.9 },
  { category: "Graffiti", focus: null, comparator: 9.6, focus_note: "fewer than 5 cases" },
  { category: "Street lighting", focus: 4.1, comparator: 8.2 },
];

/** Two indicators' trends for the panels: violence (the trend fixture) and a made-up ASB series. */
export const trendPanelRows = [
  { title: "Violence and sexual offences", unit: "per 1,000", rows: trendRows },
  {
    title: "Anti-social behaviour",
    unit: "per 1,000",
    rows: trendRows.map((r) => ({ ...r, indicator_id: "crime.asb_rate", value: r.value === null ? null : r.value / 2, lower95: r.lower95 === null ? null : r.lower95 / 2, upper95: r.upper95 === null ? null : r.upper95 / 2 })),
  },
];
