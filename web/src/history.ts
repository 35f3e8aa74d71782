// The history panel: this key's questions on the dataset, newest first; a click asks it again.

import { describeError, get } from './api';
import { byId, clear, h } from './dom';
import type { HistoryItem } from './types';

export async function loadHistory(dataset: string, pick: (question: string) => void): Promise<void> {
  const root = byId('history');
  if (!dataset) {
    clear(root);
    return;
  }
  try {
    const { items } = await get<{ items: HistoryItem[] }>(`history?dataset=${encodeURIComponent(dataset)}&limit=50`);
    if (!items.length) {
      clear(root, h('p', { class: 'muted' }, 'No questions yet.'));
      return;
    }
    clear(root, h('ul', { class: 'history-list' }, ...items.map((item) =>
      h('li', {},
        h('button', { type: 'button', class: 'history-item', title: item.restatement ?? '', onclick: () => pick(item.question) },
          item.question),
        h('span', { class: `muted ${item.answered === false ? 'unanswered' : ''}` },
          item.answered === false ? ' not answered' : item.source ? ` ${item.source}` : '')))));
  } catch (e) {
    clear(root, h('p', { class: 'error' }, describeError(e)));
  }
}
