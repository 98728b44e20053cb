import { RIVAL_COLORS } from '../../../shared/sim/carColors.ts';
import type { DriverKind } from '../../../shared/protocol/events.ts';
import { ApiError, type PageMount } from '../clientApp.ts';
import { cameraSelect } from '../race/cameraSelect.ts';
import { Minimap } from '../race/minimap.ts';
import type { CameraMode } from '../race/raceCamera.ts';
import { arenaDebug } from '../race/raceDebug.ts';
import type { StandingRow } from '../race/raceTiming.ts';
import { RaceView } from '../race/raceView.ts';
import { ReplayPlayer, type ReplayData } from '../race/replayPlayer.ts';
import { StandingsPanel } from '../race/standingsPanel.ts';
import { append, el, link } from '../widgets/element.ts';
import { describeDnfReason, formatLapTicks, formatOrdinal } from '../widgets/formats.ts';

/** `GET /api/races/:id`: what this page uses of it. */
interface StoredRace {
  readonly entries: readonly { carIndex: number; kind: DriverKind; name: string; position: number }[];
}

const SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const;
const TICKS_PER_SECOND = 50;
/** Simulation time allowed per frame; the rest of the frame is for drawing. */
const SIMULATE_BUDGET_MS = 9;

type Color = readonly [number, number, number];
const colorOf = (k: number): Color => RIVAL_COLORS[k % RIVAL_COLORS.length] as Color;

/**
 * `/replays/:id`: a finished race played again from its replay (seed + every tick's actions),
 * re-simulated in the browser with shared/. Play and pause, speed 0.25x to 8x, seek anywhere;
 * the finish order at the end is the simulation's own, next to the recorded one.
 * `?speed=8` starts at that speed.
 */
