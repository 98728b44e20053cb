/**
 * /upload: drop a model file with its manifest, or a zip bundle; the manifest form starts from
 * the dropped manifest.json (or the bundle's) or from the defaults the files suggest, and is
 * checked with the server's own schema as it is edited. Upload shows its progress, then the
 * validation report check by check, the trial episode's reward and latency, and a link to the
 * new agent's page.
 */
import './pages.css';
import { MODEL_FORMATS, TENSOR_LAYOUTS } from '../../../shared/agents/agentManifest.ts';
import type { PageMount } from '../clientApp.ts';
import { el, link } from '../widgets/element.ts';
import { formatBytes } from '../widgets/formats.ts';
import { createFormField, type FormField } from '../widgets/formField.ts';
import { createValidationReportView, describeCheckError } from '../widgets/validationReportView.ts';
import {
  BUILTIN_ARCHITECTURES,
  FORMAT_LABELS,
  defaultDraft,
  draftFromManifest,
  manifestFromDraft,
  type DraftField,
  type DraftIssue,
  type ManifestDraft,
} from './manifestDraft.ts';
import { sendAgentUpload, UploadNetworkError, type UploadAnswer, type UploadRequest } from './uploadRequest.ts';
import { peekZip } from './zipPeek.ts';

const MANIFEST_FILE = 'manifest.json';

/** Tall enough for its text (at most 14 rows). */
function fitRows(textarea: HTMLTextAreaElement, min: number): void {
  const lines = textarea.value.split('\n').length + Math.floor(textarea.value.length / 100);
  textarea.rows = Math.max(min, Math.min(14, lines));
}

function option(value: string, label: string): HTMLOptionElement {
  return el('option', { value, textContent: label });
}

function select(name: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  return el('select', { name }, ...options.map(([v, l]) => option(v, l)));
}

