/**
 * `pack.pptx`: the pack as slides for partnership meetings, written with pptxgenjs (a maintained
 * PowerPoint writer) from the pack model and the chart PNGs already rendered into the pack folder.
 *
 * Slides: a title slide; the priorities; the spine chart ("at a glance"); one slide per domain
 * section with its key chart (the section's first figure), the section's strongest headline as
 * the title and the chart's text alternative in the speaker notes; the need index; sources.
 *
 * Deterministic: the archive's file dates and the document's created/modified times are the
 * pack's build time (`SOURCE_DATE_EPOCH` when set), so the same build gives the same bytes.
 */
import { rewriteZip } from "../../sources/zip.ts";
import PptxGenJS from "pptxgenjs";
import type { PackBlock, PackFigure, PackModel } from "./pack-types.ts";
import { SECTIONS, parentNoun, titleOf } from "./pack-types.ts";
import { noPrioritiesSentence } from "./narrative.ts";
import { PRIORITY_RULE } from "./priorities.ts";

const W = 13.333;
const H = 7.5;
const FONT = "DejaVu Sans";
const INK = "1A1A1A";
const MUTED = "555555";
const ACCENT = "B2182B";

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

type Slide = ReturnType<PptxGenJS["addSlide"]>;

function titled(pptx: PptxGenJS, title: string, m: PackModel): Slide {
  const s = pptx.addSlide();
  s.addText(title, { x: 0.5, y: 0.3, w: W - 1, h: 0.9, fontFace: FONT, fontSize: 24, bold: true, color: INK, valign: "top", fit: "shrink" });
  const foot = `${m.synthetic ? "Synthetic demo data: every figure is made up. " : ""}${m.focus.name} · ${m.kind === "overview" ? `${parentNoun(m.parent.code)} overview` : "needs assessment"}`;
  s.addText(foot, { x: 0.5, y: H - 0.45, w: W - 1, h: 0.3, fontFace: FONT, fontSize: 10, color: MUTED });
  return s;
}

/**
 * A figure on a slide: the chart's title as text, then `image`, the chart's PNG drawn without its
 * title block (the print rendering), as large as the slide allows keeping its shape, then its
 * source; the reading notes and the text alternative go in the speaker notes.
 */
function addFigure(s: Slide, f: PackFigure, image: Buffer): void {
  const { title, notes } = titleOf(f.chart);
  s.addText(title, { x: 0.5, y: 1.25, w: W - 1, h: 0.4, fontFace: FONT, fontSize: 14, bold: true, color: INK, valign: "top", fit: "shrink" });
  const { width, height } = pngSize(image);
  const box = { x: 0.5, y: 1.7, w: W - 1, h: H - 1.7 - 0.85 };
  const scale = Math.min(box.w / width, box.h / height);
  const w = width * scale;
  const h = height * scale;
  s.addImage({ data: `image/png;base64,${image.toString("base64")}`, x: box.x + (box.w - w) / 2, y: box.y, w, h, altText: f.chart.alt });
  s.addText(f.source, { x: 0.5, y: box.y + h + 0.05, w: W - 1, h: 0.3, fontFace: FONT, fontSize: 9, color: MUTED });
  s.addNotes(`${notes ? `${notes}\n\n` : ""}${f.chart.alt}\n\nSource: ${f.source}`);
}

/** The slides of one pack, as the bytes of a .pptx file. */
/**
 * The chart slides, in order, each with its title: the spine chart in slide-sized parts (its rows
 * as large as a chart slide's, not a page's 14 shrunk), then per section the strongest headline
 * over that indicator's own chart (the first figure under its heading; without one, the
 * section's title over its first figure), then the need index.
 */
export function chartSlides(m: PackModel): { title: string; figure: PackFigure }[] {
  const out: { title: string; figure: PackFigure }[] = [];
  for (const [i, spine] of m.slideSpines.entries()) {
    out.push({ title: `${m.focus.name} at a glance${m.slideSpines.length > 1 ? ` (${i + 1} of ${m.slideSpines.length})` : ""}`, figure: spine });
  }
  for (const section of m.sections) {
    const domainIds = new Set(m.indicators.filter((i) => i.domain === section.id).map((i) => i.id));
    const headline = m.headlines.find((h) => domainIds.has(h.indicatorId));
    const isFigure = (b: PackBlock): b is { kind: "figure"; figure: PackFigure } => b.kind === "figure";
    const heading = headline ? section.blocks.findIndex((b) => b.kind === "subhead" && b.id === `${section.id}-${headline.indicatorId.replace(/[._]/g, "-")}`) : -1;
    const own = heading >= 0 ? section.blocks.slice(heading + 1).find((b) => b.kind === "subhead" || isFigure(b)) : undefined;
    const key = own && isFigure(own) ? own : section.blocks.find(isFigure);
    if (!key) continue;
    out.push({ title: own && isFigure(own) ? headline!.text : (SECTIONS.find((x) => x.domain === section.id)?.title ?? section.title), figure: key.figure });
  }
  const needFigure = m.need.figures[0];
  if (needFigure) {
    out.push({ title: m.need.focusRow ? `Need index: ${m.focus.name} ranks ${m.need.focusRow.rank} of ${m.need.rows.length} wards (${m.need.focusRow.tier})` : `Need index: wards of ${m.parent.name} ranked`, figure: needFigure });
  }
  return out;
}

