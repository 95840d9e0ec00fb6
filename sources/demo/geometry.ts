/**
 * Plane geometry for the demo borough: Voronoi cells clipped to a convex polygon (so wards tile
 * the borough rectangle and LSOAs tile each ward), centroids, and random points inside cells.
 * Coordinates are [x, y]; the borough model works in a locally equal-distance plane
 * (x = longitude * cos(latitude)) and converts to lon/lat only for output.
 */
import type { Rng } from "./random.ts";

/** A point [x, y]. */
export type Point = [number, number];
/** A convex polygon as an open ring (first vertex not repeated), counter-clockwise. */
export type Polygon = Point[];

/** Keep the part of a convex polygon where a*x + b*y <= c (Sutherland-Hodgman, one edge). */
export function clipHalfPlane(poly: Polygon, a: number, b: number, c: number): Polygon {
  const out: Polygon = [];
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const fp = a * p[0] + b * p[1] - c;
    const fq = a * q[0] + b * q[1] - c;
    if (fp <= 0) out.push(p);
    if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

/** The Voronoi cell of each site, clipped to a convex container. */
export function voronoiCells(sites: readonly Point[], container: Polygon): Polygon[] {
  return sites.map((s, i) => {
    let cell = container.slice();
    for (let j = 0; j < sites.length; j++) {
      if (j === i) continue;
      const t = sites[j];
      // Points closer to s than to t: (t - s) . p <= (|t|^2 - |s|^2) / 2
      const a = t[0] - s[0];
      const b = t[1] - s[1];
      const c = (t[0] * t[0] + t[1] * t[1] - s[0] * s[0] - s[1] * s[1]) / 2;
      cell = clipHalfPlane(cell, a, b, c);
    }
    return cell;
  });
}

/** Signed area (positive when counter-clockwise). */
export function signedArea(poly: Polygon): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % poly.length];
    s += p[0] * q[1] - q[0] * p[1];
  }
  return s / 2;
}

/** Area centroid. */
export function centroid(poly: Polygon): Point {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % poly.length];
    const cross = p[0] * q[1] - q[0] * p[1];
    a += cross;
    cx += (p[0] + q[0]) * cross;
    cy += (p[1] + q[1]) * cross;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Ray-casting point-in-polygon test (any simple polygon). */
export function contains(poly: Polygon, pt: Point): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A uniform random point in a convex polygon, pulled towards its centroid by `shrink` (0-1]. */
export function randomPointIn(rng: Rng, poly: Polygon, shrink = 1): Point {
  const c = centroid(poly);
  const areas = poly.map((p, i) => Math.abs(signedArea([c, p, poly[(i + 1) % poly.length]])));
  const i = rng.weightedIndex(areas);
  const p = poly[i];
  const q = poly[(i + 1) % poly.length];
  let u = rng.next();
  let v = rng.next();
  if (u + v > 1) {
    u = 1 - u;
    v = 1 - v;
  }
  const x = c[0] + u * (p[0] - c[0]) + v * (q[0] - c[0]);
  const y = c[1] + u * (p[1] - c[1]) + v * (q[1] - c[1]);
  return [c[0] + shrink * (x - c[0]), c[1] + shrink * (y - c[1])];
}

/**
 * `n` well-spread sites in a convex polygon: best-candidate sampling, then a few rounds of
 * Lloyd relaxation (each site moved to its cell's centroid) so cells are compact.
 */
export function spreadSites(rng: Rng, poly: Polygon, n: number, lloydRounds = 3): Point[] {
  const sites: Point[] = [];
  for (let k = 0; k < n; k++) {
    let best: Point = randomPointIn(rng, poly, 0.9);
    let bestD = -1;
    for (let c = 0; c < 12; c++) {
      const cand = randomPointIn(rng, poly, 0.9);
      let d = Infinity;
      for (const s of sites) d = Math.min(d, (s[0] - cand[0]) ** 2 + (s[1] - cand[1]) ** 2);
      if (d > bestD) {
        bestD = d;
        best = cand;
      }
    }
    sites.push(best);
  }
  let current = sites;
  for (let r = 0; r < lloydRounds; r++) current = voronoiCells(current, poly).map(centroid);
  return current;
}
