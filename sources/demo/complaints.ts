/**
 * A council CRM case export (complaints and service requests), April 2022 - March 2025, as
 * councils hand it over: Windows-1252, CRLF, `dd/mm/yyyy` dates, ward names as typed by staff
 * (with the ward code alongside), invented personal details in cp1252 (`Zoë`, `O’Brien`),
 * free-text descriptions with commas and quotes, open cases without a close date, and repeat
 * reports of the same issue from the same postcode.
 */
import { FINANCIAL_YEARS, populationOf, type Borough, type Lsoa, type Ward } from "./borough.ts";
import { addDays, csvFile, csvLine, daysInMonth, ukDate, ukDateTime, utcDate, type DemoFile } from "./format.ts";
import { Rng, hash32 } from "./random.ts";
import { rateVersus } from "./stats.ts";

/** The CRM export header. */
export const CRM_HEADER = [
  "Case Reference", "Date Received", "Date Closed", "Category", "Service", "Channel", "Status", "Ward", "Ward Code",
  "Postcode", "UPRN", "Customer Name", "Address", "Telephone", "Email", "Description",
];
/** When the export was taken: cases not closed by then are Open. */
export const EXTRACT_DATE = utcDate(2025, 4, 7, 8, 0);

/** Case categories: owning service, share, rise with deprivation, peak month (0 = none), typical days to close. */
const CATEGORIES = [
  { category: "Missed bin", service: "Waste & Recycling", share: 0.22, slope: 0.2, peak: 1, days: 3 },
  { category: "Fly-tipping", service: "Street Scene", share: 0.15, slope: 1.4, peak: 7, days: 6 },
  { category: "Housing repairs", service: "Housing", share: 0.14, slope: 1.6, peak: 12, days: 21 },
  { category: "Noise", service: "Environmental Health", share: 0.12, slope: 1.0, peak: 7, days: 12 },
  { category: "Potholes", service: "Highways", share: 0.1, slope: 0, peak: 2, days: 18 },
  { category: "Anti-social behaviour", service: "Community Safety", share: 0.09, slope: 1.6, peak: 7, days: 14 },
  { category: "Street lighting", service: "Highways", share: 0.08, slope: 0.2, peak: 12, days: 9 },
  { category: "Graffiti", service: "Street Scene", share: 0.1, slope: 1.2, peak: 0, days: 7 },
] as const;

/** Cases per resident per month across all categories (about 2,300 a year before repeats). */
const MONTHLY_RATE = 2300 / 12 / 180_000;
/** Extra demand from the focus ward. */
const FOCUS_FACTOR = 1.35;

const FIRST = [
  "Zoë", "Siân", "Renée", "José", "Chloé", "Amélie", "Seán", "Niamh", "Aoife", "Mohammed", "Aisha", "Priya", "Tomasz",
  "Andreea", "Oliver", "Emily", "Jack", "Grace", "Harry", "Sophie", "Daniel", "Olivia", "Kwame", "Chidi", "Fatima",
  "Bilal", "Gurpreet", "Ioana", "Katarzyna", "Zoltán", "Björn", "Margaret", "David", "Susan", "Peter",
];
const LAST = [
  "O\u2019Brien", "D\u2019Souza", "Smith", "Jones", "Williams", "Brown", "Taylor", "Nowak", "Kowalski", "Popescu", "Khan",
  "Ahmed", "Singh", "Patel", "Müller", "Núñez", "Lefèvre", "Østergaard", "Wójcik", "MacDonald", "Okafor", "Mensah",
  "Begum", "Hussain", "O\u2019Neill", "Clarke", "Evans", "Wright",
];
const FOLD: Record<string, string> = {
  "ë": "e", "â": "a", "é": "e", "è": "e", "á": "a", "ó": "o", "ö": "o", "ü": "u", "ú": "u", "ñ": "n", "ø": "o", "Ø": "O", "\u2019": "",
};
const ascii = (s: string) => [...s].map((c) => FOLD[c] ?? c).join("");

