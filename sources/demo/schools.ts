/**
 * School files: DfE KS2 performance tables (`YYYY-YYYY_999_ks2final.csv`: UTF-8 with BOM, CRLF,
 * real column names with a header that drifts by year, RECTYPE 1-5 rows, `SUPP`/`NA`/`NEW`/
 * `LOWCOV` markers, a short row for a new school) and a GIAS "download selected fields"
 * extract (Windows-1252, CRLF, every field quoted except the numeric URN).
 */
import { BOROUGH, toLonLat, type Borough, type Lsoa, type Ward } from "./borough.ts";
import { byText, csvFile, csvLine, dashDate, fixed, quoted, utcDate, type DemoFile } from "./format.ts";
import { randomPointIn } from "./geometry.ts";
import { Rng } from "./random.ts";
import { wilson } from "./stats.ts";

/** The old-style DfE LA number of the borough. */
export const DFE_LA = "999";

/** KS2 academic years written, with the national (England) RWM expected-standard share. */
export const KS2_YEARS = [
  { label: "2021-2022", short: "22", telig: 667_100, rwm: 0.59, base: 0.57 },
  { label: "2022-2023", short: "23", telig: 678_800, rwm: 0.59, base: 0.58 },
  { label: "2023-2024", short: "24", telig: 690_300, rwm: 0.61, base: 0.59 },
] as const;

const ID_COLUMNS = [
  "RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN", "SCHNAME", "ADDRESS1", "ADDRESS2", "ADDRESS3", "TOWN", "PCODE", "TELNUM",
  "PCON_CODE", "PCON_NAME", "URN_AC", "SCHNAME_AC", "OPEN_AC", "NFTYPE", "ICLOSE", "RELDENOM", "AGERANGE", "CONFEXAM",
  "TAB15", "TAB1618", "TOTPUPS",
];
const VALUE_COLUMNS = [
  "TPUPYEAR", "TELIG", "BELIG", "GELIG", "PBELIG", "PGELIG", "TFSM6CLA1A", "PTFSM6CLA1A", "TNotFSM6CLA1A", "PTNotFSM6CLA1A",
  "TEALGRP2", "PTEALGRP2", "TMOBN", "PTMOBN", "PTRWM_EXP", "PTRWM_HIGH", "READPROG", "READPROG_LOWER", "READPROG_UPPER",
  "READCOV", "WRITPROG", "WRITPROG_LOWER", "WRITPROG_UPPER", "WRITCOV", "MATPROG", "MATPROG_LOWER", "MATPROG_UPPER", "MATCOV",
  "PTREAD_EXP", "PTREAD_HIGH", "READ_AVERAGE", "PTGPS_EXP", "PTGPS_HIGH", "GPS_AVERAGE", "PTMAT_EXP", "PTMAT_HIGH",
  "MAT_AVERAGE", "PTWRITTA_EXP", "PTWRITTA_HIGH", "PTWRITTA_WTS", "PTSCITA_EXP", "PTRWM_EXP_B", "PTRWM_EXP_G",
  "PTRWM_EXP_FSM6CLA1A", "PTRWM_EXP_NotFSM6CLA1A", "DIFFN_RWM_EXP", "PTRWM_EXP_EAL", "PTRWM_HIGH_B", "PTRWM_HIGH_G",
];

/** The column list of each year's file: the header drifts (a column added, one dropped, prior-year columns). */
export function ks2Columns(label: string): string[] {
  const base = [...ID_COLUMNS, ...VALUE_COLUMNS];
  if (label === "2021-2022") return base.filter((c) => c !== "PTWRITTA_WTS");
  if (label === "2022-2023") return [...base, "TELIG_22", "PTRWM_EXP_22", "PTRWM_HIGH_22"];
  return [
    ...base.filter((c) => c !== "PTWRITTA_HIGH"),
    "TELIG_23", "PTRWM_EXP_23", "PTRWM_HIGH_23", "TELIG_22", "PTRWM_EXP_22", "PTRWM_HIGH_22", "TELIG_3YR", "PTRWM_EXP_3YR",
  ];
}

/** Establishment types: KS2 NFTYPE, GIAS type name. */
const TYPES = {
  CY: "Community school",
  VA: "Voluntary aided school",
  VC: "Voluntary controlled school",
  AC: "Academy converter",
  ACC: "Academy sponsor led",
  F: "Free schools",
  CYS: "Community special school",
} as const;
type NfType = keyof typeof TYPES;

