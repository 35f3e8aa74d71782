// The page's start: the key (URL fragment, session, or a prompt), the settings, then the panels.

import './style.css';
import { ApiError, describeError, get, getKey, setKey, takeKeyFromUrl } from './api';
import { fillQuestion, initConversation } from './conversation';
import { initDatasets, loadDatasets, showAdminControls } from './datasets';
import { byId } from './dom';
import { loadHistory } from './history';
import { loadSchema } from './schema';
import { renderSettings } from './settings';
import { state } from './state';
import type { Settings } from './types';

async function start(): Promise<void> {
  takeKeyFromUrl();
  let settings: Settings;
  try {
    settings = await get<Settings>('settings');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      askForKey(getKey() ? 'That key was not accepted: it may be unknown or revoked.' : '');
      return;
    }
    byId('key-prompt').hidden = false;
    byId('key-error').textContent = `The server could not be reached: ${describeError(e)}`;
    return;
  }
  state.settings = settings;
  byId('key-prompt').hidden = true;
  byId('app').hidden = false;
  document.body.dataset.view = 'app';
  byId('auth-banner').hidden = settings.auth !== false;
  byId('forget-key').hidden = !getKey();
  renderSettings(settings);
  showAdminControls();
  await loadDatasets();
}

function askForKey(problem: string): void {
  byId('app').hidden = true;
  document.body.dataset.view = 'key';
  byId('key-prompt').hidden = false;
  byId('key-error').textContent = problem;
  byId('key-input').focus();
}

function refreshHistory(): void {
  void loadHistory(state.dataset, fillQuestion);
}

function wire(): void {
  byId<HTMLFormElement>('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = byId<HTMLInputElement>('key-input');
    setKey(input.value.trim());
    input.value = '';
    void start();
  });
  byId('forget-key').addEventListener('click', () => {
    setKey('');
    location.reload();
  });
  const panel = byId('toggle-panel');
  panel.addEventListener('click', () => {
    const open = panel.getAttribute('aria-expanded') !== 'true';
    panel.setAttribute('aria-expanded', String(open));
    const side = byId('side');
    side.classList.toggle('open', open);
    if (open) side.focus(); // at 800 px the panel opens above the conversation: start there
  });
  const settingsButton = byId('open-settings');
  const toggleSettings = (open: boolean) => {
    byId('settings').hidden = !open;
    settingsButton.setAttribute('aria-expanded', String(open));
    (open ? byId('close-settings') : settingsButton).focus();
  };
  settingsButton.addEventListener('click', () => toggleSettings(byId('settings').hidden));
  byId('close-settings').addEventListener('click', () => toggleSettings(false));
  byId('settings').addEventListener('keydown', (e) => { if (e.key === 'Escape') toggleSettings(false); });

  initDatasets({
    selected: (name) => {
      void loadSchema(name);
      refreshHistory();
    },
  });
  initConversation({ answered: refreshHistory });
}

wire();
void start();
// A link with a key opened in this tab again (only the fragment changes): use that key.
window.addEventListener('hashchange', () => {
  if (/(^#|&)key=/.test(location.hash)) void start();
});
