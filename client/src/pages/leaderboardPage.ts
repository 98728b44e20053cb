/**
 * /leaderboard: the rating boards (everyone, agents, humans), paged, refreshed live on the
 * `leaderboard:update` socket event, each agent or human linking to its page; below them the
 * newest uploaded agents with their rating or "awaiting its first rated race".
 */
import './pages.css';
import type { AgentSummary, Board, LeaderboardPage, LeaderboardRow } from '../../../shared/protocol/httpApi.ts';
import type { PageMount } from '../clientApp.ts';
import { createDataTable } from '../widgets/dataTable.ts';
import { el, link } from '../widgets/element.ts';
import { formatRating, formatTimeAgo } from '../widgets/formats.ts';
import { createPager } from '../widgets/raceHistoryTable.ts';
import { errorMessage } from './pageErrors.ts';
import { fetchAgentRatings, fetchLeaderboard, isBoard, subjectPath } from './ratingsApi.ts';

const PAGE_SIZE = 20;
/** Newest agents listed under the board. */
const NEWEST_AGENTS = 5;
/** Several boards change at once after a race: one refetch for them all. */
const REFRESH_DEBOUNCE_MS = 250;

const BOARD_LABELS: Record<Board, string> = { all: 'Everyone', agents: 'Agents', humans: 'Humans' };
const KIND_LABELS = { agent: 'agent', human: 'human', bot: 'bot' } as const;

