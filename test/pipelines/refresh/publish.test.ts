import { describe, expect, it } from "vitest";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { commitRun, latestVersion, publishRun, stageRun } from "../../../pipelines/refresh/publish.ts";

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

  it("where symlinks are not allowed (Windows without admin rights), latest is a copy swapped in whole, and LATEST names the version", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "ln-publish-"));
    const refuse = () => {
      throw Object.assign(new Error("EPERM: operation not permitted, symlink"), { code: "EPERM" });
    };
    for (let i = 1; i <= 3; i++) {
      const { versionDir } = await publishRun(out, `2025070${i}T000000Z`, write(`v${i}`), { retention: 2, symlink: refuse, extra: { "changes.json": `{"run":${i}}` } });
      expect(lstatSync(path.join(out, "latest")).isSymbolicLink()).toBe(false);
      expect(readFileSync(path.join(out, "latest", "pack", "index.html"), "utf8")).toBe(`v${i}`);
      expect(readFileSync(path.join(out, "latest", "changes.json"), "utf8")).toBe(`{"run":${i}}`);
      expect(readFileSync(path.join(out, "LATEST"), "utf8")).toBe(`2025070${i}T000000Z\n`);
      expect(latestVersion(out)).toBe(versionDir);
    }
    expect(readdirSync(out).sort()).toEqual(["20250702T000000Z", "20250703T000000Z", "LATEST", "latest"]);
    // Symlinks allowed again (the same folder moved to Linux): the copy is replaced by a link.
    await publishRun(out, "20250704T000000Z", write("v4"), { retention: 2 });
    expect(lstatSync(path.join(out, "latest")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(out, "latest", "pack", "index.html"), "utf8")).toBe("v4");
  });

  it("an output folder from before LATEST (symlink only) is still read", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "ln-publish-"));
    const { versionDir } = await publishRun(out, "20250701T000000Z", write("a"), { retention: 5 });
    rmSync(path.join(out, "LATEST"));
    expect(latestVersion(out)).toBe(versionDir);
  });

  it("the warehouse and latest switch together, or neither does", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "ln-publish-"));
    const final = path.join(out, "..", `${path.basename(out)}-warehouse.duckdb`);
    const building = `${final}.building-${process.pid}`;
    writeFileSync(building, "warehouse 1");
    const first = await stageRun(out, "20250701T000000Z", write("pack 1"));
    commitRun(first.staged, { retention: 5, warehouse: { building, final } });
    expect([readFileSync(final, "utf8"), latestVersion(out)]).toEqual(["warehouse 1", first.staged.versionDir]);
    expect(existsSync(building)).toBe(false);
    // latest cannot switch (an I/O error making its link): the new warehouse is not kept either.
    writeFileSync(building, "warehouse 2");
    const second = await stageRun(out, "20250702T000000Z", write("pack 2"));
    const broken = () => {
      throw Object.assign(new Error("EIO: i/o error, symlink"), { code: "EIO" });
    };
    expect(() => commitRun(second.staged, { retention: 5, warehouse: { building, final }, symlink: broken })).toThrow("EIO");
    expect([readFileSync(final, "utf8"), latestVersion(out)]).toEqual(["warehouse 1", first.staged.versionDir]);
    expect(existsSync(second.staged.versionDir)).toBe(false);
    expect(readdirSync(path.dirname(final)).filter((n) => n.startsWith(`${path.basename(final)}.previous-`))).toEqual([]);
    // The new warehouse cannot be put in place (here: it is missing): latest does not move.
    rmSync(building, { force: true });
    const third = await stageRun(out, "20250703T000000Z", write("pack 3"));
    expect(() => commitRun(third.staged, { retention: 5, warehouse: { building, final } })).toThrow("ENOENT");
    expect([readFileSync(final, "utf8"), latestVersion(out)]).toEqual(["warehouse 1", first.staged.versionDir]);
    expect(existsSync(third.staged.versionDir)).toBe(false);
  });
});
