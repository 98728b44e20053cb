/**
 * A table with one header row: the lobby's race list, the race's standings and results, the
 * leaderboard and the race-history tables. Rows are the caller's; this builds the frame.
 */
import { el } from './element.ts';

/** A column heading: its text, or its text with the classes its cells share and a tooltip. */
export type Column =
  | string
  | {
      readonly label: string;
      /** E.g. `num` (right-aligned) or `col-mu` (hidden on small screens). */
      readonly className?: string;
      readonly title?: string;
    };

/** A `<table class=className>` with a `<thead>` row of `columns` and `body` as its `<tbody>`. */
export function createDataTable(
  className: string,
  columns: readonly Column[],
  body: HTMLTableSectionElement,
): HTMLTableElement {
  return el('table', { className }, el('thead', null, el('tr', null, ...columns.map(columnHeader))), body);
}

function columnHeader(column: Column): HTMLTableCellElement {
  if (typeof column === 'string') return el('th', { scope: 'col' }, column);
  const { label, ...props } = column;
  return el('th', { scope: 'col', ...props }, label);
}
