/**
 * The fictional borough of Northgate: its wards, LSOAs, neighbour, geometry, places, latent
 * deprivation and single-year-of-age population. Every dataset writer draws from this one
 * model, so a ward that is deprived in the IoD file is also the one with more crime, younger
 * residents and worse school results. All codes start with `Z`: no real GSS code does.
 */
import { Categorical, Rng } from "./random.ts";
import { centroid, randomPointIn, spreadSites, voronoiCells, contains, type Point, type Polygon } from "./geometry.ts";
import { fixed, byText } from "./format.ts";

/** The borough (a fictional unitary authority). */
export const BOROUGH = { code: "Z06000001", name: "Northgate" } as const;
/** The neighbouring authority: only some police rows fall there; not in the LSOA lookup. */
export const NEIGHBOUR = { code: "Z06000002", name: "Southmoor" } as const;
/** The fictional region both authorities are in. */
export const REGION = { code: "Z12000001", name: "Demo Region" } as const;
/** The fictional country. */
export const COUNTRY = { code: "Z92000001", name: "Demo England" } as const;
/** The focus ward of the demo story. */
export const FOCUS_WARD = "Z05000007";
/** Mid-year population estimate years written (SAPE files). */
export const POPULATION_YEARS = [2022, 2023, 2024] as const;
/** The 36 police.uk months, 2022-04 .. 2025-03. */
export const MONTHS: string[] = Array.from({ length: 36 }, (_, i) => {
  const y = 2022 + Math.floor((i + 3) / 12);
  const m = ((i + 3) % 12) + 1;
  return `${y}-${String(m).padStart(2, "0")}`;
});
/** Financial years covered (April-March), with the mid-year population used as denominator. */
export const FINANCIAL_YEARS = [
  { label: "2022/23", start: "2022-04", end: "2023-03", populationYear: 2022 },
  { label: "2023/24", start: "2023-04", end: "2024-03", populationYear: 2023 },
  { label: "2024/25", start: "2024-04", end: "2025-03", populationYear: 2024 },
] as const;
/** Single years of age in the population files: 0..90 where 90 means 90+. */
export const MAX_AGE = 90;

/** x = lon * LON_SCALE gives a plane where one unit of x is as long as one unit of latitude. */
const LON_SCALE = Math.cos((52.075 * Math.PI) / 180);
/** The borough's bounding rectangle in lon/lat. */
export const BOUNDS = { west: -0.9, east: -0.7, south: 52.0, north: 52.15 } as const;
const NEIGHBOUR_BOUNDS = { west: -0.9, east: -0.7, south: 51.92, north: 52.0 } as const;

/** One ward of the design table: name, grid cell, latent deprivation (0 least .. 1 most), LSOA count. */
interface WardDesign {
  name: string;
  row: number;
  col: number;
  deprivation: number;
  lsoas: number;
  townCentre?: boolean;
}

/** Wards in code order (Z05000001..Z05000020), laid out on a 5-row (north to south) x 4-column grid. */
const WARD_DESIGN: WardDesign[] = [
  { name: "Abbey Fields", row: 0, col: 0, deprivation: 0.2, lsoas: 5 },
  { name: "Kingsmead", row: 0, col: 1, deprivation: 0.3, lsoas: 6 },
  { name: "Fernhill", row: 0, col: 2, deprivation: 0.35, lsoas: 5 },
  { name: "Ashcroft", row: 0, col: 3, deprivation: 0.45, lsoas: 6 },
  { name: "Westbury Park", row: 1, col: 0, deprivation: 0.15, lsoas: 5 },
  { name: "Castle Hill", row: 1, col: 1, deprivation: 0.6, lsoas: 7, townCentre: true },
  { name: "Northgate & Eastfields", row: 1, col: 2, deprivation: 0.9, lsoas: 8 },
  { name: "Pinfold", row: 1, col: 3, deprivation: 0.55, lsoas: 6 },
  { name: "Oakwood", row: 2, col: 0, deprivation: 0.1, lsoas: 5 },
  { name: "Riverside", row: 2, col: 1, deprivation: 0.8, lsoas: 7 },
  { name: "Mill, Quay and Docks", row: 2, col: 2, deprivation: 0.95, lsoas: 7 },
  { name: "Moorgate", row: 2, col: 3, deprivation: 0.65, lsoas: 6 },
  { name: "Lark Rise", row: 3, col: 0, deprivation: 0.25, lsoas: 5 },
  { name: "St Anne's", row: 3, col: 1, deprivation: 0.5, lsoas: 6 },
  { name: "Greystone", row: 3, col: 2, deprivation: 0.7, lsoas: 7 },
  { name: "Hollins Green", row: 3, col: 3, deprivation: 0.4, lsoas: 6 },
  { name: "Dene Park", row: 4, col: 0, deprivation: 0.05, lsoas: 4 },
  { name: "Wychwood", row: 4, col: 1, deprivation: 0.15, lsoas: 5 },
  { name: "Temple Meadows", row: 4, col: 2, deprivation: 0.3, lsoas: 6 },
  { name: "Sandy Lane", row: 4, col: 3, deprivation: 0.45, lsoas: 8 },
];

