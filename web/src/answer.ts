// One answer's card: restatement, source badge, SQL, table, chart, explanation, timings and
// approve / reject; an unanswered question shows the message, unknown words and suggestions.

import { describeError, post } from './api';
import { chartView } from './chart';
import { formatMs, h, type Child } from './dom';
import { sqlView } from './sql';
import { resultTable } from './table';
import type { Answer, FeedbackResult } from './types';

export interface AnswerHooks {
  dataset: string;
  // A suggestion was clicked: put it in the question box.
  suggest: (text: string) => void;
  // Charts already drawn for this card, by their JSON: a later stage re-renders the card without redrawing them.
  charts?: Map<string, HTMLElement | null>;
}

export function renderAnswer(a: Answer, hooks: AnswerHooks, streaming: boolean): Child[] {
  const parts: Child[] = [];
  const error = errorText(a.error);
  if (a.resolved_question && a.resolved_question !== a.question) {
    parts.push(h('p', { class: 'resolved' }, 'Read as: ', h('q', {}, a.resolved_question)));
  }
  // An unanswered question's restatement is the engine's best guess, never run: say so.
  if (a.restatement) {
    const lead = a.answered === false ? 'Best guess (not run): ' : 'Understood as ';
    parts.push(h('p', { class: 'restatement' }, lead, h('strong', {}, a.restatement)));
  }
  if ((a.source || a.cache?.hit) && a.answered !== false) parts.push(sourceBadge(a));
  if (a.answered === false) parts.push(unanswered(a, hooks));
  else if (a.message && !a.sql) parts.push(h('p', { class: 'message' }, a.message));
  if (error) parts.push(h('p', { class: 'error', role: 'alert' }, error));
  if (a.sql) parts.push(sqlView(a.sql, hooks.dataset));
  if (a.columns && a.rows) {
    parts.push(h('section', { class: 'rows', 'aria-label': 'Result rows' },
      resultTable({ columns: a.columns, rows: a.rows, truncated: a.truncated, rowCount: a.row_count, filename: 'answer' })));
  }
  if (a.chart) parts.push(cachedChart(a.chart, hooks.charts));
  if (a.explanation) parts.push(h('p', { class: 'explanation' }, a.explanation));
  for (const w of a.warnings ?? []) parts.push(h('p', { class: 'warning' }, String(w)));
  if (!streaming) {
    if (a.timings) parts.push(timings(a.timings));
    if (a.answer_id !== undefined && a.answer_id !== null && a.answered !== false) parts.push(feedback(a, hooks.dataset));
  }
  return parts;
}

function cachedChart(chart: NonNullable<Answer['chart']>, charts?: Map<string, HTMLElement | null>): HTMLElement | null {
  const key = JSON.stringify(chart);
  if (charts?.has(key)) return charts.get(key) ?? null;
  const view = chartView(chart);
  charts?.set(key, view);
  return view;
}

function errorText(e: Answer['error']): string {
  if (!e) return '';
  return typeof e === 'string' ? e : e.message || e.code;
}

export function sourceBadge(a: Answer): HTMLElement {
  const cache = a.cache;
  if (cache?.hit || a.source === 'cache') {
    const details: string[] = [];
    if (cache?.approved) details.push('approved');
    if (cache?.exact) details.push('same question');
    else if (cache?.hit) details.push(`similar question${cache.similarity ? ` (similarity ${cache.similarity.toFixed(2)})` : ''}`);
    if (cache?.reparameterised) details.push('values changed');
    if (cache?.result_reused) details.push('stored result');
    return h('p', { class: 'badge source-cache', 'data-source': 'cache' },
      h('span', { class: 'badge-name' }, 'From memory (cache)'), details.length ? ` · ${details.join(' · ')}` : '');
  }
  const name = a.source === 'llm' ? 'LLM' : a.source === 'engine' ? 'Engine' : a.source ?? '';
  const confidence = typeof a.confidence === 'number' && a.confidence > 0 ? ` · confidence ${Math.round(a.confidence * 100)}%` : '';
  return h('p', { class: `badge source-${a.source}`, 'data-source': a.source ?? '' }, h('span', { class: 'badge-name' }, name), confidence);
}

function unanswered(a: Answer, hooks: AnswerHooks): HTMLElement {
  const root = h('div', { class: 'unanswered' },
    h('p', { class: 'message' }, a.message || 'I could not answer that question.'));
  if (a.unknown_terms?.length) {
    root.append(h('p', { class: 'unknown-terms' }, 'Words I did not understand: ',
      ...a.unknown_terms.flatMap((t, i) => [i ? ', ' : '', h('mark', { class: 'term' }, t)])));
  }
  if (a.suggestions?.length) {
    root.append(h('div', { class: 'suggestions' }, h('p', {}, 'You could ask:'),
      h('ul', {}, ...a.suggestions.map((s) =>
        h('li', {}, h('button', { type: 'button', class: 'suggestion', onclick: () => hooks.suggest(s) }, s))))));
  }
  return root;
}

function timings(t: Record<string, number>): HTMLElement {
  const stages = Object.entries(t).filter(([k, v]) => k !== 'total_ms' && v > 0);
  const total = t.total_ms ?? stages.reduce((s, [, v]) => s + v, 0);
  return h('details', { class: 'timings' },
    h('summary', {}, `Took ${formatMs(total)}`),
    h('dl', {}, ...stages.map(([k, v]) => [h('dt', {}, k.replace(/_ms$/, '')), h('dd', {}, formatMs(v))])));
}

function feedback(a: Answer, dataset: string): HTMLElement {
  const status = h('span', { class: 'feedback-status', role: 'status' });
  const send = async (verdict: 'approve' | 'reject', buttons: HTMLButtonElement[]) => {
    buttons.forEach((b) => (b.disabled = true));
    status.textContent = 'Sending…';
    try {
      const r = await post<FeedbackResult>('feedback', { dataset, answer_id: a.answer_id, verdict });
      const st = r.entry?.status ?? (verdict === 'approve' ? 'approved' : 'rejected');
      status.textContent = st === 'approved'
        ? `Approved: saved as example${r.entry?.id !== undefined ? ` #${r.entry.id}` : ''}; the same and similar questions are answered from it.`
        : 'Rejected: this answer will not be given again.';
      status.dataset.status = st;
    } catch (e) {
      status.textContent = describeError(e);
      status.dataset.status = 'error';
      buttons.forEach((b) => (b.disabled = false));
    }
  };
  const approve = h('button', { type: 'button', class: 'approve' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'reject' }, 'Reject');
  approve.addEventListener('click', () => void send('approve', [approve, reject]));
  reject.addEventListener('click', () => void send('reject', [approve, reject]));
  return h('div', { class: 'feedback', role: 'group', 'aria-label': 'Is this answer right?' }, approve, reject, status);
}
