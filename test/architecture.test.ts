/**
 * The layers' boundary: `sources/`, `transforms/` and `notebooks/` import nothing from
 * `pipelines/` but its shared core (`pipelines/core/`), and `transforms/` and `notebooks/` do not
 * reach into the adapters in `sources/`. `pipelines/core/` imports nothing of the project outside
 * itself. Read from the import statements of every tracked TypeScript file.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every relative import of a file, resolved to a path relative to the repository root. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(file), s)).split(path.sep).join("/"));
}

/** `[file, import]` pairs of the files under `folder` whose import breaks `allowed`. */
function violations(folder: string, allowed: (target: string) => boolean): string[] {
  return tsFiles(path.join(ROOT, folder)).flatMap((f) =>
    importsOf(f)
      .filter((t) => !allowed(t))
      .map((t) => `${path.relative(ROOT, f)} -> ${t}`),
  );
}

const notPipelinesOutsideCore = (t: string) => !t.startsWith("pipelines/") || t.startsWith("pipelines/core/");

describe("layer boundaries", () => {
  it("finds the imports it checks (the reader is not blind)", () => {
    const all = tsFiles(path.join(ROOT, "sources")).flatMap(importsOf);
    expect(all).toContain("pipelines/core/messages.ts");
  });

  it("sources/ imports only pipelines/core/ from pipelines/", () => {
    expect(violations("sources", notPipelinesOutsideCore)).toEqual([]);
  });

  it("transforms/ imports only pipelines/core/ from pipelines/, and no adapter from sources/", () => {
    expect(violations("transforms", (t) => notPipelinesOutsideCore(t) && !t.startsWith("sources/"))).toEqual([]);
  });

  it("notebooks/ imports only pipelines/core/ from pipelines/, and no adapter from sources/", () => {
    expect(violations("notebooks", (t) => notPipelinesOutsideCore(t) && !t.startsWith("sources/"))).toEqual([]);
  });

  it("pipelines/core/ depends on nothing of the project outside itself", () => {
    expect(violations("pipelines/core", (t) => t.startsWith("pipelines/core/"))).toEqual([]);
  });
});

describe("the pack's modules (issue 18)", () => {
  const PACK = "pipelines/pack";
  const files = tsFiles(path.join(ROOT, PACK)).map((f) => path.relative(ROOT, f).split(path.sep).join("/"));
  const graph = new Map(files.map((f) => [f, importsOf(path.join(ROOT, f)).filter((t) => t.startsWith(`${PACK}/`))]));

  it("import each other in no circle (type imports included)", () => {
    const circles: string[] = [];
    const walk = (f: string, trail: string[]) => {
      if (trail.includes(f)) {
        circles.push([...trail.slice(trail.indexOf(f)), f].join(" -> "));
        return;
      }
      for (const t of graph.get(f) ?? []) walk(t, [...trail, f]);
    };
    for (const f of files) walk(f, []);
    expect(graph.get(`${PACK}/pack-model.ts`)).toContain(`${PACK}/pack-types.ts`);
    expect([...new Set(circles)]).toEqual([]);
  });

  it("read marts (the figure marts included), never a staging table", () => {
    const reading = files.filter((f) => /\bstaging\.[a-z_]+/.test(readFileSync(path.join(ROOT, f), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")));
    expect(files).toContain(`${PACK}/pack-data.ts`);
    expect(reading).toEqual([]);
  });

  it("choose figures from the declared figure layer, not from branches on a domain's name", async () => {
    const { SECTIONS } = await import("../pipelines/pack/pack-types.ts");
    const { DOMAIN_FIGURES, INDICATOR_FIGURES, AREA_FIGURES } = await import("../pipelines/pack/figures/index.ts");
    // Every name a section lists is a declared figure, and every declared figure is drawn somewhere.
    const listed = SECTIONS.flatMap((s) => s.figures);
    expect(listed.filter((n) => !(n in DOMAIN_FIGURES))).toEqual([]);
    expect(Object.keys(DOMAIN_FIGURES).filter((n) => !listed.includes(n))).toEqual([]);
    expect(INDICATOR_FIGURES.length).toBeGreaterThan(0);
    for (const f of [...Object.values(DOMAIN_FIGURES), ...INDICATOR_FIGURES, ...AREA_FIGURES]) expect(f.reads.every((t) => /^(marts|ref|audit)\./.test(t))).toBe(true);
    // One file per figure: every file of the folder but the registry and the shared helpers
    // declares exactly one figure, and the registry holds each of them.
    const dir = path.join(ROOT, `${PACK}/figures`);
    const registered = new Set<unknown>([...Object.values(DOMAIN_FIGURES), ...INDICATOR_FIGURES, ...AREA_FIGURES]);
    const figureFiles = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "common.ts");
    expect(figureFiles.length).toBeGreaterThanOrEqual(15);
    for (const f of figureFiles) {
      const mod = (await import(path.join(dir, f))) as { figure?: unknown };
      expect(mod.figure, f).toBeDefined();
      expect(registered.has(mod.figure), `${f} is registered in figures/index.ts`).toBe(true);
    }
    expect(registered.size).toBe(figureFiles.length);
    // The assembly names no domain: the crime, survey, complaints and deprivation branches are gone.
    const model = readFileSync(path.join(ROOT, `${PACK}/pack-model.ts`), "utf8");
    expect(model.match(/domain === "[a-z]+"/g) ?? []).toEqual([]);
  });

  it("renderers depend on the model's types, never on the assembly or on another renderer", () => {
    const renderers = ["render-html.ts", "render-pdf.ts", "write-xlsx.ts", "write-pptx.ts"].map((f) => `${PACK}/${f}`);
    const bad = renderers.flatMap((r) => (graph.get(r) ?? []).filter((t) => renderers.includes(t) || t === `${PACK}/pack-model.ts`).map((t) => `${r} -> ${t}`));
    expect(graph.get(`${PACK}/write-xlsx.ts`)).toContain(`${PACK}/pack-types.ts`);
    expect(bad).toEqual([]);
  });
});

describe("test files share their workers' processes (vitest isolate: false)", () => {
  it("no test file mocks a module (vi.mock would leak into the files after it in the same worker)", () => {
    const files = tsFiles(path.join(ROOT, "test")).filter((f) => f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(50);
    const mocking = files.filter((f) => /\bvi\s*\.\s*(mock|doMock|stubGlobal|stubEnv)\s*\(/.test(readFileSync(f, "utf8"))).map((f) => path.relative(ROOT, f));
    expect(mocking).toEqual([]);
  });
});
