import type { PageMount } from '../clientApp.ts';

// Placeholder until the page is written (issue 6).
export const mountLoginPage: PageMount = (root) => {
  root.textContent = 'accountPage';
};

export const mountRegisterPage: PageMount = (root) => {
  root.textContent = 'register';
};
