/**
 * police.uk street-level crime archives: one `YYYY-MM/YYYY-MM-demo-street.csv` per month,
 * 2022-04 .. 2025-03, in the exact police.uk layout and with its quirks: empty Crime ID and
 * outcome for anti-social behaviour, snapped points (so identical ASB lines occur), `'S`
 * title-casing, rows for a neighbouring authority's LSOAs, `No Location` rows at the end, one
 * exact duplicate crime, and a December 2023 file with about half its rows missing.
 */
import { createHash } from "node:crypto";
import { FINANCIAL_YEARS, MONTHS, populationOf, type Borough, type Lsoa, type SnapPoint } from "./borough.ts";
import { byText, csvFile, csvLine, type DemoFile } from "./format.ts";
import { Rng } from "./random.ts";
import { rateVersus } from "./stats.ts";

/** The police.uk street-level header. */
export const POLICE_HEADER =
  "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";
/** The fictional force. */
export const FORCE = "Demo Constabulary";
/** The month whose file is about half its usual size (a publication fault, like Kent's 2018-12). */
export const SHORT_MONTH = "2023-12";
/** The month that carries one exact duplicate crime line. */
export const DUPLICATE_MONTH = "2023-06";
/** Borough crimes per resident per month, all types (about 1,500 a month for the borough). */
const MONTHLY_RATE = 1500 / 180_000;

/**
 * Crime types with their share of borough crime, how steeply they rise with deprivation
 * (`slope`), how concentrated they are in the town centre, and summer seasonality.
 */
export const CRIME_TYPES = [
  { type: "Anti-social behaviour", share: 0.17, slope: 1.4, centre: 1.5, season: 0.2 },
  { type: "Bicycle theft", share: 0.015, slope: 0, centre: 2, season: 0.3 },
  { type: "Burglary", share: 0.055, slope: 0.4, centre: 0.8, season: -0.05 },
  { type: "Criminal damage and arson", share: 0.09, slope: 0, centre: 1, season: 0.08 },
  { type: "Drugs", share: 0.025, slope: 1.5, centre: 1.5, season: 0 },
  { type: "Other crime", share: 0.03, slope: 0.8, centre: 1, season: 0 },
  { type: "Other theft", share: 0.08, slope: 0.3, centre: 1.8, season: 0.05 },
  { type: "Possession of weapons", share: 0.01, slope: 1.5, centre: 1.5, season: 0.05 },
  { type: "Public order", share: 0.08, slope: 1.2, centre: 1.8, season: 0.1 },
  { type: "Robbery", share: 0.01, slope: 1.5, centre: 2, season: 0 },
  { type: "Shoplifting", share: 0.065, slope: 0.3, centre: 4, season: 0 },
  { type: "Theft from the person", share: 0.01, slope: 0.5, centre: 3, season: 0.05 },
  { type: "Vehicle crime", share: 0.06, slope: 0.6, centre: 1.3, season: -0.05 },
  { type: "Violence and sexual offences", share: 0.3, slope: 1.6, centre: 1.6, season: 0.1 },
] as const;

const ASB = 0;
const CRIMINAL_DAMAGE = 3;
const VIOLENCE = 13;

/** Extra ASB in the focus ward: x1.3 until the pilot starts (2023-10), easing to x1.0 by 2025-03. */
export function focusAsbFactor(month: string): number {
  const i = MONTHS.indexOf(month);
  const start = MONTHS.indexOf("2023-10");
  if (i < start) return 1.3;
  return 1.3 - (0.3 * (i - start + 1)) / (MONTHS.length - start);
}

const OUTCOMES: [string, number][] = [
  ["Unable to prosecute suspect", 38],
  ["Investigation complete; no suspect identified", 30],
  ["Status update unavailable", 6],
  ["Court result unavailable", 4],
  ["Action to be taken by another organisation", 3],
  ["Further investigation is not in the public interest", 3],
  ["Formal action is not in the public interest", 1],
  ["Further action is not in the public interest", 0.5],
  ["Local resolution", 2],
  ["Offender given a caution", 2],
  ["Offender given penalty notice", 0.3],
  ["Offender given community sentence", 0.4],
  ["Offender given conditional discharge", 0.2],
  ["Offender given suspended prison sentence", 0.2],
  ["Offender sent to prison", 0.5],
  ["Offender fined", 0.4],
  ["Offender ordered to pay compensation", 0.1],
  ["Offender deprived of property", 0.05],
  ["Offender otherwise dealt with", 0.1],
  ["Awaiting court outcome", 1],
  ["Court case unable to proceed", 0.3],
  ["Defendant found not guilty", 0.2],
  ["Defendant sent to Crown Court", 0.1],
  ["Suspect charged as part of another case", 0.2],
  ["Offender given a drugs possession warning", 0],
];
const THEFTS = new Set(["Burglary", "Vehicle crime", "Bicycle theft", "Theft from the person", "Other theft"]);

