/** Escaping for HTML built from data: every data-derived string goes through `esc`. */

/** Escape text for HTML element content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Tagged template that escapes every interpolation unless it is `raw(...)`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Raw(out);
}

/** Already-safe HTML. */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Mark a string as safe HTML (only for markup we built, e.g. rendered SVG). */
export const raw = (s: string) => new Raw(s);

function render(v: unknown): string {
  if (v instanceof Raw) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  if (v === null || v === undefined || v === false) return "";
  return esc(v);
}

/** Rows kept together at a table's end: a page break never leaves fewer than this many rows alone. */
export const TAIL_ROWS = 3;

/**
 * A table's body rows as `<tbody>` elements: the last `TAIL_ROWS` in a body of their own that
 * print keeps whole (`tbody.tail { break-inside: avoid }`), so a long table never ends with one
 * or two rows alone on the next page under a repeated header.
 */
export function tbodies(rows: readonly unknown[]): Raw {
  if (rows.length <= 2 * TAIL_ROWS) return html`<tbody>${rows}</tbody>`;
  const cut = rows.length - TAIL_ROWS;
  return html`<tbody>${rows.slice(0, cut)}</tbody><tbody class="tail">${rows.slice(cut)}</tbody>`;
}
