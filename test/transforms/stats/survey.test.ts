/**
 * Design-based survey proportions against R `survey` 4.1-1 (../shared/reference/survey-design.*),
 * the all-yes / all-no rule, lonely PSUs, and raking.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  rakeWeights, StatsInputError, statsMessages, surveyDesign, surveyDomainEstimate, surveyEstimate, surveyProportion, SURVEY_CI_METHODS, type SurveyRow,
} from "../../../transforms/stats/index.ts";
import { referenceFile } from "../../helpers/shared.ts";

const sampleFile = referenceFile("survey-design.sample.csv");
const expectedFile = referenceFile("survey-design.expected.json");
const hasReference = existsSync(sampleFile) && existsSync(expectedFile);
const skipReason = hasReference ? "" : " (skipped: ../shared/reference not found beside the checkout)";

const close = (got: number | null, want: number) =>
  got !== null && Math.abs(got - want) <= Math.max(1e-12, 1e-9 * Math.abs(want));

function readSample(): (SurveyRow & { ward: string })[] {
  const [header, ...lines] = readFileSync(sampleFile, "utf8").trim().split("\n");
  const cols = header.split(",");
  return lines.map((line) => {
    const v = Object.fromEntries(line.split(",").map((x, i) => [cols[i], x]));
    return { ward: v.ward, stratum: v.stratum, weight: Number(v.weight), fpc: Number(v.fpc), y: Number(v.outcome) as 0 | 1 };
  });
}

interface Expected {
  ward?: string;
  n_unweighted: number;
  sum_weights: number;
  estimate: number;
  se: number;
  deff: number | null;
  design_df: number;
  ci_wald: [number, number];
  ci: Record<string, [number | null, number | null] | string>;
}

describe.skipIf(!hasReference)(`survey proportions match R survey 4.1-1${skipReason}`, () => {
  const rows = hasReference ? readSample() : [];
  const expected = hasReference ? JSON.parse(readFileSync(expectedFile, "utf8")) : { overall: {}, wards: [] };
  const targets: Expected[] = hasReference ? [expected.overall, ...expected.wards] : [];

  for (const want of targets) {
    const name = want.ward ?? "overall";
    const design = want.ward ? rows.map((r) => ({ ...r, inDomain: r.ward === want.ward })) : rows;
    const allSame = want.estimate === 0 || want.estimate === 1;

    it(`${name}: estimate, se, deff, design df, counts`, () => {
      const got = surveyProportion(design);
      expect(got.nUnweighted).toBe(want.n_unweighted);
      expect(close(got.sumWeights, want.sum_weights)).toBe(true);
      expect(close(got.estimate, want.estimate)).toBe(true);
      expect(close(got.se, want.se)).toBe(true);
      expect(got.designDf).toBe(want.design_df);
      if (want.deff === null) expect(got.deff).toBeNull();
      else expect(close(got.deff, want.deff)).toBe(true);
    });

    if (!allSame) {
      it(`${name}: wald, logit, beta, mean and likelihood intervals`, () => {
        const wald = surveyProportion(design, { method: "wald" });
        expect([close(wald.lower, want.ci_wald[0]), close(wald.upper, want.ci_wald[1])]).toEqual([true, true]);
        for (const method of ["logit", "beta", "mean", "likelihood"] as const) {
          const got = surveyProportion(design, { method });
          const [lo, hi] = want.ci[method] as [number, number];
          expect([method, close(got.lower, lo), close(got.upper, hi)]).toEqual([method, true, true]);
        }
      });
    } else {
      it(`${name}: all-no domain gets Clopper-Pearson limits on the unweighted count, never NaN (R gives degenerate or no intervals)`, () => {
        for (const method of SURVEY_CI_METHODS) {
          const got = surveyProportion(design, { method });
          expect(got.lower).toBe(0);
          expect(got.upper).toBeCloseTo(1 - 0.025 ** (1 / want.n_unweighted), 14);
          expect(got.note).toBe(statsMessages.surveyAllSame(0, want.n_unweighted));
        }
      });
    }
  }
});

describe("survey proportion rules", () => {
  const simple: SurveyRow[] = [
    { stratum: "a", weight: 10, y: 1 },
    { stratum: "a", weight: 10, y: 1 },
    { stratum: "a", weight: 10, y: 1 },
    { stratum: "b", weight: 20, y: 1 },
    { stratum: "b", weight: 20, y: 1 },
  ];

  it("all-yes: [(alpha/2)^(1/n), 1] for every method, deff null, no NaN", () => {
    for (const method of SURVEY_CI_METHODS) {
      const got = surveyProportion(simple, { method });
      expect(got.estimate).toBe(1);
      expect(got.se).toBe(0);
      expect(got.deff).toBeNull();
      expect(got.lower).toBeCloseTo(0.025 ** (1 / 5), 14);
      expect(got.upper).toBe(1);
    }
    const e = surveyEstimate(simple, { multiplier: 100 });
    expect(e.value).toBe(100);
    expect(e.lower998!).toBeLessThan(e.lower95!);
    expect(Object.values(e).some((v) => typeof v === "number" && Number.isNaN(v))).toBe(false);
  });

  it("surveyEstimate gives 95% and 99.8% logit limits by default", () => {
    const rows: SurveyRow[] = simple.map((r, i) => ({ ...r, y: (i % 2) as 0 | 1 }));
    const e = surveyEstimate(rows);
    expect(e.method).toBe("logit");
    expect(e.lower998!).toBeLessThan(e.lower95!);
    expect(e.upper998!).toBeGreaterThan(e.upper95!);
  });

  it("a lonely PSU is centred on the mean PSU total of the design (lonely PSU 'adjust')", () => {
    const rows: SurveyRow[] = [
      { stratum: "A", weight: 1, y: 1 },
      { stratum: "A", weight: 1, y: 0 },
      { stratum: "A", weight: 1, y: 1 },
      { stratum: "B", weight: 2, y: 0 },
    ];
    // p = 2/5; scores w (y - p) / N: A 0.12, -0.08, 0.12 (mean 0.16/3), B -0.16 (grand mean 0)
    const a = 3 / 2 * ((0.12 - 0.16 / 3) ** 2 * 2 + (-0.08 - 0.16 / 3) ** 2);
    const b = 0.16 ** 2;
    const got = surveyProportion(rows, { method: "wald" });
    expect(got.estimate).toBeCloseTo(0.4, 15);
    expect(got.se).toBeCloseTo(Math.sqrt(a + b), 14);
    expect(got.designDf).toBe(2);
  });

  it("applies the finite-population correction (population size or sampling fraction)", () => {
    const rows: SurveyRow[] = [0, 1, 1, 0, 1, 0].map((y) => ({ stratum: "s", weight: 5, y: y as 0 | 1 }));
    const none = surveyProportion(rows).se;
    const popsize = surveyProportion(rows.map((r) => ({ ...r, fpc: 30 }))).se;
    const fraction = surveyProportion(rows.map((r) => ({ ...r, fpc: 0.2 }))).se;
    expect(popsize).toBeCloseTo(none * Math.sqrt(1 - 6 / 30), 14);
    expect(fraction).toBeCloseTo(popsize, 14);
  });

  it("rejects bad designs", () => {
    expect(() => surveyProportion([])).toThrow(statsMessages.surveyNoRows());
    expect(() => surveyProportion([{ stratum: "a", weight: 0, y: 1 }])).toThrow("row 1: weight must be a positive number");
    expect(() => surveyProportion([{ stratum: "a", weight: 1, y: 2 as never }])).toThrow("row 1: y must be 0 or 1");
    expect(() => surveyProportion([{ stratum: "a", weight: 1, y: 1, fpc: 10 }, { stratum: "a", weight: 1, y: 0, fpc: 20 }])).toThrow(
      "stratum a: fpc differs between rows",
    );
    expect(() => surveyProportion([{ stratum: "a", weight: 1, y: 1, inDomain: false }])).toThrow(statsMessages.surveyEmptyDomain());
    expect(() => surveyProportion(simple, { method: "wilson" as never })).toThrow(StatsInputError);
  });
});

describe("rakeWeights", () => {
  it("matches the hand-solved 2 x 2 example (odds ratio kept, margins met)", () => {
    // cells (M,young) 2, (M,old) 1, (F,young) 1, (F,old) 1; margins sex 60/40, age 50/50.
    // Raking keeps the odds ratio 2: x (x - 10) = 2 (60 - x)(50 - x) => x = (210 - sqrt(20100)) / 2.
    const rows = [
      { sex: "M", age: "young", weight: 2 },
      { sex: "M", age: "old", weight: 1 },
      { sex: "F", age: "young", weight: 1 },
      { sex: "F", age: "old", weight: 1 },
    ];
    const x = (210 - Math.sqrt(20100)) / 2;
    const got = rakeWeights(rows, { sex: { M: 60, F: 40 }, age: { young: 50, old: 50 } });
    const want = [x, 60 - x, 50 - x, x - 10];
    got.weights.forEach((w, i) => expect(Math.abs(w - want[i])).toBeLessThan(1e-8));
    expect(got.maxGap).toBeLessThanOrEqual(1e-10);
    expect(rows[0].weight).toBe(2); // input untouched
  });

  it("one margin is post-stratification (one pass)", () => {
    const rows = [{ g: "a", weight: 1 }, { g: "a", weight: 3 }, { g: "b", weight: 2 }];
    const got = rakeWeights(rows, { g: { a: 40, b: 10 } });
    expect(got.weights).toEqual([10, 30, 10]);
    expect(got.iterations).toBe(1);
  });

  it("errors on a margin category with no respondents, unknown categories and disagreeing totals", () => {
    const rows = [{ sex: "M", weight: 1 }, { sex: "M", weight: 1 }];
    expect(() => rakeWeights(rows, { sex: { M: 10, F: 10 } })).toThrow(statsMessages.rakeEmptyCategory("sex", "F"));
    expect(() => rakeWeights([{ sex: "X", weight: 1 }], { sex: { M: 10 } })).toThrow('row 1: sex = "X" is not a category of that margin');
    expect(() =>
      rakeWeights([{ a: "1", b: "1", weight: 1 }], { a: { "1": 10 }, b: { "1": 12 } }),
    ).toThrow("margins disagree");
    expect(() => rakeWeights([], { a: { x: 1 } })).toThrow(statsMessages.rakeNoRows());
  });
});

describe("surveyDomainEstimate (a design prepared once, domains by their rows)", () => {
  it("equals surveyEstimate on the full rows for random designs: strata, clusters, lonely PSUs, FPC, every method", () => {
    const design = fc.integer({ min: 2, max: 6 }).chain((strata) =>
      fc.record({
        rows: fc.array(
          fc.record({
            h: fc.integer({ min: 0, max: strata - 1 }), psu: fc.integer({ min: 0, max: 3 }), weight: fc.double({ min: 0.2, max: 9, noNaN: true }),
            y: fc.constantFrom(0 as const, 1 as const), inDomain: fc.boolean(),
          }),
          { minLength: 8, maxLength: 60 },
        ),
        clustered: fc.boolean(),
        fpc: fc.boolean(),
        method: fc.constantFrom(...SURVEY_CI_METHODS),
      }));
    fc.assert(fc.property(design, ({ rows, clustered, fpc, method }) => {
      const full: SurveyRow[] = rows.map((r) => ({
        stratum: `s${r.h}`, weight: r.weight, y: r.y, inDomain: r.inDomain, ...(clustered ? { psu: `p${r.psu}` } : {}), ...(fpc ? { fpc: 500 } : {}),
      }));
      fc.pre(full.some((r) => r.inDomain));
      const idx = full.flatMap((r, i) => (r.inDomain ? [i] : []));
      const prepared = surveyDesign(full.map(({ stratum, weight, psu, fpc: f }) => ({ stratum, weight, ...(psu ? { psu } : {}), ...(f ? { fpc: f } : {}) })));
      const a = surveyEstimate(full, { method, multiplier: 100 });
      const b = surveyDomainEstimate(prepared, idx, idx.map((i) => full[i]!.y!), { method, multiplier: 100 });
      expect(b.method).toBe(a.method);
      expect(b.note).toBe(a.note);
      for (const k of ["value", "lower95", "upper95", "lower998", "upper998"] as const) {
        const [x, y] = [a[k], b[k]];
        if (x === null || y === null) expect(y).toBe(x);
        else expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
      }
    }), { numRuns: 300, seed: 20261126 });
  });
});

describe("domainVariance", () => {
  it("equals the dense design variance (zeros outside the domain summed PSU by PSU), lonely PSUs and complete strata included", async () => {
    const { designVariance, domainVariance } = await import("../../../transforms/stats/survey-design.ts");
    const rows = fc.array(
      fc.record({ h: fc.integer({ min: 0, max: 5 }), psu: fc.integer({ min: 0, max: 4 }), z: fc.double({ min: -5, max: 5, noNaN: true }), inDomain: fc.boolean() }),
      { minLength: 3, maxLength: 80 },
    );
    fc.assert(fc.property(rows, fc.constantFrom(undefined, 40, 1), (rs, fpc) => {
      const design = surveyDesign(rs.map((r) => ({ stratum: `s${r.h}`, weight: 1, psu: `p${r.psu}`, ...(fpc ? { fpc: r.h === 0 ? 1 : fpc } : {}) })));
      const idx = rs.flatMap((r, i) => (r.inDomain ? [i] : []));
      const dense = designVariance(design, rs.map((r) => (r.inDomain ? r.z : 0)));
      const sparse = domainVariance(design, idx, idx.map((i) => rs[i]!.z));
      expect(Math.abs(dense - sparse)).toBeLessThanOrEqual(1e-9 * Math.max(1, dense));
    }), { numRuns: 500, seed: 20261126 });
  });
});
