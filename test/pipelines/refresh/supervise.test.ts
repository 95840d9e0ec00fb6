/** The command's watch over the build process: a native crash is reported and run again once; other endings pass through. */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { supervise } from "../../../pipelines/refresh/supervise.ts";

/** A child that crashes with SIGSEGV while `<marker>` is absent (creating it when `once`), then exits 3. */
const child = (marker: string, once: boolean) => [
  "-e",
  `const fs = require("node:fs"); const f = process.argv[1];
   if (!fs.existsSync(f)) { if (${once}) fs.writeFileSync(f, ""); process.kill(process.pid, "SIGSEGV"); }
   else process.exit(3);`,
  marker,
];

describe("supervise", () => {
  it("a crash (SIGSEGV) is reported and the run tried again; the second run's exit code is the command's", async () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), "ln-supervise-")), "crashed-once");
    const crashes: unknown[] = [];
    const code = await supervise(child(marker, true), process.env, { retries: 1, onCrash: (...a) => crashes.push(a) });
    expect(crashes).toEqual([["SIGSEGV", 1, true]]);
    expect(code).toBe(3);
  });

  it("a run that crashes again ends with exit 1 after one retry", async () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), "ln-supervise-")), "never");
    const crashes: unknown[] = [];
    const code = await supervise(child(marker, false), process.env, { retries: 1, onCrash: (...a) => crashes.push(a) });
    expect(crashes).toEqual([["SIGSEGV", 1, true], ["SIGSEGV", 2, false]]);
    expect(code).toBe(1);
  });

  it("exit codes and a stop from outside (SIGTERM) pass through without a retry", async () => {
    const crashes: unknown[] = [];
    expect(await supervise(["-e", "process.exit(4)"], process.env, { retries: 1, onCrash: (...a) => crashes.push(a) })).toBe(4);
    expect(await supervise(["-e", "process.kill(process.pid, 'SIGTERM')"], process.env, { retries: 1, onCrash: (...a) => crashes.push(a) })).toBe(143);
    expect(crashes).toEqual([]);
  });
});
