/** The priorities rule: what ranks first, what is never a priority, and the cap per domain. */
import { describe, expect, it } from "vitest";
import { rankPriorities, type PriorityCandidate } from "../../../pipelines/pack/priorities.ts";
import type { Outcome } from "../../../transforms/marts.ts";

function cand(id: string, domain: string, o: Partial<{ outcome: Outcome; level: number; england: boolean | null; tracked: boolean; need: number; size: number; polarity: "high_is_good" | "low_is_good" | "no_judgement"; repeats: string }> = {}): PriorityCandidate {
  return {
    indicator: { id, title: `Title ${id}`, short: `Short ${id}`, domain: domain as never, unit: "%", polarity: o.polarity ?? "low_is_good", repeats: o.repeats ?? null },
    headline: { indicatorId: id, outcome: o.outcome ?? "worse", text: `Short ${id}: 12.0% in Ward (2024/25), significantly higher than Borough (8.0%).`, size: o.size ?? 1.5 },
    value: 12,
    period: "2024/25",
    comparator: { name: "Borough", value: 8, outcome: o.outcome ?? "worse", level: o.level ?? 95 },
    worseThanEngland: o.england ?? null,
    tracked: o.tracked ?? false,
    domainNeed: o.need ?? 0,
  };
}

describe("rankPriorities", () => {
  it("ranks 99.8% before 95%, then England, then tracked, then need, then gap", () => {
    const r = rankPriorities([
      cand("a", "crime", { size: 9 }),
      cand("b", "health", { level: 99.8 }),
      cand("c", "school", { england: true }),
      cand("d", "survey", { tracked: true }),
      cand("e", "complaints", { need: 1.2 }),
      cand("f", "deprivation", { size: 3 }),
    ]);
    expect(r.map((p) => p.indicatorId)).toEqual(["b", "c", "d", "e", "a"]);
    expect(r[0]!.reasons).toEqual(["worse at 99.8%"]);
    expect(r[1]!.reasons).toEqual(["worse at 95%", "also worse than England"]);
    expect(r.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it("never ranks a similar, better or context measure, and says the sentence without repeating the name", () => {
    const r = rankPriorities([cand("a", "crime", { outcome: "similar" }), cand("b", "crime", { outcome: "better" }), cand("c", "crime", { polarity: "no_judgement", outcome: "worse" }), cand("d", "crime")]);
    expect(r.map((p) => p.indicatorId)).toEqual(["d"]);
    expect(r[0]!.sentence).toBe("12.0% in Ward (2024/25), significantly higher than Borough (8.0%).");
    expect(r[0]!.sectionId).toBe("crime");
  });

  it("takes at most two from one domain while other domains have candidates, and fills up when they do not", () => {
    const many = ["a", "b", "c", "d"].map((id, i) => cand(id, "school", { need: 5, size: 10 - i }));
    expect(rankPriorities([...many, cand("x", "crime"), cand("y", "health")]).map((p) => p.indicatorId)).toEqual(["a", "b", "x", "y", "c"]);
    expect(rankPriorities(many).map((p) => p.indicatorId)).toEqual(["a", "b", "c", "d"]);
  });
  it("never lists an indicator that repeats another's counts (repeats): the same issue twice", () => {
    const r = rankPriorities([cand("health.asthma", "health", { level: 99.8 }), cand("fingertips.90810", "health", { level: 99.8, size: 9, repeats: "health.asthma" }), cand("c", "crime")]);
    expect(r.map((p) => p.indicatorId)).toEqual(["health.asthma", "c"]);
  });
});

describe("no priorities: what the pack says", () => {
  it("says how few indicators were compared with England when most have no England value, not that none is worse", async () => {
    const { noPrioritiesSentence } = await import("../../../pipelines/pack/narrative.ts");
    const row = (england: boolean) => ({ comparators: england ? [{ kind: "country" }] : [{ kind: "parent" }] });
    const model = (rows: ReturnType<typeof row>[]) => ({ kind: "overview", focus: { name: "Thanet" }, parent: { name: "Thanet" }, summary: rows }) as never;
    expect(noPrioritiesSentence(model([row(true), row(true), ...Array.from({ length: 16 }, () => row(false))])))
      .toBe("Only 2 of the 18 indicators have values for England in this build, and none is significantly worse, so none is ranked as a priority; the others are not judged against England.");
    expect(noPrioritiesSentence(model([row(true), row(true)]))).toBe("No indicator is significantly worse than England, so none is ranked as a priority.");
    expect(noPrioritiesSentence(model([row(false)]))).toMatch(/^No indicator of Thanet is compared with England in this build/);
  });
});

describe("what the pack calls its authority", () => {
  it("a district (E07), a borough (E08, E09, the demo's Z), else an authority (unitary E06, Welsh W06)", async () => {
    const { comparatorLabel, parentNoun } = await import("../../../pipelines/pack/pack-types.ts");
    expect(["E07000114", "E08000003", "E09000030", "Z06000001", "E06000035", "W06000015"].map(parentNoun))
      .toEqual(["district", "borough", "borough", "borough", "authority", "authority"]);
    expect(comparatorLabel("rest_of_parent", "E07000114")).toBe("rest of district");
    expect(comparatorLabel("parent", "E06000035")).toBe("authority");
    expect(comparatorLabel("region", "E06000035")).toBe("region");
  });
});

describe("the schools section's introduction", () => {
  it("names only the school measures the section shows: the FSM census alone is not called results and absence", async () => {
    const { SECTIONS } = await import("../../../pipelines/pack/pack-types.ts");
    const intro = SECTIONS.find((x) => x.domain === "school")!.intro as (i: never[], present: ReadonlySet<string>) => string;
    expect(intro([], new Set(["school.fsm_eligible"]))).toBe("Free school meals of the schools in the area (placed by where the school is, not where its pupils live).");
    expect(intro([], new Set(["school.ks2_rwm_expected", "school.overall_absence", "school.persistent_absence", "school.fsm_eligible"])))
      .toBe("Key stage 2 results, pupil absence and free school meals of the schools in the area (placed by where the school is, not where its pupils live).");
    expect(intro([], new Set(["school.ks2_rwm_expected", "school.persistent_absence"]))).toMatch(/^Key stage 2 results and pupil absence of the schools/);
  });
});
