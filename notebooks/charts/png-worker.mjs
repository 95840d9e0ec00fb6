/**
 * A worker thread of a PNG pool (`createPngPool` in render.ts): draws one SVG at a time with the
 * resvg options the main thread chose, and answers with the PNG's bytes. Plain JavaScript so it
 * starts under any loader (tsx, vitest, plain node).
 */
import { Resvg } from "@resvg/resvg-js";
import { answerJobs } from "../../pipelines/core/worker-answer.mjs";

answerJobs(({ svg, options }) => {
  try {
    return new Resvg(svg, options).render().asPng();
  } catch (err) {
    throw new Error(`resvg could not draw the chart: ${err instanceof Error ? err.message : String(err)}`);
  }
});
