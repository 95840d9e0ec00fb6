import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { latestVersion, publishRun } from "../../../pipelines/refresh/publish.ts";

const write = (text: string) => async (dir: string) => {
  mkdirSync(path.join(dir, "pack"), { recursive: true });
  writeFileSync(path.join(dir, "pack", "index.html"), text);
  return [path.join(dir, "pack")];
};

describe("publishRun", () => {
  it("switches latest to each new version and keeps only the newest N", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "ln-publish-"));
    for (let i = 1; i <= 4; i++) {
      const { versionDir } = await publishRun(out, `2025070${i}T000000Z`, write(`v${i}`), { retention: 2, extra: { "changes.json": `{"run":${i}}` } });
      expect(latestVersion(out)).toBe(versionDir);
      expect(readFileSync(path.join(out, "latest", "pack", "index.html"), "utf8")).toBe(`v${i}`);
      expect(readFileSync(path.join(out, "latest", "changes.json"), "utf8")).toBe(`{"run":${i}}`);
    }
    expect(readdirSync(out).filter((n) => /^\d{8}T/.test(n)).sort()).toEqual(["20250703T000000Z", "20250704T000000Z"]);
  });

  it("a failing writer leaves latest as it was and no half-written folder", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "ln-publish-"));
    const first = await publishRun(out, "20250701T000000Z", write("good"), { retention: 5 });
    await expect(publishRun(out, "20250702T000000Z", async (dir) => {
      await write("half")(dir);
      throw new Error("renderer crashed");
    }, { retention: 5 })).rejects.toThrow("renderer crashed");
    expect(latestVersion(out)).toBe(first.versionDir);
    expect(readdirSync(out).filter((n) => n.startsWith(".building-"))).toEqual([]);
    expect(existsSync(path.join(out, "20250702T000000Z"))).toBe(false);
  });

  it("a second run with the same id gets its own folder", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "ln-publish-"));
    await publishRun(out, "20250701T000000Z", write("a"), { retention: 5 });
    const b = await publishRun(out, "20250701T000000Z", write("b"), { retention: 5 });
    expect(path.basename(b.versionDir)).toBe("20250701T000000Z-2");
    expect(readFileSync(path.join(out, "latest", "pack", "index.html"), "utf8")).toBe("b");
  });
});