function outcomeWeights(type: string, monthsOld: number): number[] {
  return OUTCOMES.map(([o, w]) => {
    if (o === "Investigation complete; no suspect identified" && THEFTS.has(type)) return w * 2.5;
    if (o === "Offender given a drugs possession warning") return type === "Drugs" ? 25 : 0;
    if (o === "Local resolution" && type === "Drugs") return w * 5;
    if (o === "Offender given a caution" && type === "Shoplifting") return w * 3;
    if ((o === "Awaiting court outcome" || o === "Status update unavailable") && monthsOld < 6) return w * 5;
    return w;
  });
}

/** Seasonal factor: peak in July (positive amplitude) or January (negative). */
function season(month: string, amplitude: number): number {
  const m = Number(month.slice(5)) - 1;
  return 1 + amplitude * Math.cos((2 * Math.PI * (m - 6)) / 12);
}

/** Expected crimes of each type per resident per month for each LSOA, before seasonality. */
function typeRates(b: Borough): number[][] {
  const year = FINANCIAL_YEARS[0].populationYear;
  const pops = b.lsoas.map((l) => populationOf([l], year));
  const total = pops.reduce((s, x) => s + x, 0);
  return CRIME_TYPES.map((t) => {
    const mult = b.lsoas.map((l) => {
      const dep = t.type === "Criminal damage and arson" ? 0.5 : l.deprivation;
      return Math.exp(t.slope * (dep - 0.5)) * (l.ward.townCentre ? t.centre : 1);
    });
    const mean = mult.reduce((s, m, i) => s + m * pops[i], 0) / total;
    return mult.map((m) => (MONTHLY_RATE * t.share * m) / mean);
  });
}

type Counts = number[][][]; // [month][lsoa][type]

/** Everything a cell draw needs. */
interface Model {
  b: Borough;
  rates: number[][];
  /** Population of each LSOA by calendar year. */
  pops: Map<number, number[]>;
}

function drawCell(rng: Rng, model: Model, mi: number, li: number, ti: number): number {
  const month = MONTHS[mi];
  const l = model.b.lsoas[li];
  const year = Number(month.slice(0, 4)) - (Number(month.slice(5)) < 4 ? 1 : 0);
  const pop = model.pops.get(Math.max(FINANCIAL_YEARS[0].populationYear, year))![li];
  let lambda = pop * model.rates[ti][li] * season(month, CRIME_TYPES[ti].season);
  if (ti === ASB && l.ward.isFocus) lambda *= focusAsbFactor(month);
  let n = rng.poisson(lambda);
  if (month === SHORT_MONTH) n = rng.binomial(n, 0.5);
  return n;
}

/**
 * The story, checked per financial year: the focus ward's violence, ASB and all-crime rates are
 * significantly above the borough's and criminal damage is similar. A failing year's focus-ward
 * cells of the failing types are redrawn (deterministically) until every check holds.
 */
function enforceStory(rng: Rng, counts: Counts, model: Model): void {
  const b = model.b;
  const focusIdx = b.lsoas.map((l, i) => (l.ward.isFocus ? i : -1)).filter((i) => i >= 0);
  const allLsoas = b.lsoas.map((_, i) => i);
  const allTypes = CRIME_TYPES.map((_, i) => i);
  const checks: [number[], "higher" | "similar"][] = [
    [[VIOLENCE], "higher"],
    [[ASB], "higher"],
    [allTypes, "higher"],
    [[CRIMINAL_DAMAGE], "similar"],
  ];
  for (const fy of FINANCIAL_YEARS) {
    const months = MONTHS.map((m, i) => (m >= fy.start && m <= fy.end ? i : -1)).filter((i) => i >= 0);
    const popB = populationOf(b.lsoas, fy.populationYear);
    const popF = populationOf(b.focus.lsoas, fy.populationYear);
    const sum = (lsoaIdx: number[], types: number[]) => {
      let s = 0;
      for (const mi of months) for (const li of lsoaIdx) for (const ti of types) s += counts[mi][li][ti];
      return s;
    };
    for (let attempt = 0; ; attempt++) {
      const failing = checks.filter(([types, want]) => rateVersus(sum(focusIdx, types), popF, sum(allLsoas, types) / popB) !== want);
      if (failing.length === 0) break;
      if (attempt > 200) throw new Error(`demo story: cannot make the focus ward's crime pattern hold in ${fy.label}`);
      const redraw = new Set(failing.flatMap(([types]) => types));
      for (const mi of months) for (const li of focusIdx) for (const ti of redraw) counts[mi][li][ti] = drawCell(rng, model, mi, li, ti);
    }
  }
}

