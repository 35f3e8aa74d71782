// The conversation: the question box (Enter asks, Up/Down recall earlier questions), and each
// question's answer streamed from POST /ask as server-sent events, shown stage by stage.

import { ApiError, describeError, stream } from './api';
import { renderAnswer } from './answer';
import { byId, clear, h } from './dom';
import { newConversationId, state } from './state';
import type { Answer } from './types';

const STAGES = ['intent', 'sql', 'rows', 'chart', 'explanation', 'done'] as const;
const STAGE_WORDS: Record<string, string> = {
  intent: 'Reading the question', sql: 'Writing SQL', rows: 'Running the query',
  chart: 'Drawing the chart', explanation: 'Explaining', done: 'Done',
};

export interface ConversationHooks {
  answered: () => void; // refresh the history
}

const asked: string[] = []; // earlier questions, oldest first
let recall = -1; // index into `asked` while recalling, -1 when typing
let draft = '';
let seq = 0; // answers asked on this page, for their data-seq

export function initConversation(hooks: ConversationHooks): void {
  const form = byId<HTMLFormElement>('ask-form');
  const box = byId<HTMLInputElement>('question');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = box.value.trim();
    if (!q) return;
    if (!state.dataset) {
      announce('Choose or upload a dataset first.');
      byId('ask-hint').textContent = 'Choose or upload a dataset first.';
      return;
    }
    if (asked[asked.length - 1] !== q) asked.push(q);
    recall = -1;
    box.value = '';
    void ask(q, hooks);
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowUp' && asked.length) {
      e.preventDefault();
      if (recall === -1) { draft = box.value; recall = asked.length; }
      recall = Math.max(0, recall - 1);
      box.value = asked[recall];
    } else if (e.key === 'ArrowDown' && recall !== -1) {
      e.preventDefault();
      recall++;
      if (recall >= asked.length) { recall = -1; box.value = draft; } else box.value = asked[recall];
    }
  });
  byId('new-chat').addEventListener('click', () => newChat());
}

export function newChat(): void {
  state.conversation = newConversationId();
  clear(byId('answers'));
  announce('New chat started.');
  byId('question').focus();
}

export function fillQuestion(text: string): void {
  const box = byId<HTMLInputElement>('question');
  box.value = text;
  box.focus();
}

function announce(text: string): void {
  byId('live').textContent = text;
}

async function ask(question: string, hooks: ConversationHooks): Promise<void> {
  const dataset = state.dataset;
  const progress = h('ol', { class: 'stages', 'aria-label': 'Progress' });
  const body = h('div', { class: 'answer-body' });
  const answers = byId('answers');
  const card = h('article', { class: 'answer', 'data-state': 'streaming', 'aria-busy': 'true', 'data-seq': String(seq++) },
    h('h3', { class: 'question' }, question), progress, body);
  answers.prepend(card); // newest first, right under the question box
  card.scrollIntoView({ block: 'nearest' });
  announce(`Asking: ${question}`);

  const seen: string[] = [];
  let partial: Answer = { question };
  const hookSet = { dataset, suggest: fillQuestion, charts: new Map<string, HTMLElement | null>() };
  const showStage = (stage: string) => {
    if (!seen.includes(stage)) seen.push(stage);
    clear(progress, ...STAGES.filter((s) => seen.includes(s)).map((s) => h('li', { class: 'done', 'data-stage': s }, STAGE_WORDS[s])));
  };
  const finish = (outcome: 'done' | 'error') => {
    card.dataset.state = outcome;
    card.removeAttribute('aria-busy');
  };

  try {
    for await (const ev of stream('POST', 'ask', { dataset, question, conversation: state.conversation })) {
      if (ev.event === 'error') {
        const err = parse(ev.data) as { error?: { code: string; message: string } };
        throw new ApiError(200, err.error?.code ?? 'error', err.error?.message ?? 'The answer failed.');
      }
      if (!(STAGES as readonly string[]).includes(ev.event)) continue;
      const data = parse(ev.data) as Partial<Answer>;
      showStage(ev.event);
      if (ev.event === 'done') {
        partial = { question, ...data };
        clear(body, ...renderAnswer(partial, hookSet, false));
        finish('done');
        announce(partial.answered === false ? `Not answered: ${partial.message ?? ''}` : `Answer: ${partial.restatement ?? partial.explanation ?? 'ready'}`);
        hooks.answered();
        return;
      }
      partial = { ...partial, ...data };
      announce(STAGE_WORDS[ev.event] + '…');
      clear(body, ...renderAnswer(partial, hookSet, true));
    }
    throw new Error('The answer stream ended before the answer was complete.');
  } catch (e) {
    clear(body, ...renderAnswer(partial, hookSet, true), h('p', { class: 'error', role: 'alert' }, describeError(e)));
    finish('error');
    announce(`Error: ${describeError(e)}`);
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new Error('The server sent an event that is not JSON.');
  }
}
