/**
 * Explore Education Statistics files for the demo borough's schools, in the EES tidy layout:
 * pupil absence (full year: sessions possible and missed, persistent absentees) and free school
 * meals (January census: pupils on roll and known to be eligible). Each has school rows
 * (`geographic_level` School, `school_urn`) plus the LA, regional and national rows, with a
 * `Total` row beside the phase rows, as DfE publishes them. Quirks kept: UTF-8 BOM and CRLF, blank
 * codes above each row's level, full-precision percentages, and EES markers (`c` for a count
 * withheld for confidentiality at the tiny school, `z` where a figure does not apply).
 */
import { BOROUGH, COUNTRY, REGION, type Borough } from "./borough.ts";
import { csvFile, csvLine, fixed, type DemoFile } from "./format.ts";
import { Rng } from "./random.ts";
import { buildSchools, DFE_LA, KS2_YEARS, type School } from "./schools.ts";

/** EES academic years written (the KS2 years): `202122` etc. */
const YEARS = KS2_YEARS.map((y, i) => ({ i, period: y.label.slice(0, 4) + y.label.slice(7, 9), label: y.label }));

/** National primary-school overall absence rate (%) and FSM share (%) by year, to anchor the totals. */
const NATIONAL = [
  { absence: 6.3, pa: 17.7, fsm: 22.5 },
  { absence: 5.9, pa: 16.2, fsm: 23.8 },
  { absence: 5.5, pa: 14.6, fsm: 24.6 },
];

const GEO_HEADER = [
  "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code", "region_name",
  "old_la_code", "new_la_code", "la_name", "school_urn", "school_name",
];

type Level = "National" | "Regional" | "Local authority" | "School";
/** The shared EES columns of a row at a level (codes above the row's level are blank). */
function geo(period: string, term: string, level: Level, school?: School): string[] {
  const country = [COUNTRY.code, COUNTRY.name];
  const region = level === "National" ? ["", ""] : [REGION.code, REGION.name];
  const la = level === "National" || level === "Regional" ? ["", "", ""] : [DFE_LA, BOROUGH.code, BOROUGH.name];
  const sch = school ? [String(school.urn), school.name] : ["", ""];
  return [period, term, level, ...country, ...region, ...la, ...sch];
}

const pupilsOnRoll = (s: School) => {
  const [from, to] = s.agerange.split("-").map(Number);
  return Math.max(20, Math.round(s.cohort * (to! - from!) * 1.02));
};
const open = (s: School, label: string) => !s.opened || s.opened <= label;
const phaseOf = (s: School) => (s.special ? "Special" : "State-funded primary");
const pctText = (k: number, n: number) => (n > 0 ? fixed((100 * k) / n, 8) : "z");

/** Sums of a list of count records. */
function total<K extends string>(rows: Record<K, number>[], keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = rows.reduce<number>((a, r) => a + r[k], 0);
  return out;
}

type Absence = Record<"enrolments" | "possible" | "missed" | "persistent", number>;
const ABSENCE_KEYS = ["enrolments", "possible", "missed", "persistent"] as const;

