import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cdnReferences } from "./notebook-pages.ts";

describe("the CDN scan of built notebooks", () => {
  it("finds a CDN host in any built file, and not a random asset name that ends in cdn", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ln-cdn-"));
    try {
      const files: Record<string, string> = {
        "a.js": 'import("https://cdn.jsdelivr.net/npm/d3@7/+esm")',
        "b.js": 'fetch("https://cdnjs.cloudflare.com/ajax/libs/x.js")',
        "c.html": '<script src="https://unpkg.com/vega"></script>',
        "d.js": 'import("https://esm.sh/arquero")',
        "e.js": 'const u = "//cdn.example.org/lib.js"',
        "f.js": "new URL(`warehouse-08aff25fe5-22857-5cabw7kkhgbxifq4-e-CCfjTcdn.json`, import.meta.url)",
      };
      for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
      expect(cdnReferences(dir).sort()).toEqual(["a.js: //cdn.", "b.js: cdnjs", "c.html: unpkg", "d.js: esm.sh", "e.js: //cdn."]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
