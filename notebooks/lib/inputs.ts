/**
 * Observable Inputs for the notebooks: `@observablehq/inputs` as is, except that `table` names
 * its row-selection column and checkboxes for screen readers (axe: empty-table-header, label)
 * and `range` names its slider (the label names only the number box beside it).
 * Import it as `import * as Inputs from "./lib/inputs.ts"`; a shown SQL cell's table uses it too.
 */
import { range as inputsRange, table as inputsTable } from "@observablehq/inputs";

export * from "@observablehq/inputs";

/** `Inputs.table`, with its selection column labelled (rows drawn on scrolling included). */
export function table(data: unknown, options?: object): HTMLFormElement {
  const form: HTMLFormElement = inputsTable(data, options);
  const head = form.querySelector("thead th");
  if (head && !head.textContent) {
    const label = head.appendChild(document.createElement("span"));
    label.className = "ln-visually-hidden";
    label.textContent = "Select";
  }
  const name = () => {
    for (const input of form.querySelectorAll<HTMLInputElement>("input:not([aria-label])")) {
      input.setAttribute("aria-label", input.closest("thead") ? "Select all rows" : "Select row");
    }
  };
  name();
  new MutationObserver(name).observe(form, { childList: true, subtree: true });
  return form;
}

/** `Inputs.range`, with its slider named after the input's label. */
export function range(extent: unknown, options?: { label?: unknown }): HTMLFormElement {
  const form: HTMLFormElement = inputsRange(extent, options);
  const label = form.querySelector("label")?.textContent?.trim();
  for (const slider of form.querySelectorAll<HTMLInputElement>("input[type=range]:not([aria-label])")) slider.setAttribute("aria-label", label || "Value");
  return form;
}
