/**
 * The "recent races" table of the agent and player pages: when, place, how it ended, best lap,
 * CarRacing reward, rated or not, and a link to the replay.
 */
import type { RaceHistoryItem } from '../../../shared/protocol/httpApi.ts';
import { createDataTable, type Column } from './dataTable.ts';
import { el, link } from './element.ts';
import { describeDnfReason, formatLapTicks, formatOrdinal, formatTimeAgo } from './formats.ts';

export interface RaceHistoryTableOptions {
  /** Shows the name the car raced under (a human's nickname can differ from race to race). */
  readonly showName?: boolean;
  readonly nowMs: number;
}

/** How a car's race ended, in words. */
export function describeOutcome(row: RaceHistoryItem): string {
  if (row.raceStatus === 'aborted') return 'race aborted';
  if (row.status === 'finished') return 'finished';
  if (row.status === 'dnf') return describeDnfReason(row.dnfReason);
  return row.status;
}

export function createRaceHistoryTable(
  rows: readonly RaceHistoryItem[],
  options: RaceHistoryTableOptions,
): HTMLTableElement {
  const columns: Column[] = [
    'When',
    ...(options.showName === true ? [{ label: 'As', className: 'col-as' }] : []),
    { label: 'Place', className: 'num' },
    'Result',
    { label: 'Best lap', className: 'num col-best' },
    { label: 'Reward', className: 'num col-reward' },
    '',
  ];
  return createDataTable(
    'data-table race-history',
    columns,
    el(
      'tbody',
      null,
      ...rows.map((row) =>
        el(
          'tr',
          { attrs: { 'data-race-id': row.raceId } },
          el('td', { title: row.finishedAt }, formatTimeAgo(row.finishedAt, options.nowMs)),
          options.showName === true ? el('td', { className: 'col-as' }, row.name) : null,
          el(
            'td',
            { className: 'num' },
            `${formatOrdinal(row.position)}`,
            el('span', { className: 'muted' }, ` of ${row.cars}`),
          ),
          el(
            'td',
            null,
            describeOutcome(row),
            row.rated
              ? null
              : el('span', { className: 'tag tag-muted', title: 'this race changed no rating' }, 'unrated'),
          ),
          el('td', { className: 'num col-best' }, formatLapTicks(row.bestLapTicks)),
          el('td', { className: 'num col-reward', title: 'CarRacing reward' }, row.totalReward.toFixed(1)),
          el('td', null, link(`/replays/${encodeURIComponent(row.raceId)}`, 'Replay')),
        ),
      ),
    ),
  );
}

export interface Pager {
  readonly element: HTMLElement;
  update(page: number, pageSize: number, total: number): void;
}

/** "Newer / Older" buttons with "21–40 of 57". */
export function createPager(onPage: (page: number) => void, labels = { previous: 'Newer', next: 'Older' }): Pager {
  const previous = el('button', { type: 'button', className: 'button button-small', textContent: labels.previous });
  const next = el('button', { type: 'button', className: 'button button-small', textContent: labels.next });
  const summary = el('span', { className: 'muted' });
  const element = el('div', { className: 'pager' }, previous, summary, next);
  let current = 1;
  previous.addEventListener('click', () => onPage(current - 1));
  next.addEventListener('click', () => onPage(current + 1));
  return {
    element,
    update(page, pageSize, total) {
      current = page;
      const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
      const to = Math.min(total, page * pageSize);
      summary.textContent = total === 0 ? '' : `${from}–${to} of ${total}`;
      previous.disabled = page <= 1;
      next.disabled = page * pageSize >= total;
      element.hidden = total <= pageSize && page === 1;
    },
  };
}