export const mountReplayPage: PageMount = (root, app, params, query) => {
  const raceId = params.id ?? '';
  const stage = el('div', { className: 'race-stage' });
  const statusLine = el('div', { className: 'race-status' }, 'Loading the replay…');
  const overlay = el('div', { className: 'race-overlay' }, statusLine);
  const aside = el('div', { className: 'race-aside' });
  root.append(
    el('div', { className: 'race-page replay-page' }, el('div', { className: 'race-main' }, stage, overlay), aside),
  );
  arenaDebug.state = { raceId, ended: false, order: null };
  let disposed = false;
  let view: RaceView | null = null;

  void (async () => {
    let replay: ReplayData;
    let stored: StoredRace | null;
    try {
      [replay, stored] = await Promise.all([
        app.api<ReplayData>(`/api/races/${encodeURIComponent(raceId)}/replay`),
        app.api<StoredRace>(`/api/races/${encodeURIComponent(raceId)}`).catch(() => null),
      ]);
    } catch (error) {
      statusLine.textContent =
        error instanceof ApiError && error.status === 404
          ? 'No replay of this race (yet).'
          : 'The replay could not be loaded.';
      aside.replaceChildren(link('/', 'Back to the lobby'));
      return;
    }
    if (disposed) return;
    await play(replay, stored);
  })();

  async function play(replay: ReplayData, stored: StoredRace | null): Promise<void> {
    const player = new ReplayPlayer(replay);
    const kinds = new Map(stored?.entries.map((e) => [e.carIndex, e.kind]) ?? []);
    const cars = replay.config.cars.map((c, k) => ({
      carIndex: k,
      name: c.name ?? c.id,
      color: colorOf(k),
      own: false,
      kind: kinds.get(k) ?? 'bot',
    }));
    const created = await RaceView.create(stage, player.race.track, cars);
    if (disposed) {
      created.destroy();
      return;
    }
    view = created;
    const v = created;
    const laps = replay.config.laps ?? 1;
    let playhead = 0;
    let speed = SPEEDS.includes(Number(query.get('speed')) as (typeof SPEEDS)[number]) ? Number(query.get('speed')) : 1;
    let playing = true;
    let follow = 0;
    let cameraMode: CameraMode = 'chase';
    let ended = false;

    const minimap = new Minimap(
      player.race.track,
      cars.map((c) => c.color),
    );
    overlay.append(minimap.element);
    const standings = new StandingsPanel(laps, (k) => setFollow(k));
    const playButton = el('button', { type: 'button', className: 'button-primary replay-play' }, 'Pause');
    playButton.addEventListener('click', () => {
      if (ended && !playing) {
        playhead = 0;
        ended = false;
      }
      playing = !playing;
      drawControls();
    });
    const speedSelect = el(
      'select',
      { className: 'replay-speed', attrs: { 'aria-label': 'Speed' } },
      ...SPEEDS.map((s) => el('option', { value: String(s), selected: s === speed }, `${s}x`)),
    );
    speedSelect.addEventListener('change', () => (speed = Number(speedSelect.value)));
    const seek = el('input', {
      type: 'range',
      className: 'replay-seek',
      min: '0',
      max: String(player.totalTicks),
      step: '1',
      value: '0',
      attrs: { 'aria-label': 'Position in the race' },
    });
    seek.addEventListener('input', () => {
      playhead = Number(seek.value);
      ended = false;
      drawControls();
    });
    const time = el('span', { className: 'replay-time' });
    const followSelect = el(
      'select',
      { className: 'follow-select', attrs: { 'aria-label': 'Follow car' } },
      ...cars.map((c) => el('option', { value: String(c.carIndex) }, c.name)),
    );
    followSelect.addEventListener('change', () => setFollow(Number(followSelect.value)));
    const orderPanel = el(
      'section',
      { className: 'panel replay-order', attrs: { 'aria-label': 'Finish order' } },
      el('h2', null, 'Finish order'),
      el('p', { className: 'hint' }, 'Shown when the replay reaches the end.'),
    );
    aside.replaceChildren(
      el(
        'section',
        { className: 'panel replay-panel' },
        el('h2', null, 'Replay'),
        el(
          'div',
          { className: 'replay-controls' },
          playButton,
          el('label', { className: 'inline-field' }, 'Speed ', speedSelect),
          time,
          seek,
        ),
      ),
      el(
        'div',
        { className: 'race-toolbar' },
        cameraSelect(cameraMode, (mode) => {
          cameraMode = mode;
          v.cameraMode = mode;
        }),
        el('label', { className: 'inline-field' }, 'Follow ', followSelect),
      ),
      standings.element,
      orderPanel,
    );
    statusLine.textContent = `Replay · ${laps} lap${laps === 1 ? '' : 's'} · seed ${replay.seed}`;

    function setFollow(k: number): void {
      follow = k;
      v.follow = k;
      followSelect.value = String(k);
    }

    function drawControls(): void {
      playButton.textContent = playing ? 'Pause' : ended ? 'Play again' : 'Play';
      seek.value = String(Math.floor(playhead));
      const seconds = (t: number): string => formatLapTicks(Math.floor(t)).replace(' s', '');
      time.textContent = `${seconds(playhead)} / ${formatLapTicks(player.totalTicks)}${player.simulatedTick < playhead - 1 ? ' (simulating…)' : ''}`;
    }

    function rowsAt(tick: number): StandingRow[] {
      const t = Math.floor(tick);
      const rows = cars.map((c) => {
        const car = player.carAt(t, c.carIndex);
        const lapTicks = player.events
          .filter((e) => e.type === 'lap' && e.carIndex === c.carIndex && e.tick <= t)
          .map((e) => (e.type === 'lap' ? e.lapTicks : 0));
        const dnf = player.events.find((e) => e.type === 'dnf' && e.carIndex === c.carIndex && e.tick <= t);
        return {
          carIndex: c.carIndex,
          name: c.name,
          color: c.color,
          kind: c.kind,
          position: car.position,
          lapsCompleted: car.laps,
          status: car.status,
          dnfReason: dnf?.type === 'dnf' ? dnf.reason : null,
          gapSeconds: null as number | null,
          bestLapTicks: lapTicks.length > 0 ? Math.min(...lapTicks) : null,
          lastLapTicks: lapTicks.at(-1) ?? null,
        };
      });
      rows.sort((a, b) => a.position - b.position);
      const leader = rows[0];
      for (const row of rows) {
        if (leader === undefined || row === leader || row.status !== 'racing') continue;
        const at = player.tickReaching(leader.carIndex, player.carAt(t, row.carIndex).distance, t);
        if (at !== null) row.gapSeconds = (t - at) / TICKS_PER_SECOND;
      }
      return rows;
    }

    function showOrder(): void {
      const order = player.finalOrder();
      arenaDebug.state.order = order;
      const recorded =
        stored?.entries
          .slice()
          .sort((a, b) => a.position - b.position)
          .map((e) => e.carIndex) ?? null;
      const matches =
        recorded === null ? null : recorded.length === order.length && recorded.every((k, i) => order[i] === k);
      const standingsNow = rowsAt(player.totalTicks);
      orderPanel.replaceChildren();
      append(orderPanel, [
        el('h2', null, 'Finish order'),
        el(
          'ol',
          null,
          ...order.map((k) => {
            const row = standingsNow.find((r) => r.carIndex === k);
            const car = player.race.cars[k];
            const detail =
              car.status === 'finished' && car.endTick !== null
                ? formatLapTicks(car.endTick)
                : describeDnfReason(car.dnfReason);
            return el(
              'li',
              { attrs: { 'data-car': String(k) } },
              el('span', { className: 'swatch', attrs: { style: `background: rgb(${colorOf(k).join(',')})` } }),
              `${cars[k]?.name ?? k} `,
              el(
                'span',
                { className: 'muted' },
                `${row?.status === 'finished' ? formatOrdinal(row.position) : ''} ${detail}`,
              ),
            );
          }),
        ),
        matches === null
          ? null
          : el(
              'p',
              { className: matches ? 'hint replay-match' : 'form-error replay-match' },
              matches ? 'Same order as the recorded result.' : 'Differs from the recorded result!',
            ),
      ]);
    }

    v.onFrame = (nowMs, dtSeconds) => {
      if (playing) playhead = Math.min(playhead + dtSeconds * TICKS_PER_SECOND * speed, player.totalTicks);
      // Keep the simulation ahead of the playhead; spare time simulates the rest in advance.
      player.simulate(SIMULATE_BUDGET_MS);
      const shown = Math.min(playhead, player.simulatedTick);
      for (let k = 0; k < v.poses.length; k++) {
        v.visible[k] = player.sample(shown, k, v.poses[k]);
        v.faded[k] = player.carAt(shown, k).status !== 'racing';
      }
      minimap.draw(v.poses, v.visible, follow);
      standings.update(rowsAt(shown), follow, null, nowMs);
      if (!ended && player.done && shown >= player.totalTicks) {
        ended = true;
        playing = false;
        showOrder();
        arenaDebug.state.ended = true;
      }
      drawControls();
    };
    setFollow(0);
    drawControls();
  }

  return () => {
    disposed = true;
    view?.destroy();
    view = null;
  };
};
