/** The config: focus areas worked out once, and configs the warehouse could not hold refused by key. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { focusCodes, loadConfig, parseConfig, restOfParentCode } from "../../../pipelines/core/config.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import "../../../sources/index.ts"; // registers the sources' config blocks

/** The error parsing a config gives (undefined when it parses). */
function configError(json: unknown): Error | undefined {
  try {
    parseConfig(json, "c.json");
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

const base = {
  name: "t",
  parent: "Z06000001",
  baseline: { period: "2022/23" },
  geography: { wardVintage: "WD22", lsoaLookup: "lookup.csv" },
  sources: {},
};

describe("config focus areas", () => {
  it("resolves wards and localities once, with their member wards", () => {
    const c = parseConfig({ ...base, focus: [{ ward: "Z05000001" }, { locality: "LOC-N", name: "North", wards: ["Z05000002", "Z05000003"] }] }, "/x/c.json");
    expect(c.focusAreas).toEqual([
      { code: "Z05000001", kind: "ward", wards: ["Z05000001"] },
      { code: "LOC-N", kind: "locality", name: "North", wards: ["Z05000002", "Z05000003"] },
    ]);
    expect(focusCodes(c)).toEqual(["Z05000001", "LOC-N"]);
    expect(restOfParentCode(c.parent, "LOC-N")).toBe("Z06000001_EXCL_LOC-N");
  });

  it("refuses the same focus ward twice, naming both places", () => {
    expect(() => parseConfig({ ...base, focus: [{ ward: "Z05000001" }, { ward: "Z05000001" }] }, "c.json")).toThrow(
      messages.configKey("focus[1]", messages.focusRepeated("Z05000001", 0)),
    );
  });

  it("refuses a locality whose code is a focus ward's code, and a ward listed twice in a locality", () => {
    const bad = { ...base, focus: [{ ward: "Z05000001" }, { locality: "Z05000001", name: "N", wards: ["Z05000002", "Z05000002"] }] };
    const err = configError(bad);
    expect(err?.message).toContain(messages.configKey("focus[1]", messages.focusRepeated("Z05000001", 0)));
    expect(err?.message).toContain(messages.configKey("focus[1].locality", messages.localityCodeIsWard("Z05000001")));
    expect(err?.message).toContain(messages.configKey("focus[1].wards", messages.localityWardRepeated("Z05000001", "Z05000002")));
  });

  it("takes the borough's localities beside the focus: every locality, focus or listed, is one to tier", () => {
    const c = parseConfig({
      ...base, focus: [{ ward: "Z05000001" }, { locality: "LOC-A", name: "A", wards: ["Z05000001", "Z05000002"] }],
      localities: [{ locality: "LOC-B", name: "B", wards: ["Z05000003", "Z05000004"] }],
    }, "c.json");
    expect(c.localityAreas.map((l) => [l.code, l.name, l.wards])).toEqual([["LOC-A", "A", ["Z05000001", "Z05000002"]], ["LOC-B", "B", ["Z05000003", "Z05000004"]]]);
    expect(parseConfig({ ...base, focus: [{ ward: "Z05000001" }] }, "c.json").localityAreas).toEqual([]);
  });

  it("refuses a listed locality that repeats a focus locality or another, is coded as a ward, or lists a ward twice", () => {
    const bad = {
      ...base, focus: [{ locality: "LOC-A", name: "A", wards: ["Z05000001", "Z05000002"] }],
      localities: [
        { locality: "LOC-A", name: "A again", wards: ["Z05000001", "Z05000002"] },
        { locality: "LOC-B", name: "B", wards: ["Z05000003", "Z05000004"] },
        { locality: "LOC-B", name: "B again", wards: ["Z05000003", "Z05000003"] },
        { locality: "Z05000004", name: "C", wards: ["Z05000005", "Z05000006"] },
      ],
    };
    const err = configError(bad);
    expect(err?.message).toContain(messages.configKey("localities[0].locality", messages.localityAlsoFocus("LOC-A", 0)));
    expect(err?.message).toContain(messages.configKey("localities[2].locality", messages.localityRepeated("LOC-B", 1)));
    expect(err?.message).toContain(messages.configKey("localities[2].wards", messages.localityWardRepeated("LOC-B", "Z05000003")));
    expect(err?.message).toContain(messages.configKey("localities[3].locality", messages.localityCodeIsWard("Z05000004")));
  });
});

describe("loadConfig", () => {
  it("reads a config saved with a UTF-8 byte-order mark (Notepad, Excel)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "localneeds-config-"));
    const file = path.join(dir, "bom.json");
    writeFileSync(file, "\uFEFF" + JSON.stringify({ ...base, focus: [{ ward: "Z05000001" }] }), "utf8");
    expect(loadConfig(file).parent).toBe("Z06000001");
  });
});

describe("config sources", () => {
  /** The message a refused config gives (`parseConfig` throws it). */
  const refusal = (json: unknown): string => {
    try {
      parseConfig(json, "c.json");
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("the config was accepted");
  };
  const focus = [{ ward: "Z05000001" }];

  it("refuses an unknown source slot, naming it", () => {
    expect(refusal({ ...base, focus, sources: { crimes: { files: ["a.csv"] } } })).toContain(messages.configKey("sources", 'Unrecognized key: "crimes"'));
  });

  it("refuses a source field of the wrong type, and an unknown field in a source, by key", () => {
    const msg = refusal({ ...base, focus, sources: { crime: { files: "a.csv" }, complaints: { files: ["c.csv"], encodin: "auto" } } });
    expect(msg).toContain("sources.crime.files: ");
    expect(msg).toContain(messages.configKey("sources.complaints", 'Unrecognized key: "encodin"'));
  });

  it("refuses a health local measure that is not snake_case, naming its place in the list", () => {
    expect(refusal({ ...base, focus, sources: { health: { local: [{ measure: "Bad-Id", files: ["x.csv"] }] } } })).toContain(
      messages.configKey("sources.health.local[0].measure", "expected a snake_case measure id"),
    );
  });

  it("resolves every source's file paths and globs against the config's folder, and keeps the other fields", () => {
    const c = parseConfig(
      {
        ...base,
        focus,
        geography: { ...base.geography, hierarchy: "h.csv", lookups: ["l/*.csv"], wardCrosswalk: { file: "x.csv" } },
        sources: {
          crime: { files: ["police/*-street.csv"], stopSearch: ["police/*-stop-and-search.csv"] },
          population: { files: ["pop.csv"], esp2013: "esp.csv" },
          deprivation: { files: ["iod/*.csv"] },
          health: { fingertips: ["ft.csv"], local: [{ measure: "falls", files: ["falls.csv"] }] },
          school: { ks2: ["ks2.csv"], establishments: "gias.csv", fsm: ["fsm.csv"] },
          survey: { microdata: ["s.csv"], codebook: "cb.json" },
          complaints: { files: ["c.csv"], encoding: "auto" },
          economy: { nomis: ["n.csv"] },
        },
      },
      "/x/c.json",
    );
    const at = (p: string) => path.resolve("/x", p);
    expect(c.geography).toMatchObject({ lsoaLookup: at("lookup.csv"), hierarchy: at("h.csv"), lookups: [at("l/*.csv")], wardCrosswalk: { file: at("x.csv"), method: "best_fit" } });
    expect(c.geography.wardBoundaries).toBeUndefined();
    expect(c.sources.crime).toEqual({ files: [at("police/*-street.csv")], stopSearch: [at("police/*-stop-and-search.csv")] });
    expect(c.sources.population).toEqual({ files: [at("pop.csv")], esp2013: at("esp.csv") });
    expect(c.sources.deprivation).toEqual({ files: [at("iod/*.csv")] });
    expect(c.sources.health).toEqual({ fingertips: [at("ft.csv")], local: [{ measure: "falls", files: [at("falls.csv")] }] });
    expect(c.sources.school).toEqual({ ks2: [at("ks2.csv")], establishments: at("gias.csv"), fsm: [at("fsm.csv")] });
    expect(c.sources.survey).toEqual({ microdata: [at("s.csv")], codebook: at("cb.json") });
    expect(c.sources.complaints).toEqual({ files: [at("c.csv")], encoding: "auto", repeatWindowDays: 28 });
    expect(c.sources.economy).toEqual({ nomis: [at("n.csv")] });
  });
});
