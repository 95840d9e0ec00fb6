/**
 * The synthetic nation behind the national-scale benchmark: a seeded geography with the shape of
 * England and Wales (about 35,000 LSOAs in 7,000 wards in 330 local authorities, 9 English
 * regions and Wales, 43 police forces), a latent deprivation level per LSOA and a resident
 * population. Every code starts with `Z` (like the demo borough), so bench data can never be
 * joined to real data. Everything is derived from the seed: same seed and scale, same nation.
 */
import { Rng } from "../demo/random.ts";

/** How big a nation to generate. `NATIONAL_SCALE` is England and Wales. */
export interface NationScale {
  lsoas: number;
  wards: number;
  authorities: number;
  forces: number;
  /** police.uk street-level rows a month (all forces, including no-location rows). */
  crimesPerMonth: number;
  /** Residents survey respondents (one wave). */
  respondents: number;
  /** Council CRM cases over the whole period. */
  complaints: number;
}

/** England and Wales: 35,000 LSOAs, 7,000 wards, 330 authorities, 43 forces, 500,000 crimes a month. */
export const NATIONAL_SCALE: NationScale = {
  lsoas: 35_000,
  wards: 7_000,
  authorities: 330,
  forces: 43,
  crimesPerMonth: 500_000,
  respondents: 20_000,
  complaints: 100_000,
};

/** A tenth of the nation in every dimension (the `--quick` bench). */
export const QUICK_SCALE: NationScale = {
  lsoas: 3_500,
  wards: 700,
  authorities: 33,
  forces: 6,
  crimesPerMonth: 50_000,
  respondents: 4_000,
  complaints: 10_000,
};

/** Regions with their share of authorities (roughly England's 9 regions and Wales). */
const REGIONS = [
  { name: "Bench North East", weight: 12, country: 0 },
  { name: "Bench North West", weight: 39, country: 0 },
  { name: "Bench Yorkshire and The Humber", weight: 15, country: 0 },
  { name: "Bench East Midlands", weight: 35, country: 0 },
  { name: "Bench West Midlands", weight: 30, country: 0 },
  { name: "Bench East of England", weight: 45, country: 0 },
  { name: "Bench London", weight: 33, country: 0 },
  { name: "Bench South East", weight: 64, country: 0 },
  { name: "Bench South West", weight: 30, country: 0 },
  { name: "Bench Wales", weight: 22, country: 1 },
] as const;
const COUNTRIES = [
  { code: "Z92000001", name: "Bench England" },
  { code: "Z92000004", name: "Bench Wales" },
] as const;

/** One LSOA. */
export interface BenchLsoa {
  index: number;
  code: string;
  name: string;
  ward: number;
  /** 0 least .. 1 most deprived. */
  deprivation: number;
  /** Residents at mid-2022. */
  population: number;
  /** Pre-formatted `lon,lat,On or near ...` snap points (police.uk publishes snapped points). */
  points: string[];
}

/** One ward (WD24-style). */
export interface BenchWard {
  code: string;
  name: string;
  authority: number;
  /** LSOA indices [first, end). */
  first: number;
  end: number;
}

/** One local authority district. */
export interface BenchAuthority {
  code: string;
  name: string;
  region: number;
  force: number;
  /** Ward indices [first, end). */
  first: number;
  end: number;
}

/** The generated nation. */
export interface Nation {
  seed: number;
  scale: NationScale;
  lsoas: BenchLsoa[];
  wards: BenchWard[];
  authorities: BenchAuthority[];
  regions: { code: string; name: string; country: number }[];
  countries: readonly { code: string; name: string }[];
  forces: { name: string; slug: string }[];
}

/**
 * Split `total` items into `parts` consecutive groups of random sizes (each at least `min`),
 * exactly summing to `total`. Returns the group sizes.
 */
