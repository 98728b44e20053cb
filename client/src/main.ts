import './styles.css';
import { createClientApp, type ClientApp, type PageMount } from './clientApp.ts';
import { matchRoute, type Route } from './router.ts';
import { mountLobbyPage } from './pages/lobbyPage.ts';
import { mountLeaderboardPage } from './pages/leaderboardPage.ts';
import { mountAgentPage } from './pages/agentPage.ts';
import { mountPlayerPage } from './pages/playerPage.ts';
import { mountUploadPage } from './pages/uploadPage.ts';
import { mountLoginPage, mountRegisterPage } from './pages/accountPage.ts';
import { el, link } from './widgets/element.ts';

/**
 * A page whose code loads on first visit: the race and replay pages bring Pixi.js and the
 * simulation, which the lobby and the other pages do not need.
 */
function lazyPage(load: () => Promise<PageMount>): PageMount {
  return (root, app, params, query) => {
    let cleanup: (() => void) | void = undefined;
    let left = false;
    void load().then((mount) => {
      if (!left) cleanup = mount(root, app, params, query);
    });
    return () => {
      left = true;
      if (typeof cleanup === 'function') cleanup();
    };
  };
}

const mountRacePage = lazyPage(() => import('./pages/racePage.ts').then((m) => m.mountRacePage));
const mountReplayPage = lazyPage(() => import('./pages/replayPage.ts').then((m) => m.mountReplayPage));

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

const NAV: readonly { readonly href: string; readonly label: string; readonly section: Route['section'] }[] = [
  { href: '/', label: 'Lobby', section: 'lobby' },
  { href: '/leaderboard', label: 'Leaderboard', section: 'leaderboard' },
  { href: '/upload', label: 'Upload', section: 'upload' },
];

const shell = document.getElementById('app')!;
const nav = el('nav', { className: 'main-nav', attrs: { 'aria-label': 'Main' } });
const account = el('div', { className: 'account-area' });
const main = el('main', { className: 'app-main', id: 'main' });
shell.replaceChildren(
  el(
    'header',
    { className: 'app-header' },
    el(
      'a',
      { href: '/', className: 'brand' },
      el('span', { className: 'brand-mark', attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'brand-name' }, 'CarRacing Arena'),
    ),
    nav,
    account,
  ),
  main,
);

let cleanup: (() => void) | void = undefined;

const app = createClientApp((path) => {
  history.pushState(null, '', path);
  render();
});

function render(): void {
  if (typeof cleanup === 'function') cleanup();
  cleanup = undefined;
  main.replaceChildren();
  const match = matchRoute(routes, location.pathname);
  drawNav(match?.route.section ?? 'none');
  document.body.dataset.page = match === null ? 'none' : match.route.pattern.split('/')[1] || 'lobby';
  if (match === null) {
    main.append(
      el('div', { className: 'page not-found' }, el('h1', null, 'Page not found'), link('/', 'Back to the lobby')),
    );
    return;
  }
  cleanup = match.route.mount(main, app, match.params, new URLSearchParams(location.search));
  window.scrollTo(0, 0);
}

function drawNav(section: Route['section']): void {
  nav.replaceChildren(
    ...NAV.map((item) => {
      const a = link(item.href, item.label);
      if (item.section === section) a.setAttribute('aria-current', 'page');
      return a;
    }),
  );
}

/** The account area: the user's name and a logout button, or the guest's nickname with login and register links. */
function drawAccount(client: ClientApp): void {
  if (client.user !== null) {
    const logout = el('button', { type: 'button', className: 'button button-small logout' }, 'Log out');
    logout.addEventListener('click', () => {
      logout.disabled = true;
      client
        .api('/api/logout', { method: 'POST' })
        .catch(() => undefined)
        .finally(() => void client.refreshUser().catch(() => undefined));
    });
    account.replaceChildren(
      el(
        'span',
        { className: 'account-name', title: 'Logged in' },
        link(`/players/${encodeURIComponent(client.user.id)}`, client.user.name),
      ),
      logout,
    );
    return;
  }
  account.replaceChildren(
    el(
      'span',
      { className: 'account-name guest', title: 'Guest nickname (change it in the lobby)' },
      client.driverName,
    ),
    link('/login', 'Log in'),
    el('a', { href: '/register', className: 'button button-small button-primary' }, 'Register'),
  );
}

app.onUserChange(() => drawAccount(app));
drawAccount(app);

window.addEventListener('popstate', render);
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (anchor === null || anchor === undefined || anchor.target === '_blank' || anchor.origin !== location.origin)
    return;
  if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  app.navigate(anchor.pathname + anchor.search);
});

void app
  .refreshUser()
  .catch(() => undefined)
  .finally(render);
