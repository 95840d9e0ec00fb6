/**
 * Health files: a Fingertips "Export data" CSV for asthma admissions in under-19s (ward, local
 * authority, region, country and deprivation-decile rows; the real export's ragged rows, CRLF,
 * quoted LF in the indicator name and disclosure-control suppression) and a local
 * breastfeeding-at-6-8-weeks counts file in the documented `area_code,period,...` format.
 */
import { BOROUGH, COUNTRY, MAX_AGE, NEIGHBOUR, REGION, populationOf, type Borough, type Ward } from "./borough.ts";
import { csvFile, csvLine, type DemoFile } from "./format.ts";
import { Rng } from "./random.ts";
import { Z95, Z998, poissonLimits, proportionVersus, rateVersus } from "./stats.ts";

/** The Fingertips header (26 names; data rows carry 25 fields, as in the real export). */
export const FINGERTIPS_HEADER = [
  "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
  "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
  "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
  "Compared to Local authority value or percentiles", "Time period Sortable", "New data", "Compared to goal",
];
/** Indicator id and name (the name ends in a line feed inside the quotes, like the real export). */
export const ASTHMA_INDICATOR = { id: 90810, name: "Hospital admissions for asthma (under 19 years), crude rate/100,000\n" };
/** Value note on suppressed cells. */
export const SUPPRESSED_NOTE = "Value suppressed for disclosure control due to small count";
/** Counts from 1 to this are suppressed. */
const MAX_SUPPRESSED = 4;

/** Fingertips periods: label, sortable key, and the mid-year population used (2021 is back-cast). */
const PERIODS = [
  { label: "2021/22", sortable: "20210000", popYear: 2022, popScale: 0.995, trend: 0.9 },
  { label: "2022/23", sortable: "20220000", popYear: 2022, popScale: 1, trend: 1 },
  { label: "2023/24", sortable: "20230000", popYear: 2023, popScale: 1, trend: 1.04 },
] as const;

const DECILES = [
  "Most deprived decile (IMD2019)", "Second most deprived decile (IMD2019)", "Third more deprived decile (IMD2019)",
  "Fourth more deprived decile (IMD2019)", "Fifth more deprived decile (IMD2019)", "Fifth less deprived decile (IMD2019)",
  "Fourth less deprived decile (IMD2019)", "Third less deprived decile (IMD2019)", "Second least deprived decile (IMD2019)",
  "Least deprived decile (IMD2019)",
];
const DECILE_TYPE = "Local authority deprivation deciles in England (IMD2019)";

/** Under-19 admissions per 100,000 for the borough before ward variation. */
const BOROUGH_RATE = 400;

/** Split an integer total in proportion to weights (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length][1]]++;
  return out;
}

interface Cell {
  count: number;
  denominator: number;
}

/** Ward counts for every period, with the story enforced: the focus ward significantly worse, one small count. */
function asthmaWardCounts(b: Borough, rng: Rng): Cell[][] {
  const denoms = PERIODS.map((p) => b.wards.map((w) => Math.round(populationOf(w.lsoas, p.popYear, 0, 18) * p.popScale)));
  const mult = b.wards.map((w) => Math.exp(0.8 * (w.deprivation - 0.5)) * (w.isFocus ? 1.6 : 1) * Math.exp(rng.normal(0, 0.1)));
  const mean = mult.reduce((s, m, i) => s + m * denoms[1][i], 0) / denoms[1].reduce((s, d) => s + d, 0);
  const lambda = (pi: number, wi: number) => (denoms[pi][wi] * BOROUGH_RATE * PERIODS[pi].trend * mult[wi]) / mean / 100_000;
  const cells = PERIODS.map((_, pi) => b.wards.map((_, wi) => ({ count: rng.poisson(lambda(pi, wi)), denominator: denoms[pi][wi] })));
  const fi = b.wards.indexOf(b.focus);
  PERIODS.forEach((_, pi) => {
    for (let attempt = 0; ; attempt++) {
      const total = cells[pi].reduce((s, c) => s + c.count, 0);
      const denom = cells[pi].reduce((s, c) => s + c.denominator, 0);
      if (rateVersus(cells[pi][fi].count, cells[pi][fi].denominator, total / denom) === "higher") break;
      if (attempt > 200) throw new Error("demo story: cannot make focus-ward asthma admissions significantly high");
      cells[pi][fi].count = rng.poisson(lambda(pi, fi));
    }
  });
  const small = (c: Cell) => c.count >= 1 && c.count <= MAX_SUPPRESSED;
  if (!cells.some((row) => row.some(small))) {
    // Make sure the file shows disclosure control at least once: the smallest expected ward-period.
    let best = [0, 0];
    PERIODS.forEach((_, pi) => b.wards.forEach((w, wi) => {
      if (!w.isFocus && lambda(pi, wi) < lambda(best[0], best[1])) best = [pi, wi];
    }));
    const [pi, wi] = best;
    do cells[pi][wi].count = rng.poisson(lambda(pi, wi));
    while (!small(cells[pi][wi]));
  }
  return cells;
}

