/**
 * Supply chain: every installed package that declares an install script is covered by
 * package.json `allowScripts` (npm 11 blocks the others), and none is approved unless listed
 * here with a reason. The registry's audit endpoint is not reachable from these machines, so
 * `npm audit` is a manual step (README "Security").
 */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./helpers/shared.ts";

/** Packages allowed to run install scripts, with why. */
const APPROVED: Record<string, string> = {};

function installedPackages(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    if (e.name.startsWith("@")) {
      for (const s of readdirSync(path.join(dir, e.name), { withFileTypes: true })) if (s.isDirectory()) out.push(path.join(dir, e.name, s.name));
    } else out.push(path.join(dir, e.name));
  }
  return out.flatMap((p) => [p, ...installedPackages(path.join(p, "node_modules"))]);
}

describe("install scripts", () => {
  it("every dependency with an install script is covered by allowScripts, and only approved ones may run", () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean | string> };
    const allow = pkg.allowScripts ?? {};
    const withScripts: string[] = [];
    for (const dir of installedPackages(path.join(repoRoot, "node_modules"))) {
      const file = path.join(dir, "package.json");
      if (!existsSync(file)) continue;
      const p = JSON.parse(readFileSync(file, "utf8")) as { name: string; scripts?: Record<string, string> };
      if (["preinstall", "install", "postinstall"].some((s) => p.scripts?.[s])) withScripts.push(p.name);
    }
    const uncovered = withScripts.filter((n) => !Object.keys(allow).some((k) => k === n || k.startsWith(`${n}@`)));
    expect(uncovered).toEqual([]);
    const approved = Object.entries(allow).filter(([, v]) => v !== false).map(([k]) => k.replace(/@[^@/]*$/, ""));
    expect(approved.filter((n) => !(n in APPROVED))).toEqual([]);
  });
});