/** Descriptions per category ({street}, {n}, {col} are filled in). */
const DESCRIPTIONS: Record<string, string[]> = {
  "Missed bin": [
    "Recycling bin not collected, second week running",
    "Garden waste missed again, crew \"didn\u2019t stop\" at all",
    "Black bin missed on {street}, whole side of the road",
  ],
  "Fly-tipping": [
    "Mattresses and black bags dumped by the garages behind {street}, blocking access",
    "Resident says \"the same white van\" has dumped rubble again \u2013 third time this month",
    "Fridge and sofa left on the pavement outside no. {n}",
  ],
  "Housing repairs": [
    "Damp and black mould in back bedroom, child with asthma",
    "Boiler not working \u2013 no heating or hot water, elderly tenant",
    "Leaking roof, water coming through the ceiling light, \"getting worse\"",
  ],
  Noise: [
    "Loud music from neighbour\u2019s flat until 3am, every weekend",
    "Dog barking constantly, caller \"at the end of their tether\"",
    "Building work starting at 6am, Sundays included",
  ],
  Potholes: [
    "Deep pothole on {street} near the junction, cyclist came off",
    "Road surface breaking up outside no. {n}, \"like a crater\"",
    "Pothole reported last month, still not repaired",
  ],
  "Anti-social behaviour": [
    "Group congregating by the shops on {street}, shouting, throwing bottles",
    "Motorbikes riding across the park, \"nearly hit a child\"",
    "Drug dealing from a car parked on {street}, most evenings",
  ],
  "Street lighting": [
    "Lamp column {col} outside {n} {street} not working",
    "Street light flickering, on during the day, off at night",
    "Whole row of lights out on {street}, feels unsafe",
  ],
  Graffiti: [
    "Offensive graffiti on the bus shelter, {street}",
    "Tags sprayed on the caf\u00e9 shutters overnight",
    "Graffiti on the underpass \u2013 \"same tag as before\"",
  ],
};