const fmt = (x: number) => String(x);

/** The Fingertips export. */
function fingertipsFile(b: Borough): DemoFile {
  const rng = Rng.for(b.seed, "fingertips");
  const wardCells = asthmaWardCounts(b, rng.fork("wards"));
  const lines = [FINGERTIPS_HEADER.join(",")];
  PERIODS.forEach((p, pi) => {
    const latest = pi === PERIODS.length - 1;
    const la: Cell = {
      count: wardCells[pi].reduce((s, c) => s + c.count, 0),
      denominator: wardCells[pi].reduce((s, c) => s + c.denominator, 0),
    };
    const neighbour: Cell = { denominator: Math.round(38_400 * p.popScale * (1 + 0.004 * pi)), count: 0 };
    neighbour.count = rng.poisson((neighbour.denominator * 260 * p.trend) / 100_000);
    const regionDen = Math.round(1_380_000 * (1 + 0.004 * pi));
    const region: Cell = {
      denominator: regionDen,
      count: la.count + neighbour.count + rng.poisson(((regionDen - la.denominator - neighbour.denominator) * 235 * p.trend) / 100_000),
    };
    const englandDen = Math.round(12_100_000 * (1 + 0.004 * pi));
    const england: Cell = {
      denominator: englandDen,
      count: region.count + rng.poisson(((englandDen - regionDen) * 175 * p.trend) / 100_000),
    };
    const englandRate = (england.count / england.denominator) * 100_000;
    const laRate = (la.count / la.denominator) * 100_000;
    const compare = (c: Cell, value: number) => {
      const v = rateVersus(c.count, c.denominator / 100_000, value);
      return v === "higher" ? "Worse" : v === "lower" ? "Better" : "Similar";
    };
    const row = (
      parent: { code: string; name: string } | null,
      area: { code: string; name: string },
      areaType: string,
      c: Cell,
      opts: { category?: string; vsEngland?: boolean; vsLa?: boolean; aggregated?: boolean } = {},
    ) => {
      const suppressed = !opts.category && c.count >= 1 && c.count <= MAX_SUPPRESSED;
      const value = (c.count / c.denominator) * 100_000;
      const [l95, u95] = poissonLimits(c.count, Z95).map((x) => (x / c.denominator) * 100_000);
      const [l998, u998] = poissonLimits(c.count, Z998).map((x) => (x / c.denominator) * 100_000);
      const showCi = !suppressed && !opts.aggregated;
      lines.push(
        csvLine([
          ASTHMA_INDICATOR.id, ASTHMA_INDICATOR.name, parent?.code ?? "", parent?.name ?? "", area.code, area.name, areaType,
          "Persons", "<19 yrs", opts.category ? DECILE_TYPE : "", opts.category ?? "", p.label,
          suppressed ? "" : fmt(value),
          showCi ? fmt(l95) : "", showCi ? fmt(u95) : "", showCi ? fmt(l998) : "", showCi ? fmt(u998) : "",
          suppressed ? "" : c.count, c.denominator,
          suppressed ? SUPPRESSED_NOTE : opts.aggregated ? "Aggregated from all known lower geography values" : "",
          latest && !opts.category ? "Cannot be calculated" : "",
          suppressed || !opts.vsEngland ? "Not compared" : compare(c, englandRate),
          suppressed || !opts.vsLa ? "Not compared" : compare(c, laRate),
          p.sortable, latest ? "New data" : "",
        ]),
      );
    };
    row(null, COUNTRY, "Country", england);
    const shares = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1].map((s, i) => s * (1 + 0.02 * Math.sin(i + pi)));
    const decileDen = apportion(england.denominator, shares);
    const decileCounts = apportion(england.count, shares.map((s, i) => s * (1.6 - 0.11 * i)));
    DECILES.forEach((cat, i) => row(null, COUNTRY, "Country", { count: decileCounts[i], denominator: decileDen[i] }, { category: cat, aggregated: true }));
    row(COUNTRY, REGION, "Region", region, { vsEngland: true });
    row(REGION, BOROUGH, "Local authority", la, { vsEngland: true });
    row(REGION, NEIGHBOUR, "Local authority", neighbour, { vsEngland: true });
    b.wards.forEach((w, wi) => row(BOROUGH, w, "Ward", wardCells[pi][wi], { vsEngland: true, vsLa: true }));
  });
  return csvFile("health/fingertips_asthma_admissions.csv", lines, { eol: "\r\n" });
}

