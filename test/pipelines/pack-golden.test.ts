/**
 * Golden pack: the manifest's file list and the text of each demo pack's HTML, compared with the
 * copies committed under `test/golden/`. On a difference the new text is written beside the
 * golden copy as `<name>-changed.txt` (ignored by git) so a reviewer can diff the two. When the
 * change is intended, accept it with
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/pipelines/pack-golden.test.ts
 *
 * and commit the updated golden files. The demo is built with a fixed clock and the pack names
 * its inputs relative to the config, so nothing in these files depends on when or where it ran.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { repoRoot } from "../helpers/shared.ts";

const GOLDEN = path.join(repoRoot, "test", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * The reader's text of a pack page, one block per line: charts, styles and the head left out,
 * headings marked `#`, table cells separated by `|`, entities decoded, whitespace collapsed.
 */
export function htmlText(html: string): string {
  return html
    .replace(/<(svg|style|script|head)\b[\s\S]*?<\/\1>/g, "")
    .replace(/<h([1-6])\b[^>]*>/g, (_m, n: string) => `\n${"#".repeat(Number(n))} `)
    .replace(/<(?:br|hr)\b[^>]*>/g, "\n")
    .replace(/<\/(?:td|th)>/g, " | ")
    .replace(/<\/(?:p|h[1-6]|li|tr|div|section|figcaption|caption|dt|dd|header|footer|summary|table|ul|ol|figure|details|nav|main|title|blockquote)>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
      e[0] === "#" ? String.fromCodePoint(/^#x/i.test(e) ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e] ?? m)
    .split("\n").map((l) => l.replace(/\s+/g, " ").trim()).filter(Boolean).join("\n") + "\n";
}

/**
 * Compare `actual` with the golden file `name`; on a difference write `<name>-changed.txt` beside
 * it (or, with UPDATE_GOLDEN=1, replace the golden file). Returns a failure message or "".
 */
function compareGolden(name: string, actual: string): string {
  const file = path.join(GOLDEN, `${name}.txt`);
  const changed = path.join(GOLDEN, `${name}-changed.txt`);
  const expected = existsSync(file) ? readFileSync(file, "utf8") : null;
  if (expected === actual) {
    rmSync(changed, { force: true });
    return "";
  }
  if (UPDATE) {
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return "";
  }
  writeFileSync(changed, actual);
  const rel = (f: string) => path.relative(repoRoot, f);
  return `${rel(file)} ${expected === null ? "does not exist" : "differs"}: the new text is in ${rel(changed)} ` +
    `(diff ${rel(file)} ${rel(changed)}); if the change is intended, accept it with UPDATE_GOLDEN=1 npx vitest run test/pipelines/pack-golden.test.ts`;
}

let demo: SharedDemo;
beforeAll(async () => {
  demo = await sharedDemo();
}, 900_000);

const PACKS = [
  { name: "focus", pick: (d: string) => path.basename(d).startsWith("Z05000007-") },
  { name: "overview", pick: (d: string) => path.basename(d).endsWith("-overview") },
];

describe("the demo packs match their golden copies", () => {
  for (const p of PACKS) {
    it(`${p.name} pack: the manifest's file list`, () => {
      const dir = demo.packDirs.find(p.pick)!;
      const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { files: { path: string }[] };
      const list = manifest.files.map((f) => f.path).sort().join("\n") + "\n";
      expect(compareGolden(`${p.name}-pack.files`, list)).toBe("");
    });

    it(`${p.name} pack: the text of index.html`, () => {
      const dir = demo.packDirs.find(p.pick)!;
      const text = htmlText(readFileSync(path.join(dir, "index.html"), "utf8"));
      expect(text).toContain("Synthetic demo data");
      expect(compareGolden(`${p.name}-pack.html`, text)).toBe("");
    });
  }
});

describe("htmlText", () => {
  it("keeps the reader's text: headings marked, cells separated, charts and styles left out, entities decoded", () => {
    const html = `<html><head><title>x</title><style>p{}</style></head><body><h2 id="a">Crime &amp; safety</h2>` +
      `<p>Rate: 4.1 per&nbsp;1,000 &#8212; &#x2264; 5</p><figure><svg><text>9.9</text></svg><figcaption>Figure 1</figcaption></figure>` +
      `<table><tr><th>Area</th><th>Value</th></tr><tr><td>Ward &lt;A&gt;</td><td>1</td></tr></table></body></html>`;
    expect(htmlText(html)).toBe("## Crime & safety\nRate: 4.1 per 1,000 — ≤ 5\nFigure 1\nArea | Value |\nWard <A> | 1 |\n");
  });
});

describe("compareGolden", () => {
  it.skipIf(UPDATE)("writes a -changed copy beside a golden file that differs, and removes it once they agree", () => {
    const name = `selftest-${process.pid}`;
    const file = path.join(GOLDEN, `${name}.txt`);
    const changed = path.join(GOLDEN, `${name}-changed.txt`);
    writeFileSync(file, "a\n");
    try {
      expect(compareGolden(name, "b\n")).toMatch(/differs: the new text is in test\/golden\/selftest-\d+-changed\.txt.*UPDATE_GOLDEN=1/);
      expect(readFileSync(changed, "utf8")).toBe("b\n");
      expect(compareGolden(name, "a\n")).toBe("");
      expect(existsSync(changed)).toBe(false);
    } finally {
      rmSync(file, { force: true });
      rmSync(changed, { force: true });
    }
  });
});