/** The absence file: `school/absence_3term_nat_reg_la_sch.csv`. */
function absenceFile(b: Borough, schools: School[]): DemoFile {
  const rng = Rng.for(b.seed, "ees-absence");
  const header = [...GEO_HEADER, "school_type", "enrolments", "sess_possible", "sess_overall", "sess_overall_percent",
    "enrolments_pa_10_exact", "enrolments_pa_10_exact_percent"];
  const lines = [header.join(",")];
  const tiny = schools.find((s) => s.status.startsWith("Open, but"));
  for (const y of YEARS) {
    const nat = NATIONAL[y.i]!;
    const bySchool: { s: School; a: Absence }[] = [];
    for (const s of schools.filter((x) => open(x, y.label))) {
      const enrolments = Math.round(pupilsOnRoll(s) * 1.03);
      const possible = Math.round(enrolments * rng.uniform(318, 326));
      // Higher absence with deprivation; the focus ward's schools a little higher still; special schools higher.
      const rate = (nat.absence + 3.2 * (s.ward.deprivation - 0.5) + (s.ward.isFocus ? 0.9 : 0) + (s.special ? 4 : 0) + rng.normal(0, 0.35)) / 100;
      const missed = rng.binomial(possible, Math.max(0.02, rate));
      const persistent = rng.binomial(enrolments, Math.min(0.6, Math.max(0.03, 2.7 * rate)));
      bySchool.push({ s, a: { enrolments, possible, missed, persistent } });
    }
    const row = (g: string[], type: string, a: Absence, withhold = false) =>
      csvLine([...g, type, a.enrolments, a.possible, a.missed, pctText(a.missed, a.possible),
        withhold ? "c" : a.persistent, withhold ? "c" : pctText(a.persistent, a.enrolments)]);
    const scale = (a: Absence, f: number, absence: number, pa: number): Absence => {
      const enrolments = Math.round(a.enrolments * f);
      const possible = Math.round(a.possible * f);
      return { enrolments, possible, missed: Math.round((possible * absence) / 100), persistent: Math.round((enrolments * pa) / 100) };
    };
    const la = total(bySchool.map((x) => x.a), ABSENCE_KEYS);
    lines.push(row(geo(y.period, "Academic year", "National"), "Total", scale(la, 1650, nat.absence + 0.4, nat.pa + 1.1)));
    lines.push(row(geo(y.period, "Academic year", "National"), "State-funded primary", scale(la, 1580, nat.absence, nat.pa)));
    lines.push(row(geo(y.period, "Academic year", "Regional"), "Total", scale(la, 140, nat.absence + 0.2, nat.pa + 0.6)));
    for (const phase of ["Total", "State-funded primary", "Special"]) {
      const members = bySchool.filter((x) => phase === "Total" || phaseOf(x.s) === phase).map((x) => x.a);
      lines.push(row(geo(y.period, "Academic year", "Local authority"), phase, total(members, ABSENCE_KEYS)));
    }
    for (const { s, a } of [...bySchool].sort((p, q) => p.s.urn - q.s.urn)) {
      lines.push(row(geo(y.period, "Academic year", "School", s), phaseOf(s), a, s === tiny && y.i === 1));
    }
  }
  return csvFile("school/absence_3term_nat_reg_la_sch.csv", lines, { eol: "\r\n", bom: true });
}

type Fsm = Record<"headcount" | "eligible", number>;
const FSM_KEYS = ["headcount", "eligible"] as const;

/** The free school meals file: `school/spc_school_level_fsm.csv` (January census, `Spring term`). */
function fsmFile(b: Borough, schools: School[]): DemoFile {
  const rng = Rng.for(b.seed, "ees-fsm");
  const header = [...GEO_HEADER, "phase", "fsm_eligible", "headcount", "fsm_eligible_percent"];
  const lines = [header.join(",")];
  for (const y of YEARS) {
    const nat = NATIONAL[y.i]!;
    const bySchool: { s: School; f: Fsm }[] = [];
    for (const s of schools.filter((x) => open(x, y.label))) {
      const headcount = pupilsOnRoll(s);
      const p = (nat.fsm - 10 + 30 * s.ward.deprivation + (s.ward.isFocus ? 6 : 0) + (s.special ? 12 : 0) + rng.normal(0, 2)) / 100;
      bySchool.push({ s, f: { headcount, eligible: rng.binomial(headcount, Math.min(0.8, Math.max(0.02, p))) } });
    }
    const row = (g: string[], phase: string, f: Fsm) => csvLine([...g, phase, f.eligible, f.headcount, pctText(f.eligible, f.headcount)]);
    const scale = (f: Fsm, k: number, share: number): Fsm => ({ headcount: Math.round(f.headcount * k), eligible: Math.round((f.headcount * k * share) / 100) });
    const la = total(bySchool.map((x) => x.f), FSM_KEYS);
    lines.push(row(geo(y.period, "Spring term", "National"), "Total", scale(la, 1720, nat.fsm)));
    lines.push(row(geo(y.period, "Spring term", "Regional"), "Total", scale(la, 150, nat.fsm - 1.5)));
    for (const phase of ["Total", "State-funded primary", "Special"]) {
      const members = bySchool.filter((x) => phase === "Total" || phaseOf(x.s) === phase).map((x) => x.f);
      lines.push(row(geo(y.period, "Spring term", "Local authority"), phase === "Special" ? "State-funded special school" : phase, total(members, FSM_KEYS)));
    }
    for (const { s, f } of [...bySchool].sort((p, q) => p.s.urn - q.s.urn)) {
      lines.push(row(geo(y.period, "Spring term", "School", s), s.special ? "State-funded special school" : "State-funded primary", f));
    }
  }
  return csvFile("school/spc_school_level_fsm.csv", lines, { eol: "\r\n", bom: true });
}

/** Both EES files. */
export function eesFiles(b: Borough): DemoFile[] {
  const schools = buildSchools(b);
  return [absenceFile(b, schools), fsmFile(b, schools)];
}
