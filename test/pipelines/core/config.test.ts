/** The config: focus areas worked out once, and configs the warehouse could not hold refused by key. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { focusCodes, loadConfig, parseConfig, restOfParentCode } from "../../../pipelines/core/config.ts";
import { messages } from "../../../pipelines/core/messages.ts";

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
    let err: Error | undefined;
    try {
      parseConfig(bad, "c.json");
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toContain(messages.configKey("focus[1]", messages.focusRepeated("Z05000001", 0)));
    expect(err?.message).toContain(messages.configKey("focus[1].locality", messages.localityCodeIsWard("Z05000001")));
    expect(err?.message).toContain(messages.configKey("focus[1].wards", messages.localityWardRepeated("Z05000001", "Z05000002")));
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
