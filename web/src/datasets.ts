// The dataset picker, the upload (admin: XHR with upload progress, then the ingest job's events)
// with its report, and delete (admin, confirmed).

import { ApiError, del, describeError, get, stream, upload } from './api';
import { byId, clear, formatNumber, h } from './dom';
import { isAdmin, state } from './state';
import type { DatasetInfo, IngestReport, Job, Progress } from './types';

export interface DatasetHooks {
  selected: (name: string) => void;
}

let hooks: DatasetHooks;

export function initDatasets(h_: DatasetHooks): void {
  hooks = h_;
  byId<HTMLSelectElement>('dataset').addEventListener('change', (e) => select((e.target as HTMLSelectElement).value));
  byId<HTMLFormElement>('upload-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void startUpload();
  });
  byId('delete-dataset').addEventListener('click', () => void deleteDataset());
}

// Shows the admin-only controls to admins only (the server enforces it either way).
export function showAdminControls(): void {
  byId('upload-section').hidden = !isAdmin();
  byId('delete-dataset').hidden = !isAdmin() || !state.dataset;
}

export async function loadDatasets(prefer?: string): Promise<void> {
  const picker = byId<HTMLSelectElement>('dataset');
  const status = byId('datasets-status');
  try {
    const { datasets } = await get<{ datasets: DatasetInfo[] }>('datasets');
    clear(picker, ...datasets.map((d) => h('option', { value: d.name },
      d.name, d.tables !== undefined ? ` (${d.tables} tables, ${formatNumber(d.rows)} rows)` : '')));
    picker.disabled = datasets.length === 0;
    status.textContent = datasets.length ? '' : isAdmin() ? 'No datasets yet: upload one below.' : 'No datasets are visible to this key.';
    const names = datasets.map((d) => d.name);
    const pick = [prefer, state.dataset, sessionStorage.getItem('dataanalyst.dataset') ?? ''].find((n) => n && names.includes(n)) ?? names[0] ?? '';
    picker.value = pick;
    select(pick);
  } catch (e) {
    status.textContent = describeError(e);
  }
}

function select(name: string): void {
  state.dataset = name;
  if (name) sessionStorage.setItem('dataanalyst.dataset', name);
  showAdminControls();
  hooks.selected(name);
}

function setBar(label: string, fraction: number | null): void {
  const bar = byId<HTMLProgressElement>('upload-progress');
  const text = byId('upload-progress-text');
  bar.hidden = false;
  if (fraction === null) bar.removeAttribute('value');
  else bar.value = Math.max(0, Math.min(1, fraction));
  text.textContent = fraction === null ? label : `${label} ${Math.round(fraction * 100)}%`;
}

async function startUpload(): Promise<void> {
  const input = byId<HTMLInputElement>('upload-file');
  const nameInput = byId<HTMLInputElement>('upload-name');
  const button = byId<HTMLButtonElement>('upload-button');
  const report = byId('upload-report');
  const file = input.files?.[0];
  if (!file) {
    report.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'Choose a file to upload first.'));
    input.focus();
    return;
  }
  const form = new FormData();
  form.append('file', file, file.name);
  if (nameInput.value.trim()) form.append('name', nameInput.value.trim());
  button.disabled = true;
  clear(report);
  let jobId = '';
  try {
    setBar('Uploading', 0);
    const accepted = await upload<{ job: Job | string }>('datasets', form, (f) => setBar('Uploading', f));
    jobId = typeof accepted.job === 'string' ? accepted.job : accepted.job.id;
    setBar('Ingesting', null);
    const job = await followJob(jobId);
    if (job.state === 'failed') throw new ApiError(422, job.error?.code ?? 'failed', job.error?.message ?? 'The ingest failed.');
    input.value = '';
    nameInput.value = '';
    await loadDatasets(job.dataset ?? job.report?.dataset); // the new dataset is picked before the report shows
    setBar('Done', 1);
    clear(report, ingestReport(job));
  } catch (e) {
    byId('upload-progress').hidden = true;
    byId('upload-progress-text').textContent = '';
    const what = jobId ? `The upload was accepted (job ${jobId}), but following its ingest failed` : 'Upload failed';
    clear(report, h('p', { class: 'error', role: 'alert' }, `${what}: ${describeError(e)}`));
  } finally {
    button.disabled = false;
  }
}

