import type { PageMount } from './clientApp.ts';

export interface Route {
  readonly pattern: string;
  readonly mount: PageMount;
  /** The nav entry this page belongs to (highlighted in the header). */
  readonly section: 'lobby' | 'leaderboard' | 'upload' | 'account' | 'none';
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Matches `/races/:id` style patterns against a pathname (no query). */
export function matchRoute(routes: readonly Route[], pathname: string): RouteMatch | null {
  const parts = pathname.split('/').filter((part) => part !== '');
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter((part) => part !== '');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < pattern.length; i++) {
      const want = pattern[i]!;
      const got = parts[i]!;
      if (want.startsWith(':')) params[want.slice(1)] = decodeURIComponent(got);
      else if (want !== got) {
        matched = false;
        break;
      }
    }
    if (matched) return { route, params };
  }
  return null;
}
