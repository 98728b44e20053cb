import type { PageMount } from '../clientApp.ts';

// Placeholder until the page is written (issue 6).
export const mountUploadPage: PageMount = (root) => {
  root.textContent = 'uploadPage';
};