/** One school (fixed across years). */
export interface School {
  urn: number;
  estab: number;
  alphaind: number;
  name: string;
  ward: Ward;
  lsoa: Lsoa;
  street: string;
  postcode: string;
  telnum: string;
  nftype: NfType;
  reldenom: string;
  agerange: string;
  openDate: string;
  status: string;
  easting: number;
  northing: number;
  /** Typical Year 6 cohort. */
  cohort: number;
  /** School effect on the logit of attainment. */
  effect: number;
  special: boolean;
  /** First KS2 year with results; a school in its opening year shows `NEW`. */
  opened: string | null;
}

/** Name stems for schools not named after their ward. */
const NAME_STEMS = [
  "Brookfield", "Greenfields", "Meadowside", "Woodlands", "Hillside", "Parkside", "Oakfield", "Highfield", "Springfield",
  "Ravenscroft", "Kingfisher", "Willowbrook", "Fairfield", "Hawthorn", "Elmstead", "Larkspur", "Heronsgate", "Foxwood",
  "Bramblewood", "Beechcroft", "Rosehill", "Ferndale", "Holmwood", "Ashgrove", "Millbrook", "Sunnyside", "Westfield",
  "Eastbrook", "Redbrook", "Thornbury",
];

/** A name suffix that fits the school's type and age range. */
function nameSuffix(rng: Rng, nftype: NfType, junior: boolean): string {
  if (junior) return "Junior School";
  if (nftype === "AC" || nftype === "ACC") return rng.pick(["Primary Academy", "Primary School", "Academy"]);
  return rng.pick(["Primary School", "Primary School", "Community Primary School"]);
}

