import type { RaceListing } from '../../../shared/protocol/events.ts';
import { MAX_RACE_CARS, MAX_RACE_LAPS, type CreateRaceRequest } from '../../../shared/protocol/schemas.ts';
import { ApiError, type ClientApp, type PageMount } from '../clientApp.ts';
import { createDataTable } from '../widgets/dataTable.ts';
import { el, link } from '../widgets/element.ts';

interface AgentSummary {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly ownerName: string | null;
}

type Difficulty = 'easy' | 'medium' | 'hard';

const STATUS_LABEL: Readonly<Record<RaceListing['status'], string>> = {
  waiting: 'Waiting',
  countdown: 'Starting',
  racing: 'Racing',
  finished: 'Results',
};

/**
 * `/`: the lobby. "Race now" (you against three bots, one click), the live list of races
 * (`GET /api/races`, then every `lobby:update`) with join and spectate, and a form to create a
 * race: laps, seed, bots and their level, agents to invite.
 */
export const mountLobbyPage: PageMount = (root, app) => {
  const raceNow = el('button', { type: 'button', className: 'button-primary button-large race-now' }, 'Race now');
  const raceNowError = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  raceNow.addEventListener('click', () => {
    raceNow.disabled = true;
    raceNowError.hidden = true;
    createRace(app, {
      laps: 1,
      bots: [{ difficulty: 'medium' }, { difficulty: 'medium' }, { difficulty: 'easy' }],
      maxCars: 4,
    })
      .then((id) => app.navigate(`/races/${encodeURIComponent(id)}?join=1`))
      .catch((error: unknown) => {
        raceNow.disabled = false;
        raceNowError.textContent = messageOf(error);
        raceNowError.hidden = false;
      });
  });

  const nickname = el('input', {
    type: 'text',
    value: app.driverName,
    maxLength: 24,
    className: 'nickname-input',
    attrs: { 'aria-label': 'Your nickname' },
  });
  nickname.addEventListener('change', () => {
    app.setGuestNickname(nickname.value);
    nickname.value = app.driverName;
  });
  const who = el('p', { className: 'lobby-who' });
  const drawWho = (): void => {
    who.replaceChildren(
      ...(app.user === null
        ? [
            el('label', { className: 'inline-field' }, 'Racing as ', nickname),
            ' · ',
            link('/login', 'Log in'),
            ' to be rated',
          ]
        : ['Racing as ', el('strong', null, app.user.name)]),
    );
  };
  drawWho();
  const offUser = app.onUserChange(drawWho);

  const listBody = el('tbody');
  const emptyRow = el('p', { className: 'empty' }, 'No races right now. Start one!');
  const drawList = (races: readonly RaceListing[]): void => {
    emptyRow.hidden = races.length > 0;
    listBody.replaceChildren(...races.map((race) => raceRow(race)));
  };
  const onLobby = (races: readonly RaceListing[]): void => drawList(races);
  app.socket.on('lobby:update', onLobby);
  app
    .api<RaceListing[]>('/api/races')
    .then(drawList)
    .catch(() => undefined);

  const form = createRaceForm(app);

  root.append(
    el(
      'div',
      { className: 'page lobby-page' },
      el(
        'section',
        { className: 'hero' },
        el(
          'div',
          null,
          el('h1', null, 'CarRacing Arena'),
          el('p', { className: 'lead' }, 'Race Gymnasium CarRacing agents, bots and people, live.'),
          who,
        ),
        el(
          'div',
          { className: 'hero-action' },
          raceNow,
          el('small', { className: 'hint' }, 'You against three bots, one lap. Arrows or WASD to drive.'),
          raceNowError,
        ),
      ),
      el(
        'div',
        { className: 'lobby-grid' },
        el(
          'section',
          { className: 'panel races', attrs: { 'aria-label': 'Live races' } },
          el('h2', null, 'Live races'),
          createDataTable('race-list', ['Status', 'Drivers', 'Laps', 'Watching', ''], listBody),
          emptyRow,
        ),
        form,
      ),
    ),
  );

  function raceRow(race: RaceListing): HTMLElement {
    const drivers = race.cars.map((c) => `${c.name}${c.kind === 'human' ? '' : ` (${c.kind})`}`).join(', ');
    const href = `/races/${encodeURIComponent(race.id)}`;
    return el(
      'tr',
      { attrs: { 'data-race': race.id } },
      el(
        'td',
        null,
        el('span', { className: `status status-${race.status}` }, STATUS_LABEL[race.status]),
        race.ladder ? el('span', { className: 'tag' }, 'ladder') : null,
      ),
      el(
        'td',
        { className: 'drivers' },
        el('span', { className: 'count' }, `${race.cars.length} cars`),
        ' ',
        el('span', { className: 'names' }, drivers),
      ),
      el('td', null, String(race.laps)),
      el('td', { className: 'spectators', attrs: { title: 'spectators' } }, String(race.spectators)),
      el(
        'td',
        { className: 'row-actions' },
        race.status === 'waiting'
          ? el('a', { href: `${href}?join=1`, className: 'button-small button-primary' }, 'Join')
          : null,
        el('a', { href, className: 'button-small' }, race.status === 'finished' ? 'Results' : 'Watch'),
      ),
    );
  }

  return () => {
    offUser();
    app.socket.off('lobby:update', onLobby);
  };
};

