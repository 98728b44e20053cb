/**
 * /agents/:id: an agent version's rating, its rating history as a chart, its recent races with
 * replay links, what it is (format, observation, action) and its validation report. Ratings and
 * races refresh live after rated races; "Race it" opens a race against three bots.
 */
import './pages.css';
import type { AgentRecord } from '../../../shared/protocol/httpApi.ts';
import type { PageMount } from '../clientApp.ts';
import { el } from '../widgets/element.ts';
import { formatBytes, formatTimeAgo } from '../widgets/formats.ts';
import { createTrialView, createValidationReportView } from '../widgets/validationReportView.ts';
import { errorMessage, isNotFound } from './pageErrors.ts';
import { createProfilePage, startProfilePage } from './profileSections.ts';
import { fetchAgent, fetchAgentRaces, fetchAgentRatings } from './ratingsApi.ts';

export const mountAgentPage: PageMount = (root, app, params) => {
  const agentId = params.id ?? '';

  const actions = el('div', { className: 'page-actions' });
  const details = el('section', { className: 'panel', hidden: true });
  const page = createProfilePage(root, app, {
    className: 'agent-page',
    heading: 'Agent',
    board: 'agents',
    headerActions: actions,
    fetchRaces: (p, size) => fetchAgentRaces(app, agentId, p, size),
    races: {
      emptyText: 'No races yet. The ladder races new agents soon after they are uploaded, or race it yourself.',
    },
    lastPanel: details,
  });
  const { title, subtitle } = page;

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
      if (!page.isDisposed()) app.navigate(`/races/${encodeURIComponent(id)}`);
    } catch (err) {
      button.disabled = false;
      page.showError(`Could not start a race: ${errorMessage(err)}`);
    }
  }

  async function loadRatings(): Promise<boolean> {
    try {
      const history = await fetchAgentRatings(app, agentId);
      if (!page.isDisposed()) page.showRatings(history);
      return true;
    } catch (err) {
      if (page.isDisposed()) return false;
      if (isNotFound(err)) {
        title.textContent = 'Agent not found';
        subtitle.textContent = `There is no agent "${agentId}". It may never have existed, or its link is wrong.`;
        page.chart.replaceChildren();
        page.racesPanel.hidden = true;
        return false;
      }
      page.showError(`Could not load the ratings: ${errorMessage(err)}`);
      return true;
    }
  }

  async function loadAgent(): Promise<void> {
    try {
      const agent = await fetchAgent(app, agentId);
      if (!page.isDisposed()) renderAgent(agent);
    } catch (err) {
      if (page.isDisposed()) return;
      if (isNotFound(err)) {
        title.textContent = 'Deleted agent';
        subtitle.textContent = 'Its owner deleted this agent: it races no more, but its rating and races stay.';
      } else {
        page.showError(`Could not load the agent: ${errorMessage(err)}`);
      }
    }
  }

  return startProfilePage(app, page, { loadRatings, loadDetails: loadAgent });
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
