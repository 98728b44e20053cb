import type { RaceResults } from '../../../shared/protocol/events.ts';
import { createDataTable } from '../widgets/dataTable.ts';
import { el, link } from '../widgets/element.ts';
import { describeDnfReason, formatLapTicks, formatOrdinal } from '../widgets/formats.ts';

/** Total race time of a finished car, or its status. */
function describeEnd(car: RaceResults['cars'][number]): string {
  if (car.status === 'finished' && car.endTick !== null) return formatLapTicks(car.endTick);
  if (car.status === 'dnf') return describeDnfReason(car.dnfReason);
  return 'still racing';
}

/**
 * The results table once a race is over: place, driver, time (or why the car is out), best
 * lap and CarRacing reward, with a replay link and, for drivers, a rematch button.
 */
export function createResultsPanel(
  results: RaceResults,
  colors: readonly (readonly [number, number, number])[],
  ownCar: number | null,
  actions: { onRematch: (() => void) | null; onClose: () => void },
): HTMLElement {
  const rows = results.cars.map((car) =>
    el(
      'tr',
      { className: car.carIndex === ownCar ? 'own' : '', attrs: { 'data-car': String(car.carIndex) } },
      el('td', { className: 'pos' }, car.status === 'finished' ? formatOrdinal(car.position) : String(car.position)),
      el(
        'td',
        { className: 'driver' },
        el('span', {
          className: 'swatch',
          attrs: { style: `background: rgb(${(colors[car.carIndex] ?? [255, 255, 255]).join(',')})` },
        }),
        car.name,
        car.kind === 'bot'
          ? el('span', { className: 'tag tag-muted' }, 'bot')
          : car.kind === 'agent'
            ? el('span', { className: 'tag' }, 'agent')
            : null,
      ),
      el('td', null, describeEnd(car)),
      el('td', null, formatLapTicks(car.bestLapTicks)),
      el('td', { className: 'num' }, car.totalReward.toFixed(1)),
    ),
  );
  const rematch = actions.onRematch;
  const close = el('button', { type: 'button', className: 'button-secondary' }, 'Show track');
  close.addEventListener('click', actions.onClose);
  const rematchButton =
    rematch === null ? null : el('button', { type: 'button', className: 'button-primary' }, 'Rematch');
  rematchButton?.addEventListener('click', rematch ?? (() => undefined));
  return el(
    'section',
    { className: 'panel results', attrs: { 'aria-label': 'Results' } },
    el('h2', null, results.aborted ? 'Race stopped' : 'Results'),
    createDataTable(
      'results-table',
      ['Place', 'Driver', 'Time', 'Best lap', { label: 'Reward', className: 'num' }],
      el('tbody', null, ...rows),
    ),
    el(
      'div',
      { className: 'actions' },
      rematchButton,
      link(`/replays/${encodeURIComponent(results.raceId)}`, 'Watch the replay'),
      link('/', 'Back to the lobby'),
      close,
    ),
  );
}
