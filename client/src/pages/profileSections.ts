/**
 * The parts the agent and player pages share: the page frame (header, rating panel, recent
 * races), the rating summary, the rating-history chart and the paged "recent races" table,
 * refreshed live after rated races (`leaderboard:update`).
 */
import type { RaceHistoryPage, RatingHistory } from '../../../shared/protocol/httpApi.ts';
import type { ClientApp } from '../clientApp.ts';
import { el, link } from '../widgets/element.ts';
import { formatRating } from '../widgets/formats.ts';
import { createPager, createRaceHistoryTable } from '../widgets/raceHistoryTable.ts';
import { createResponsiveRatingChart } from '../widgets/ratingChart.ts';
import { errorMessage } from './pageErrors.ts';

export const RACES_PAGE_SIZE = 10;

/** A row of figures: rating, μ, σ, races. */
export function createRatingSummary(history: RatingHistory): HTMLElement {
  const rating = history.rating;
  const stat = (label: string, value: string, title?: string): HTMLElement =>
    el(
      'div',
      { className: 'stat', ...(title === undefined ? {} : { title }) },
      el('span', { className: 'stat-value' }, value),
      el('span', { className: 'stat-label' }, label),
    );
  if (rating === null) {
    return el('div', { className: 'stats' }, stat('rating', 'unrated', 'no rated race yet'), stat('rated races', '0'));
  }
  return el(
    'div',
    { className: 'stats' },
    stat('rating (μ − 3σ)', formatRating(rating.ordinal), 'what the board ranks by'),
    stat('skill μ', formatRating(rating.mu)),
    stat('uncertainty σ', formatRating(rating.sigma)),
    stat('rated races', String(rating.races)),
  );
}

/** The chart section's content for a history (or a sentence when there is none yet). */
export function createRatingHistorySection(app: ClientApp, history: RatingHistory): HTMLElement {
  if (history.history.length === 0) {
    return el('p', { className: 'empty' }, 'No rated races yet: the chart starts with the first one.');
  }
  return el(
    'figure',
    { className: 'chart' },
    createResponsiveRatingChart(history.history, {
      onSelect: (point) => app.navigate(`/replays/${encodeURIComponent(point.raceId)}`),
    }),
    el(
      'figcaption',
      { className: 'muted chart-legend' },
      el('span', { className: 'legend-line' }),
      ' rating (μ − 3σ) after each rated race  ',
      el('span', { className: 'legend-mu' }),
      ' skill μ; click a point for its replay',
    ),
  );
}

export interface RaceHistorySection {
  readonly element: HTMLElement;
  /** Loads a page (the current one when omitted). */
  load(page?: number): Promise<void>;
}

/** The paged "recent races" section. */
export function createRaceHistorySection(
  fetchPage: (page: number, pageSize: number) => Promise<RaceHistoryPage>,
  options: { showName?: boolean; emptyText: string },
): RaceHistorySection {
  let page = 1;
  let seq = 0;
  const body = el('div', { className: 'table-scroll' });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const pager = createPager((p) => void load(p));
  const element = el('div', null, error, body, pager.element);

  async function load(nextPage = page): Promise<void> {
    const mine = ++seq;
    try {
      const result = await fetchPage(nextPage, RACES_PAGE_SIZE);
      if (mine !== seq) return;
      page = nextPage;
      error.hidden = true;
      pager.update(result.page, result.pageSize, result.total);
      body.replaceChildren(
        result.races.length === 0
          ? el('p', { className: 'empty' }, options.emptyText)
          : createRaceHistoryTable(result.races, {
              nowMs: Date.now(),
              ...(options.showName === undefined ? {} : { showName: options.showName }),
            }),
      );
    } catch (err) {
      if (mine !== seq) return;
      error.textContent = `Could not load the races: ${errorMessage(err)}`;
      error.hidden = false;
    }
  }

  return { element, load };
}

