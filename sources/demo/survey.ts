/**
 * A residents' survey: three waves of respondent-level microdata (one row per respondent,
 * integer answer codes, a stratified design weight, free-text comments that must never reach
 * an output) and a JSON codebook describing questions, answer codes, indicator definitions,
 * languages and the design.
 */
import { MAX_AGE, populationOf, type Borough, type Ward } from "./borough.ts";
import { addDays, csvFile, csvLine, fixed, isoDate, quoted, type DemoFile } from "./format.ts";
import { Rng } from "./random.ts";
import { proportionVersus } from "./stats.ts";

/** The survey waves: fieldwork each autumn, reported for the financial year it falls in. */
export const SURVEY_WAVES = [
  { wave: 1, file: "residents_survey_2023.csv", period: "2022/23", popYear: 2022, start: "2022-10-03", days: 54 },
  { wave: 2, file: "residents_survey_2024.csv", period: "2023/24", popYear: 2023, start: "2023-10-02", days: 54 },
  { wave: 3, file: "residents_survey_2025.csv", period: "2024/25", popYear: 2024, start: "2024-09-30", days: 54 },
] as const;

/** The ward with no respondents in wave 2 (fieldwork there was abandoned). */
export const EMPTY_WARD = { ward: "Z05000005", wave: 2 } as const;

/** Microdata header. */
export const SURVEY_HEADER = [
  "respondent_id", "wave", "fieldwork_date", "ward_code", "stratum", "design_weight", "interview_language", "sex",
  "age_band", "q_safe_dark", "q_influence", "q_satisfied_area", "q_get_on", "q_problem_drunk", "q_problem_drugs",
  "q_priority_1", "q_priority_2", "q_priority_3", "comments",
];

const AGE_BANDS = [
  { band: "16-24", from: 16, to: 24, stratum: "young" },
  { band: "25-34", from: 25, to: 34, stratum: "young" },
  { band: "35-44", from: 35, to: 44, stratum: "young" },
  { band: "45-54", from: 45, to: 54, stratum: "old" },
  { band: "55-64", from: 55, to: 64, stratum: "old" },
  { band: "65-74", from: 65, to: 74, stratum: "old" },
  { band: "75+", from: 75, to: MAX_AGE, stratum: "old" },
] as const;

const LANGUAGES = { en: "English", pl: "Polish", ro: "Romanian", ur: "Urdu", pa: "Punjabi" } as const;
const PRIORITIES = {
  crime: "Crime and anti-social behaviour",
  litter: "Litter and fly-tipping",
  roads: "Roads and pavements",
  youth: "Activities for young people",
  health: "Health services",
  housing: "Affordable housing",
  jobs: "Jobs and the local economy",
  parks: "Parks and green spaces",
} as const;
type Priority = keyof typeof PRIORITIES;

const AGREE = { "1": "Definitely agree", "2": "Tend to agree", "3": "Tend to disagree", "4": "Definitely disagree", "9": "Don't know" };
const PROBLEM = { "1": "A very big problem", "2": "A fairly big problem", "3": "Not a very big problem", "4": "Not a problem at all", "9": "Don't know" };

