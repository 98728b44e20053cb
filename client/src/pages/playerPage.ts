/**
 * /players/:id: a human's rating, its history as a chart, their recent races with replay links
 * and the agents they uploaded. Refreshes live after rated races.
 */
import './pages.css';
import type { PageMount } from '../clientApp.ts';
import { el, link } from '../widgets/element.ts';
import { formatTimeAgo } from '../widgets/formats.ts';
import { errorMessage, isNotFound } from './pageErrors.ts';
import {
  createRaceHistorySection,
  createRatingHistorySection,
  createRatingSummary,
  onRatingsChanged,
} from './profileSections.ts';
import { fetchPlayerRaces, fetchPlayerRatings, type AgentSummary, type PlayerRatings } from './ratingsApi.ts';

export const mountPlayerPage: PageMount = (root, app, params) => {
  const playerId = params.id ?? '';
  let disposed = false;
  let name: string | null = null;

  const title = el('h1', null, 'Player');
  const subtitle = el('p', { className: 'muted' });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const summary = el('div');
  const chart = el('div', { className: 'chart-holder' }, el('p', { className: 'muted' }, 'Loading…'));
  const races = createRaceHistorySection((page, size) => fetchPlayerRaces(app, playerId, page, size), {
    showName: true,
    emptyText: 'No races yet.',
  });
  const racesPanel = el('section', { className: 'panel' }, el('h2', null, 'Recent races'), races.element);
  const ratingPanel = el('section', { className: 'panel' }, el('h2', null, 'Rating'), summary, chart);
  const agentsPanel = el('section', { className: 'panel', hidden: true });

  root.append(
    el(
      'div',
      { className: 'page sheet player-page' },
      el(
        'header',
        { className: 'page-header' },
        el('p', { className: 'breadcrumb' }, link('/leaderboard?board=humans', '← Leaderboard')),
        title,
        subtitle,
      ),
      error,
      ratingPanel,
      racesPanel,
      agentsPanel,
    ),
  );

  function renderPlayer(player: PlayerRatings): void {
    name = player.name;
    document.title = `${player.name} · CarRacing Arena`;
    title.textContent = player.name;
    const you = app.user?.id === player.playerId ? 'You · ' : '';
    subtitle.textContent = `${you}Human driver · joined ${formatTimeAgo(player.createdAt, Date.now())}`;
    summary.replaceChildren(createRatingSummary(player));
    chart.replaceChildren(createRatingHistorySection(app, player));
  }

  async function loadRatings(): Promise<boolean> {
    try {
      const player = await fetchPlayerRatings(app, playerId);
      if (!disposed) renderPlayer(player);
      return true;
    } catch (err) {
      if (disposed) return false;
      if (isNotFound(err)) {
        title.textContent = 'Player not found';
        subtitle.textContent = `There is no player "${playerId}". Guests race under a nickname and have no page.`;
        ratingPanel.hidden = true;
        racesPanel.hidden = true;
        return false;
      }
      error.textContent = `Could not load the player: ${errorMessage(err)}`;
      error.hidden = false;
      return true;
    }
  }

  async function loadAgents(): Promise<void> {
    if (name === null) return;
    try {
      const agents = (await app.api<AgentSummary[]>('/api/agents')).filter((a) => a.ownerName === name);
      if (disposed) return;
      agentsPanel.hidden = agents.length === 0;
      agentsPanel.replaceChildren(
        el('h2', null, 'Agents'),
        el(
          'ul',
          { className: 'newest-list' },
          ...agents.map((a) =>
            el(
              'li',
              null,
              link(`/agents/${encodeURIComponent(a.id)}`, a.name),
              el(
                'span',
                { className: 'muted' },
                ` v${a.version} · ${a.format} · ${formatTimeAgo(a.createdAt, Date.now())}`,
              ),
            ),
          ),
        ),
      );
    } catch {
      // Optional: the page stands without the list.
    }
  }

  async function load(): Promise<void> {
    if (!(await loadRatings()) || disposed) return;
    void races.load();
    void loadAgents();
  }

  const unsubscribe = onRatingsChanged(app, () => {
    void loadRatings();
    void races.load();
  });
  void load();

  return () => {
    disposed = true;
    unsubscribe();
  };
};
