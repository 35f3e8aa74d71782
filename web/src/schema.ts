// The schema browser: each table (row count, description) with its columns' types,
// descriptions and sample values (the catalog's top values).

import { describeError, get } from './api';
import { byId, clear, formatNumber, h } from './dom';
import type { Cell, Schema, SchemaColumn } from './types';

const SAMPLE_VALUES = 5;

export async function loadSchema(dataset: string): Promise<void> {
  const root = byId('schema');
  if (!dataset) {
    clear(root);
    return;
  }
  clear(root, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const schema = await get<Schema>(`datasets/${encodeURIComponent(dataset)}/schema`);
    clear(root, ...schema.tables.map((t) =>
      h('details', { class: 'schema-table' },
        h('summary', {}, h('span', { class: 'table-name' }, t.name), ' ',
          h('span', { class: 'muted' }, `${formatNumber(t.row_count)} rows${t.is_view ? ' · view' : ''}`)),
        t.description ? h('p', { class: 'description' }, t.description) : null,
        h('ul', { class: 'schema-columns' }, ...t.columns.map(column)))));
  } catch (e) {
    clear(root, h('p', { class: 'error', role: 'alert' }, describeError(e)));
  }
}

function column(c: SchemaColumn) {
  const samples = (c.top_values ?? []).slice(0, SAMPLE_VALUES);
  return h('li', {},
    h('code', { class: 'column-name' }, c.name), ' ', h('span', { class: 'type' }, c.type ?? ''),
    c.label && c.label !== c.name ? h('span', { class: 'muted' }, ` “${c.label}”`) : null,
    c.description ? h('div', { class: 'description' }, c.description) : null,
    samples.length ? h('div', { class: 'samples' }, 'e.g. ',
      samples.map((s, i) => [i ? ', ' : '', h('span', { class: 'sample' }, cellText(s.value)), h('span', { class: 'muted' }, ` (${formatNumber(s.count)})`)])) : null);
}

function cellText(v: Cell): string {
  return v === null ? 'NULL' : String(v);
}