export function splitSizes(rng: Rng, total: number, parts: number, min = 1): number[] {
  if (parts * min > total) throw new Error(`cannot split ${total} items into ${parts} groups of at least ${min}`);
  const weights = Array.from({ length: parts }, () => rng.uniform(0.4, 1.6));
  const sum = weights.reduce((s, w) => s + w, 0);
  const spare = total - parts * min;
  const sizes: number[] = [];
  let cum = 0;
  let given = 0;
  for (const w of weights) {
    cum += w;
    const upto = Math.round((spare * cum) / sum);
    sizes.push(min + upto - given);
    given = upto;
  }
  return sizes;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Build the nation for a seed and scale. */
export function buildNation(seed: number, scale: NationScale = NATIONAL_SCALE): Nation {
  const rng = Rng.for(seed, "bench-nation");
  const { lsoas: nL, wards: nW, authorities: nA } = scale;
  if (!(nL >= nW && nW >= nA && nA >= REGIONS.length)) throw new Error(`bench scale needs lsoas >= wards >= authorities >= ${REGIONS.length}`);
  const forces = Math.min(scale.forces, nA);

  // Authorities per region, proportional to the regional weights (each region at least one).
  const totalWeight = REGIONS.reduce((s, r) => s + r.weight, 0);
  const perRegion = REGIONS.map((r) => Math.max(1, Math.round((nA * r.weight) / totalWeight)));
  let diff = nA - perRegion.reduce((s, x) => s + x, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % perRegion.length) {
    if (diff > 0) (perRegion[i]++, diff--);
    else if (perRegion[i] > 1) (perRegion[i]--, diff++);
  }
  const regions = REGIONS.map((r, i) => ({ code: `Z120000${pad(i + 1, 2)}`, name: r.name, country: r.country }));

  const wardSizes = splitSizes(rng.fork("wards-per-authority"), nW, nA, 1);
  const lsoaSizes = splitSizes(rng.fork("lsoas-per-ward"), nL, nW, 1);
  const forceSizes = splitSizes(rng.fork("authorities-per-force"), nA, forces, 1);
  const forceOf: number[] = forceSizes.flatMap((n, f) => Array<number>(n).fill(f));

  const authorities: BenchAuthority[] = [];
  const wards: BenchWard[] = [];
  const lsoas: BenchLsoa[] = [];
  const depRng = rng.fork("deprivation");
  const popRng = rng.fork("population");
  let a = 0;
  let w = 0;
  let l = 0;
  perRegion.forEach((count, region) => {
    for (let k = 0; k < count; k++, a++) {
      const authority: BenchAuthority = {
        code: `Z0${REGIONS[region].country ? "7" : "6"}${pad(a + 1, 6)}`,
        name: `Benchtown ${pad(a + 1, 3)}`,
        region,
        force: forceOf[a],
        first: w,
        end: w + wardSizes[a],
      };
      authorities.push(authority);
      const authorityDep = depRng.uniform(0.1, 0.9);
      let msoa = 1;
      for (; w < authority.end; w++) {
        const wardDep = clamp01(authorityDep + depRng.normal(0, 0.15));
        const ward: BenchWard = { code: `Z05${pad(w + 1, 6)}`, name: `${authority.name} Ward ${pad(w - authority.first + 1, 2)}`, authority: a, first: l, end: l + lsoaSizes[w] };
        wards.push(ward);
        for (let j = 0; l < ward.end; l++, j++) {
          if (j % 5 === 0 && j > 0) msoa++;
          const dep = clamp01(wardDep + depRng.normal(0, 0.1));
          const lon = -5.5 + 7.2 * ((l * 0.6180339887) % 1);
          const lat = 50.1 + 5.6 * ((l * 0.7548776662) % 1);
          const points = Array.from({ length: 6 }, (_, p) => {
            const x = (lon + 0.004 * Math.cos(p)).toFixed(6);
            const y = (lat + 0.003 * Math.sin(p)).toFixed(6);
            return `${x},${y},On or near ${STREETS[(l * 7 + p) % STREETS.length]}`;
          });
          lsoas.push({
            index: l,
            code: `Z01${pad(l + 1, 6)}`,
            name: `${authority.name} ${pad(msoa, 3)}${String.fromCharCode(65 + (j % 5))}`,
            ward: w,
            deprivation: dep,
            population: Math.round(1200 + 900 * popRng.next() + 300 * dep),
            points,
          });
        }
        msoa++;
      }
    }
  });
  const forceList = Array.from({ length: forces }, (_, f) => ({ name: `Bench Police ${pad(f + 1, 2)}`, slug: `bench-police-${pad(f + 1, 2)}` }));
  return { seed, scale, lsoas, wards, authorities, regions, countries: COUNTRIES, forces: forceList };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

const STREETS = [
  "High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Street", "Queen's Road", "Green Lane",
  "Manor Way", "School Lane", "The Crescent", "Kings Road", "Bridge Street", "Chapel Street", "North Road", "Market Place",
  "Supermarket", "Parking Area", "Petrol Station", "Nightclub", "Sports/Recreation Area", "Shopping Area", "Further/Higher Educational Building",
];
