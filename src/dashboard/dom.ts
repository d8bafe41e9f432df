// Small DOM helpers for the dashboard. Text goes in through textContent only: the page runs under
// Trusted Types with no policy ('none'), so an HTML string can never become markup here.

export type Child = Node | string | null | undefined | false;

/** An element with text or children, and optional attributes (set as attributes, never as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** The element with this id, which the page's markup must hold (a missing one is a bug in the page). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** A table with a caption, column headers and rows of cells (text or nodes). */
export function table(caption: string, headers: readonly string[], rows: readonly (readonly Child[])[]): HTMLTableElement {
  const head = el("thead", null, el("tr", null, ...headers.map((h) => el("th", { scope: "col" }, h))));
  const body = el("tbody", null, ...rows.map((cells) => el("tr", null, ...cells.map((cell) => el("td", null, cell)))));
  return el("table", null, el("caption", null, caption), head, body);
}

/** A description list of label and value pairs. */
export function facts(pairs: readonly (readonly [string, Child])[]): HTMLDListElement {
  return el("dl", { class: "facts" }, ...pairs.flatMap(([label, value]) => [el("dt", null, label), el("dd", null, value)]));
}

/** Replaces a section body's content; its heading (the first h2) stays. */
export function fill(section: HTMLElement, ...children: Child[]): void {
  const heading = section.querySelector("h2");
  section.replaceChildren(...(heading === null ? [] : [heading]));
  for (const child of children) if (child !== null && child !== undefined && child !== false) section.append(child);
}