export const mountLeaderboardPage: PageMount = (root, app, _params, query) => {
  let board: Board = isBoard(query.get('board')) ? (query.get('board') as Board) : 'all';
  let page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  let disposed = false;
  let loadSeq = 0;
  let previous = new Map<string, { rank: number; ordinal: number }>();
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const tabs = el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Boards' } });
  const tabButtons = new Map<Board, HTMLButtonElement>();
  for (const b of ['all', 'agents', 'humans'] as const) {
    const button = el('button', {
      type: 'button',
      className: 'tab',
      textContent: BOARD_LABELS[b],
      attrs: { role: 'tab', 'data-board': b },
    });
    button.addEventListener('click', () => {
      if (board === b) return;
      board = b;
      page = 1;
      previous = new Map();
      void load();
    });
    tabButtons.set(b, button);
    tabs.append(button);
  }

  const status = el('p', { className: 'muted live-status', attrs: { 'aria-live': 'polite' } });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const tableHolder = el('div', { className: 'table-scroll' });
  const pager = createPager(
    (p) => {
      page = p;
      void load();
    },
    { previous: 'Previous', next: 'Next' },
  );
  const newest = el('section', { className: 'panel newest-agents', hidden: true });

  root.append(
    el(
      'div',
      { className: 'page sheet leaderboard-page' },
      el(
        'header',
        { className: 'page-header' },
        el('h1', null, 'Leaderboard'),
        el(
          'p',
          { className: 'muted' },
          'Ranked by rating (μ − 3σ, openskill): a new driver starts near 0 and climbs as rated races make its skill certain.',
        ),
      ),
      el('section', { className: 'panel' }, tabs, status, error, tableHolder, pager.element),
      newest,
    ),
  );

  function syncUrl(): void {
    const params = new URLSearchParams();
    if (board !== 'all') params.set('board', board);
    if (page > 1) params.set('page', String(page));
    const search = params.toString();
    history.replaceState(history.state, '', `/leaderboard${search === '' ? '' : `?${search}`}`);
  }

  async function load(): Promise<void> {
    const seq = ++loadSeq;
    for (const [b, button] of tabButtons) {
      button.classList.toggle('active', b === board);
      button.setAttribute('aria-selected', String(b === board));
    }
    syncUrl();
    try {
      const result = await fetchLeaderboard(app, board, page, PAGE_SIZE);
      if (disposed || seq !== loadSeq) return;
      if (result.rows.length === 0 && result.total > 0 && page > 1) {
        page = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
        void load();
        return;
      }
      error.hidden = true;
      renderBoard(result);
      status.textContent = `Live · updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (disposed || seq !== loadSeq) return;
      error.textContent = `Could not load the leaderboard: ${errorMessage(err)}`;
      error.hidden = false;
    }
    if (board !== 'humans') void loadNewest(seq);
    else newest.hidden = true;
  }

  function renderBoard(result: LeaderboardPage): void {
    pager.update(result.page, result.pageSize, result.total);
    if (result.rows.length === 0) {
      tableHolder.replaceChildren(
        el(
          'p',
          { className: 'empty' },
          board === 'humans'
            ? 'No rated humans yet: log in and finish a race against bots or agents to get on this board.'
            : 'No ratings yet: they appear here after the first rated race.',
        ),
      );
      previous = new Map();
      return;
    }
    const changed = new Set<string>();
    const next = new Map<string, { rank: number; ordinal: number }>();
    for (const row of result.rows) {
      const key = `${row.kind}:${row.id}`;
      const before = previous.get(key);
      if (previous.size > 0 && (before === undefined || before.rank !== row.rank || before.ordinal !== row.ordinal)) {
        changed.add(key);
      }
      next.set(key, { rank: row.rank, ordinal: row.ordinal });
    }
    previous = next;
    tableHolder.replaceChildren(
      createDataTable(
        'data-table leaderboard-table',
        [
          { label: '#', className: 'num' },
          'Name',
          { label: 'Kind', className: 'col-kind' },
          { label: 'Rating', className: 'num' },
          { label: 'μ ± σ', className: 'num col-mu' },
          { label: 'Races', className: 'num' },
        ],
        el('tbody', null, ...result.rows.map((row) => renderRow(row, changed.has(`${row.kind}:${row.id}`)))),
      ),
    );
  }

  function renderRow(row: LeaderboardRow, changed: boolean): HTMLTableRowElement {
    const path = subjectPath(row.kind, row.id);
    return el(
      'tr',
      {
        className: changed ? 'row-changed' : '',
        attrs: { 'data-kind': row.kind, 'data-id': row.id },
      },
      el('td', { className: 'num rank' }, String(row.rank)),
      el(
        'td',
        { className: 'name' },
        path === null ? row.name : link(path, row.name),
        el('span', { className: `tag tag-${row.kind} kind-inline` }, KIND_LABELS[row.kind]),
      ),
      el('td', { className: 'col-kind' }, el('span', { className: `tag tag-${row.kind}` }, KIND_LABELS[row.kind])),
      el('td', { className: 'num strong' }, formatRating(row.ordinal)),
      el('td', { className: 'num col-mu muted' }, `${formatRating(row.mu)} ± ${formatRating(row.sigma)}`),
      el('td', { className: 'num' }, String(row.races)),
    );
  }

  async function loadNewest(seq: number): Promise<void> {
    try {
      const agents = (await app.api<AgentSummary[]>('/api/agents')).slice(0, NEWEST_AGENTS);
      const ratings = await Promise.all(
        agents.map((a) =>
          fetchAgentRatings(app, a.id).then(
            (r) => r.rating,
            () => null,
          ),
        ),
      );
      if (disposed || seq !== loadSeq) return;
      if (agents.length === 0) {
        newest.hidden = true;
        return;
      }
      const now = Date.now();
      newest.replaceChildren(
        el('h2', null, 'Newest agents'),
        el(
          'ul',
          { className: 'newest-list' },
          ...agents.map((agent, i) => {
            const rating = ratings[i] ?? null;
            return el(
              'li',
              { attrs: { 'data-id': agent.id } },
              link(`/agents/${encodeURIComponent(agent.id)}`, agent.name),
              agent.version > 1 ? el('span', { className: 'muted' }, ` v${agent.version}`) : null,
              el(
                'span',
                { className: 'muted' },
                ` · ${agent.ownerName === null ? 'the arena' : agent.ownerName} · ${formatTimeAgo(agent.createdAt, now)}`,
              ),
              el(
                'span',
                { className: rating === null ? 'tag tag-muted' : 'tag tag-agent' },
                rating === null ? 'awaiting its first rated race' : `rating ${formatRating(rating.ordinal)}`,
              ),
            );
          }),
        ),
      );
      newest.hidden = false;
    } catch {
      // The board above is what matters; the list is left as it was.
    }
  }

  const onUpdate = (update: { boards: readonly Board[] }): void => {
    if (!update.boards.includes(board)) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void load(), REFRESH_DEBOUNCE_MS);
  };
  const onReconnect = (): void => void load();
  app.socket.on('leaderboard:update', onUpdate);
  app.socket.on('connect', onReconnect);
  void load();

  return () => {
    disposed = true;
    clearTimeout(refreshTimer);
    app.socket.off('leaderboard:update', onUpdate);
    app.socket.off('connect', onReconnect);
  };
};
