/**
 * /players/:id: a human's rating, its history as a chart, their recent races with replay links
 * and the agents they uploaded. Refreshes live after rated races.
 */
import './pages.css';
import type { AgentSummary, PlayerRatings } from '../../../shared/protocol/httpApi.ts';
import type { PageMount } from '../clientApp.ts';
import { el, link } from '../widgets/element.ts';
import { formatTimeAgo } from '../widgets/formats.ts';
import { errorMessage, isNotFound } from './pageErrors.ts';
import { createProfilePage, startProfilePage } from './profileSections.ts';
import { fetchPlayerRaces, fetchPlayerRatings } from './ratingsApi.ts';

export const mountPlayerPage: PageMount = (root, app, params) => {
  const playerId = params.id ?? '';
  let name: string | null = null;

  const agentsPanel = el('section', { className: 'panel', hidden: true });
  const page = createProfilePage(root, app, {
    className: 'player-page',
    heading: 'Player',
    board: 'humans',
    fetchRaces: (p, size) => fetchPlayerRaces(app, playerId, p, size),
    races: { showName: true, emptyText: 'No races yet.' },
    lastPanel: agentsPanel,
  });
  const { title, subtitle } = page;

  function renderPlayer(player: PlayerRatings): void {
    name = player.name;
    document.title = `${player.name} · CarRacing Arena`;
    title.textContent = player.name;
    const you = app.user?.id === player.playerId ? 'You · ' : '';
    subtitle.textContent = `${you}Human driver · joined ${formatTimeAgo(player.createdAt, Date.now())}`;
    page.showRatings(player);
  }

  async function loadRatings(): Promise<boolean> {
    try {
      const player = await fetchPlayerRatings(app, playerId);
      if (!page.isDisposed()) renderPlayer(player);
      return true;
    } catch (err) {
      if (page.isDisposed()) return false;
      if (isNotFound(err)) {
        title.textContent = 'Player not found';
        subtitle.textContent = `There is no player "${playerId}". Guests race under a nickname and have no page.`;
        page.ratingPanel.hidden = true;
        page.racesPanel.hidden = true;
        return false;
      }
      page.showError(`Could not load the player: ${errorMessage(err)}`);
      return true;
    }
  }

  async function loadAgents(): Promise<void> {
    if (name === null) return;
    try {
      const agents = (await app.api<AgentSummary[]>('/api/agents')).filter((a) => a.ownerName === name);
      if (page.isDisposed()) return;
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

  return startProfilePage(app, page, { loadRatings, loadDetails: loadAgents });
};
