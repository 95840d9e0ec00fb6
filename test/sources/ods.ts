/**
 * OpenDocument spreadsheets (.ods) written as LibreOffice Calc writes them, for tests: the
 * `mimetype` entry first and stored, the rest deflated, `content.xml` with every sheet a `table:table`, column
 * declarations, numbers as `office:value` with their shown text formatted (`1,820`), blank cells
 * and rows run together with `number-columns-repeated` / `number-rows-repeated`, and the sheet
 * filled out to its edge (1,048,576 rows by 1,024 columns) by one repeated blank row.
 */
import { writeFileSync } from "node:fs";
import JSZip from "jszip";

/** A cell: text, a number, null (blank), or raw `table:table-cell` XML (a percentage, an error, a note). */
export type OdsCell = string | number | null | { xml: string };

const NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"',
].join(" ");

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Text as a paragraph, runs of spaces as `text:s` the way Calc writes them (one space kept, the rest counted). */
const paragraph = (s: string) => `<text:p>${esc(s).replace(/ {2,}/g, (m) => ` <text:s text:c="${m.length - 1}"/>`)}</text:p>`;

function cellXml(c: OdsCell): string {
  if (c === null) return "<table:table-cell/>";
  if (typeof c === "object") return c.xml;
  if (typeof c === "number") {
    const shown = c.toLocaleString("en-GB", { maximumFractionDigits: 10 });
    return `<table:table-cell office:value-type="float" office:value="${c}" calcext:value-type="float">${paragraph(shown)}</table:table-cell>`;
  }
  return `<table:table-cell office:value-type="string" calcext:value-type="string">${paragraph(c)}</table:table-cell>`;
}

/** One row: consecutive blank cells as one repeated cell, the row's trailing blanks to column 1,024. */
function rowXml(cells: readonly OdsCell[]): string {
  let out = "";
  let blanks = 0;
  const flush = () => {
    if (blanks) out += blanks === 1 ? "<table:table-cell/>" : `<table:table-cell table:number-columns-repeated="${blanks}"/>`;
    blanks = 0;
  };
  for (const c of cells) {
    if (c === null || c === "") blanks++;
    else {
      flush();
      out += cellXml(c);
    }
  }
  blanks += 1024 - cells.length;
  flush();
  return `<table:table-row table:style-name="ro1">${out}</table:table-row>`;
}

/** Rows of a sheet: consecutive blank rows as one repeated row, and the sheet filled to row 1,048,576. */
function tableXml(name: string, rows: readonly (readonly OdsCell[])[]): string {
  let out = `<table:table table:name="${esc(name)}" table:style-name="ta1"><table:table-column table:style-name="co1" table:number-columns-repeated="1024" table:default-cell-style-name="Default"/>`;
  let blanks = 0;
  const blank = (n: number) => `<table:table-row table:style-name="ro1"${n > 1 ? ` table:number-rows-repeated="${n}"` : ""}><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`;
  for (const r of rows) {
    if (r.every((c) => c === null || c === "")) blanks++;
    else {
      if (blanks) out += blank(blanks);
      blanks = 0;
      out += rowXml(r);
    }
  }
  out += blank(1048576 - rows.length + blanks);
  return `${out}</table:table>`;
}

/** `content.xml` of a spreadsheet holding these sheets. */
export function odsContent(sheets: readonly { name: string; rows: readonly (readonly OdsCell[])[] }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${NS} office:version="1.3"><office:automatic-styles/><office:body><office:spreadsheet>`
    + `<table:calculation-settings table:automatic-find-labels="false"/>${sheets.map((s) => tableXml(s.name, s.rows)).join("")}<table:named-expressions/></office:spreadsheet></office:body></office:document-content>`;
}

/** Write an .ods of these sheets (or of a `content.xml` given whole). */
export async function writeOds(file: string, sheets: readonly { name: string; rows: readonly (readonly OdsCell[])[] }[] | string): Promise<void> {
  const zip = new JSZip();
  zip.file("mimetype", "application/vnd.oasis.opendocument.spreadsheet", { compression: "STORE" });
  zip.file("content.xml", typeof sheets === "string" ? sheets : odsContent(sheets));
  zip.file("META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">`
    + `<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`);
  writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
}
