/**
 * A tiny DOM builder for pages written without a framework. Text always goes in as text nodes
 * (never HTML), so names and messages from the server cannot inject markup.
 */
export type Child = Node | string | number | null | undefined | false;

export type ElementProps<E extends HTMLElement> = Partial<Omit<E, 'style' | 'dataset' | 'children'>> & {
  /** Attributes set with setAttribute (aria-*, data-*, role, for …). */
  readonly attrs?: Readonly<Record<string, string>>;
};

/** Creates an element, assigns its properties and appends its children (strings become text). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps<HTMLElementTagNameMap[K]> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props !== null) {
    const { attrs, ...rest } = props;
    Object.assign(element, rest);
    if (attrs !== undefined) for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

/** Appends children, skipping null, undefined and false. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** An in-app link (main.ts turns clicks on same-origin anchors into navigation without reload). */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return el('a', { href }, ...children);
}
