// The sandbox page: renders server-made HTML fragments and turns clicks and typing into
// calls to the sandbox, which sends the app the same signed requests Slack would.
'use strict';

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const workspace = $('.workspace');
  const memberSelect = $('#member');

  const ui = {
    member: localStorage.getItem('herald-sandbox-member') || memberSelect.value,
    channel: workspace.dataset.defaultChannel,
    thread: null,
    home: false,
    homeTab: 'home',
    modal: null,
  };
  if (![...memberSelect.options].some((o) => o.value === ui.member)) ui.member = memberSelect.value;
  memberSelect.value = ui.member;

  const dmChannel = () => `D${ui.member.slice(1)}`;
  const currentChannel = () => (ui.home ? dmChannel() : ui.channel);

  // ---- talking to the sandbox ----

  let toastTimer;
  function toast(text) {
    const box = $('#toast');
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (box.hidden = true), 6000);
  }

  async function send(path, body) {
    document.body.classList.add('busy');
    try {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ member: ui.member, ...body }),
      });
      const answer = await response.json().catch(() => ({ ok: false, notice: 'The sandbox did not answer.' }));
      if (answer.notice) toast(answer.notice);
      return answer;
    } catch {
      toast('The sandbox is not reachable. Is Herald still running?');
      return { ok: false };
    } finally {
      document.body.classList.remove('busy');
    }
  }

  // ---- live state: long-polling /sandbox/state ----

  let polling;
  function startPolling() {
    if (polling) polling.abort();
    const controller = new AbortController();
    polling = controller;
    (async () => {
      let since = 0;
      let boot = '';
      while (!controller.signal.aborted) {
        const query = new URLSearchParams({ member: ui.member, channel: ui.channel, since: String(since), boot });
        if (ui.thread) query.set('thread', ui.thread);
        if (ui.home) query.set('home', '1');
        try {
          const response = await fetch(`/sandbox/state?${query}`, { signal: controller.signal });
          if (!response.ok) throw new Error(String(response.status));
          const state = await response.json();
          if (controller.signal.aborted) return;
          apply(state);
          since = state.version;
          boot = state.boot;
        } catch {
          if (controller.signal.aborted) return;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })();
  }

  function nearBottom(element) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < 80;
  }

  function replaceScrolled(element, html) {
    const stick = nearBottom(element) || element.childElementCount === 0;
    element.innerHTML = html;
    if (stick) element.scrollTop = element.scrollHeight;
  }

  function apply(state) {
    $('#channel-title').textContent = state.channelTitle;
    $('#home-tabs').hidden = !ui.home;
    const showHome = ui.home && ui.homeTab === 'home';
    $('#home').hidden = !showHome;
    $('#timeline').hidden = showHome;
    // a read-only Messages tab has no message box, for messages, commands, files or thread replies
    const readOnly = ui.home && workspace.dataset.messagesTabReadOnly === 'true';
    $('#composer').hidden = showHome || readOnly;
    $('#messages-tab-off').hidden = showHome || !readOnly;
    $('#thread-composer').hidden = readOnly;
    if (showHome) $('#home').innerHTML = state.home || '';
    replaceScrolled($('#timeline'), state.timeline);
    $('#thread').hidden = !ui.thread;
    if (ui.thread && state.thread !== null) replaceScrolled($('#thread-messages'), state.thread);
    applyModal(state.modal);
    for (const link of $$('[data-channel-link]')) {
      link.classList.toggle('active', ui.home ? link.dataset.channelLink === 'home' : link.dataset.channelLink === ui.channel);
    }
    document.body.dataset.version = String(state.version);
  }

  // ---- element values (what Slack calls state) ----

  const isExternal = (element) => element.dataset.type === 'external_select' || element.dataset.type === 'multi_external_select';

  function readElement(element) {
    const type = element.dataset.type;
    if (element.tagName === 'SELECT') {
      const chosen = element.multiple ? { values: [...element.selectedOptions].map((o) => o.value) } : { value: element.value };
      // the app sent an external select's options to the page only: their texts go along, as Slack's client sends them
      if (!isExternal(element)) return chosen;
      return { ...chosen, options: [...element.selectedOptions].filter((o) => o.value !== '').map((o) => ({ value: o.value, text: o.textContent })) };
    }
    if (type === 'checkboxes') return { values: $$('input:checked', element).map((input) => input.value) };
    if (type === 'radio_buttons') return { value: $('input:checked', element)?.value ?? '' };
    return { value: element.value ?? '' };
  }

  function writeElement(element, state) {
    const values = new Set(state.values ?? (state.value ? [state.value] : []));
    if (element.tagName === 'SELECT') {
      const present = new Set([...element.options].map((option) => option.value));
      for (const { value, text } of state.options ?? []) if (!present.has(value)) element.add(new Option(text, value));
      for (const option of element.options) option.selected = values.has(option.value);
    } else if (element.dataset.type === 'checkboxes' || element.dataset.type === 'radio_buttons') {
      for (const input of $$('input', element)) input.checked = values.has(input.value);
    } else {
      element.value = state.value ?? '';
    }
  }

  const stateless = new Set(['button', 'overflow', 'image']);

  function collectState(root) {
    const state = {};
    for (const element of $$('[data-action-id]', root)) {
      if (stateless.has(element.dataset.type)) continue;
      const block = element.dataset.blockId;
      state[block] = { ...state[block], [element.dataset.actionId]: readElement(element) };
    }
    return state;
  }

  function restoreState(root, state) {
    for (const element of $$('[data-action-id]', root)) {
      const saved = state[element.dataset.blockId]?.[element.dataset.actionId];
      if (saved && !stateless.has(element.dataset.type)) writeElement(element, saved);
    }
  }

  // ---- modals ----

  function applyModal(modal) {
    const root = $('#modal-root');
    if (!modal) {
      root.hidden = true;
      root.innerHTML = '';
      ui.modal = null;
      return;
    }
    if (ui.modal && ui.modal.id === modal.id && ui.modal.hash === modal.hash) return;
    // an updated view keeps what was typed into inputs whose block_id and action_id stay the same, as in Slack
    const kept = ui.modal && ui.modal.id === modal.id ? collectState(root) : {};
    root.innerHTML = modal.html;
    restoreState(root, kept);
    root.hidden = false;
    ui.modal = { id: modal.id, hash: modal.hash };
    const first = $('input, textarea, select', root);
    if (first) first.focus();
  }

  function showErrors(modal, errors) {
    for (const slot of $$('[data-error-for]', modal)) {
      const message = errors[slot.dataset.errorFor];
      slot.textContent = message || '';
      slot.hidden = !message;
      slot.closest('.bk')?.classList.toggle('has-error', Boolean(message));
    }
  }

  async function submitModal(modal) {
    const answer = await send('/sandbox/submit', { viewId: modal.dataset.viewId, state: collectState(modal) });
    showErrors(modal, answer.errors || {});
    const notice = $('.modal-notice', modal);
    if (notice) {
      notice.textContent = answer.ok || answer.errors ? '' : answer.notice || '';
      notice.hidden = !notice.textContent;
    }
  }

  async function closeModal(modal) {
    await send('/sandbox/close', { viewId: modal.dataset.viewId, state: collectState(modal) });
  }

  // ---- block actions ----

  function containerOf(element) {
    const container = element.closest('[data-container]');
    if (!container) return null;
    return container.dataset.container === 'message'
      ? { type: 'message', channelId: container.dataset.channel, ts: container.dataset.ts }
      : { type: 'view', viewId: container.dataset.viewId };
  }

  async function dispatchAction(element, value) {
    const container = containerOf(element);
    if (!container) return;
    const root = element.closest('[data-container]');
    await send('/sandbox/action', {
      container,
      blockId: element.dataset.blockId,
      actionId: element.dataset.actionId,
      value,
      state: container.type === 'view' ? collectState(root) : {},
    });
  }

  // ---- external selects: what is typed goes to the app, the options it answers fill the select ----

  function fillOptions(select, options) {
    const kept = new Set();
    for (const option of [...select.options]) {
      if (option.value === '' || option.selected) kept.add(option.value);
      else option.remove();
    }
    for (const { value, text } of options) if (!kept.has(value)) select.add(new Option(text, value));
  }

  async function searchOptions(input) {
    const select = $('select', input.closest('.bk-external'));
    const container = select && containerOf(select);
    const text = input.value;
    if (!container || text.length < Number(select.dataset.minQueryLength)) return;
    const answer = await send('/sandbox/options', {
      container,
      blockId: select.dataset.blockId,
      actionId: select.dataset.actionId,
      value: text,
      state: container.type === 'view' ? collectState(select.closest('[data-container]')) : {},
    });
    if (answer.ok && input.value === text) fillOptions(select, answer.options);
  }

  const searchTimers = new WeakMap();
  document.addEventListener('input', (event) => {
    const input = event.target instanceof Element ? event.target.closest('.bk-search') : null;
    if (!input) return;
    clearTimeout(searchTimers.get(input));
    searchTimers.set(input, setTimeout(() => searchOptions(input), 250));
  });
  // like Slack's menu opening: with min_query_length 0 the options load before anything is typed
  document.addEventListener('focusin', (event) => {
    const box = event.target instanceof Element ? event.target.closest('.bk-external') : null;
    if (!box || box.dataset.opened) return;
    box.dataset.opened = '1';
    searchOptions($('.bk-search', box));
  });

  function confirmFirst(button) {
    if (!button.dataset.confirmTitle) return Promise.resolve(true);
    const root = $('#confirm-root');
    root.innerHTML = '';
    const dialog = document.createElement('div');
    dialog.className = 'modal confirm';
    dialog.setAttribute('role', 'alertdialog');
    const title = document.createElement('h2');
    title.textContent = button.dataset.confirmTitle;
    const text = document.createElement('p');
    text.textContent = button.dataset.confirmText;
    const footer = document.createElement('footer');
    footer.className = 'modal-footer';
    const deny = document.createElement('button');
    deny.type = 'button';
    deny.className = 'bk-button';
    deny.textContent = button.dataset.confirmDeny;
    const ok = document.createElement('button');
    ok.type = 'button';
    ok.className = 'bk-button bk-primary';
    ok.textContent = button.dataset.confirmOk;
    footer.append(deny, ok);
    dialog.append(title, text, footer);
    root.append(dialog);
    root.hidden = false;
    return new Promise((resolve) => {
      const done = (answer) => {
        root.hidden = true;
        root.innerHTML = '';
        resolve(answer);
      };
      deny.addEventListener('click', () => done(false));
      ok.addEventListener('click', () => done(true));
    });
  }

  document.addEventListener('click', async (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const threadLink = target.closest('[data-open-thread]');
    if (threadLink) return openThread(threadLink.dataset.openThread);
    const modalButton = target.closest('[data-modal]');
    if (modalButton) {
      const modal = modalButton.closest('.modal');
      return modalButton.dataset.modal === 'submit' ? submitModal(modal) : closeModal(modal);
    }
    const shortcut = target.closest('[data-message-shortcut]');
    if (shortcut) {
      const message = shortcut.closest('[data-container="message"]');
      return send('/sandbox/shortcut', { callbackId: shortcut.dataset.messageShortcut, channel: message.dataset.channel, ts: message.dataset.ts });
    }
    const button = target.closest('button[data-type="button"]');
    if (button && !button.disabled) {
      if (!(await confirmFirst(button))) return;
      if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
      button.disabled = true;
      try {
        await dispatchAction(button, undefined);
      } finally {
        button.disabled = false;
      }
    }
  });

  document.addEventListener('change', async (event) => {
    const element = event.target instanceof Element ? event.target.closest('[data-action-id]') : null;
    if (!element || element.dataset.dispatch !== '1' || element.dataset.type === 'button') return;
    const value = readElement(element);
    if (element.dataset.type === 'overflow') element.value = '';
    await dispatchAction(element, value);
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && ui.modal) {
      const modal = $('#modal-root .modal');
      if (modal) closeModal(modal);
    }
  });

  // ---- composer, threads, channels, members ----

  async function sendText(input, thread) {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    const answer = await send('/sandbox/message', { channel: currentChannel(), text, ...(thread ? { thread } : {}) });
    if (!answer.ok && answer.notice && !text.startsWith('/')) input.value = text;
  }

  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    sendText($('#message'), null);
  });
  $('#thread-composer').addEventListener('submit', (event) => {
    event.preventDefault();
    sendText($('#thread-message'), ui.thread);
  });

  function openThread(ts) {
    ui.thread = ts;
    $('#thread').hidden = false;
    startPolling();
  }

  $('#close-thread').addEventListener('click', () => {
    ui.thread = null;
    $('#thread').hidden = true;
    startPolling();
  });

  function route() {
    const [place, ts] = decodeURIComponent(location.hash.slice(1)).split('/');
    ui.home = place === 'home';
    if (place && place !== 'home') ui.channel = place;
    ui.thread = ts || null;
    startPolling();
    if (ui.home) send('/sandbox/home', {});
  }
  window.addEventListener('hashchange', route);

  for (const tab of $$('[data-tab]')) {
    tab.addEventListener('click', () => {
      ui.homeTab = tab.dataset.tab;
      for (const other of $$('[data-tab]')) other.classList.toggle('active', other === tab);
      startPolling();
    });
  }

  memberSelect.addEventListener('change', () => {
    ui.member = memberSelect.value;
    localStorage.setItem('herald-sandbox-member', ui.member);
    ui.modal = null;
    ui.thread = null;
    startPolling();
    if (ui.home) send('/sandbox/home', {});
  });

  const shortcuts = $('#shortcuts');
  if (shortcuts) {
    shortcuts.addEventListener('change', async () => {
      const callbackId = shortcuts.value;
      shortcuts.value = '';
      if (callbackId) await send('/sandbox/shortcut', { callbackId });
    });
  }

  // ---- files ----

  async function upload(file) {
    const response = await fetch('/sandbox/drop', {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'x-sandbox-member': ui.member,
        'x-sandbox-channel': currentChannel(),
        'x-sandbox-filename': encodeURIComponent(file.name),
        ...(ui.thread ? { 'x-sandbox-thread': ui.thread } : {}),
      },
      body: file,
    });
    const answer = await response.json().catch(() => ({}));
    if (!answer.ok) toast(answer.notice || `Could not upload ${file.name}.`);
  }

  $('#file').addEventListener('change', async (event) => {
    for (const file of event.target.files) await upload(file);
    event.target.value = '';
  });

  const channelPane = $('#channel');
  channelPane.addEventListener('dragover', (event) => {
    event.preventDefault();
    $('#drop-hint').hidden = false;
  });
  channelPane.addEventListener('dragleave', () => ($('#drop-hint').hidden = true));
  channelPane.addEventListener('drop', async (event) => {
    event.preventDefault();
    $('#drop-hint').hidden = true;
    for (const file of event.dataTransfer.files) await upload(file);
  });

  route();
})();