/** Calendar-quarter labels of the 12 quarters from April 2022 to March 2025 (`2022-Q2` = Apr-Jun 2022). */
export const QUARTERS: string[] = Array.from({ length: 12 }, (_, i) => {
  const q = ((i + 1) % 4) + 1;
  const y = 2022 + Math.floor((i + 1) / 4);
  return `${y}-Q${q}`;
});

/** Financial year (start year) of a calendar quarter label. */
export function quarterFinancialYear(label: string): number {
  const y = Number(label.slice(0, 4));
  return label.endsWith("Q1") ? y - 1 : y;
}

/** The local breastfeeding counts. */
function breastfeedingFile(b: Borough): DemoFile {
  const rng = Rng.for(b.seed, "breastfeeding");
  const prevalence = b.wards.map((w) => (w.isFocus ? 0.68 : Math.min(0.75, Math.max(0.3, 0.56 - 0.18 * w.deprivation + rng.normal(0, 0.03)))));
  const draw = (w: Ward, wi: number, q: string) => {
    const births = populationOf(w.lsoas, quarterFinancialYear(q), 0, 0);
    const denominator = Math.max(1, rng.poisson(births / 4));
    return { denominator, numerator: rng.binomial(denominator, prevalence[wi]) };
  };
  const cells = b.wards.map((w, wi) => QUARTERS.map((q) => draw(w, wi, q)));
  const fi = b.wards.indexOf(b.focus);
  for (const fy of [2022, 2023, 2024]) {
    const qs = QUARTERS.map((q, i) => (quarterFinancialYear(q) === fy ? i : -1)).filter((i) => i >= 0);
    for (let attempt = 0; ; attempt++) {
      let k = 0;
      let n = 0;
      for (const row of cells) for (const qi of qs) (k += row[qi].numerator), (n += row[qi].denominator);
      const fk = qs.reduce((s, qi) => s + cells[fi][qi].numerator, 0);
      const fn = qs.reduce((s, qi) => s + cells[fi][qi].denominator, 0);
      if (proportionVersus(fk, fn, k / n) === "higher") break;
      if (attempt > 200) throw new Error("demo story: cannot make focus-ward breastfeeding significantly high");
      for (const qi of qs) cells[fi][qi] = draw(b.focus, fi, QUARTERS[qi]);
    }
  }
  const lines = ["area_code,period,numerator,denominator,breakdown"];
  b.wards.forEach((w, wi) => QUARTERS.forEach((q, qi) => lines.push(csvLine([w.code, q, cells[wi][qi].numerator, cells[wi][qi].denominator, "all"]))));
  return csvFile("health/local_breastfeeding.csv", lines, { eol: "\n" });
}