/** Monthly counts per LSOA and crime type for the borough. */
export function crimeCounts(b: Borough): Counts {
  const rng = Rng.for(b.seed, "police-counts");
  const pops = new Map(FINANCIAL_YEARS.map((fy) => [fy.populationYear as number, b.lsoas.map((l) => populationOf([l], fy.populationYear))]));
  const model: Model = { b, rates: typeRates(b), pops };
  const counts: Counts = MONTHS.map((_, mi) => b.lsoas.map((_, li) => CRIME_TYPES.map((_, ti) => drawCell(rng, model, mi, li, ti))));
  enforceStory(rng.fork("story"), counts, model);
  return counts;
}

interface Row {
  lsoaName: string;
  type: string;
  line: string;
}

function crimeId(seed: number, month: string, serial: number): string {
  return createHash("sha256").update(`demo-crime|${seed}|${month}|${serial}`).digest("hex");
}

/** All 36 monthly files. */
export function policeFiles(b: Borough): DemoFile[] {
  const counts = crimeCounts(b);
  const files: DemoFile[] = [];
  MONTHS.forEach((month, mi) => {
    const rng = Rng.for(b.seed, `police-${month}`);
    const monthsOld = MONTHS.length - 1 - mi;
    let serial = 0;
    const row = (l: { code: string; name: string } | null, pt: SnapPoint | null, type: string): Row => {
      const isAsb = type === "Anti-social behaviour";
      const id = isAsb ? "" : crimeId(b.seed, month, serial++);
      const outcome = isAsb ? "" : OUTCOMES[rng.weightedIndex(outcomeWeights(type, monthsOld))][0];
      const line = csvLine([
        id, month, FORCE, FORCE,
        pt ? pt.lon : "", pt ? pt.lat : "", pt ? pt.location : "No Location",
        l ? l.code : "", l ? l.name : "", type, outcome, "",
      ]);
      return { lsoaName: l ? l.name : "", type, line };
    };
    const pickPoint = (pts: SnapPoint[]) => rng.weighted(pts, pts.map((p) => p.weight));

    const located: Row[] = [];
    let boroughRows = 0;
    b.lsoas.forEach((l: Lsoa, li) => {
      CRIME_TYPES.forEach((t, ti) => {
        for (let k = 0; k < counts[mi][li][ti]; k++) located.push(row(l, pickPoint(l.snapPoints), t.type));
        boroughRows += counts[mi][li][ti];
      });
    });
    // Southmoor rows near the border (about 1.5%), no-location rows (about 0.5%).
    const shares = CRIME_TYPES.map((t) => t.share);
    const border = b.neighbourLsoas.filter((n) => n.borderRank < 8);
    const nNeighbour = rng.poisson(0.015 * boroughRows);
    for (let k = 0; k < nNeighbour; k++) {
      const n = rng.pick(border);
      located.push(row(n, pickPoint(n.snapPoints), CRIME_TYPES[rng.weightedIndex(shares)].type));
    }
    const noLocShares = CRIME_TYPES.map((t) => (t.type === "Anti-social behaviour" ? 0 : t.type === "Other crime" ? 0.3 : t.share));
    const unlocated: Row[] = [];
    const nNoLoc = rng.poisson(0.005 * boroughRows);
    for (let k = 0; k < nNoLoc; k++) unlocated.push(row(null, null, CRIME_TYPES[rng.weightedIndex(noLocShares)].type));

    const order = (a: Row, c: Row) => byText(a.lsoaName, c.lsoaName) || byText(a.type, c.type);
    located.sort(order);
    unlocated.sort(order);
    if (month === DUPLICATE_MONTH) {
      // One crime published twice: same ID, same content, a few lines apart in its LSOA/type block.
      const candidates = located.map((r, i) => (r.line.startsWith(",") ? -1 : i)).filter((i) => i >= 0);
      const i = rng.pick(candidates);
      let end = i;
      while (end + 1 < located.length && order(located[end + 1], located[i]) === 0) end++;
      located.splice(end + 1, 0, located[i]);
    }
    const lines = [POLICE_HEADER, ...located.map((r) => r.line), ...unlocated.map((r) => r.line)];
    files.push(csvFile(`police/${month}/${month}-demo-street.csv`, lines, { eol: "\n" }));
  });
  return files;
}