// The job's events until `done` or `failed`; if the stream breaks, the job is polled.
async function followJob(id: string): Promise<Job> {
  const path = `jobs/${encodeURIComponent(id)}`;
  try {
    for await (const ev of stream('GET', `${path}/events`)) {
      if (ev.event === 'progress') showProgress(JSON.parse(ev.data) as Progress);
      else if (ev.event === 'done' || ev.event === 'failed') {
        const job = JSON.parse(ev.data) as Job;
        return { ...job, state: job.state ?? ev.event };
      }
    }
  } catch (e) {
    if (e instanceof ApiError && e.status !== 0 && e.status < 500) throw e;
  }
  for (;;) {
    const job = await get<Job>(path);
    if (job.state !== 'running') return job;
    if (job.progress) showProgress(job.progress);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function showProgress(p: Progress): void {
  const fraction = p.fraction ?? (p.total ? (p.done ?? 0) / p.total : null);
  setBar('Ingesting', fraction);
}

function ingestReport(job: Job): HTMLElement {
  const r: IngestReport = job.report ?? {};
  const tables = r.tables ?? [];
  const totalRows = tables.reduce((s, t) => s + (t.rows ?? 0), 0);
  const root = h('section', { class: 'ingest-report', 'aria-label': 'Ingest report' },
    h('h3', {}, `Loaded ${job.dataset ?? r.dataset ?? ''}`),
    h('p', {}, `${tables.length} tables, ${formatNumber(totalRows)} rows`,
      r.elapsed_seconds !== undefined ? ` in ${r.elapsed_seconds.toFixed(2)} s` : '',
      `; rejected rows: ${formatNumber(r.rejected_total ?? r.rejected?.length ?? 0)}`));
  for (const t of tables) {
    root.append(h('details', { class: 'report-table' },
      h('summary', {}, h('span', { class: 'table-name' }, t.name), ` — ${formatNumber(t.rows)} rows`,
        t.rejected_rows ? `, ${formatNumber(t.rejected_rows)} rejected` : ''),
      h('ul', { class: 'report-columns' }, ...(t.columns ?? []).map((c) =>
        h('li', {}, h('code', {}, c.name), ' ', h('span', { class: 'type' }, c.type ?? ''),
          c.fallback_reason ? h('span', { class: 'fallback' }, ` — ${c.fallback_reason}`) : '')))));
  }
  const lists: [string, unknown[] | undefined][] = [['Rejected rows', r.rejected], ['Warnings', r.warnings], ['Skipped', r.skipped]];
  for (const [title, items] of lists) {
    if (!items?.length) continue;
    root.append(h('h4', {}, title), h('ul', { class: 'report-notes' }, ...items.map((i) => h('li', {}, describeItem(i)))));
  }
  return root;
}

function describeItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const where = [o.file, o.line].filter((x) => x !== undefined && x !== '').join(':');
    const why = o.reason ?? o.message;
    if (why !== undefined) return where ? `${where}: ${String(why)}` : String(why);
  }
  return JSON.stringify(item);
}

async function deleteDataset(): Promise<void> {
  const name = state.dataset;
  if (!name) return;
  if (!confirm(`Delete dataset "${name}"? Its files and its remembered answers are removed.`)) return;
  const status = byId('datasets-status');
  try {
    await del(`datasets/${encodeURIComponent(name)}`);
    state.dataset = '';
    sessionStorage.removeItem('dataanalyst.dataset');
    await loadDatasets();
    status.textContent = `Deleted ${name}. ${status.textContent ?? ''}`.trim();
  } catch (e) {
    status.textContent = describeError(e);
  }
}
