import { createClientApp } from './clientApp.ts';
import { matchRoute, type Route } from './router.ts';
import { mountLobbyPage } from './pages/lobbyPage.ts';
import { mountRacePage } from './pages/racePage.ts';
import { mountReplayPage } from './pages/replayPage.ts';
import { mountLeaderboardPage } from './pages/leaderboardPage.ts';
import { mountAgentPage } from './pages/agentPage.ts';
import { mountPlayerPage } from './pages/playerPage.ts';
import { mountUploadPage } from './pages/uploadPage.ts';
import { mountLoginPage, mountRegisterPage } from './pages/accountPage.ts';

const routes: readonly Route[] = [
  { pattern: '/', mount: mountLobbyPage, section: 'lobby' },
  { pattern: '/races/:id', mount: mountRacePage, section: 'lobby' },
  { pattern: '/replays/:id', mount: mountReplayPage, section: 'lobby' },
  { pattern: '/leaderboard', mount: mountLeaderboardPage, section: 'leaderboard' },
  { pattern: '/agents/:id', mount: mountAgentPage, section: 'leaderboard' },
  { pattern: '/players/:id', mount: mountPlayerPage, section: 'leaderboard' },
  { pattern: '/upload', mount: mountUploadPage, section: 'upload' },
  { pattern: '/login', mount: mountLoginPage, section: 'account' },
  { pattern: '/register', mount: mountRegisterPage, section: 'account' },
];

const root = document.getElementById('app')!;
let cleanup: (() => void) | void = undefined;

const app = createClientApp((path) => {
  history.pushState(null, '', path);
  render();
});

function render(): void {
  if (typeof cleanup === 'function') cleanup();
  cleanup = undefined;
  root.replaceChildren();
  const match = matchRoute(routes, location.pathname);
  if (match === null) {
    root.textContent = 'Page not found';
    return;
  }
  cleanup = match.route.mount(root, app, match.params, new URLSearchParams(location.search));
}

window.addEventListener('popstate', render);
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a');
  if (link === null || link === undefined || link.target === '_blank' || link.origin !== location.origin) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  app.navigate(link.pathname + link.search);
});

void app.refreshUser().finally(render);
