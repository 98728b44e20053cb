import type { RaceEventMessage, RaceResults, RaceStateMessage } from '../../../shared/protocol/events.ts';
import type { Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import { buildTrack } from '../../../shared/sim/trackRoad.ts';
import type { Track } from '../../../shared/sim/trackTypes.ts';
import type { PageMount } from '../clientApp.ts';
import { AgentEyePanel } from '../race/agentEyePanel.ts';
import type { CameraMode } from '../race/raceCamera.ts';
import { DriverInput } from '../race/driverInput.ts';
import { InputSender } from '../race/inputSender.ts';
import { LiveRaceSession } from '../race/liveRaceSession.ts';
import { Minimap } from '../race/minimap.ts';
import { OwnCarSmoother } from '../race/ownCarSmoother.ts';
import { RaceBanner } from '../race/raceBanner.ts';
import { arenaDebug } from '../race/raceDebug.ts';
import { RaceTiming } from '../race/raceTiming.ts';
import { RaceView, type RaceViewCar } from '../race/raceView.ts';
import { createResultsPanel } from '../race/resultsPanel.ts';
import { INTERPOLATION_DELAY_MS, SnapshotBuffer } from '../race/snapshotBuffer.ts';
import { StandingsPanel } from '../race/standingsPanel.ts';
import { createTouchControls } from '../race/touchControls.ts';
import { append, el } from '../widgets/element.ts';
import { formatLapTicks, formatOrdinal } from '../widgets/formats.ts';
import { cameraSelect } from '../race/cameraSelect.ts';

/** Status line text per room status. */
const STATUS_TEXT: Readonly<Record<RaceStateMessage['status'], string>> = {
  waiting: 'Waiting for drivers',
  countdown: 'Get ready',
  racing: 'Racing',
  finished: 'Finished',
};

/**
 * `/races/:id`: a live race. `?join=1` joins it as a driver (keyboard, gamepad or the touch
 * buttons drive), otherwise it is spectated. Other cars are drawn 100 ms behind the server,
 * interpolated between snapshots; the own car is drawn at the estimated server time (see
 * OwnCarSmoother). The track is rebuilt from the race seed with shared/.
 */
export const mountRacePage: PageMount = (root, app, params, query) => {
  const raceId = params.id ?? '';
  const joining = query.get('join') === '1';
  const stage = el('div', { className: 'race-stage' });
  const statusLine = el('div', { className: 'race-status' }, 'Connecting…');
  const hud = el('div', { className: 'race-hud' });
  const banner = new RaceBanner();
  const overlay = el('div', { className: 'race-overlay' }, statusLine, hud, banner.element);
  const side = el('aside', { className: 'race-side' });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const toolbar = el('div', { className: 'race-toolbar' });
  root.append(
    el(
      'div',
      { className: 'race-page' },
      el('div', { className: 'race-main' }, stage, overlay),
      el('div', { className: 'race-aside' }, error, toolbar, side),
    ),
  );

  const buffer = new SnapshotBuffer();
  const input = joining ? new DriverInput() : null;
  const sender = joining ? new InputSender(app.socket) : null;
  let state: RaceStateMessage | null = null;
  let track: Track | null = null;
  let view: RaceView | null = null;
  let viewCarsKey = '';
  let timing: RaceTiming | null = null;
  let standings: StandingsPanel | null = null;
  let minimap: Minimap | null = null;
  let agentEye: AgentEyePanel | null = null;
  let smoother: OwnCarSmoother | null = null;
  let follow: number | null = null;
  let cameraMode: CameraMode = 'chase';
  let resultsPanel: HTMLElement | null = null;
  let lastReportedAction: string | null = null;
  let disposed = false;
  let building: Promise<void> | null = null;
  /** Joining and not answered yet: the view waits, so it is built once, with the own car known. */
  let joinPending = joining;
  arenaDebug.state = { raceId, status: null, ownCar: null, lapsCompleted: null };

  const session = new LiveRaceSession(app, raceId, joining ? 'join' : 'spectate', {
    onState: (next) => void applyState(next),
    onSnapshot,
    onEvent,
    onResults,
    onError: (message) => {
      error.textContent = message;
      error.hidden = false;
      if (state === null) statusLine.textContent = 'This race is not running.';
      if (joinPending) {
        joinPending = false;
        void rebuildCars();
      }
    },
    onJoined: (carIndex) => {
      joinPending = false;
      smoother = new OwnCarSmoother(carIndex);
      follow = carIndex;
      arenaDebug.state.ownCar = carIndex;
      if (view !== null) view.follow = carIndex;
      void rebuildCars();
    },
  });

  const cameraControl = cameraSelect(cameraMode, (mode) => {
    cameraMode = mode;
    if (view !== null) view.cameraMode = mode;
  });
  const followSelect = el('select', { className: 'follow-select', attrs: { 'aria-label': 'Follow car' } });
  followSelect.addEventListener('change', () => setFollow(Number(followSelect.value)));
  const leave = el(
    'button',
    { type: 'button', className: 'button-secondary' },
    joining ? 'Leave race' : 'Stop watching',
  );
  leave.addEventListener('click', () => app.navigate('/'));
  toolbar.append(cameraControl, el('label', { className: 'inline-field' }, 'Follow ', followSelect), leave);

  if (input !== null && matchMedia('(pointer: coarse), (max-width: 700px)').matches) {
    overlay.append(createTouchControls(input));
  }

  async function applyState(next: RaceStateMessage): Promise<void> {
    const previous = state;
    state = next;
    arenaDebug.state.status = next.status;
    statusLine.textContent = `${STATUS_TEXT[next.status]} · ${next.laps} lap${next.laps === 1 ? '' : 's'} · seed ${next.seed}`;
    if (track === null) {
      performance.mark('arena:race-state');
      track = buildTrack(next.seed, { style: next.trackStyle });
      performance.mark('arena:track-built');
    }
    if (next.status === 'waiting' && previous?.status !== 'waiting')
      banner.show('Waiting for drivers', `${next.cars.length}/${next.maxCars} seats taken`, 0);
    if (next.status !== 'waiting' && previous?.status === 'waiting') banner.hide();
    if (next.status === 'countdown' && next.countdownMsLeft !== null && previous?.status !== 'countdown')
      banner.show(String(Math.max(1, Math.ceil(next.countdownMsLeft / 1000))), 'Get ready', 1100);
    if (next.rematchRaceId !== null && resultsPanel !== null) offerRematch(next.rematchRaceId);
    await rebuildCars();
  }

  /** (Re)creates the view when the seats change (before the start humans come and go). */
  async function rebuildCars(): Promise<void> {
    if (state === null || track === null || disposed || joinPending) return;
    const key = `${state.cars.map((c) => `${c.carIndex}:${c.name}`).join('|')}#${session.ownCar}`;
    if (key === viewCarsKey) return;
    if (building !== null) await building;
    if (disposed || key === viewCarsKey) return;
    viewCarsKey = key;
    building = (async () => {
      const s = state!;
      const t = track!;
      const cars: RaceViewCar[] = s.cars.map((c) => ({
        carIndex: c.carIndex,
        name: c.name,
        color: c.color,
        own: c.carIndex === session.ownCar,
      }));
      const next = await RaceView.create(stage, t, cars, { renderer: rendererPreference(query) });
      performance.mark('arena:view-ready');
      if (disposed) {
        next.destroy();
        return;
      }
      view?.destroy();
      view = next;
      view.cameraMode = cameraMode;
      view.onFrame = drawFrame;
      timing = new RaceTiming(t.points, s.cars);
      for (const snapshot of [buffer.latest].filter((x): x is Snapshot => x !== null)) timing.onSnapshot(snapshot);
      standings = new StandingsPanel(s.laps, setFollow);
      minimap = new Minimap(
        t,
        s.cars.map((c) => c.color),
      );
      agentEye ??= new AgentEyePanel(t);
      side.replaceChildren(standings.element, agentEye.element);
      overlay.querySelector('.minimap')?.remove();
      overlay.append(minimap.element);
      followSelect.replaceChildren(
        ...s.cars.map((c) =>
          el('option', { value: String(c.carIndex) }, c.name + (c.carIndex === session.ownCar ? ' (you)' : '')),
        ),
      );
      if (follow === null || follow >= s.cars.length) follow = session.ownCar ?? firstAgentOr(s, 0);
      setFollow(follow);
    })();
    await building;
    building = null;
  }

  function setFollow(carIndex: number): void {
    follow = carIndex;
    followSelect.value = String(carIndex);
    if (view !== null) view.follow = carIndex;
    const car = state?.cars[carIndex];
    agentEye?.watch(car !== undefined && car.kind === 'agent' ? carIndex : null, car?.name ?? '');
    if (timing !== null && standings !== null)
      standings.update(timing.rows(), carIndex, session.ownCar, performance.now(), true);
  }

  function onSnapshot(snapshot: Snapshot, receivedMs: number): void {
    if (smoother !== null) smoother.push(buffer, snapshot, receivedMs);
    else buffer.push(snapshot, receivedMs);
    timing?.onSnapshot(snapshot);
    agentEye?.onSnapshot(snapshot);
    const own = session.ownCar;
    if (own !== null) {
      const car = snapshot.cars[own];
      if (car !== undefined) arenaDebug.state.lapsCompleted = car.lapsCompleted;
      measureInputLatency(snapshot, own, receivedMs);
    }
  }

  /** Each time the server reports a new action for the own car: how long ago it was first sent. */
  function measureInputLatency(snapshot: Snapshot, own: number, receivedMs: number): void {
    const action = snapshot.actions?.[own];
    if (action === null || action === undefined || sender === null) return;
    const key = `${action.steer.toFixed(3)},${action.gas.toFixed(3)},${action.brake.toFixed(3)}`;
    if (key === lastReportedAction) return;
    lastReportedAction = key;
    const sentAt = sender.sentAt(action);
    if (sentAt !== null && receivedMs - sentAt < 2000) arenaDebug.inputLatencyMs.push(receivedMs - sentAt);
  }

  function onEvent(event: RaceEventMessage): void {
    timing?.onEvent(event);
    const name = (k: number): string => state?.cars[k]?.name ?? `car ${k}`;
    const own = session.ownCar;
    const focus = own ?? follow;
    switch (event.type) {
      case 'countdown':
        banner.show(String(event.secondsLeft), 'Get ready', 1100);
        break;
      case 'start':
        banner.show('GO!', '', 900);
        break;
      case 'lap':
        if (event.carIndex === focus && state !== null && event.lap < state.laps)
          banner.show(
            `Lap ${event.lap + 1}/${state.laps}`,
            `${event.carIndex === own ? 'Your' : `${name(event.carIndex)}'s`} last lap ${formatLapTicks(event.lapTicks)}`,
            2000,
          );
        break;
      case 'finish':
        if (event.carIndex === focus)
          banner.show(
            `Finished ${formatOrdinal(event.place)}`,
            event.carIndex === own ? 'Well driven!' : name(event.carIndex),
            2500,
          );
        break;
      case 'dnf':
        if (event.carIndex === own)
          banner.show('Out of the race', event.reason === 'leftField' ? 'You left the field' : event.reason, 2500);
        break;
      case 'rematch':
        offerRematch(event.raceId);
        break;
      default:
        break;
    }
  }

  function onResults(results: RaceResults): void {
    arenaDebug.state.results = results.cars.map((c) => c.carIndex);
    banner.hide();
    resultsPanel?.remove();
    resultsPanel = createResultsPanel(
      results,
      (state?.cars ?? []).map((c) => c.color),
      session.ownCar,
      {
        onRematch:
          session.ownCar === null
            ? null
            : () =>
                void session.rematch().then((id) => {
                  if (id !== null) app.navigate(`/races/${encodeURIComponent(id)}?join=1`);
                }),
        onClose: () => resultsPanel?.classList.toggle('collapsed'),
      },
    );
    overlay.append(resultsPanel);
  }

  function offerRematch(newRaceId: string): void {
    if (resultsPanel === null || resultsPanel.querySelector('.rematch-offer') !== null) return;
    const join = el(
      'a',
      { href: `/races/${encodeURIComponent(newRaceId)}?join=1`, className: 'button-primary rematch-offer' },
      'Join the rematch',
    );
    resultsPanel.querySelector('.actions')?.prepend(join);
  }

  function drawFrame(nowMs: number, dtSeconds: number): void {
    const v = view;
    if (v === null) return;
    const latest = buffer.latest;
    const racing = state?.status === 'racing' || state?.status === 'finished';
    const othersTick = racing ? buffer.serverTick(nowMs, INTERPOLATION_DELAY_MS) : (latest?.tick ?? 0);
    for (let k = 0; k < v.poses.length; k++) {
      const pose = v.poses[k];
      v.visible[k] =
        k === session.ownCar && smoother !== null && racing
          ? smoother.sample(buffer, nowMs, pose)
          : buffer.sample(othersTick, k, pose);
    }
    if (input !== null && sender !== null) {
      const action = input.sample(dtSeconds);
      if (state?.status === 'racing' && session.ownCar !== null) sender.update(action, nowMs);
    }
    if (follow !== null) minimap?.draw(v.poses, v.visible, follow);
    if (timing !== null && standings !== null && follow !== null)
      standings.update(timing.rows(), follow, session.ownCar, nowMs);
    updateHud(latest);
  }

  let lastHudMs = 0;
  function updateHud(latest: Snapshot | null): void {
    const now = performance.now();
    if (now - lastHudMs < 200 || latest === null || state === null || follow === null) return;
    lastHudMs = now;
    const car = latest.cars[follow];
    if (car === undefined) return;
    const lap =
      car.status === 'racing'
        ? `Lap ${Math.min(car.lapsCompleted + 1, state.laps)}/${state.laps}`
        : car.status === 'finished'
          ? 'Finished'
          : 'Out';
    hud.replaceChildren();
    append(hud, [
      el('span', { className: 'hud-pos' }, `P${car.position}/${latest.cars.length}`),
      el('span', { className: 'hud-lap' }, lap),
      car.status === 'racing' ? el('span', { className: 'hud-speed' }, `${Math.round(car.speed * 3.6)} km/h`) : null,
      el('span', { className: 'hud-name' }, state.cars[follow]?.name ?? ''),
    ]);
  }

  // A hidden tab draws no frames, so nothing would be sent: let go of the controls at once.
  const onVisibility = (): void => {
    if (document.visibilityState !== 'hidden' || input === null || sender === null) return;
    input.releaseAll();
    if (state?.status === 'racing' && session.ownCar !== null)
      sender.update({ steer: 0, gas: 0, brake: 0 }, performance.now(), true);
  };
  document.addEventListener('visibilitychange', onVisibility);

  session.start();

  return () => {
    disposed = true;
    document.removeEventListener('visibilitychange', onVisibility);
    session.dispose();
    input?.dispose();
    banner.dispose();
    view?.destroy();
    view = null;
  };
};

function firstAgentOr(state: RaceStateMessage, fallback: number): number {
  return state.cars.find((c) => c.kind === 'agent')?.carIndex ?? fallback;
}

/** `?renderer=canvas` (or webgl, webgpu) picks Pixi's renderer, for measuring. */
function rendererPreference(query: URLSearchParams): 'webgl' | 'webgpu' | 'canvas' | undefined {
  const wanted = query.get('renderer');
  return wanted === 'canvas' || wanted === 'webgl' || wanted === 'webgpu' ? wanted : undefined;
}
