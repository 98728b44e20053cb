/**
 * /login and /register: the account forms (POST /api/login, /api/register), checked in the
 * browser before they are sent; after success the app re-reads the user and goes on to `?next=`
 * (or the lobby). Both pages also let a guest pick the nickname they race under, and show a
 * logged-in user who they are with a way to log out.
 */
import './pages.css';
import type { ClientApp, PageMount } from '../clientApp.ts';
import { el, link } from '../widgets/element.ts';
import { createFormField } from '../widgets/formField.ts';
import {
  NICKNAME_MAX_LENGTH,
  asSentence,
  checkLogin,
  checkNickname,
  checkRegistration,
  safeNextPath,
  type FieldErrors,
} from './accountRules.ts';
import { errorMessage } from './pageErrors.ts';
import { ApiError } from '../clientApp.ts';

type Mode = 'login' | 'register';

export const mountLoginPage: PageMount = (root, app, _params, query) => mountAccountPage(root, app, query, 'login');

export const mountRegisterPage: PageMount = (root, app, _params, query) =>
  mountAccountPage(root, app, query, 'register');

function mountAccountPage(root: HTMLElement, app: ClientApp, query: URLSearchParams, mode: Mode): () => void {
  const next = safeNextPath(query.get('next'));
  const nextQuery = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  const accountPanel = el('section', { className: 'panel account-panel' });
  const heading = el('h1');
  const guestPanel = createGuestPanel(app);

  root.append(
    el(
      'div',
      { className: 'page sheet account-page' },
      el('header', { className: 'page-header' }, heading),
      el('div', { className: 'account-columns' }, accountPanel, guestPanel.element),
    ),
  );

  function render(): void {
    const user = app.user;
    heading.textContent = user !== null ? 'Your account' : mode === 'login' ? 'Log in' : 'Create an account';
    if (user !== null) {
      accountPanel.replaceChildren(...loggedIn(app, user, next));
      guestPanel.element.hidden = true;
      return;
    }
    guestPanel.element.hidden = false;
    guestPanel.refresh();
    accountPanel.replaceChildren(
      ...(mode === 'login' ? loginForm(app, next, nextQuery) : registerForm(app, next, nextQuery)),
    );
  }

  render();
  document.title = `${mode === 'login' ? 'Log in' : 'Register'} · CarRacing Arena`;
  // Logging in or out elsewhere (the header, another tab's cookie) redraws the page.
  let lastUser = app.user?.id ?? null;
  const unsubscribe = app.onUserChange(() => {
    const now = app.user?.id ?? null;
    if (now !== lastUser) {
      lastUser = now;
      render();
    } else {
      guestPanel.refresh();
    }
  });
  return unsubscribe;
}

function loggedIn(app: ClientApp, user: { id: string; name: string }, next: string): HTMLElement[] {
  const logout = el('button', { type: 'button', className: 'button', textContent: 'Log out' });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    try {
      await app.api('/api/logout', { method: 'POST' });
      await app.refreshUser();
    } catch (err) {
      logout.disabled = false;
      error.textContent = `Could not log out: ${errorMessage(err)}`;
      error.hidden = false;
    }
  });
  return [
    el('h2', null, `You are logged in as ${user.name}`),
    el('p', { className: 'muted' }, 'Your races are rated, and you can upload agents.'),
    el(
      'div',
      { className: 'page-actions' },
      link(next, next === '/' ? 'Go to the lobby' : 'Continue'),
      link(`/players/${encodeURIComponent(user.id)}`, 'Your ratings and races'),
      link('/upload', 'Upload an agent'),
      logout,
    ),
    error,
  ];
}

interface AccountForm {
  readonly form: HTMLFormElement;
  readonly name: ReturnType<typeof createFormField<HTMLInputElement>>;
  readonly password: ReturnType<typeof createFormField<HTMLInputElement>>;
  readonly submit: HTMLButtonElement;
  readonly error: HTMLElement;
}

function credentialsForm(mode: Mode): AccountForm {
  const name = createFormField(
    'Name',
    el('input', {
      type: 'text',
      name: 'name',
      autocomplete: 'username',
      required: true,
      maxLength: 64,
      autocapitalize: 'none',
      spellcheck: false,
    }),
    mode === 'register' ? '3 to 24 letters, digits, _ or -' : undefined,
  );
  const password = createFormField(
    'Password',
    el('input', {
      type: 'password',
      name: 'password',
      autocomplete: mode === 'login' ? 'current-password' : 'new-password',
      required: true,
      maxLength: 200,
    }),
    mode === 'register' ? 'at least 8 characters' : undefined,
  );
  const submit = el('button', {
    type: 'submit',
    className: 'button button-primary',
    textContent: mode === 'login' ? 'Log in' : 'Create account',
  });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const form = el('form', { className: 'form', noValidate: true }, name.element, password.element);
  return { form, name, password, submit, error };
}