/** How staff type ward names: mostly right, sometimes in other cases, spacing or spellings. */
function typedWard(rng: Rng, w: Ward): string {
  if (rng.chance(0.7)) return w.name;
  const variants = [
    w.name.toUpperCase(),
    w.name.toLowerCase(),
    w.name.replace(/ /g, "  "),
    `${w.name} `,
    ` ${w.name}`,
    w.name.replace(" & ", " and ").replace(" and ", " & "),
    w.name.replace(/'/g, "").replace(/,/g, ""),
  ];
  return rng.pick(variants);
}

interface Case {
  received: Date;
  order: number;
  category: (typeof CATEGORIES)[number];
  ward: Ward;
  lsoa: Lsoa;
  streetIndex: number;
  house: number;
}

/** Case counts by FY for the focus ward vs the borough hold the story; returns the cases. */
function drawCases(b: Borough, rng: Rng): Case[] {
  const months: { y: number; m: number; fy: number }[] = [];
  for (let i = 0; i < 36; i++) {
    const y = 2022 + Math.floor((i + 3) / 12);
    const m = ((i + 3) % 12) + 1;
    months.push({ y, m, fy: m < 4 ? y - 1 : y });
  }
  const pops = new Map(FINANCIAL_YEARS.map((fy) => [fy.populationYear as number, b.wards.map((w) => populationOf(w.lsoas, fy.populationYear))]));
  const norm = CATEGORIES.map((c) => {
    const p = pops.get(2022)!;
    const tot = p.reduce((s, x) => s + x, 0);
    return b.wards.reduce((s, w, i) => s + Math.exp(c.slope * (w.deprivation - 0.5)) * p[i], 0) / tot;
  });
  const drawWard = (w: Ward, wi: number, mo: { y: number; m: number; fy: number }): Case[] => {
    const out: Case[] = [];
    CATEGORIES.forEach((c, ci) => {
      const season = c.peak ? 1 + 0.25 * Math.cos((2 * Math.PI * (mo.m - c.peak)) / 12) : 1;
      const lambda = (pops.get(mo.fy)![wi] * MONTHLY_RATE * c.share * Math.exp(c.slope * (w.deprivation - 0.5)) * season * (w.isFocus ? FOCUS_FACTOR : 1)) / norm[ci];
      const n = rng.poisson(lambda);
      for (let k = 0; k < n; k++) {
        const lsoa = rng.pick(w.lsoas);
        out.push({
          received: utcDate(mo.y, mo.m, rng.int(1, daysInMonth(mo.y, mo.m))),
          order: rng.next(),
          category: c,
          ward: w,
          lsoa,
          streetIndex: rng.int(0, lsoa.streets.length - 1),
          house: rng.int(1, 140),
        });
      }
    });
    return out;
  };
  const byWardMonth = b.wards.map((w, wi) => months.map((mo) => drawWard(w, wi, mo)));
  const fi = b.wards.indexOf(b.focus);
  for (const fy of FINANCIAL_YEARS) {
    const mis = months.map((mo, i) => (mo.fy === fy.populationYear ? i : -1)).filter((i) => i >= 0);
    for (let attempt = 0; ; attempt++) {
      const total = byWardMonth.reduce((s, row) => s + mis.reduce((t, mi) => t + row[mi].length, 0), 0);
      const focus = mis.reduce((t, mi) => t + byWardMonth[fi][mi].length, 0);
      const popB = pops.get(fy.populationYear)!.reduce((s, x) => s + x, 0);
      if (rateVersus(focus, pops.get(fy.populationYear)![fi], total / popB) === "higher") break;
      if (attempt > 200) throw new Error("demo story: cannot make focus-ward complaints significantly high");
      for (const mi of mis) byWardMonth[fi][mi] = drawWard(b.focus, fi, months[mi]);
    }
  }
  const cases = byWardMonth.flat(2);
  // Repeat reports: same postcode and category within 28 days (half from the same address).
  const end = utcDate(2025, 3, 31);
  const repeats: Case[] = [];
  for (const c of cases) {
    if (!rng.chance(0.08)) continue;
    const received = addDays(c.received, rng.int(3, 27));
    if (received > end) continue;
    repeats.push({ ...c, received, order: rng.next(), house: rng.chance(0.5) ? c.house : rng.int(1, 140) });
  }
  return [...cases, ...repeats].sort((x, y) => x.received.getTime() - y.received.getTime() || x.order - y.order);
}

/** The CRM export. */
export function complaintsFiles(b: Borough): DemoFile[] {
  const rng = Rng.for(b.seed, "complaints");
  const cases = drawCases(b, rng.fork("cases"));
  const lines = [CRM_HEADER.join(",")];
  cases.forEach((c, i) => {
    const r = rng;
    const street = c.lsoa.streets[c.streetIndex];
    const postcode = c.lsoa.postcodes[c.streetIndex % c.lsoa.postcodes.length];
    const address = `${c.house} ${street}, Northgate`;
    const uprn = `99${String(hash32(`${c.lsoa.code}|${street}|${c.house}`) % 10_000_000_000).padStart(10, "0")}`;
    const sigma = 0.8;
    const days = Math.exp(Math.log(c.category.days) - (sigma * sigma) / 2 + r.normal(0, sigma));
    const closedAt = addDays(c.received, Math.max(0.02, days));
    const closed = utcDate(closedAt.getUTCFullYear(), closedAt.getUTCMonth() + 1, closedAt.getUTCDate(), r.int(8, 18), r.int(0, 59));
    const withdrawn = r.chance(0.04);
    const stuck = r.chance(0.005);
    const status = closed > EXTRACT_DATE || stuck ? "Open" : withdrawn ? "Withdrawn" : "Closed";
    const anonymous = r.chance(0.08);
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    const d = c.ward.deprivation;
    const channel = r.weighted(["Phone", "Web", "Email", "In person"], [0.38 + 0.1 * d, 0.4 - 0.1 * d, 0.15, 0.07]);
    const description = r
      .pick(DESCRIPTIONS[c.category.category])
      .replace("{street}", street)
      .replace("{n}", String(c.house))
      .replace("{col}", `LC${r.int(100, 999)}`);
    lines.push(
      csvLine([
        `CAS-${100_001 + i}`,
        ukDate(c.received),
        status === "Open" ? "" : ukDateTime(closed),
        c.category.category,
        c.category.service,
        channel,
        status,
        typedWard(r, c.ward),
        c.ward.code,
        postcode,
        uprn,
        anonymous ? "" : `${first} ${last}`,
        anonymous ? "" : address,
        anonymous || r.chance(0.2) ? "" : `07700 900${String(r.int(0, 999)).padStart(3, "0")}`,
        anonymous || r.chance(0.3) ? "" : `${ascii(first)}.${ascii(last)}${r.int(1, 99)}@example.com`.toLowerCase().replace(/ /g, ""),
        description,
      ]),
    );
  });
  return [csvFile("complaints/crm_export.csv", lines, { eol: "\r\n", cp1252: true })];
}
