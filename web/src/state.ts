// What the page knows across its panels.

import type { Settings } from './types';

export const state = {
  settings: null as Settings | null,
  dataset: '',
  conversation: newConversationId(),
};

// A chat's id for follow-ups: 1-48 of [A-Za-z0-9_.-] (docs/api.md).
export function newConversationId(): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `c-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

export function isAdmin(): boolean {
  return state.settings?.auth === false || state.settings?.key?.admin === true;
}