/** Southmoor's wards (only in the ward hierarchy lookup). */
const NEIGHBOUR_WARDS = ["Southmoor Central", "Ashby Vale", "Coldharbour", "Friars Mead", "Southmoor Heath", "Upton Marsh"];

/** A snapped, anonymised police.uk map point with its `Location` text. */
export interface SnapPoint {
  location: string;
  lon: string;
  lat: string;
  weight: number;
}

/** Single-year-of-age counts for one area and year: index = age (90 = 90+). */
export interface AgeCounts {
  f: number[];
  m: number[];
}

/** A 2021 LSOA. */
export interface Lsoa {
  code: string;
  name: string;
  msoa: string;
  ward: Ward;
  /** Latent deprivation, the ward's level plus LSOA noise (0..1). */
  deprivation: number;
  polygon: Polygon;
  centre: Point;
  population: Map<number, AgeCounts>;
  streets: string[];
  postcodes: string[];
  snapPoints: SnapPoint[];
}

/** A 2024 ward. */
export interface Ward {
  code: string;
  name: string;
  index: number;
  deprivation: number;
  townCentre: boolean;
  isFocus: boolean;
  polygon: Polygon;
  centre: Point;
  lsoas: Lsoa[];
  /** Postcode district number (ZN1, ZN2, ...). */
  district: number;
}

/** A neighbour LSOA (police rows only). */
export interface NeighbourLsoa {
  code: string;
  name: string;
  snapPoints: SnapPoint[];
  /** Distance rank from the borough edge (0 = on the border). */
  borderRank: number;
}

/** The whole synthetic geography and population. */
export interface Borough {
  seed: number;
  wards: Ward[];
  lsoas: Lsoa[];
  focus: Ward;
  neighbourWards: { code: string; name: string }[];
  neighbourLsoas: NeighbourLsoa[];
}

/** Plane point -> [lon, lat]. */
export function toLonLat(p: Point): [number, number] {
  return [p[0] / LON_SCALE, p[1]];
}

function rectangle(b: { west: number; east: number; south: number; north: number }): Polygon {
  return [
    [b.west * LON_SCALE, b.south],
    [b.east * LON_SCALE, b.south],
    [b.east * LON_SCALE, b.north],
    [b.west * LON_SCALE, b.north],
  ];
}

