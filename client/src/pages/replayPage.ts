import type { PageMount } from '../clientApp.ts';

// Placeholder until the page is written (issue 6).
export const mountReplayPage: PageMount = (root) => {
  root.textContent = 'replayPage';
};
