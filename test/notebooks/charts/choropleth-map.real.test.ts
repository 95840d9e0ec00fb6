import { describe, expect, test } from "vitest";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { render } from "./contract.ts";
import { vegaLiteSchemaErrors } from "./helpers.ts";
import { LUTON_WD25, medwayMap } from "./real-boundaries.ts";

describe.skipIf(!hasShared)(`choroplethMap on the real Medway ward boundaries${sharedSkipReason}`, () => {
  test("renders every ward inside the frame, with the focus ward labelled", async () => {
    const { bundle, geojson } = medwayMap();
    expect(vegaLiteSchemaErrors(bundle.spec)).toEqual([]);
    const { svg, texts, warnings } = await render(bundle);
    expect(warnings).toEqual([]);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(texts).toContain(LUTON_WD25);
    // Fitted to Medway, not the globe: the focus label lies inside the SVG's own size.
    const [, w, h] = /<svg[^>]* width="([\d.]+)" height="([\d.]+)"/.exec(svg)!.map(Number);
    const m = new RegExp(`translate\\(([\\d.]+),([\\d.]+)\\)"[^>]*>${LUTON_WD25}<`).exec(svg);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(w);
    expect(Number(m![2])).toBeLessThan(h);
    expect(bundle.table.rows).toHaveLength(geojson.features.length);
  });
});
