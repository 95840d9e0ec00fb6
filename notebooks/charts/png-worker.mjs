/**
 * A worker thread of a PNG pool (`createPngPool` in render.ts): draws one SVG at a time with the
 * resvg options the main thread chose, and posts the PNG's bytes back. Plain JavaScript so it
 * starts under any loader (tsx, vitest, plain node).
 */
import { parentPort } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";

parentPort.on("message", ({ svg, options }) => {
  let png;
  try {
    png = new Resvg(svg, options).render().asPng();
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
    return;
  }
  parentPort.postMessage({ png });
});