function showFieldErrors(
  form: AccountForm,
  errors: FieldErrors,
  confirm?: ReturnType<typeof createFormField>,
): boolean {
  form.name.setError(errors.name);
  form.password.setError(errors.password);
  confirm?.setError(errors.confirm);
  const first = [
    errors.name && form.name.control,
    errors.password && form.password.control,
    errors.confirm && confirm?.control,
  ].find((c) => c);
  if (first) first.focus();
  return first === undefined;
}

function showFormError(form: AccountForm, message: string | undefined): void {
  form.error.textContent = message ?? '';
  form.error.hidden = message === undefined;
}

function loginForm(app: ClientApp, next: string, nextQuery: string): HTMLElement[] {
  const f = credentialsForm('login');
  f.form.append(f.error, el('div', { className: 'form-actions' }, f.submit));
  f.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFormError(f, undefined);
    const name = f.name.control.value.trim();
    const password = f.password.control.value;
    if (!showFieldErrors(f, checkLogin(name, password))) return;
    f.submit.disabled = true;
    try {
      await app.api('/api/login', { method: 'POST', body: JSON.stringify({ name, password }) });
      await app.refreshUser();
      app.navigate(next);
    } catch (err) {
      f.submit.disabled = false;
      showFormError(
        f,
        err instanceof ApiError && err.status === 401 ? 'Wrong name or password.' : asSentence(errorMessage(err)),
      );
      f.password.control.select();
    }
  });
  return [
    f.form,
    el('p', { className: 'muted' }, 'No account yet? ', link(`/register${nextQuery}`, 'Create one'), '.'),
  ];
}

function registerForm(app: ClientApp, next: string, nextQuery: string): HTMLElement[] {
  const f = credentialsForm('register');
  const confirm = createFormField(
    'Password again',
    el('input', { type: 'password', name: 'confirm', autocomplete: 'new-password', required: true, maxLength: 200 }),
  );
  f.form.append(confirm.element, f.error, el('div', { className: 'form-actions' }, f.submit));
  f.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFormError(f, undefined);
    const name = f.name.control.value.trim();
    const password = f.password.control.value;
    if (!showFieldErrors(f, checkRegistration(name, password, confirm.control.value), confirm)) return;
    f.submit.disabled = true;
    try {
      await app.api('/api/register', { method: 'POST', body: JSON.stringify({ name, password }) });
      await app.api('/api/login', { method: 'POST', body: JSON.stringify({ name, password }) });
      await app.refreshUser();
      app.navigate(next);
    } catch (err) {
      f.submit.disabled = false;
      if (err instanceof ApiError && err.code === 'NAME_TAKEN') {
        f.name.setError(`${name} is taken; pick another name.`);
        f.name.control.focus();
      } else {
        showFormError(f, asSentence(errorMessage(err)));
      }
    }
  });
  return [
    el(
      'p',
      { className: 'muted' },
      'An account rates your races on the leaderboard and lets you upload agents. Guests can race without one.',
    ),
    f.form,
    el('p', { className: 'muted' }, 'Have an account? ', link(`/login${nextQuery}`, 'Log in'), '.'),
  ];
}

/** "Race as a guest": the nickname a guest drives under (kept in this browser). */
function createGuestPanel(app: ClientApp): { element: HTMLElement; refresh(): void } {
  const nickname = createFormField(
    'Nickname',
    el('input', { type: 'text', name: 'nickname', maxLength: NICKNAME_MAX_LENGTH, autocomplete: 'off' }),
    'shown on your car; guests are not rated',
  );
  const saved = el('p', { className: 'form-ok', hidden: true, attrs: { role: 'status' } });
  const submit = el('button', { type: 'submit', className: 'button', textContent: 'Save nickname' });
  const form = el(
    'form',
    { className: 'form', noValidate: true },
    nickname.element,
    saved,
    el('div', { className: 'form-actions' }, submit, link('/', 'Race as a guest')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const error = checkNickname(nickname.control.value);
    nickname.setError(error);
    saved.hidden = true;
    if (error !== undefined) return;
    app.setGuestNickname(nickname.control.value);
    nickname.control.value = app.driverName;
    saved.textContent = `You race as ${app.driverName}.`;
    saved.hidden = false;
  });
  const element = el(
    'section',
    { className: 'panel guest-panel' },
    el('h2', null, 'Or race as a guest'),
    el('p', { className: 'muted' }, 'No account needed to drive and spectate.'),
    form,
  );
  return {
    element,
    refresh() {
      if (document.activeElement !== nickname.control) nickname.control.value = app.driverName;
    },
  };
}
