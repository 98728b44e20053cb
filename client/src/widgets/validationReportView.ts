/**
 * An upload's validation report, check by check (shared/protocol/httpApi.ts): a
 * passed check with what it found, a failed one with what to fix in plain words, the skipped
 * ones greyed, and the trial episode's reward and decision latency.
 */
import type { CheckError, TrialResult, ValidationCheck, ValidationReport } from '../../../shared/protocol/httpApi.ts';
import { el } from './element.ts';

/** Check ids in words, for headings. */
const CHECK_TITLES: Record<string, string> = {
  size: 'Files and sizes',
  zip: 'Zip bundle',
  manifest: 'Manifest',
  model: 'Model file',
  shapes: 'Input and output shapes',
  weights: 'Weights',
  runtime: 'Test run',
  trial: 'Trial episode',
};

export function checkTitle(check: Pick<ValidationCheck, 'id' | 'label'>): string {
  return CHECK_TITLES[check.id] ?? check.label;
}

/**
 * A failed check as sentences: where ("In weights.npy, field shape"), what was expected and
 * what was found, then the hint. `upload` as the file means the upload as a whole.
 */
export function describeCheckError(error: Omit<CheckError, 'code'>): string {
  const where =
    error.file === 'upload' || error.file === ''
      ? `In the upload (${error.field})`
      : `In ${error.file}${error.field === '' ? '' : `, ${error.field}`}`;
  const sentence = `${where}: expected ${error.expected}, but found ${error.got}.`;
  return error.hint === undefined ? sentence : `${sentence} ${error.hint}`;
}

const STATUS_MARKS = { passed: '✓', failed: '✗', skipped: '–' } as const;
const STATUS_WORDS = { passed: 'passed', failed: 'failed', skipped: 'not run' } as const;

export function createValidationReportView(report: ValidationReport): HTMLElement {
  const list = el(
    'ol',
    { className: 'report-checks' },
    ...report.checks.map((check) =>
      el(
        'li',
        { className: `report-check check-${check.status}`, attrs: { 'data-check': check.id } },
        el('span', { className: 'check-mark', attrs: { 'aria-hidden': 'true' } }, STATUS_MARKS[check.status]),
        el(
          'div',
          { className: 'check-body' },
          el(
            'div',
            { className: 'check-title' },
            el('strong', null, checkTitle(check)),
            el('span', { className: 'check-status' }, STATUS_WORDS[check.status]),
          ),
          el('div', { className: 'muted check-label' }, check.label),
          check.detail === undefined ? null : el('div', { className: 'check-detail' }, check.detail),
          check.error === undefined
            ? null
            : el('div', { className: 'check-error', attrs: { role: 'alert' } }, describeCheckError(check.error)),
        ),
      ),
    ),
  );
  return el('div', { className: 'report' }, list, report.trial === undefined ? null : createTrialView(report.trial));
}

export function createTrialView(trial: TrialResult): HTMLElement {
  const stat = (label: string, value: string): HTMLElement =>
    el(
      'div',
      { className: 'stat' },
      el('span', { className: 'stat-value' }, value),
      el('span', { className: 'stat-label' }, label),
    );
  return el(
    'div',
    { className: 'trial' },
    el('h3', null, `Trial episode: ${trial.steps} steps on seed ${trial.seed}`),
    el(
      'div',
      { className: 'stats' },
      stat('reward', trial.reward.toFixed(1)),
      stat('tiles visited', String(trial.tiles)),
      stat('decision p50', `${trial.latencyP50Ms.toFixed(2)} ms`),
      stat('decision p99', `${trial.latencyP99Ms.toFixed(2)} ms`),
    ),
    el(
      'p',
      { className: 'muted' },
      `${trial.decisions} decisions on ${trial.backend}; a race gives each decision 20 ms.`,
    ),
  );
}
