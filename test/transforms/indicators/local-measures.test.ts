/** A configured local measure that no indicator reads is refused, naming the measures that are known. */
import { describe, expect, it } from "vitest";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { CATALOGUE } from "../../../transforms/indicators/catalogue/index.ts";
import { knownLocalMeasures, unreadLocalMeasures } from "../../../transforms/indicators/local-measures.ts";
import type { Config } from "../../../pipelines/core/config.ts";

const { indicators } = loadIndicators(CATALOGUE);
const withLocal = (...measures: string[]) => ({ sources: { health: { local: measures.map((measure) => ({ measure, files: ["x.csv"] })) } } }) as unknown as Pick<Config, "sources">;

describe("local measures", () => {
  it("knows the measures the catalogue reads", () => {
    expect(knownLocalMeasures(indicators)).toEqual(expect.arrayContaining(["breastfeeding_6_8_weeks", "under18_conceptions"]));
  });

  it("finds a configured measure with a typo, and none in a correct config", () => {
    expect(unreadLocalMeasures(withLocal("breastfeeding_6_8_weeks", "breastfeding_6_8_weeks"), indicators)).toEqual(["breastfeding_6_8_weeks"]);
    expect(unreadLocalMeasures(withLocal("breastfeeding_6_8_weeks"), indicators)).toEqual([]);
    expect(unreadLocalMeasures({ sources: {} } as Pick<Config, "sources">, indicators)).toEqual([]);
  });
});
