import { createDataTable } from '../widgets/dataTable.ts';
import { el } from '../widgets/element.ts';
import { describeDnfReason, formatLapTicks } from '../widgets/formats.ts';
import type { StandingRow } from './raceTiming.ts';

/** How often the table is redrawn (snapshots come at 25 Hz; people read far slower). */
const REFRESH_MS = 250;

/**
 * The live standings table: position, driver (click to follow), lap, gap to the leader, best
 * lap. `followed` is highlighted, `own` marked.
 */
export class StandingsPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private lastDrawMs = -Infinity;

  constructor(
    private readonly laps: number,
    private readonly onFollow: (carIndex: number) => void,
  ) {
    this.body = el('tbody');
    this.element = el(
      'section',
      { className: 'panel standings', attrs: { 'aria-label': 'Standings' } },
      el('h2', null, 'Standings'),
      createDataTable(
        'standings-table',
        [{ label: '#', title: 'Position' }, 'Driver', 'Lap', 'Gap', 'Best'],
        this.body,
      ),
    );
  }

  update(rows: readonly StandingRow[], followed: number, own: number | null, nowMs: number, force = false): void {
    if (!force && nowMs - this.lastDrawMs < REFRESH_MS) return;
    this.lastDrawMs = nowMs;
    this.body.replaceChildren(
      ...rows.map((row) => {
        const lap =
          row.status === 'finished'
            ? 'Fin'
            : row.status === 'dnf'
              ? 'Out'
              : `${Math.min(row.lapsCompleted + 1, this.laps)}/${this.laps}`;
        const gap =
          row.status === 'dnf'
            ? describeDnfReason(row.dnfReason)
            : row.position === 1
              ? 'Leader'
              : row.gapSeconds === null
                ? '–'
                : `+${row.gapSeconds.toFixed(1)} s`;
        const tr = el(
          'tr',
          {
            className: [row.carIndex === followed ? 'followed' : '', row.carIndex === own ? 'own' : '']
              .join(' ')
              .trim(),
            title: 'Follow this car',
            attrs: { 'data-car': String(row.carIndex) },
          },
          el('td', { className: 'pos' }, String(row.position)),
          el(
            'td',
            { className: 'driver' },
            el('span', { className: 'swatch', attrs: { style: `background: rgb(${row.color.join(',')})` } }),
            row.name,
            row.kind === 'agent' ? el('span', { className: 'tag' }, 'agent') : null,
            row.kind === 'bot' ? el('span', { className: 'tag tag-muted' }, 'bot') : null,
          ),
          el('td', { className: 'lap' }, lap),
          el('td', { className: 'gap' }, gap),
          el('td', { className: 'best' }, formatLapTicks(row.bestLapTicks)),
        );
        tr.addEventListener('click', () => this.onFollow(row.carIndex));
        return tr;
      }),
    );
  }
}
