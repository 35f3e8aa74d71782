// SQL shown highlighted (highlight.js core with only its SQL grammar), with copy, and an editor
// that re-runs the edited statement through POST /sql.

import hljs from 'highlight.js/lib/core';
import sqlLanguage from 'highlight.js/lib/languages/sql';
import { describeError, post } from './api';
import { chartView } from './chart';
import { clear, h } from './dom';
import { resultTable } from './table';
import type { SqlResult } from './types';

hljs.registerLanguage('sql', sqlLanguage);

export function highlightedSql(sql: string): HTMLElement {
  const code = h('code', { class: 'hljs language-sql' });
  // highlight.js escapes the text it is given; its output holds only its own <span class> markup.
  code.innerHTML = hljs.highlight(sql, { language: 'sql' }).value;
  return h('pre', { class: 'sql' }, code);
}

// The SQL block of an answer: highlighted, Copy, Edit → textarea + Run (POST /sql) + Cancel.
export function sqlView(sql: string, dataset: string): HTMLElement {
  const root = h('div', { class: 'sql-block' });
  const result = h('div', { class: 'sql-run', 'aria-live': 'polite' });
  const copied = h('span', { class: 'copied', role: 'status' });

  const show = () => {
    clear(root,
      h('div', { class: 'sql-head' },
        h('h4', {}, 'SQL'),
        h('button', { type: 'button', class: 'copy', onclick: copy }, 'Copy'),
        h('button', { type: 'button', class: 'edit', onclick: edit }, 'Edit and re-run'),
        copied),
      highlightedSql(sql), result);
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(sql);
      copied.textContent = 'Copied';
    } catch {
      copied.textContent = 'Copy failed: select the SQL and copy it by hand';
    }
  };

  const edit = () => {
    const area = h('textarea', { class: 'sql-editor', id: `sql-${Math.random().toString(36).slice(2)}`, rows: 5, spellcheck: 'false' });
    area.value = sql;
    const run = async () => {
      const text = area.value.trim();
      if (!text) return;
      clear(result, h('p', { class: 'running' }, 'Running…'));
      try {
        const r = await post<SqlResult>('sql', { dataset, sql: text });
        clear(result,
          h('p', { class: 'sql-ok' }, `Edited SQL: ${r.row_count ?? r.rows.length} rows`, r.elapsed_ms !== undefined ? ` in ${r.elapsed_ms.toFixed(1)} ms` : ''),
          resultTable({ columns: r.columns, rows: r.rows, truncated: r.truncated, rowCount: r.row_count, filename: 'edited-query' }),
          chartView(r.chart));
      } catch (e) {
        clear(result, h('p', { class: 'error', role: 'alert' }, describeError(e)));
      }
    };
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void run(); }
      if (e.key === 'Escape') { e.preventDefault(); show(); root.querySelector<HTMLButtonElement>('button.edit')?.focus(); }
    });
    clear(root,
      h('label', { for: area.id, class: 'sql-editor-label' }, 'Edit the SQL (Ctrl+Enter runs it, Escape cancels)'),
      area,
      h('div', { class: 'sql-actions' },
        h('button', { type: 'button', class: 'run primary', onclick: () => void run() }, 'Run'),
        h('button', { type: 'button', class: 'cancel', onclick: show }, 'Cancel')),
      result);
    area.focus();
  };

  show();
  return root;
}
