/**
 * /agents/:id: an agent version's rating, its rating history as a chart, its recent races with
 * replay links, what it is (format, observation, action) and its validation report. Ratings and
 * races refresh live after rated races; "Race it" opens a race against three bots.
 */
import './pages.css';
import type { PageMount } from '../clientApp.ts';
import { el, link } from '../widgets/element.ts';
import { formatBytes, formatTimeAgo } from '../widgets/formats.ts';
import { createTrialView, createValidationReportView } from '../widgets/validationReportView.ts';
import { errorMessage, isNotFound } from './pageErrors.ts';
import {
  createRaceHistorySection,
  createRatingHistorySection,
  createRatingSummary,
  onRatingsChanged,
} from './profileSections.ts';
import { fetchAgent, fetchAgentRaces, fetchAgentRatings, type AgentRecord, type RatingHistory } from './ratingsApi.ts';

export const mountAgentPage: PageMount = (root, app, params) => {
  const agentId = params.id ?? '';
  let disposed = false;

  const title = el('h1', null, 'Agent');
  const subtitle = el('p', { className: 'muted' });
  const actions = el('div', { className: 'page-actions' });
  const error = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const summary = el('div');
  const chart = el('div', { className: 'chart-holder' }, el('p', { className: 'muted' }, 'Loading…'));
  const races = createRaceHistorySection((page, size) => fetchAgentRaces(app, agentId, page, size), {
    emptyText: 'No races yet. The ladder races new agents soon after they are uploaded, or race it yourself.',
  });
  const details = el('section', { className: 'panel', hidden: true });

  root.append(
    el(
      'div',
      { className: 'page sheet agent-page' },
      el(
        'header',
        { className: 'page-header' },
        el('p', { className: 'breadcrumb' }, link('/leaderboard?board=agents', '← Leaderboard')),
        title,
        subtitle,
        actions,
      ),
      error,
      el('section', { className: 'panel' }, el('h2', null, 'Rating'), summary, chart),
      el('section', { className: 'panel' }, el('h2', null, 'Recent races'), races.element),
      details,
    ),
  );

  function showError(message: string): void {
    error.textContent = message;
    error.hidden = false;
  }

  function renderRatings(history: RatingHistory): void {
    summary.replaceChildren(createRatingSummary(history));
    chart.replaceChildren(createRatingHistorySection(app, history));
  }

  function renderAgent(agent: AgentRecord): void {
    document.title = `${agent.name} · CarRacing Arena`;
    title.replaceChildren(agent.name);
    if (agent.version > 1) title.append(el('span', { className: 'muted title-version' }, ` v${agent.version}`));
    subtitle.textContent = `${agent.ownerName === null ? 'An arena agent' : `Uploaded by ${agent.ownerName}`} · ${formatTimeAgo(agent.createdAt, Date.now())}`;
    const raceButton = el('button', {
      type: 'button',
      className: 'button button-primary',
      textContent: 'Race it against 3 bots',
    });
    raceButton.addEventListener('click', () => void raceIt(raceButton));
    actions.replaceChildren(raceButton);
    details.replaceChildren(...agentDetails(agent));
    details.hidden = false;
  }

  async function raceIt(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const { id } = await app.api<{ id: string }>('/api/races', {
        method: 'POST',
        body: JSON.stringify({
          laps: 1,
          agents: [agentId],
          bots: [{ difficulty: 'easy' }, { difficulty: 'medium' }, { difficulty: 'hard' }],
          waitSeconds: 0,
        }),
      });
      if (!disposed) app.navigate(`/races/${encodeURIComponent(id)}`);
    } catch (err) {
      button.disabled = false;
      showError(`Could not start a race: ${errorMessage(err)}`);
    }
  }

  async function loadRatings(): Promise<boolean> {
    try {
      const history = await fetchAgentRatings(app, agentId);
      if (!disposed) renderRatings(history);
      return true;
    } catch (err) {
      if (disposed) return false;
      if (isNotFound(err)) {
        title.textContent = 'Agent not found';
        subtitle.textContent = `There is no agent "${agentId}". It may never have existed, or its link is wrong.`;
        chart.replaceChildren();
        races.element.closest('section')?.setAttribute('hidden', '');
        return false;
      }
      showError(`Could not load the ratings: ${errorMessage(err)}`);
      return true;
    }
  }

  async function load(): Promise<void> {
    const found = await loadRatings();
    if (!found || disposed) return;
    void races.load();
    try {
      const agent = await fetchAgent(app, agentId);
      if (!disposed) renderAgent(agent);
    } catch (err) {
      if (disposed) return;
      if (isNotFound(err)) {
        title.textContent = 'Deleted agent';
        subtitle.textContent = 'Its owner deleted this agent: it races no more, but its rating and races stay.';
      } else {
        showError(`Could not load the agent: ${errorMessage(err)}`);
      }
    }
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

/** What the agent is: model, observation, action, files, trial and report. */
function agentDetails(agent: AgentRecord): HTMLElement[] {
  const manifest = agent.manifest as {
    description?: string;
    observation?: { source?: string; style?: string; frameStack?: { size?: number }; pipeline?: { op: string }[] };
    action?: { type?: string; table?: unknown[]; activation?: string[] };
    control?: { actionRepeat?: number };
  };
  const observation = manifest.observation ?? {};
  const action = manifest.action ?? {};
  const pipeline = (observation.pipeline ?? []).map((op) => op.op).join(' → ');
  const rows: [string, string][] = [
    ['Model', `${agent.format}${agent.architecture === undefined ? '' : ` (${agent.architecture})`}`],
    [
      'Observation',
      `${observation.source === 'state-v1' ? 'state features' : '96×96 frames'}, CarRacing ${observation.style ?? 'v3'} style${pipeline === '' ? '' : `, ${pipeline}`}${(observation.frameStack?.size ?? 1) > 1 ? `, ${observation.frameStack?.size} frames stacked` : ''}`,
    ],
    [
      'Action',
      action.type === 'discrete'
        ? `discrete, ${action.table?.length ?? '?'} actions`
        : `continuous${action.activation?.some((a) => a !== 'none') ? ` (${action.activation.join(', ')})` : ''}`,
    ],
    [
      'Decides',
      (manifest.control?.actionRepeat ?? 1) === 1 ? 'every step' : `every ${manifest.control?.actionRepeat} steps`,
    ],
    ['Files', (agent.files ?? []).map((f) => `${f.name} (${formatBytes(f.size)})`).join(', ')],
  ];
  return [
    el('h2', null, 'About this agent'),
    manifest.description === undefined ? null : el('p', { className: 'description' }, manifest.description),
    el('dl', { className: 'facts' }, ...rows.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)])),
    agent.report?.trial === undefined ? null : createTrialView(agent.report.trial),
    Array.isArray(agent.report?.checks)
      ? el(
          'details',
          { className: 'report-details' },
          el('summary', null, 'Validation report'),
          createValidationReportView(agent.report),
        )
      : null,
  ].filter((e): e is HTMLElement => e !== null);
}