/** The codebook (written as `survey/codebook.json`). */
export function codebook() {
  return {
    survey: "Northgate Residents Survey",
    synthetic: true,
    description:
      "Synthetic demo data. Stratified random sample of residents aged 16+ in each ward (strata: ward x age group 16-44 'young' / 45+ 'old'). " +
      "design_weight = stratum population (ONS mid-year estimate of the fieldwork year) / achieved stratum sample, so weights sum to the adult population of the strata that responded.",
    waves: SURVEY_WAVES.map((w) => ({
      wave: w.wave,
      file: w.file,
      period: w.period,
      fieldwork_start: w.start,
      fieldwork_end: isoDate(addDays(new Date(`${w.start}T00:00:00Z`), w.days)),
      population_year: w.popYear,
    })),
    languages: LANGUAGES,
    age_bands: AGE_BANDS.map((a) => a.band),
    sex: { F: "Female", M: "Male", X: "Another way / prefer not to say" },
    questions: [
      {
        id: "q_safe_dark",
        text: "How safe or unsafe do you feel when outside in your local area after dark?",
        type: "single",
        answers: { "1": "Very safe", "2": "Fairly safe", "3": "Fairly unsafe", "4": "Very unsafe", "9": "Don't know" },
        indicator: { label: "Feel safe outside after dark", positive: ["1", "2"], exclude: ["9"], polarity: "high_is_good" },
      },
      {
        id: "q_influence",
        text: "Do you agree or disagree that you can influence decisions affecting your local area?",
        type: "single",
        answers: AGREE,
        indicator: { label: "Feel able to influence local decisions", positive: ["1", "2"], exclude: ["9"], polarity: "high_is_good" },
      },
      {
        id: "q_satisfied_area",
        text: "Overall, how satisfied or dissatisfied are you with your local area as a place to live?",
        type: "single",
        answers: { "1": "Very satisfied", "2": "Fairly satisfied", "3": "Neither satisfied nor dissatisfied", "4": "Fairly dissatisfied", "5": "Very dissatisfied", "9": "Don't know" },
        indicator: { label: "Satisfied with the local area", positive: ["1", "2"], exclude: ["9"], polarity: "high_is_good" },
      },
      {
        id: "q_get_on",
        text: "To what extent do you agree or disagree that your local area is a place where people from different backgrounds get on well together?",
        type: "single",
        answers: AGREE,
        indicator: { label: "People from different backgrounds get on well", positive: ["1", "2"], exclude: ["9"], polarity: "high_is_good" },
      },
      {
        id: "q_problem_drunk",
        text: "How much of a problem are people being drunk or rowdy in public places in your local area?",
        type: "single",
        answers: PROBLEM,
        indicator: { label: "Drunk or rowdy people a big problem", positive: ["1", "2"], exclude: ["9"], polarity: "low_is_good" },
      },
      {
        id: "q_problem_drugs",
        text: "How much of a problem are people using or dealing drugs in your local area?",
        type: "single",
        answers: PROBLEM,
        indicator: { label: "Drug use or dealing a big problem", positive: ["1", "2"], exclude: ["9"], polarity: "low_is_good" },
      },
      ...[1, 2, 3].map((i) => ({
        id: `q_priority_${i}`,
        text: `Which things most need improving in your local area? (choice ${i} of up to 3; blank = no further choice)`,
        type: "priority",
        group: "q_priority",
        answers: PRIORITIES,
      })),
    ],
    free_text: ["comments"],
    free_text_note: "Comments may contain personal details (all invented here). They must never be copied to any output.",
    weights: { design_weight: "design_weight", strata: "stratum" },
  };
}