export async function writePptx(m: PackModel, png: (f: PackFigure) => Promise<Buffer>): Promise<Buffer> {
  const pptx = new PptxGenJS();
  pptx.layout = "LAYOUT_WIDE";
  pptx.title = `${m.focus.name}: ${m.kind === "overview" ? `${parentNoun(m.parent.code)} overview` : "needs assessment"}`;
  pptx.subject = m.title;
  pptx.author = "localneeds";
  pptx.company = m.parent.name;

  const cover = pptx.addSlide();
  cover.addText("Strategic needs assessment", { x: 0.7, y: 1.6, w: W - 1.4, h: 0.5, fontFace: FONT, fontSize: 16, color: ACCENT, bold: true });
  cover.addText(m.focus.name, { x: 0.7, y: 2.2, w: W - 1.4, h: 1.2, fontFace: FONT, fontSize: 40, bold: true, color: INK });
  cover.addText(m.title, { x: 0.7, y: 3.5, w: W - 1.4, h: 0.8, fontFace: FONT, fontSize: 18, color: INK });
  cover.addText(`Built ${m.builtAt.toISOString().slice(0, 10)} by localneeds${m.synthetic ? " · synthetic demo data: every figure is made up" : ""}`, {
    x: 0.7, y: 4.4, w: W - 1.4, h: 0.5, fontFace: FONT, fontSize: 12, color: MUTED,
  });
  cover.addNotes(m.keyFacts.join("\n"));

  const pri = titled(pptx, m.kind === "focus" ? `Priorities for ${m.focus.name}` : `Priorities for ${m.parent.name}`, m);
  const items = m.priorities.length
    ? m.priorities.map((p) => ({ text: `${p.title}: ${p.sentence}`, options: { bullet: { type: "number" as const }, breakLine: true, paraSpaceAfter: 8 } }))
    : [{ text: noPrioritiesSentence(m), options: {} }];
  pri.addText(items, { x: 0.6, y: 1.3, w: W - 1.2, h: H - 2.3, fontFace: FONT, fontSize: 18, color: INK, valign: "top", fit: "shrink" });
  pri.addNotes(`${PRIORITY_RULE}\n\n${m.priorities.map((p) => `${p.rank}. ${p.title}: ${p.reasons.join("; ")}`).join("\n")}`);

  // Every chart slide's image asked for at once: the PNGs draw side by side on the pool's threads.
  const slides = chartSlides(m).map((c) => {
    const image = png(c.figure);
    image.catch(() => {}); // a failure is thrown where its slide awaits it, not left unhandled before
    return { ...c, image };
  });
  for (const c of slides) addFigure(titled(pptx, c.title, m), c.figure, await c.image);
  const src = titled(pptx, "Sources and methods", m);
  src.addText(
    [
      `Every figure comes from the files listed in the pack's manifest (${m.inputs.length} input files, each with its SHA-256).`,
      "Rates and proportions carry 95% and 99.8% confidence intervals (PHE methods); counts of 1 to 4 are suppressed.",
      ...m.comparatorNotes,
    ].map((t) => ({ text: t, options: { bullet: true, breakLine: true, paraSpaceAfter: 6 } })),
    { x: 0.6, y: 1.3, w: W - 1.2, h: H - 2.3, fontFace: FONT, fontSize: 14, color: INK, valign: "top", fit: "shrink" },
  );

  // Stored, not deflated (pptxgenjs's JSZip deflates in JavaScript, on the thread that draws the
  // charts): written again by zlib with every date at the build time, so the same pack gives the same bytes.
  const raw = (await pptx.write({ outputType: "nodebuffer", compression: false })) as Buffer;
  const stamp = m.builtAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  return rewriteZip(raw, m.builtAt, (name, data) =>
    name === "docProps/core.xml" ? Buffer.from(data.toString("utf8").replace(/(<dcterms:(created|modified)[^>]*>)[^<]*(<\/dcterms:\2>)/g, `$1${stamp}$3`)) : data,
  );
}
