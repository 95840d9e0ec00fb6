/**
 * National police.uk street-level crime files for the benchmark: one
 * `police/YYYY-MM/YYYY-MM-<force>-street.csv` per force and month, in the exact police.uk layout
 * (the demo's header and crime types), written straight to disk a file at a time. About 0.5% of
 * rows are `No Location` rows and 0.2% carry an LSOA code outside the lookup (as British Transport
 * Police rows do), so both are exercised; there are no repeated Crime IDs, so every located row
 * counts exactly once in every implementation.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CRIME_TYPES, POLICE_HEADER } from "../demo/police.ts";
import { Rng } from "../demo/random.ts";
import type { Nation } from "./nation.ts";

/** Share of a month's rows without a location, and with an LSOA outside the lookup. */
export const NO_LOCATION_SHARE = 0.005;
export const OUTSIDE_LOOKUP_SHARE = 0.002;

const OUTCOMES = [
  "Unable to prosecute suspect",
  "Investigation complete; no suspect identified",
  "Status update unavailable",
  "Court result unavailable",
  "Action to be taken by another organisation",
  "Local resolution",
  "Offender given a caution",
  "Awaiting court outcome",
  "Offender sent to prison",
];
const OUTCOME_WEIGHTS = [38, 30, 6, 4, 3, 2, 2, 1, 0.5];

/** What one month of files held. */
export interface PoliceMonth {
  month: string;
  files: string[];
  rows: number;
  /** Rows whose LSOA is in the lookup (what every ward count sums to). */
  located: number;
}

/** Cumulative distribution for fast categorical draws. */
function cumulative(weights: readonly number[]): Float64Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const out = new Float64Array(weights.length);
  let c = 0;
  weights.forEach((w, i) => (out[i] = c += w / total));
  out[out.length - 1] = 1;
  return out;
}

function draw(cdf: Float64Array, u: number): number {
  let i = 0;
  while (u >= cdf[i]) i++;
  return i;
}

const TYPE_CDF = cumulative(CRIME_TYPES.map((t) => t.share));
const OUTCOME_CDF = cumulative(OUTCOME_WEIGHTS);
const DEPRIVATION_SLOPE = 1.2;

function hex8(rng: Rng): string {
  return Math.floor(rng.next() * 4294967296).toString(16).padStart(8, "0");
}

/** Write one month of police files for every force into `dir`; returns what was written. */
export function writePoliceMonth(dir: string, nation: Nation, month: string): PoliceMonth {
  const rng = Rng.for(nation.seed, `bench-police-${month}`);
  const m = Number(month.slice(5)) - 1;
  const season = 1 + 0.08 * Math.cos((2 * Math.PI * (m - 6)) / 12);
  const weights = nation.lsoas.map((l) => l.population * Math.exp(DEPRIVATION_SLOPE * (l.deprivation - 0.5)));
  const totalWeight = weights.reduce((s, x) => s + x, 0);
  const located = nation.scale.crimesPerMonth * (1 - NO_LOCATION_SHARE - OUTSIDE_LOOKUP_SHARE) * season;
  const folder = path.join(dir, "police", month);
  mkdirSync(folder, { recursive: true });
  const out: PoliceMonth = { month, files: [], rows: 0, located: 0 };
  const byForce = new Map<number, number[]>();
  nation.authorities.forEach((a, i) => byForce.set(a.force, [...(byForce.get(a.force) ?? []), i]));
  nation.forces.forEach((force, f) => {
    const mid = `,${month},${force.name},${force.name},`;
    const parts: string[] = [POLICE_HEADER, "\n"];
    let rows = 0;
    const row = (point: string, lsoaCode: string, lsoaName: string, type: number) => {
      const asb = type === 0;
      const id = asb ? "" : hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng);
      const outcome = asb ? "" : OUTCOMES[draw(OUTCOME_CDF, rng.next())];
      parts.push(id, mid, point, ",", lsoaCode, ",", lsoaName, ",", CRIME_TYPES[type].type, ",", outcome, ",\n");
      rows++;
    };
    let forceLocated = 0;
    for (const ai of byForce.get(f) ?? []) {
      const a = nation.authorities[ai];
      for (let wi = a.first; wi < a.end; wi++) {
        const ward = nation.wards[wi];
        for (let li = ward.first; li < ward.end; li++) {
          const l = nation.lsoas[li];
          const n = rng.poisson((located * weights[li]) / totalWeight);
          for (let k = 0; k < n; k++) row(l.points[Math.floor(rng.next() * l.points.length)], l.code, l.name, draw(TYPE_CDF, rng.next()));
          forceLocated += n;
        }
      }
    }
    // Rows placed in LSOAs the lookup does not have (e.g. transport police), then no-location rows.
    const outside = rng.poisson((forceLocated * OUTSIDE_LOOKUP_SHARE) / (1 - NO_LOCATION_SHARE - OUTSIDE_LOOKUP_SHARE));
    for (let k = 0; k < outside; k++) {
      const n = 1 + Math.floor(rng.next() * 50);
      row(`-0.1${String(n).padStart(5, "0")},51.5${String(n).padStart(5, "0")},On or near Railway Station`, `Z01999${String(n).padStart(3, "0")}`, `Elsewhere ${String(n).padStart(3, "0")}A`, 1 + Math.floor(rng.next() * (CRIME_TYPES.length - 1)));
    }
    const noLocation = rng.poisson((forceLocated * NO_LOCATION_SHARE) / (1 - NO_LOCATION_SHARE - OUTSIDE_LOOKUP_SHARE));
    for (let k = 0; k < noLocation; k++) row(",,No Location", "", "", 1 + Math.floor(rng.next() * (CRIME_TYPES.length - 1)));
    const file = path.join(folder, `${month}-${force.slug}-street.csv`);
    writeFileSync(file, parts.join(""));
    out.files.push(file);
    out.rows += rows;
    out.located += forceLocated;
  });
  return out;
}