async function createRace(app: ClientApp, body: CreateRaceRequest): Promise<string> {
  const { id } = await app.api<{ id: string }>('/api/races', { method: 'POST', body: JSON.stringify(body) });
  return id;
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'The arena did not answer. Try again.';
}

/** The "create a race" form: laps, seed, bots and difficulty, invited agents; create and join, or create and watch. */
function createRaceForm(app: ClientApp): HTMLElement {
  const laps = el('input', {
    type: 'number',
    min: '1',
    max: String(MAX_RACE_LAPS),
    value: '2',
    required: true,
    name: 'laps',
  });
  const seed = el('input', { type: 'number', min: '0', placeholder: 'random', name: 'seed' });
  const bots = el('input', { type: 'number', min: '0', max: String(MAX_RACE_CARS), value: '3', name: 'bots' });
  const difficulty = el(
    'select',
    { name: 'difficulty' },
    ...(['easy', 'medium', 'hard'] as const).map((d) => el('option', { value: d, selected: d === 'medium' }, d)),
  );
  const agentList = el('div', { className: 'agent-picks' }, el('small', { className: 'hint' }, 'Loading agents…'));
  app
    .api<AgentSummary[]>('/api/agents')
    .then((agents) => {
      agentList.replaceChildren(
        ...(agents.length === 0
          ? [el('small', { className: 'hint' }, 'No agents uploaded yet.')]
          : agents
              .slice(0, 40)
              .map((agent) =>
                el(
                  'label',
                  { className: 'check' },
                  el('input', { type: 'checkbox', value: agent.id, name: 'agent' }),
                  ` ${agent.name} v${agent.version}`,
                  agent.ownerName === null ? null : el('small', { className: 'hint' }, ` by ${agent.ownerName}`),
                ),
              )),
      );
    })
    .catch(() => agentList.replaceChildren(el('small', { className: 'hint' }, 'Agents could not be loaded.')));
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const join = el('button', { type: 'submit', className: 'button-primary', value: 'join' }, 'Create and join');
  const watch = el('button', { type: 'submit', className: 'button-secondary', value: 'watch' }, 'Create and watch');
  const field = (label: string, control: HTMLElement): HTMLElement =>
    el('label', { className: 'field' }, el('span', null, label), control);
  const form = el(
    'form',
    { className: 'panel create-race', attrs: { 'aria-label': 'Create a race' } },
    el('h2', null, 'Create a race'),
    el('div', { className: 'field-row' }, field('Laps', laps), field('Track seed', seed)),
    el('div', { className: 'field-row' }, field('Bots', bots), field('Bot level', difficulty)),
    el('fieldset', null, el('legend', null, 'Invite agents'), agentList),
    error,
    el('div', { className: 'actions' }, join, watch),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    const joining = submitter?.value !== 'watch';
    const agents = [...form.querySelectorAll<HTMLInputElement>('input[name=agent]:checked')].map((box) => box.value);
    const botCount = Math.max(0, Math.min(MAX_RACE_CARS, Number(bots.value) || 0));
    const body: CreateRaceRequest = {
      laps: Math.max(1, Math.min(MAX_RACE_LAPS, Number(laps.value) || 1)),
      bots: Array.from({ length: botCount }, () => ({ difficulty: difficulty.value as Difficulty })),
      ...(agents.length > 0 ? { agents } : {}),
      ...(seed.value.trim() === '' ? {} : { seed: Math.max(0, Math.floor(Number(seed.value))) }),
      ...(joining ? {} : { waitSeconds: 0 }),
    };
    if (botCount + agents.length + (joining ? 1 : 0) === 0) {
      error.textContent = 'Add at least one bot or agent, or join it yourself.';
      error.hidden = false;
      return;
    }
    if (botCount + agents.length > MAX_RACE_CARS) {
      error.textContent = `A race has at most ${MAX_RACE_CARS} cars.`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    join.disabled = watch.disabled = true;
    createRace(app, body)
      .then((id) => app.navigate(`/races/${encodeURIComponent(id)}${joining ? '?join=1' : ''}`))
      .catch((failure: unknown) => {
        join.disabled = watch.disabled = false;
        error.textContent = messageOf(failure);
        error.hidden = false;
      });
  });
  return form;
}
