// The settings view: version, this key, provider status per role, memory and limits.
// The server never sends secrets here; the page shows only what it gets.

import { byId, clear, h } from './dom';
import type { Settings } from './types';

export function renderSettings(s: Settings): void {
  const roles = Object.entries(s.providers ?? {});
  const key = s.key ?? {};
  clear(byId('settings-body'),
    h('dl', { class: 'settings-list' },
      row('Version', s.version ?? ''),
      row('Authentication', s.auth === false ? 'off (--no-auth)' : 'on'),
      row('Key', `${key.name ?? ''}${key.admin ? ' (admin)' : ''}`),
      row('Datasets', key.datasets ? key.datasets.join(', ') : 'all'),
      row('Engine threshold', s.engine_threshold !== undefined ? String(s.engine_threshold) : ''),
      row('Privacy mode', s.privacy_mode ? 'on: no rows are sent to a model' : 'off'),
      row('Memory', s.memory ? (s.memory.enabled === false ? 'off' :
        `${s.memory.store ?? ''}${s.memory.similarity_threshold !== undefined ? `, similarity ≥ ${s.memory.similarity_threshold}` : ''}`) : '')),
    h('h3', {}, 'Model providers'),
    roles.length ? h('table', { class: 'providers' },
      h('thead', {}, h('tr', {}, ...['Role', 'Status', 'Provider', 'Model', 'Endpoint'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...roles.map(([role, p]) => h('tr', {},
        h('th', { scope: 'row' }, role),
        h('td', {}, p.configured ? 'configured' : 'not configured'),
        h('td', {}, p.provider ?? ''), h('td', {}, p.model ?? ''), h('td', {}, p.base_url ?? ''))))) :
      h('p', { class: 'muted' }, 'No model is configured: the built-in engine answers alone.'),
    h('h3', {}, 'Limits'),
    h('dl', { class: 'settings-list' }, ...Object.entries(s.limits ?? {}).map(([k, v]) => row(k.replace(/_/g, ' '), String(v)))));
}

function row(name: string, value: string) {
  return [h('dt', {}, name), h('dd', {}, value)];
}