/** Linear interpolation through (x, y) knots. */
function interp(knots: ReadonlyArray<readonly [number, number]>, x: number): number {
  if (x <= knots[0][0]) return knots[0][1];
  for (let i = 1; i < knots.length; i++) {
    const [x1, y1] = knots[i];
    if (x <= x1) {
      const [x0, y0] = knots[i - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return knots[knots.length - 1][1];
}

const OLDER_PROFILE = [
  [0, 0.8], [4, 0.95], [10, 1.05], [17, 1.05], [19, 0.75], [22, 0.6], [27, 0.8], [33, 1.0], [40, 1.15],
  [50, 1.4], [58, 1.4], [65, 1.25], [72, 1.15], [80, 0.75], [85, 0.45], [89, 0.25],
] as const;
const YOUNGER_PROFILE = [
  [0, 1.35], [4, 1.45], [10, 1.4], [17, 1.3], [19, 1.35], [22, 1.6], [27, 1.85], [33, 1.75], [40, 1.4],
  [50, 1.05], [58, 0.8], [65, 0.55], [72, 0.4], [80, 0.25], [85, 0.12], [89, 0.06],
] as const;
const MALE_SHARE = [[0, 0.512], [20, 0.505], [40, 0.495], [60, 0.485], [75, 0.46], [85, 0.38], [90, 0.3]] as const;

/** Relative population weight of one single year of age (90 = the 90+ bucket) for a deprivation level. */
function ageWeight(age: number, deprivation: number): number {
  if (age === MAX_AGE) return (1 - deprivation) * 1.2 + deprivation * 0.2;
  return (1 - deprivation) * interp(OLDER_PROFILE, age) + deprivation * interp(YOUNGER_PROFILE, age);
}

/** Expected share of each (sex, age) cell: index 0..90 female, 91..181 male. */
function cellWeights(deprivation: number): number[] {
  const f: number[] = [];
  const m: number[] = [];
  for (let a = 0; a <= MAX_AGE; a++) {
    const w = ageWeight(a, deprivation);
    const ms = interp(MALE_SHARE, a);
    f.push(w * (1 - ms));
    m.push(w * ms);
  }
  return [...f, ...m];
}

/** Annual probability of death at a single year of age. */
const deathRate = (age: number) => Math.min(0.25, 0.00002 * Math.exp(0.1 * age) + (age === 0 ? 0.004 : 0));

/** Population for the first year, then aged on one year at a time (deaths, births, migration). */
function simulatePopulation(rng: Rng, total: number, deprivation: number): Map<number, AgeCounts> {
  const weights = cellWeights(deprivation);
  const counts = new Categorical(weights).counts(rng, total);
  const wsum = weights.reduce((s, w) => s + w, 0);
  const out = new Map<number, AgeCounts>();
  let cur: AgeCounts = { f: counts.slice(0, MAX_AGE + 1), m: counts.slice(MAX_AGE + 1) };
  out.set(POPULATION_YEARS[0], cur);
  for (let yi = 1; yi < POPULATION_YEARS.length; yi++) {
    const target = total * (1 + 0.005 * yi);
    const women = cur.f.slice(18, 45).reduce((s, x) => s + x, 0);
    const births = rng.poisson(women * 0.055 * (0.8 + 0.6 * deprivation));
    const boys = rng.binomial(births, 0.512);
    const next: AgeCounts = { f: new Array(MAX_AGE + 1).fill(0), m: new Array(MAX_AGE + 1).fill(0) };
    for (const [sex, offset] of [["f", 0], ["m", MAX_AGE + 1]] as const) {
      const prev = cur[sex];
      const arr = next[sex];
      arr[0] = sex === "m" ? boys : births - boys;
      for (let a = 1; a <= MAX_AGE; a++) {
        let survivors = prev[a - 1] - rng.binomial(prev[a - 1], deathRate(a - 1));
        if (a === MAX_AGE) survivors += prev[a] - rng.binomial(prev[a], 0.2);
        const expected = (target * weights[offset + a]) / wsum;
        const moveOut = rng.binomial(survivors, 0.04);
        const moveIn = rng.poisson(0.04 * expected);
        arr[a] = Math.max(0, survivors - moveOut + moveIn);
      }
    }
    out.set(POPULATION_YEARS[yi], next);
    cur = next;
  }
  return out;
}

/** Sum of an area's population over an age range (inclusive) for one year. */
export function populationOf(lsoas: readonly Lsoa[], year: number, fromAge = 0, toAge = MAX_AGE, sex: "f" | "m" | "all" = "all"): number {
  let s = 0;
  for (const l of lsoas) {
    const p = l.population.get(year);
    if (!p) throw new Error(`no ${year} population for ${l.code}`);
    for (let a = fromAge; a <= toAge; a++) {
      if (sex !== "m") s += p.f[a];
      if (sex !== "f") s += p.m[a];
    }
  }
  return s;
}

const STREET_STEMS = [
  "Heron", "Mill", "Church", "Station", "King", "Queen", "Abbey", "Castle", "Willow", "Oak", "Ash", "Elm", "Bishop",
  "Tanner", "Cooper", "Fletcher", "Long", "Pinfold", "Brewery", "Canal", "Quay", "Marsh", "Meadow", "Orchard",
  "Priory", "Rope", "Salt", "Tannery", "Weaver", "Wharf", "Holly", "Beech", "Hazel", "Rowan", "Larch", "Chapel",
  "Market", "Bridge", "Ferry", "Lock", "Forge", "Granary", "Kiln", "Malt", "Cherry", "Laurel", "Poplar", "Alder",
  "Sparrow", "Kestrel", "Swallow", "Falcon", "Otter", "Badger", "Fox", "Thornton", "Ridley", "Hartley", "Mercer",
  "Saxon", "Norman", "Tudor", "Regent", "Victoria", "Albert", "Garden", "Hill", "Vale", "Park", "Bank", "Well",
  "Sheaf", "Tithe", "Glebe", "Warren", "Copse", "Spinney", "Bramble", "Clover", "Foxglove",
];
const STREET_SUFFIXES = [
  "Road", "Street", "Lane", "Close", "Way", "Avenue", "Brook", "Court", "Gardens", "Walk", "Terrace", "Crescent",
  "Drive", "Row", "Place", "Grove", "Mews", "Rise", "View", "Yard",
];
/** Stems that make possessive names (`Heron's Brook`), which police.uk title-cases as `Heron'S Brook`. */
const POSSESSIVE_STEMS = new Set(["Heron", "Bishop", "Tanner", "Cooper", "Fletcher", "Long", "Weaver", "King", "Queen", "Mercer", "Ridley", "Hartley"]);

/** Pool of distinct fictional street names (proper spelling, e.g. `Heron's Brook`). */
function streetPool(rng: Rng, n: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < n) {
    const stem = rng.pick(STREET_STEMS);
    const possessive = POSSESSIVE_STEMS.has(stem) && rng.chance(0.5);
    const name = `${stem}${possessive ? "'s" : ""} ${rng.pick(STREET_SUFFIXES)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

/** police.uk title-casing artefact: `Heron's Brook` -> `Heron'S Brook`. */
export function policeCase(street: string): string {
  return street.replace(/'s\b/g, "'S");
}

const POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

const ORDINARY_PLACES = ["Supermarket", "Parking Area", "Petrol Station", "Sports/Recreation Area", "Park/Open Space"];
const CENTRE_PLACES = ["Shopping Area", "Nightclub", "Supermarket", "Parking Area", "Theatre/Concert Hall", "Pedestrian Subway", "Police Station"];

function snapPoints(rng: Rng, poly: Polygon, streets: readonly string[], places: readonly string[], n: number): SnapPoint[] {
  const pts: SnapPoint[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    let p: Point;
    let lon: string;
    let lat: string;
    do {
      p = randomPointIn(rng, poly, 0.85);
      const ll = toLonLat(p);
      lon = fixed(ll[0], 6);
      lat = fixed(ll[1], 6);
      // Rounded to 6 dp the point must still be inside its polygon, and unique.
    } while (used.has(lon + lat) || !contains(poly, [Number(lon) * LON_SCALE, Number(lat)]));
    used.add(lon + lat);
    const isPlace = i < places.length && rng.chance(0.7);
    const location = isPlace ? `On or near ${places[i]}` : `On or near ${policeCase(streets[i % streets.length])}`;
    // A few busy points take most of the incidents, as police.uk's snapped points do.
    pts.push({ location, lon, lat, weight: isPlace ? 3 + 3 * rng.next() : 0.5 + 1.5 * rng.next() });
  }
  return pts;
}

/** Split a ward's LSOAs into MSOAs of 3-5 (best fit inside the ward). */
function msoaSizes(n: number): number[] {
  if (n <= 5) return [n];
  const a = Math.ceil(n / 2);
  return [a, n - a];
}

/** Build the borough from the seed. */
export function buildBorough(seed: number): Borough {
  const rng = Rng.for(seed, "borough");
  const rect = rectangle(BOUNDS);
  const cols = 4;
  const rows = 5;
  const cw = ((BOUNDS.east - BOUNDS.west) * LON_SCALE) / cols;
  const rh = (BOUNDS.north - BOUNDS.south) / rows;
  const sites: Point[] = WARD_DESIGN.map((w) => [
    BOUNDS.west * LON_SCALE + (w.col + 0.5 + rng.uniform(-0.28, 0.28)) * cw,
    BOUNDS.north - (w.row + 0.5 + rng.uniform(-0.28, 0.28)) * rh,
  ]);
  const cells = voronoiCells(sites, rect);
  const streets = streetPool(rng.fork("streets"), 1300);
  let streetNext = 0;
  const usedPostcodes = new Set<string>();

  const wards: Ward[] = WARD_DESIGN.map((w, i) => ({
    code: `Z050000${String(i + 1).padStart(2, "0")}`,
    name: w.name,
    index: i,
    deprivation: w.deprivation,
    townCentre: Boolean(w.townCentre),
    isFocus: `Z050000${String(i + 1).padStart(2, "0")}` === FOCUS_WARD,
    polygon: cells[i],
    centre: centroid(cells[i]),
    lsoas: [],
    district: 1 + Math.floor(i / 2),
  }));

  // LSOAs: Voronoi sub-cells of each ward, grouped into MSOAs; named later, once MSOAs are numbered.
  interface Draft { ward: Ward; polygon: Polygon; centre: Point; msoaKey: number }
  const drafts: Draft[] = [];
  const msoaCentres: { key: number; y: number; x: number }[] = [];
  let msoaKey = 0;
  for (const ward of wards) {
    const design = WARD_DESIGN[ward.index];
    const wr = rng.fork(`ward-${ward.code}`);
    const lsoaSites = spreadSites(wr, ward.polygon, design.lsoas).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const lsoaCells = voronoiCells(lsoaSites, ward.polygon);
    let k = 0;
    for (const size of msoaSizes(design.lsoas)) {
      const members = lsoaCells.slice(k, k + size);
      const cs = members.map(centroid);
      msoaCentres.push({ key: msoaKey, y: cs.reduce((s, c) => s + c[1], 0) / size, x: cs.reduce((s, c) => s + c[0], 0) / size });
      for (const poly of members) drafts.push({ ward, polygon: poly, centre: centroid(poly), msoaKey });
      msoaKey++;
      k += size;
    }
  }
  // ONS numbers MSOAs roughly north to south.
  const msoaNumber = new Map<number, number>();
  msoaCentres
    .sort((a, b) => b.y - a.y || a.x - b.x)
    .forEach((m, i) => msoaNumber.set(m.key, i + 1));

  const named = drafts.map((d) => ({ ...d, msoa: String(msoaNumber.get(d.msoaKey)).padStart(3, "0") }));
  named.sort((a, b) => byText(a.msoa, b.msoa) || a.centre[0] - b.centre[0] || b.centre[1] - a.centre[1]);
  const letterCount = new Map<string, number>();
  const lsoas: Lsoa[] = named.map((d, i) => {
    const n = letterCount.get(d.msoa) ?? 0;
    letterCount.set(d.msoa, n + 1);
    const code = `Z01${String(i + 1).padStart(6, "0")}`;
    const lr = rng.fork(`lsoa-${code}`);
    const deprivation = Math.min(0.99, Math.max(0.01, d.ward.deprivation + lr.normal(0, 0.06)));
    const total = Math.round(Math.min(2000, Math.max(1100, 1400 + 250 * deprivation + lr.normal(0, 110))));
    const nStreets = 6 + lr.int(0, 4);
    const own = streets.slice(streetNext, streetNext + nStreets);
    streetNext += nStreets;
    const postcodes: string[] = [];
    while (postcodes.length < 5 + lr.int(0, 3)) {
      const pc = `ZN${d.ward.district} ${lr.int(1, 9)}${POSTCODE_LETTERS[lr.int(0, 19)]}${POSTCODE_LETTERS[lr.int(0, 19)]}`;
      if (usedPostcodes.has(pc)) continue;
      usedPostcodes.add(pc);
      postcodes.push(pc);
    }
    const places = d.ward.townCentre ? CENTRE_PLACES : lr.sample(ORDINARY_PLACES, lr.int(1, 3));
    const lsoa: Lsoa = {
      code,
      name: `${BOROUGH.name} ${d.msoa}${String.fromCharCode(65 + n)}`,
      msoa: d.msoa,
      ward: d.ward,
      deprivation,
      polygon: d.polygon,
      centre: d.centre,
      population: simulatePopulation(lr.fork("population"), total, deprivation),
      streets: own,
      postcodes,
      snapPoints: snapPoints(lr.fork("snap"), d.polygon, own, places, 6 + Math.round(6 * deprivation)),
    };
    d.ward.lsoas.push(lsoa);
    return lsoa;
  });
  for (const w of wards) w.lsoas.sort((a, b) => byText(a.code, b.code));

  // Southmoor: a strip to the south. Only its LSOA names, codes and a few points are needed.
  const nr = rng.fork("neighbour");
  const nRect = rectangle(NEIGHBOUR_BOUNDS);
  const nSites = spreadSites(nr, nRect, 30, 2).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const nCells = voronoiCells(nSites, nRect);
  const neighbourLsoas: NeighbourLsoa[] = nCells.map((poly, i) => {
    const msoa = String(1 + Math.floor(i / 5)).padStart(3, "0");
    return {
      code: `Z01900${String(i + 1).padStart(3, "0")}`,
      name: `${NEIGHBOUR.name} ${msoa}${String.fromCharCode(65 + (i % 5))}`,
      snapPoints: snapPoints(nr.fork(`snap-${i}`), poly, streets.slice(1200 + (i % 20) * 5, 1205 + (i % 20) * 5), [], 5),
      borderRank: i,
    };
  });

  return {
    seed,
    wards,
    lsoas,
    focus: wards.find((w) => w.isFocus)!,
    neighbourWards: NEIGHBOUR_WARDS.map((name, i) => ({ code: `Z05900${String(i + 1).padStart(3, "0")}`, name })),
    neighbourLsoas,
  };
}

/** A ward polygon or LSOA polygon as a closed GeoJSON ring in lon/lat, counter-clockwise, 6 dp. */
export function lonLatRing(poly: Polygon): number[][] {
  const ring = poly.map((p) => toLonLat(p).map((v) => Math.round(v * 1e6) / 1e6));
  ring.push(ring[0].slice());
  return ring;
}