/** The borough's schools: 1-3 primaries per ward, a special school and a new free school. */
export function buildSchools(b: Borough): School[] {
  const rng = Rng.for(b.seed, "schools");
  const drafts: Omit<School, "urn" | "estab" | "alphaind">[] = [];
  const usedStems = new Set<string>();
  const place = (w: Ward) => {
    const lsoa = rng.pick(w.lsoas);
    const [lon, lat] = toLonLat(randomPointIn(rng, lsoa.polygon, 0.8));
    return {
      lsoa,
      street: rng.pick(lsoa.streets),
      postcode: rng.pick(lsoa.postcodes),
      easting: Math.round(485_000 + (lon + 0.8) * 68_600),
      northing: Math.round(238_000 + (lat - 52.07) * 111_200),
    };
  };
  for (const w of b.wards) {
    const n = w.lsoas.length >= 8 || w.townCentre ? 3 : w.lsoas.length >= 6 ? 2 : w.index % 3 === 0 ? 2 : 1;
    for (let k = 0; k < n; k++) {
      const p = place(w);
      let name: string;
      let nftype: NfType = rng.weighted(["CY", "AC", "VC", "ACC"] as NfType[], [0.45, 0.35, 0.1, 0.1]);
      let reldenom = nftype === "CY" ? "Does not apply" : nftype === "VC" ? "Church of England" : rng.pick(["Does not apply", "None"]);
      if (w.name === "St Anne's" && k === 0) {
        name = "St Anne\u2019s CofE Primary School";
        nftype = "VC";
        reldenom = "Church of England";
      } else if (w.name === "Greystone" && k === 0) {
        name = "St Th\u00e9r\u00e8se Catholic Primary School";
        nftype = "VA";
        reldenom = "Roman Catholic";
      } else {
        const junior = rng.chance(0.15);
        let stem = k === 0 ? w.name.replace(/,.*| &.*/g, "") : rng.pick(NAME_STEMS);
        while (usedStems.has(stem)) stem = rng.pick(NAME_STEMS);
        usedStems.add(stem);
        name = `${stem} ${nameSuffix(rng, nftype, junior)}`;
      }
      const junior = name.endsWith("Junior School");
      drafts.push({
        name,
        ward: w,
        ...p,
        telnum: `01632 960${String(rng.int(0, 999)).padStart(3, "0")}`,
        nftype,
        reldenom,
        agerange: junior ? "7-11" : rng.pick(["4-11", "4-11", "3-11"]),
        openDate: nftype === "AC" || nftype === "ACC" ? dashDate(utcDate(rng.int(2012, 2019), rng.pick([1, 4, 9]), 1)) : "",
        status: "Open",
        cohort: Math.round((w.isFocus ? 55 : 30 + 40 * w.deprivation) * rng.uniform(0.7, 1.3)),
        effect: w.isFocus ? -0.15 : rng.normal(0, 0.15),
        special: false,
        opened: null,
      });
    }
  }
  // A very small school (subgroup cells suppressed) that is proposed to close.
  const tiny = drafts.find((s) => s.ward.name === "Dene Park")!;
  tiny.cohort = 12;
  tiny.status = "Open, but proposed to close";
  // A free school opened in September 2023: `NEW` in the 2023-2024 tables.
  const sandy = b.wards.find((w) => w.name === "Sandy Lane")!;
  drafts.push({
    name: "Sandy Lane Free School", ward: sandy, ...place(sandy), telnum: "01632 960777", nftype: "F", reldenom: "None",
    agerange: "4-11", openDate: "01-09-2023", status: "Open", cohort: 0, effect: 0, special: false, opened: "2023-2024",
  });
  const moor = b.wards.find((w) => w.name === "Moorgate")!;
  drafts.push({
    name: "Oak Tree Special School", ward: moor, ...place(moor), telnum: "01632 960555", nftype: "CYS", reldenom: "Does not apply",
    agerange: "2-19", openDate: "", status: "Open", cohort: 6, effect: -2.5, special: true, opened: null,
  });
  const alpha = [...drafts].sort((x, y) => byText(x.name, y.name));
  let nextEstab = { plain: 2001, church: 3001 };
  return drafts.map((s, i) => ({
    ...s,
    urn: 900_101 + i * 7,
    estab: s.special ? 7001 : s.nftype === "F" ? 2100 : s.nftype === "VA" || s.nftype === "VC" ? nextEstab.church++ : nextEstab.plain++,
    alphaind: 1000 + alpha.indexOf(s) * 997,
  }));
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** A plain count, a count over a base (a percentage), or a mean score over a cohort. */
type Measure = { count: number } | { k: number; n: number } | { score: number; n: number; dp: number };

/** One school's (or a total's) results for a year, by column name. */
type Results = Map<string, Measure>;

/** Results for a cohort: drawn for a school, or expected values (rng null) for England. */
function cohortResults(rng: Rng | null, telig: number, p: number, dep: number): Results {
  const r: Results = new Map();
  const bin = (n: number, q: number) => (rng ? rng.binomial(n, Math.min(0.999, Math.max(0.001, q))) : Math.round(n * q));
  const nrm = (m: number, sd: number) => (rng ? rng.normal(m, sd) : m);
  const belig = bin(telig, 0.51);
  const gelig = telig - belig;
  const boys = bin(belig, expit(logit(p) - 0.2));
  const girls = bin(gelig, expit(logit(p) + 0.2));
  const rwm = boys + girls;
  const fsm = bin(telig, 0.08 + 0.45 * dep);
  const eal = bin(telig, 0.03 + 0.4 * dep);
  const mobile = bin(telig, 0.03 + 0.06 * dep);
  const high = (x: number, n: number) => bin(n, Math.min(0.5, (0.19 * x) / Math.max(1, n)));
  const count = (c: string, v: number) => r.set(c, { count: v });
  const share = (c: string, k: number, n: number) => r.set(c, { k, n });
  count("TPUPYEAR", telig);
  count("TELIG", telig);
  count("BELIG", belig);
  count("GELIG", gelig);
  share("PBELIG", belig, telig);
  share("PGELIG", gelig, telig);
  count("TFSM6CLA1A", fsm);
  share("PTFSM6CLA1A", fsm, telig);
  count("TNotFSM6CLA1A", telig - fsm);
  share("PTNotFSM6CLA1A", telig - fsm, telig);
  count("TEALGRP2", eal);
  share("PTEALGRP2", eal, telig);
  count("TMOBN", telig - mobile);
  share("PTMOBN", telig - mobile, telig);
  share("PTRWM_EXP", rwm, telig);
  share("PTRWM_HIGH", high(rwm, telig), telig);
  for (const subject of ["READ", "WRIT", "MAT"]) {
    const prog = nrm(-1.4 * (dep - 0.5) + (p - 0.58) * 4, 1.1);
    const half = (1.96 * 5.5) / Math.sqrt(Math.max(1, telig));
    r.set(`${subject}PROG`, { score: prog, n: telig, dp: 1 });
    r.set(`${subject}PROG_LOWER`, { score: prog - half, n: telig, dp: 1 });
    r.set(`${subject}PROG_UPPER`, { score: prog + half, n: telig, dp: 1 });
    share(`${subject}COV`, telig - bin(telig, 0.02), telig);
  }
  for (const [col, lift, hi, avg] of [
    ["READ", 0.14, 0.28, "READ_AVERAGE"],
    ["GPS", 0.16, 0.3, "GPS_AVERAGE"],
    ["MAT", 0.15, 0.24, "MAT_AVERAGE"],
    ["WRITTA", 0.13, 0.18, ""],
  ] as const) {
    share(`PT${col}_EXP`, bin(telig, Math.min(0.98, p + lift)), telig);
    share(`PT${col}_HIGH`, bin(telig, hi * (p / 0.6)), telig);
    if (avg) r.set(avg, { score: 104.5 + 6 * (p - 0.6) + nrm(0, 0.6), n: telig, dp: 0 });
  }
  share("PTWRITTA_WTS", bin(telig, Math.max(0.01, 0.8 - p)), telig);
  share("PTSCITA_EXP", bin(telig, Math.min(0.98, p + 0.22)), telig);
  share("PTRWM_EXP_B", boys, belig);
  share("PTRWM_EXP_G", girls, gelig);
  share("PTRWM_HIGH_B", high(boys, belig), belig);
  share("PTRWM_HIGH_G", high(girls, gelig), gelig);
  const dis = bin(fsm, expit(logit(p) - 0.7));
  const notDis = bin(telig - fsm, expit(logit(p) + 0.25));
  share("PTRWM_EXP_FSM6CLA1A", dis, fsm);
  share("PTRWM_EXP_NotFSM6CLA1A", notDis, telig - fsm);
  // Gap in points between this group's disadvantaged pupils and other pupils nationally (about 66%).
  r.set("DIFFN_RWM_EXP", fsm > 5 ? { score: (100 * dis) / fsm - 66, n: fsm, dp: 0 } : { k: dis, n: fsm });
  share("PTRWM_EXP_EAL", bin(eal, p - 0.02), eal);
  return r;
}

/** Pool several results maps (LA totals): counts summed, scores cohort-weighted. */
function pool(all: Results[]): Results {
  const out: Results = new Map();
  for (const key of all[0].keys()) {
    const ms = all.map((r) => r.get(key)).filter((m): m is Measure => m !== undefined);
    const sum = (f: (m: Measure) => number) => ms.reduce((s, m) => s + f(m), 0);
    const first = ms[0];
    if ("count" in first) out.set(key, { count: sum((m) => (m as { count: number }).count) });
    else if ("k" in first && !key.startsWith("DIFFN")) out.set(key, { k: sum((m) => (m as { k: number }).k), n: sum((m) => (m as { n: number }).n) });
    else if ("score" in first) {
      const n = sum((m) => ("n" in m ? m.n : 0));
      let score = sum((m) => ("score" in m ? m.score * m.n : 0)) / n;
      if (/_(LOWER|UPPER)$/.test(key)) {
        const mid = pool(all.map((r) => new Map([["x", r.get(key.replace(/_(LOWER|UPPER)$/, ""))!]]))).get("x") as { score: number };
        score = mid.score + (key.endsWith("_LOWER") ? -1 : 1) * ((1.96 * 5.5) / Math.sqrt(n));
      }
      out.set(key, { score, n, dp: first.dp });
    }
  }
  // The pooled gap is recomputed from pooled counts.
  const dis = out.get("PTRWM_EXP_FSM6CLA1A") as { k: number; n: number } | undefined;
  if (dis && dis.n > 0) out.set("DIFFN_RWM_EXP", { score: (100 * dis.k) / dis.n - 66, n: dis.n, dp: 0 });
  return out;
}

/** Cell text for one measure, with DfE's markers (`SUPP` for 1-5 pupils, `NA` for none). */
function cell(m: Measure | undefined, suppressed: boolean): string {
  if (!m) return "";
  if (suppressed) return "SUPP";
  if ("count" in m) return String(m.count);
  if ("score" in m) return fixed(m.score, m.dp);
  if (m.n === 0) return "NA";
  if (m.n <= 5) return "SUPP";
  return `${Math.round((100 * m.k) / m.n)}%`;
}

/** Recover a count from published cells as an analyst would: round(TELIG * pct). */
export function countFromPercent(telig: string, pctText: string): number | null {
  if (!/^\d+%$/.test(pctText) || !/^\d+$/.test(telig)) return null;
  return Math.round((Number(telig) * Number(pctText.slice(0, -1))) / 100);
}

const teligOf = (r: Results) => (r.get("TELIG") as { count: number }).count;

/** Results for every school and year, with the focus ward's pooled RWM held significantly below the borough. */
function allResults(b: Borough, schools: School[]): Map<string, Map<number, Results>> {
  const rng = Rng.for(b.seed, "ks2");
  const out = new Map<string, Map<number, Results>>();
  KS2_YEARS.forEach((y, yi) => {
    const perSchool = new Map<number, Results>();
    const draw = (s: School) => {
      const telig = s.special ? [5, 8, 4][yi] : Math.max(3, Math.round(s.cohort * rng.uniform(0.9, 1.1)));
      const p = s.special ? 0.02 : expit(logit(y.base) - 1.4 * (s.ward.deprivation - 0.5) + s.effect + rng.normal(0, 0.08));
      return cohortResults(rng, telig, p, s.ward.deprivation);
    };
    const active = schools.filter((s) => !s.opened || s.opened < y.label);
    for (const s of active) perSchool.set(s.urn, draw(s));
    const focus = active.filter((s) => s.ward.isFocus);
    for (let attempt = 0; ; attempt++) {
      const la = pool([...perSchool.values()]).get("PTRWM_EXP") as { k: number; n: number };
      const laShare = Math.round((100 * la.k) / la.n) / 100;
      let k = 0;
      let n = 0;
      for (const s of focus) {
        const r = perSchool.get(s.urn)!;
        const telig = String(teligOf(r));
        k += countFromPercent(telig, cell(r.get("PTRWM_EXP"), teligOf(r) <= 5)) ?? 0;
        n += Number(telig);
      }
      if (wilson(k, n)[1] < laShare) break;
      if (attempt > 200) throw new Error("demo story: cannot make focus-ward KS2 results significantly low");
      for (const s of focus) perSchool.set(s.urn, draw(s));
    }
    out.set(y.label, perSchool);
  });
  return out;
}

/** Add prior-year and 3-year columns (`TELIG_22`, `PTRWM_EXP_3YR`, ...) from earlier years' results. */
function withHistory(yi: number, resultsFor: (label: string) => Results | undefined): Results {
  const current = resultsFor(KS2_YEARS[yi].label)!;
  const out: Results = new Map(current);
  const years = KS2_YEARS.slice(0, yi + 1);
  for (const py of years.slice(0, -1)) {
    const pr = resultsFor(py.label);
    if (!pr) continue;
    for (const c of ["TELIG", "PTRWM_EXP", "PTRWM_HIGH"]) out.set(`${c}_${py.short}`, pr.get(c)!);
  }
  const hist = years.map((py) => resultsFor(py.label)).filter((x): x is Results => Boolean(x));
  if (hist.length === 3) {
    const pooled = pool(hist);
    out.set("TELIG_3YR", pooled.get("TELIG")!);
    out.set("PTRWM_EXP_3YR", pooled.get("PTRWM_EXP")!);
  }
  return out;
}

const isHistory = (col: string) => /_(\d\d|3YR)$/.test(col);

/** The KS2 files and the GIAS extract. */
export function schoolFiles(b: Borough): DemoFile[] {
  const schools = buildSchools(b);
  const results = allResults(b, schools);
  const laByYear = new Map(KS2_YEARS.map((y) => [y.label as string, pool([...results.get(y.label)!.values()])]));
  const lowcov = Rng.for(b.seed, "ks2-lowcov").pick(schools.filter((s) => !s.special && !s.opened && !s.ward.isFocus && s.cohort > 20));
  const files: DemoFile[] = [];
  KS2_YEARS.forEach((y, yi) => {
    const cols = ks2Columns(y.label);
    const lines = [cols.join(",")];
    const ordered = [...schools].sort((s, t) => Number(s.special) - Number(t.special) || s.estab - t.estab);
    for (const s of ordered) {
      if (s.opened && s.opened > y.label) continue;
      const id: Record<string, string> = {
        RECTYPE: s.special ? "2" : "1",
        ALPHAIND: String(s.alphaind),
        LEA: DFE_LA,
        ESTAB: String(s.estab),
        URN: String(s.urn),
        SCHNAME: s.name,
        ADDRESS1: s.street,
        ADDRESS2: "",
        ADDRESS3: "",
        TOWN: BOROUGH.name,
        PCODE: s.postcode,
        // The telephone format changes between years, as in the real tables.
        TELNUM: yi === 0 ? s.telnum : s.telnum.replace(" ", ""),
        PCON_CODE: s.ward.index < 10 ? "Z14000001" : "Z14000002",
        PCON_NAME: s.ward.index < 10 ? "Northgate North" : "Northgate South",
        URN_AC: "0",
        SCHNAME_AC: "",
        OPEN_AC: "",
        NFTYPE: s.nftype,
        ICLOSE: "0",
        RELDENOM: s.reldenom,
        AGERANGE: s.agerange,
        CONFEXAM: s.urn % 3 === 0 ? "R" : "",
        TAB15: "0",
        TAB1618: "0",
      };
      if (s.opened === y.label) {
        // A new school's row stops at TOTPUPS, which says NEW.
        lines.push(csvLine([...ID_COLUMNS.slice(0, -1).map((c) => id[c]), "NEW"]));
        continue;
      }
      const r = withHistory(yi, (label) => results.get(label)?.get(s.urn));
      const telig = teligOf(r);
      const [from, to] = s.agerange.split("-").map(Number);
      id.TOTPUPS = String(Math.round(telig * (to - from) * 1.02));
      const row = cols.map((c) => {
        if (c in id) return id[c];
        if (s === lowcov && yi === 1 && /^READPROG(_LOWER|_UPPER)?$/.test(c)) return "LOWCOV";
        if (s === lowcov && yi === 1 && c === "READCOV") return "42%";
        const wholeSchool = telig <= 5 && !isHistory(c) && c !== "TPUPYEAR" && c !== "TELIG";
        return cell(r.get(c), wholeSchool);
      });
      lines.push(csvLine(row));
    }
    // LA total (RECTYPE 3) and England (4 all schools, 5 state-funded schools: a little smaller): id fields are a single space.
    const blankIds = (rectype: string, lea: string, name: string): Record<string, string> =>
      Object.fromEntries(ID_COLUMNS.map((c) => [c, c === "RECTYPE" ? rectype : c === "LEA" ? lea : c === "SCHNAME" ? name : " "]));
    const total = (ids: Record<string, string>, r: Results, progress: boolean) =>
      csvLine(
        cols.map((c) => {
          if (c === "TOTPUPS") return String(Math.round(teligOf(r) * 6.9));
          if (c in ids) return ids[c];
          if (!progress && /PROG|COV$/.test(c)) return " ";
          if (!r.has(c)) return " ";
          return cell(r.get(c), false);
        }),
      );
    lines.push(total(blankIds("3", DFE_LA, BOROUGH.name), withHistory(yi, (label) => laByYear.get(label)), true));
    const national = (scale: number) => (label: string) => {
      const ny = KS2_YEARS.find((k) => k.label === label)!;
      return cohortResults(null, Math.round(ny.telig * scale), expit(logit(ny.rwm) + (scale < 1 ? 0.01 : 0)), 0.5);
    };
    lines.push(total(blankIds("4", " ", " "), withHistory(yi, national(1)), false));
    lines.push(total(blankIds("5", " ", " "), withHistory(yi, national(0.993)), false));
    files.push(csvFile(`school/${y.label}_${DFE_LA}_ks2final.csv`, lines, { eol: "\r\n", bom: true }));
  });

  const gHeader = [
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)", "EstablishmentStatus (name)", "Postcode", "AdministrativeWard (code)",
    "AdministrativeWard (name)", "Easting", "Northing", "OpenDate",
  ];
  const gLines = [gHeader.map(quoted).join(",")];
  for (const s of [...schools].sort((x, y) => x.urn - y.urn)) {
    gLines.push(
      [
        String(s.urn),
        ...[DFE_LA, BOROUGH.name, String(s.estab), s.name, TYPES[s.nftype], s.special ? "Not applicable" : "Primary", s.status,
          s.postcode, s.ward.code, s.ward.name, String(s.easting), String(s.northing), s.openDate].map(quoted),
      ].join(","),
    );
  }
  files.push(csvFile("school/gias_establishments.csv", gLines, { eol: "\r\n", cp1252: true }));
  return files;
}