interface Respondent {
  ward: Ward;
  stratum: "young" | "old";
  band: string;
  sex: "F" | "M" | "X";
  date: string;
  language: string;
  weight: number;
  answers: Record<string, string>;
  comment: string;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A 1-4 answer with a given chance of 1-2 ("positive"), a DK chance, and the split inside each side. */
function fourPoint(rng: Rng, pPositive: number, pDk: number, pStrong = 0.35): string {
  if (rng.chance(pDk)) return "9";
  if (rng.chance(pPositive)) return rng.chance(pStrong) ? "1" : "2";
  return rng.chance(0.6) ? "3" : "4";
}

/** Per-ward effects that stay fixed across waves. */
interface WardEffects {
  safe: number;
  getOn: number;
}

function safeDark(rng: Rng, r: Respondent, fx: WardEffects, wave: number): string {
  const d = r.ward.deprivation;
  let p = r.ward.isFocus ? 0.36 + (wave === 3 ? 0.04 : 0) : clamp(0.88 - 0.42 * d + fx.safe, 0.3, 0.95);
  if (r.sex === "F") p -= 0.06;
  if (r.band === "75+") p -= 0.08;
  return fourPoint(rng, clamp(p, 0.05, 0.97), 0.03);
}

function getOn(rng: Rng, r: Respondent, fx: WardEffects): string {
  const p = r.ward.isFocus ? 0.9 : clamp(0.76 - 0.05 * r.ward.deprivation + fx.getOn, 0.5, 0.9);
  return fourPoint(rng, p, 0.06, 0.3);
}

const FIRST = ["Alex", "Sam", "Jo", "Chris", "Robin", "Kim", "Pat", "Jamie"];
const LAST = ["Example", "Sample", "Placeholder", "Testperson", "Madeup"];

function comment(rng: Rng, r: Respondent): string {
  const street = rng.pick(rng.pick(r.ward.lsoas).streets);
  const templates = [
    () => `The street lights on ${street} are often out, and it feels unsafe walking home.`,
    () => "Too much litter near the shops, bins overflowing at weekends.",
    () => "Buses are unreliable.\nThe evening service often doesn't turn up.",
    () => "Lovely neighbours, everyone gets on.",
    () => "More for young people to do please, the youth club closed.",
    () => `Potholes on ${street} damaged my car, "reported twice" and nothing happened.`,
    () => `Two things:\n1) dog fouling in the park\n2) speeding on ${street}`,
    () => "Happy living here overall.",
    () => "Drug dealing near the underpass, people are scared to say anything.",
    () => `Please call me back on 07700 900${String(rng.int(0, 999)).padStart(3, "0")}. Name: ${rng.pick(FIRST)} ${rng.pick(LAST)} (invented), ${rng.int(1, 120)} ${street}.`,
  ];
  const weights = [3, 3, 2, 2, 2, 2, 1, 2, 1.5 + 2 * r.ward.deprivation, 0.6];
  return `SYNTHETIC: ${templates[rng.weightedIndex(weights)]()}`;
}

function priorities(rng: Rng, d: number): string[] {
  const codes = Object.keys(PRIORITIES) as Priority[];
  const w: Record<Priority, number> = {
    crime: 1 + 2 * d, litter: 1.2, roads: 1.5 - 0.8 * d, youth: 0.8 + 0.6 * d, health: 1, housing: 0.6 + 1.6 * d, jobs: 0.5 + 1.5 * d, parks: 1 - 0.4 * d,
  };
  const n = rng.weighted([3, 2, 1, 0], [0.7, 0.2, 0.08, 0.02]);
  const out: string[] = [];
  const left = [...codes];
  while (out.length < n) {
    const i = rng.weightedIndex(left.map((c) => w[c]));
    out.push(left[i]);
    left.splice(i, 1);
  }
  while (out.length < 3) out.push("");
  return out;
}

/** Weighted borough share (excluding "don't know") and the focus ward's unweighted count. */
function storyCheck(rs: Respondent[], q: string): { borough: number; k: number; n: number } {
  let wp = 0;
  let wt = 0;
  let k = 0;
  let n = 0;
  for (const r of rs) {
    const a = r.answers[q];
    if (a === "9") continue;
    const pos = a === "1" || a === "2";
    wt += r.weight;
    if (pos) wp += r.weight;
    if (r.ward.isFocus) {
      n++;
      if (pos) k++;
    }
  }
  return { borough: wp / wt, k, n };
}

/** The three microdata files and the codebook. */
export function surveyFiles(b: Borough): DemoFile[] {
  const rng = Rng.for(b.seed, "survey");
  const effects = new Map(b.wards.map((w) => [w.code, { safe: rng.normal(0, 0.04), getOn: rng.normal(0, 0.04) }]));
  const files: DemoFile[] = [];
  for (const wave of SURVEY_WAVES) {
    const wr = rng.fork(`wave-${wave.wave}`);
    const respondents: Respondent[] = [];
    for (const ward of b.wards) {
      if (ward.code === EMPTY_WARD.ward && wave.wave === EMPTY_WARD.wave) continue;
      const n = ward.isFocus ? wr.int(140, 160) : wr.int(60, 120);
      const bandPop = AGE_BANDS.map((a) => populationOf(ward.lsoas, wave.popYear, a.from, a.to));
      const femaleShare = AGE_BANDS.map((a, i) => populationOf(ward.lsoas, wave.popYear, a.from, a.to, "f") / bandPop[i]);
      const popYoung = bandPop.slice(0, 3).reduce((s, x) => s + x, 0);
      const popOld = bandPop.slice(3).reduce((s, x) => s + x, 0);
      const nYoung = clamp(Math.round((n * popYoung) / (popYoung + popOld) + wr.normal(0, 3)), 15, n - 15);
      for (const [stratum, size, pop, bands] of [
        ["young", nYoung, popYoung, [0, 1, 2]],
        ["old", n - nYoung, popOld, [3, 4, 5, 6]],
      ] as const) {
        for (let i = 0; i < size; i++) {
          const bi = bands[wr.weightedIndex(bands.map((x) => bandPop[x]))];
          const band = AGE_BANDS[bi];
          const sex = wr.chance(0.005) ? "X" : wr.chance(femaleShare[bi]) ? "F" : "M";
          const nonEnglish = ward.isFocus ? 0.25 : 0.02 + 0.2 * ward.deprivation;
          const language = wr.chance(nonEnglish) ? wr.weighted(["pl", "ro", "ur", "pa"], [3, 2, 2, 1.5]) : "en";
          const r: Respondent = {
            ward, stratum, band: band.band, sex, language,
            date: isoDate(addDays(new Date(`${wave.start}T00:00:00Z`), wr.int(0, wave.days))),
            weight: pop / size,
            answers: {},
            comment: "",
          };
          const d = ward.deprivation;
          const fx = effects.get(ward.code)!;
          r.answers.q_safe_dark = safeDark(wr, r, fx, wave.wave);
          r.answers.q_influence = fourPoint(wr, clamp(0.3 - 0.1 * d, 0.1, 0.5), 0.08, 0.2);
          const sat = wr.next();
          const pSat = clamp(0.85 - 0.3 * d, 0.4, 0.95);
          r.answers.q_satisfied_area = wr.chance(0.01) ? "9" : sat < pSat ? (wr.chance(0.4) ? "1" : "2") : sat < pSat + 0.1 ? "3" : wr.chance(0.6) ? "4" : "5";
          r.answers.q_get_on = getOn(wr, r, fx);
          // "Positive" here means "a big problem" (codes 1-2).
          r.answers.q_problem_drunk = fourPoint(wr, clamp(0.12 + 0.3 * d + (ward.townCentre ? 0.15 : 0), 0.02, 0.8), 0.05, 0.3);
          r.answers.q_problem_drugs = fourPoint(wr, clamp(0.15 + 0.35 * d, 0.02, 0.8), 0.08, 0.35);
          const [p1, p2, p3] = priorities(wr, d);
          Object.assign(r.answers, { q_priority_1: p1, q_priority_2: p2, q_priority_3: p3 });
          if (wr.chance(0.3)) r.comment = comment(wr, r);
          respondents.push(r);
        }
      }
    }
    // The story: the focus ward feels significantly less safe after dark but gets on significantly better.
    const guard = wr.fork("story");
    for (const [q, want, redraw] of [
      ["q_safe_dark", "lower", (r: Respondent) => safeDark(guard, r, effects.get(r.ward.code)!, wave.wave)],
      ["q_get_on", "higher", (r: Respondent) => getOn(guard, r, effects.get(r.ward.code)!)],
    ] as const) {
      for (let attempt = 0; ; attempt++) {
        const c = storyCheck(respondents, q);
        if (proportionVersus(c.k, c.n, c.borough) === want) break;
        if (attempt > 200) throw new Error(`demo story: cannot make focus-ward ${q} significantly ${want}`);
        for (const r of respondents) if (r.ward.isFocus) r.answers[q] = redraw(r);
      }
    }
    respondents.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
    const lines = [SURVEY_HEADER.join(",")];
    respondents.forEach((r, i) => {
      lines.push(
        [
          csvLine([
            `NRS${wave.wave}-${String(i + 1).padStart(5, "0")}`, wave.wave, r.date, r.ward.code, `${r.ward.code}-${r.stratum}`,
            fixed(r.weight, 4), r.language, r.sex, r.band,
            ...["q_safe_dark", "q_influence", "q_satisfied_area", "q_get_on", "q_problem_drunk", "q_problem_drugs", "q_priority_1", "q_priority_2", "q_priority_3"].map((q) => r.answers[q]),
          ]),
          r.comment ? quoted(r.comment) : "",
        ].join(","),
      );
    });
    files.push(csvFile(`survey/${wave.file}`, lines, { eol: "\n" }));
  }
  files.push({ path: "survey/codebook.json", bytes: new TextEncoder().encode(JSON.stringify(codebook(), null, 2) + "\n") });
  return files;
}