/** Calls `refresh` after rated races (debounced) and on reconnect; returns the unsubscribe. */
export function onRatingsChanged(app: ClientApp, refresh: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  app.socket.on('leaderboard:update', later);
  app.socket.on('connect', later);
  return () => {
    clearTimeout(timer);
    app.socket.off('leaderboard:update', later);
    app.socket.off('connect', later);
  };
}

export interface ProfilePageOptions {
  /** The page root's own class (`agent-page`), after `page sheet`. */
  readonly className: string;
  /** The heading until the subject has loaded. */
  readonly heading: string;
  /** The board the breadcrumb leads back to. */
  readonly board: 'agents' | 'humans';
  /** Shown after the subtitle in the header (buttons). */
  readonly headerActions?: HTMLElement;
  /** One page of the subject's races. */
  readonly fetchRaces: (page: number, pageSize: number) => Promise<RaceHistoryPage>;
  readonly races: { showName?: boolean; emptyText: string };
  /** The page-specific panel after the races (hidden until filled). */
  readonly lastPanel: HTMLElement;
}

export interface ProfilePage {
  readonly title: HTMLHeadingElement;
  readonly subtitle: HTMLParagraphElement;
  readonly ratingPanel: HTMLElement;
  readonly racesPanel: HTMLElement;
  readonly chart: HTMLElement;
  readonly races: RaceHistorySection;
  /** Shows `message` in the page's alert line. */
  showError(message: string): void;
  /** Draws the rating summary and its chart. */
  showRatings(history: RatingHistory): void;
  /** True once the page was left (answers that come later are dropped). */
  isDisposed(): boolean;
  /** Marks the page left. */
  dispose(): void;
}

/** Appends a profile page to `root`: header, alert line, rating, recent races, `lastPanel`. */
export function createProfilePage(root: HTMLElement, app: ClientApp, options: ProfilePageOptions): ProfilePage {
  let disposed = false;
  const title = el('h1', null, options.heading);
  const subtitle = el('p', { className: 'muted' });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const summary = el('div');
  const chart = el('div', { className: 'chart-holder' }, el('p', { className: 'muted' }, 'Loading…'));
  const races = createRaceHistorySection(options.fetchRaces, options.races);
  const ratingPanel = el('section', { className: 'panel' }, el('h2', null, 'Rating'), summary, chart);
  const racesPanel = el('section', { className: 'panel' }, el('h2', null, 'Recent races'), races.element);

  root.append(
    el(
      'div',
      { className: `page sheet ${options.className}` },
      el(
        'header',
        { className: 'page-header' },
        el('p', { className: 'breadcrumb' }, link(`/leaderboard?board=${options.board}`, '← Leaderboard')),
        title,
        subtitle,
        options.headerActions,
      ),
      error,
      ratingPanel,
      racesPanel,
      options.lastPanel,
    ),
  );

  return {
    title,
    subtitle,
    ratingPanel,
    racesPanel,
    chart,
    races,
    showError(message) {
      error.textContent = message;
      error.hidden = false;
    },
    showRatings(history) {
      summary.replaceChildren(createRatingSummary(history));
      chart.replaceChildren(createRatingHistorySection(app, history));
    },
    isDisposed: () => disposed,
    dispose() {
      disposed = true;
    },
  };
}

/**
 * Loads a profile page: its ratings first (false: the subject does not exist), then its races
 * and `loadDetails`; reloads the ratings and races after rated races. Returns the page's dispose.
 */
export function startProfilePage(
  app: ClientApp,
  page: ProfilePage,
  steps: { loadRatings(): Promise<boolean>; loadDetails(): Promise<void> },
): () => void {
  const unsubscribe = onRatingsChanged(app, () => {
    void steps.loadRatings();
    void page.races.load();
  });
  void (async () => {
    if (!(await steps.loadRatings()) || page.isDisposed()) return;
    void page.races.load();
    void steps.loadDetails();
  })();
  return () => {
    page.dispose();
    unsubscribe();
  };
}