export const mountUploadPage: PageMount = (root, app) => {
  let files: File[] = [];
  /** Names the server will see (a bundle's entries once read), or null when a bundle could not be read. */
  let knownNames: string[] | null = [];
  let draft: ManifestDraft = defaultDraft([]);
  let request: UploadRequest | null = null;
  let disposed = false;
  let filesSeq = 0;

  // --- 1. Files -------------------------------------------------------------------------------
  const fileInput = el('input', { type: 'file', multiple: true, className: 'visually-hidden', name: 'file' });
  fileInput.setAttribute('data-testid', 'file-input');
  const chooseButton = el('button', { type: 'button', className: 'button', textContent: 'Choose files' });
  const dropZone = el(
    'div',
    {
      className: 'drop-zone',
      tabIndex: 0,
      attrs: { role: 'button', 'aria-label': 'Drop agent files here, or choose files' },
    },
    el('strong', null, 'Drop your agent here'),
    el(
      'span',
      { className: 'muted' },
      'a model file (.onnx, .npy, .json genome, .pt/.pth, TF.js model.json + .bin) with its manifest.json, or one .zip bundle',
    ),
    chooseButton,
    fileInput,
  );
  const fileList = el('ul', { className: 'file-list' });
  const filesError = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const filesNote = el('p', { className: 'muted', hidden: true });

  // --- 2. Manifest ----------------------------------------------------------------------------
  const modeForm = el('input', { type: 'radio', name: 'manifest-mode', value: 'form', checked: true, id: 'mode-form' });
  const modeFiles = el('input', { type: 'radio', name: 'manifest-mode', value: 'files', id: 'mode-files' });
  const modeChoice = el(
    'div',
    { className: 'choice', attrs: { role: 'radiogroup', 'aria-label': 'Manifest' } },
    el('label', { htmlFor: 'mode-form' }, modeForm, ' Describe the agent with this form'),
    el(
      'label',
      { htmlFor: 'mode-files' },
      modeFiles,
      " Send no manifest: use the files' own manifest.json, or the defaults",
    ),
  );

  const fields = {
    name: createFormField(
      'Name',
      el('input', { type: 'text', name: 'name', maxLength: 80 }),
      'shown on the leaderboard; the same name again makes a new version',
    ),
    format: createFormField(
      'Model format',
      select(
        'format',
        MODEL_FORMATS.map((f) => [f, FORMAT_LABELS[f]] as const),
      ),
    ),
    file: createFormField(
      'Model file',
      el('input', { type: 'text', name: 'model-file', autocomplete: 'off' }),
      'the file (or bundle entry) holding the network',
    ),
    architecture: createFormField(
      'Architecture',
      select('architecture', [['', 'Choose…'], ...BUILTIN_ARCHITECTURES.map((a) => [a.id, a.label] as const)]),
      'the built-in network the genome or state_dict fills',
    ),
    source: createFormField(
      'Observation',
      select('source', [
        ['frame', '96×96 RGB frames'],
        ['state-v1', 'state features (state-v1)'],
      ]),
    ),
    style: createFormField(
      'Trained on',
      select('style', [
        ['v3', 'CarRacing-v3 (Gymnasium)'],
        ['v0', 'CarRacing-v0 (gym ≤ 0.21)'],
      ]),
    ),
    frameStackSize: createFormField(
      'Frames stacked',
      el('input', { type: 'number', name: 'frame-stack', min: '1', max: '8', step: '1' }),
    ),
    frameStackFill: createFormField(
      'Stack filled with',
      select('fill', [
        ['repeat-first', 'the first frame'],
        ['zeros', 'zeros'],
      ]),
    ),
    layout: createFormField(
      'Tensor layout',
      select('layout', [['', 'from the model (default)'], ...TENSOR_LAYOUTS.map((l) => [l, l] as const)]),
    ),
    pipelineJson: createFormField(
      'Preprocessing pipeline (JSON)',
      el('textarea', { name: 'pipeline', rows: 3, spellcheck: false, className: 'code' }),
      'ops in order: crop, flipVertical, grayscale, resize, affine; [] for raw frames',
    ),
    actionType: createFormField(
      'Action',
      select('action', [
        ['', 'from the model (3 outputs: continuous, 5: Gymnasium discrete)'],
        ['continuous', 'continuous [steer, gas, brake]'],
        ['discrete', 'discrete table'],
      ]),
    ),
    actionRepeat: createFormField(
      'Decides every',
      el('input', { type: 'number', name: 'action-repeat', min: '1', max: '16', step: '1' }),
      'steps (1: every step)',
    ),
    description: createFormField(
      'Description',
      el('textarea', { name: 'description', rows: 2, maxLength: 4000 }),
      'optional',
    ),
    tableJson: createFormField(
      'Action table (JSON)',
      el('textarea', { name: 'table', rows: 5, spellcheck: false, className: 'code' }),
      'one [steer, gas, brake] row per model output',
    ),
  };
  const activationSelects = [0, 1, 2].map((i) =>
    select(`activation-${i}`, [
      ['none', 'none'],
      ['tanh', 'tanh'],
      ['sigmoid', 'sigmoid'],
    ]),
  ) as [HTMLSelectElement, HTMLSelectElement, HTMLSelectElement];
  const activationRow = el(
    'div',
    { className: 'field' },
    el('span', { className: 'field-label' }, 'Output activations (steer, gas, brake)'),
    el('div', { className: 'inline-controls' }, ...activationSelects),
  );
  const selectControl = createFormField(
    'Pick',
    select('select', [
      ['argmax', 'argmax'],
      ['argmax-scaled', 'argmax, scaled by the winning output'],
    ]),
  );
  const fileOptions = el('datalist', { id: 'upload-file-names' });
  fields.file.control.setAttribute('list', fileOptions.id);

  const formIssues = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const preview = el('pre', { className: 'manifest-preview' });
  const manifestGrid = el(
    'div',
    { className: 'manifest-form' },
    el(
      'fieldset',
      null,
      el('legend', null, 'Model'),
      el(
        'div',
        { className: 'field-grid' },
        fields.name.element,
        fields.format.element,
        fields.file.element,
        fields.architecture.element,
      ),
    ),
    el(
      'fieldset',
      null,
      el('legend', null, 'What it sees'),
      el(
        'div',
        { className: 'field-grid' },
        fields.source.element,
        fields.style.element,
        fields.frameStackSize.element,
        fields.frameStackFill.element,
        fields.layout.element,
      ),
      fields.pipelineJson.element,
    ),
    el(
      'fieldset',
      null,
      el('legend', null, 'How it acts'),
      el('div', { className: 'field-grid' }, fields.actionType.element, fields.actionRepeat.element),
      activationRow,
      el('div', { className: 'field-grid' }, selectControl.element),
      fields.tableJson.element,
    ),
    fields.description.element,
    fileOptions,
    formIssues,
    el('details', { className: 'manifest-details' }, el('summary', null, 'Manifest JSON to send'), preview),
  );

  // --- 3. Upload ------------------------------------------------------------------------------
  const uploadButton = el('button', {
    type: 'submit',
    className: 'button button-primary',
    textContent: 'Upload and check',
  });
  const cancelButton = el('button', { type: 'button', className: 'button', textContent: 'Cancel', hidden: true });
  const progress = el('progress', { max: 100, value: 0, className: 'upload-progress', hidden: true });
  const progressText = el('p', { className: 'muted progress-text', attrs: { 'aria-live': 'polite' } });
  const submitError = el('p', { className: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const guestNotice = el(
    'div',
    { className: 'notice', hidden: true },
    'Uploading needs an account: ',
    link('/login?next=%2Fupload', 'log in'),
    ' or ',
    link('/register?next=%2Fupload', 'register'),
    '. Guests can still race and spectate.',
  );
  const result = el('section', { className: 'panel upload-result', hidden: true, attrs: { 'aria-live': 'polite' } });

  const form = el(
    'form',
    { className: 'upload-form', noValidate: true },
    el('section', { className: 'panel' }, el('h2', null, '1. Files'), dropZone, fileList, filesNote, filesError),
    el('section', { className: 'panel' }, el('h2', null, '2. Manifest'), modeChoice, manifestGrid),
    el(
      'section',
      { className: 'panel' },
      el('h2', null, '3. Upload'),
      el(
        'p',
        { className: 'muted' },
        'The arena checks the files, runs the model on two frames, then drives a 300-step trial episode on seed 7 to measure its reward and decision time. Nothing is stored unless every check passes.',
      ),
      el('div', { className: 'form-actions' }, uploadButton, cancelButton),
      progress,
      progressText,
      submitError,
    ),
  );

  root.append(
    el(
      'div',
      { className: 'page sheet upload-page' },
      el(
        'header',
        { className: 'page-header' },
        el('h1', null, 'Upload an agent'),
        el(
          'p',
          { className: 'muted' },
          'Any CarRacing policy: ONNX for any network, a genome or PyTorch state_dict of a built-in architecture, or a TF.js model. The arena never runs code from your files.',
        ),
      ),
      guestNotice,
      form,
      result,
    ),
  );
  document.title = 'Upload an agent · CarRacing Arena';

  // --- behaviour ------------------------------------------------------------------------------
  function showUser(): void {
    const guest = app.user === null;
    guestNotice.hidden = !guest;
    uploadButton.disabled = guest || request !== null;
    uploadButton.title = guest ? 'Log in to upload' : '';
  }

  function writeDraftToForm(): void {
    fields.name.control.value = draft.name;
    fields.format.control.value = draft.format;
    fields.file.control.value = draft.file;
    fields.architecture.control.value = draft.architecture;
    fields.source.control.value = draft.source;
    fields.style.control.value = draft.style;
    fields.frameStackSize.control.value = String(draft.frameStackSize);
    fields.frameStackFill.control.value = draft.frameStackFill;
    fields.layout.control.value = draft.layout;
    fields.pipelineJson.control.value = draft.pipelineJson;
    fields.actionType.control.value = draft.actionType;
    fields.actionRepeat.control.value = String(draft.actionRepeat);
    fields.description.control.value = draft.description;
    fields.tableJson.control.value = draft.tableJson;
    fitRows(fields.pipelineJson.control, 2);
    fitRows(fields.tableJson.control, 3);
    fitRows(fields.description.control, 2);
    selectControl.control.value = draft.select;
    activationSelects.forEach((s, i) => (s.value = draft.activation[i]!));
  }

  function readDraftFromForm(): void {
    const int = (value: string, fallback: number): number => {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : fallback;
    };
    draft = {
      ...draft,
      name: fields.name.control.value,
      format: fields.format.control.value as ManifestDraft['format'],
      file: fields.file.control.value,
      architecture: fields.architecture.control.value,
      source: fields.source.control.value as ManifestDraft['source'],
      style: fields.style.control.value as ManifestDraft['style'],
      frameStackSize: int(fields.frameStackSize.control.value, Number.NaN),
      frameStackFill: fields.frameStackFill.control.value as ManifestDraft['frameStackFill'],
      layout: fields.layout.control.value as ManifestDraft['layout'],
      pipelineJson: fields.pipelineJson.control.value,
      actionType: fields.actionType.control.value as ManifestDraft['actionType'],
      actionRepeat: int(fields.actionRepeat.control.value, Number.NaN),
      description: fields.description.control.value,
      tableJson: fields.tableJson.control.value,
      select: selectControl.control.value as ManifestDraft['select'],
      activation: activationSelects.map((s) => s.value) as ManifestDraft['activation'],
    };
  }

  /** Shows only the controls that matter for the current choices. */
  function updateVisibility(): void {
    const formMode = modeForm.checked;
    for (const fieldset of manifestGrid.querySelectorAll('fieldset')) fieldset.hidden = !formMode;
    fields.description.element.hidden = !formMode;
    // In "files" mode only the name stays (it is a field of its own).
    if (!formMode) {
      const firstGrid = manifestGrid.querySelector('fieldset');
      firstGrid?.parentElement?.insertBefore(fields.name.element, firstGrid);
    } else {
      const grid = manifestGrid.querySelector('.field-grid');
      if (grid !== null && fields.name.element.parentElement !== grid) grid.prepend(fields.name.element);
    }
    manifestGrid.querySelector('.manifest-details')?.toggleAttribute('hidden', !formMode);
    const genome =
      draft.format === 'npy-genome' || draft.format === 'json-genome' || draft.format === 'torch-state-dict';
    fields.architecture.element.hidden = !genome;
    const pixels = draft.source === 'frame';
    fields.pipelineJson.element.hidden = !pixels;
    fields.frameStackSize.element.hidden = !pixels;
    fields.frameStackFill.element.hidden = !pixels || draft.frameStackSize <= 1;
    activationRow.hidden = draft.actionType !== 'continuous';
    selectControl.element.hidden = draft.actionType !== 'discrete';
    fields.tableJson.element.hidden = draft.actionType !== 'discrete';
  }

  let showIssues = false;
  function refreshManifest(): readonly DraftIssue[] {
    const { manifest, issues } = manifestFromDraft(draft, knownNames);
    preview.textContent = JSON.stringify(manifest, null, 2);
    const byField = new Map<DraftField, string[]>();
    for (const issue of issues) byField.set(issue.field, [...(byField.get(issue.field) ?? []), issue.message]);
    for (const [key, field] of Object.entries(fields) as [DraftField, FormField<HTMLElement & { value: string }>][]) {
      const messages = byField.get(key);
      field.setError(showIssues && messages !== undefined ? messages.join(' ') : undefined);
    }
    const rest = [...(byField.get('form') ?? [])];
    formIssues.textContent = rest.join(' ');
    formIssues.hidden = !showIssues || rest.length === 0;
    updateVisibility();
    return issues;
  }

  function renderFileList(): void {
    fileList.replaceChildren(
      ...files.map((file) => {
        const remove = el('button', {
          type: 'button',
          className: 'button button-small button-quiet',
          textContent: 'Remove',
          attrs: { 'aria-label': `Remove ${file.name}` },
        });
        remove.addEventListener('click', () => void setFiles(files.filter((f) => f !== file)));
        return el(
          'li',
          null,
          el('span', { className: 'file-name' }, file.name),
          el('span', { className: 'muted' }, formatBytes(file.size)),
          remove,
        );
      }),
    );
    const total = files.reduce((n, f) => n + f.size, 0);
    filesNote.textContent = files.length > 1 ? `${files.length} files, ${formatBytes(total)} in all` : '';
    filesNote.hidden = files.length <= 1;
    dropZone.classList.toggle('has-files', files.length > 0);
  }

  function showFilesError(message: string | undefined): void {
    filesError.textContent = message ?? '';
    filesError.hidden = message === undefined;
  }

  /** Replaces the files; fills the form from their manifest (or the bundle's), else from the defaults. */
  async function setFiles(next: File[]): Promise<void> {
    const seq = ++filesSeq;
    files = next;
    renderFileList();
    showFilesError(undefined);
    result.hidden = true;
    const names = files.map((f) => f.name);
    const zips = files.filter((f) => f.name.toLowerCase().endsWith('.zip'));
    let manifestSource: unknown;
    let note: string | undefined;
    knownNames = names;
    if (zips.length > 1) {
      showFilesError('Send one .zip bundle at a time (or the loose files without a zip).');
    } else if (zips.length === 1) {
      try {
        const peek = await peekZip(zips[0]!);
        if (seq !== filesSeq || disposed) return;
        knownNames = [...peek.entries, ...names.filter((n) => n !== zips[0]!.name)];
        if (peek.manifestError !== undefined) note = `${zips[0]!.name}: ${peek.manifestError}`;
        manifestSource = peek.manifest;
      } catch {
        if (seq !== filesSeq || disposed) return;
        knownNames = null;
        note = `${zips[0]!.name} could not be read here as a zip; the arena will say what it finds.`;
      }
    }
    const manifestFile = files.find((f) => f.name === MANIFEST_FILE);
    if (manifestFile !== undefined) {
      try {
        manifestSource = JSON.parse(await manifestFile.text()) as unknown;
      } catch (error) {
        note = `manifest.json is not valid JSON (${error instanceof Error ? error.message : String(error)}); the form shows the defaults.`;
      }
      if (seq !== filesSeq || disposed) return;
    }
    if (note !== undefined) showFilesError(note);
    const candidates = (knownNames ?? []).filter((n) => n !== MANIFEST_FILE);
    fileOptions.replaceChildren(...candidates.map((n) => option(n, n)));
    draft = manifestSource === undefined ? defaultDraft(candidates) : draftFromManifest(manifestSource, candidates);
    writeDraftToForm();
    showIssues = false;
    refreshManifest();
  }

  function addFiles(list: FileList | null): void {
    if (list === null || list.length === 0) return;
    const added = [...list];
    const kept = files.filter((f) => !added.some((a) => a.name === f.name));
    void setFiles([...kept, ...added]);
  }

  chooseButton.addEventListener('click', () => fileInput.click());
  dropZone.addEventListener('keydown', (event) => {
    if ((event.key === 'Enter' || event.key === ' ') && event.target === dropZone) {
      event.preventDefault();
      fileInput.click();
    }
  });
  fileInput.addEventListener('change', () => {
    addFiles(fileInput.files);
    fileInput.value = '';
  });
  const stop = (event: DragEvent): void => {
    event.preventDefault();
    event.stopPropagation();
  };
  dropZone.addEventListener('dragenter', (event) => {
    stop(event);
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragover', (event) => {
    stop(event);
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('dragleave', (event) => {
    stop(event);
    if (!dropZone.contains(event.relatedTarget as Node | null)) dropZone.classList.remove('dragging');
  });
  dropZone.addEventListener('drop', (event) => {
    stop(event);
    dropZone.classList.remove('dragging');
    const transfer = event.dataTransfer;
    if (transfer === null) return;
    const folder = [...transfer.items].some((item) => item.webkitGetAsEntry?.()?.isDirectory === true);
    if (folder) {
      showFilesError('Folders cannot be dropped: drop the files inside it, or a .zip of the folder.');
      return;
    }
    addFiles(transfer.files);
  });
  // A file dropped next to the zone would otherwise make the browser open it and leave the page.
  const preventWindowDrop = (event: DragEvent): void => {
    if (!dropZone.contains(event.target as Node | null)) event.preventDefault();
  };
  window.addEventListener('dragover', preventWindowDrop);
  window.addEventListener('drop', preventWindowDrop);

  manifestGrid.addEventListener('input', () => {
    showSubmitError(undefined);
    readDraftFromForm();
    refreshManifest();
  });
  manifestGrid.addEventListener('change', () => {
    readDraftFromForm();
    refreshManifest();
  });
  modeChoice.addEventListener('change', () => refreshManifest());

  function setBusy(busy: boolean): void {
    cancelButton.hidden = !busy;
    chooseButton.disabled = busy;
    for (const control of form.querySelectorAll<HTMLInputElement>(
      'fieldset input, fieldset select, fieldset textarea',
    )) {
      control.disabled = busy;
    }
    showUser();
  }

  function showSubmitError(message: string | undefined): void {
    submitError.textContent = message ?? '';
    submitError.hidden = message === undefined;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showSubmitError(undefined);
    if (app.user === null) {
      showSubmitError('Log in to upload an agent.');
      return;
    }
    if (files.length === 0) {
      showFilesError('Choose or drop the agent files first.');
      dropZone.focus();
      return;
    }
    const formMode = modeForm.checked;
    readDraftFromForm();
    showIssues = true;
    const issues = refreshManifest();
    if (formMode && issues.length > 0) {
      showSubmitError(`Fix the manifest first: ${issues[0]!.message}`);
      manifestGrid.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const manifest = formMode ? JSON.stringify(manifestFromDraft(draft, knownNames).manifest) : undefined;
    const name = draft.name.trim();
    result.hidden = true;
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = 'Uploading…';
    const total = files.reduce((n, f) => n + f.size, 0);
    request = sendAgentUpload(
      files,
      { ...(name === '' ? {} : { name }), ...(manifest === undefined ? {} : { manifest }) },
      {
        onProgress: ({ loaded, total: sent }) => {
          const of = sent > 0 ? sent : total;
          progress.value = of > 0 ? Math.min(100, (100 * loaded) / of) : 0;
          progressText.textContent = `Uploading… ${formatBytes(Math.min(loaded, of))} of ${formatBytes(of)} (${Math.round(progress.value)}%)`;
        },
        onSent: () => {
          progress.value = 100;
          progress.removeAttribute('value'); // indeterminate while the arena checks
          progressText.textContent = 'Uploaded. The arena is checking the files and driving the trial episode…';
        },
      },
    );
    setBusy(true);
    try {
      const answer = await request.done;
      if (!disposed) showAnswer(answer);
    } catch (error) {
      if (disposed) return;
      progressText.textContent = '';
      showSubmitError(
        error instanceof UploadNetworkError && error.aborted
          ? 'Upload cancelled.'
          : 'The upload could not reach the arena; check your connection and try again.',
      );
    } finally {
      request = null;
      if (!disposed) {
        progress.hidden = true;
        setBusy(false);
      }
    }
  });
  cancelButton.addEventListener('click', () => request?.abort());

  function showAnswer(answer: UploadAnswer): void {
    progressText.textContent = '';
    const body = answer.body;
    if (answer.status === 201 && body?.report !== undefined && body.id !== undefined) {
      const agentName = body.agent?.name ?? draft.name;
      const version = body.agent?.version ?? 1;
      const again = el('button', { type: 'button', className: 'button', textContent: 'Upload another' });
      again.addEventListener('click', () => {
        void setFiles([]);
        result.hidden = true;
        form.hidden = false;
        window.scrollTo({ top: 0 });
      });
      // Done: the report replaces the form until "Upload another".
      form.hidden = true;
      result.replaceChildren(
        el(
          'div',
          { className: 'banner banner-ok' },
          `${agentName}${version > 1 ? ` v${version}` : ''} passed every check and is ready to race.`,
        ),
        el(
          'div',
          { className: 'page-actions' },
          el('a', {
            href: `/agents/${encodeURIComponent(body.id)}`,
            className: 'button button-primary',
            textContent: `Open ${agentName}'s page`,
          }),
          link('/leaderboard?board=agents', 'Leaderboard'),
          again,
        ),
        el('h2', null, 'Validation report'),
        createValidationReportView(body.report),
      );
    } else if (answer.status === 422 && body?.report !== undefined) {
      const failed = body.report.checks.find((c) => c.status === 'failed');
      result.replaceChildren(
        el(
          'div',
          { className: 'banner banner-error' },
          el('strong', null, 'The agent was not accepted. '),
          failed?.error === undefined ? (body.message ?? '') : describeCheckError(failed.error),
        ),
        el('p', { className: 'muted' }, 'Nothing was stored. Fix what the report names and upload again.'),
        el('h2', null, 'Validation report'),
        createValidationReportView(body.report),
      );
    } else {
      showSubmitError(describeFailure(answer));
      return;
    }
    result.hidden = false;
    if (form.hidden) window.scrollTo({ top: 0 });
    else result.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  const unsubscribe = app.onUserChange(showUser);
  writeDraftToForm();
  refreshManifest();
  showUser();

  return () => {
    disposed = true;
    request?.abort();
    unsubscribe();
    window.removeEventListener('dragover', preventWindowDrop);
    window.removeEventListener('drop', preventWindowDrop);
  };
};

/** An answer other than 201 or 422, in words. */
function describeFailure(answer: UploadAnswer): string {
  const message = answer.body?.message;
  switch (answer.status) {
    case 401:
      return 'Log in to upload an agent (your session may have expired).';
    case 413:
      return 'The upload is too large for the arena.';
    case 429:
      return message === undefined
        ? 'The arena is busy checking other uploads; retry in a few seconds.'
        : `The arena is busy: ${message}.`;
    default:
      return message === undefined
        ? `The arena answered ${answer.status}; try again.`
        : `The upload was refused: ${message}.`;
  }
}