/**
 * Annual local counts in the same documented format, by financial year (`2022/23`): a share or a
 * rate whose level rises (or falls) with a ward's deprivation. No significance is forced.
 */
function annualCountsFile(
  b: Borough,
  name: string,
  denominator: (w: Ward, fy: number) => number,
  probability: (deprivation: number) => number,
): DemoFile {
  const rng = Rng.for(b.seed, name);
  const lines = ["area_code,period,numerator,denominator,breakdown"];
  for (const w of b.wards) {
    const p = Math.min(0.99, Math.max(0.0001, probability(w.deprivation) * (1 + rng.normal(0, 0.05))));
    for (const fy of [2022, 2023, 2024]) {
      const n = Math.max(1, Math.round(denominator(w, fy)));
      lines.push(csvLine([w.code, `${fy}/${String((fy + 1) % 100).padStart(2, "0")}`, rng.binomial(n, p), n, "all"]));
    }
  }
  return csvFile(`health/local_${name}.csv`, lines, { eol: "\n" });
}

/** Emergency admissions a person of each ESP2013 age band has in a year, before deprivation (0-4 ... 90+). */
const ADMISSIONS_BY_AGE = [0.11, 0.04, 0.04, 0.06, 0.07, 0.07, 0.07, 0.07, 0.07, 0.08, 0.09, 0.1, 0.12, 0.14, 0.18, 0.24, 0.32, 0.42, 0.55];

/**
 * Emergency hospital admissions by ESP2013 age band (`breakdown` `0-4` ... `90+`, the band's
 * residents as the denominator), by financial year, in the local counts format: the input of a
 * directly standardised rate. Admissions rise with age and with a ward's deprivation.
 */
function emergencyAdmissionsFile(b: Borough): DemoFile {
  const rng = Rng.for(b.seed, "emergency_admissions");
  const lines = ["area_code,period,numerator,denominator,breakdown"];
  for (const w of b.wards) {
    for (const fy of [2022, 2023, 2024]) {
      ADMISSIONS_BY_AGE.forEach((p, i) => {
        const [from, to] = [i * 5, i === ADMISSIONS_BY_AGE.length - 1 ? MAX_AGE : i * 5 + 4];
        const n = populationOf(w.lsoas, fy, from, to);
        const band = i === ADMISSIONS_BY_AGE.length - 1 ? `${from}+` : `${from}-${to}`;
        lines.push(csvLine([w.code, `${fy}/${String((fy + 1) % 100).padStart(2, "0")}`, rng.binomial(n, Math.min(0.99, p * (0.7 + 0.7 * w.deprivation))), n, band]));
      });
    }
  }
  return csvFile("health/local_emergency_admissions.csv", lines, { eol: "\n" });
}

/** Every health file. */
export function healthFiles(b: Borough): DemoFile[] {
  return [
    fingertipsFile(b),
    breastfeedingFile(b),
    // New mothers screened for post-natal depression at the 6-8 week review (births as the base).
    annualCountsFile(b, "postnatal_depression_screen", (w, fy) => populationOf(w.lsoas, fy, 0, 0), (d) => 0.9 - 0.15 * d),
    // Children on a child protection plan at 31 March, of children aged 0-17.
    annualCountsFile(b, "child_protection_plans", (w, fy) => populationOf(w.lsoas, fy, 0, 17), (d) => 0.0015 + 0.006 * d),
    // Conceptions to girls aged under 18, of girls aged 15-17.
    annualCountsFile(b, "under18_conceptions", (w, fy) => populationOf(w.lsoas, fy, 15, 17, "f"), (d) => 0.006 + 0.03 * d),
    // Emergency admissions by ESP2013 age band: a directly standardised rate.
    emergencyAdmissionsFile(b),
  ];
}
