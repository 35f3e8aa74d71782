// A result table: 25 rows a page, click a header to sort (again to reverse), CSV download.

import { download, formatNumber, h, clear } from './dom';
import type { Cell } from './types';

export const PAGE_SIZE = 25;

export interface TableOptions {
  columns: string[];
  rows: Cell[][];
  truncated?: boolean;
  rowCount?: number;
  filename?: string; // for the CSV download, without extension
}

export function resultTable(opts: TableOptions): HTMLElement {
  const { columns } = opts;
  const plain = columns.map(isIdentifierLike);
  const rows = opts.rows.slice();
  let page = 0;
  let sortCol = -1;
  let descending = false;

  const table = h('table', { class: 'result' });
  const pager = h('div', { class: 'pager' });
  const root = h('div', { class: 'result-table' });

  const render = () => {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    const head = h('tr', {}, ...columns.map((c, i) => {
      const sort = i === sortCol ? (descending ? 'descending' : 'ascending') : 'none';
      const arrow = i === sortCol ? (descending ? ' ▼' : ' ▲') : '';
      return h('th', { scope: 'col', 'aria-sort': sort },
        h('button', { type: 'button', class: 'sort', onclick: () => sortBy(i) }, c, arrow));
    }));
    const body = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((r) =>
      h('tr', {}, ...columns.map((_, i) => {
        const v = r[i];
        return h('td', { class: typeof v === 'number' ? 'num' : v === null ? 'null' : '' }, formatCell(v, plain[i]));
      })));
    clear(table, h('thead', {}, head), h('tbody', {}, ...body));
    const total = opts.rowCount ?? rows.length;
    clear(pager,
      h('button', { type: 'button', class: 'prev', disabled: page === 0, onclick: () => { page--; render(); } }, 'Previous'),
      h('span', { class: 'page-info' },
        rows.length ? `Rows ${page * PAGE_SIZE + 1}–${Math.min(rows.length, (page + 1) * PAGE_SIZE)} of ${formatNumber(total)}`
          : 'No rows', opts.truncated ? ' (truncated by the row limit)' : ''),
      h('button', { type: 'button', class: 'next', disabled: page >= pages - 1, onclick: () => { page++; render(); } }, 'Next'),
      h('button', { type: 'button', class: 'csv', onclick: () => download(`${opts.filename ?? 'result'}.csv`, toCsv(columns, rows), 'text/csv') }, 'Download CSV'));
  };

  const sortBy = (col: number) => {
    descending = col === sortCol ? !descending : false;
    sortCol = col;
    rows.sort((a, b) => compareCells(a[col], b[col]) * (descending ? -1 : 1));
    page = 0;
    render();
    root.querySelectorAll<HTMLButtonElement>('th button')[col]?.focus();
  };

  render();
  root.append(h('div', { class: 'table-scroll' }, table), pager);
  return root;
}

// Ids, codes and years read wrong with thousands separators ("2,012"): such columns show digits as stored.
function isIdentifierLike(column: string): boolean {
  return /(^|[_\s(.])(id|key|code|zip|no|number|year|yr)\)?$/i.test(column) || /^(year|yr)\b/i.test(column) || column.includes('%Y');
}

function formatCell(v: Cell, plain: boolean): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (plain) return String(v);
    return v.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(v) ? 0 : 4 });
  }
  return String(v);
}

// NULLs first, numbers numerically, text by locale.
export function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled.
export function toCsv(columns: string[], rows: Cell[][]): string {
  const field = (v: Cell) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
