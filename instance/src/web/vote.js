// The voter's page: a voter token (from the #token=… fragment or pasted), the live socket, one
// ballot per owner carried. A vote not yet acknowledged is resent after a reconnection with the
// same clientVoteId, so the server never counts it twice.
import { el, fraction, fragmentParams, liveUrl, resultLine, setupLanguage, t } from './common.js';

const $ = (id) => document.getElementById(id);
const state = {
  orgId: '', meetingId: '', token: '',
  ws: null, connected: false, refused: false, retries: 0, retryTimer: null,
  meeting: null, carries: [],
  /** itemId → { itemId, title, draftResolution, majority, open, result, adopted } in the order heard. */
  items: new Map(),
  /** `${itemId}/${personId}` → { choice, state: 'pending'|'acked'|'rejected', clientVoteId, message } */
  ballots: new Map(),
  /** clientVoteId → the vote message, until acknowledged or refused. */
  unacked: new Map(),
};

function newClientVoteId() {
  const b = crypto.getRandomValues(new Uint8Array(16)); // works without a secure context, unlike randomUUID
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function connect() {
  clearTimeout(state.retryTimer);
  if (state.refused || state.ws) return;
  if (navigator.onLine === false) { render(); return; } // wait for the 'online' event
  const ws = new WebSocket(liveUrl(state.orgId, state.meetingId));
  state.ws = ws;
  render();
  ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'voter', voterToken: state.token })));
  ws.addEventListener('message', (e) => { if (state.ws === ws) onMessage(JSON.parse(String(e.data))); });
  ws.addEventListener('close', (e) => { if (state.ws === ws) dropped(e.code); });
}

function dropped(code) {
  state.ws = null;
  state.connected = false;
  if (code === 4401 || code === 4404) state.refused = true;
  else {
    const delay = Math.min(5000, 250 * 2 ** state.retries++);
    state.retryTimer = setTimeout(connect, delay);
  }
  render();
}

function onMessage(m) {
  switch (m.type) {
    case 'ready': {
      state.connected = true;
      state.retries = 0;
      state.meeting = m.meeting ?? state.meeting;
      state.carries = m.carries ?? state.carries;
      const open = new Set(m.openItems.map((i) => i.itemId));
      for (const item of state.items.values()) if (item.open && !open.has(item.itemId)) item.open = false; // closed while we were away
      for (const i of m.openItems) state.items.set(i.itemId, { ...state.items.get(i.itemId), ...i, open: true });
      for (const b of m.ballots ?? []) {
        const key = `${b.itemId}/${b.personId}`;
        if (state.ballots.get(key)?.state !== 'pending') state.ballots.set(key, { choice: b.choice, state: 'acked' });
      }
      for (const [cid, v] of state.unacked) {
        if (open.has(v.itemId)) send(v);
        else { state.unacked.delete(cid); markRefused(v, t('closed')); }
      }
      break;
    }
    case 'resolution.opened':
      state.items.set(m.itemId, { itemId: m.itemId, title: m.title, draftResolution: m.draftResolution, majority: m.majority, open: true });
      break;
    case 'resolution.closed': {
      const item = state.items.get(m.itemId) ?? { itemId: m.itemId, title: '' };
      state.items.set(m.itemId, { ...item, open: false, adopted: m.adopted, result: m.result ?? null });
      break;
    }
    case 'vote.ack': {
      state.unacked.delete(m.clientVoteId);
      const key = `${m.itemId}/${m.personId}`;
      const current = state.ballots.get(key);
      if (!current || current.clientVoteId === m.clientVoteId) state.ballots.set(key, { choice: m.choice, state: 'acked', clientVoteId: m.clientVoteId });
      break;
    }
    case 'vote.rejected': {
      const v = state.unacked.get(m.clientVoteId);
      if (v) { state.unacked.delete(m.clientVoteId); markRefused(v, m.message); }
      break;
    }
  }
  render();
}

function markRefused(v, message) {
  const key = `${v.itemId}/${v.personId}`;
  if (state.ballots.get(key)?.clientVoteId === v.clientVoteId) state.ballots.set(key, { choice: null, state: 'rejected', message });
}

function send(v) {
  if (state.connected && state.ws?.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(v));
}

function vote(itemId, personId, choice) {
  const v = { type: 'vote', itemId, personId, choice, clientVoteId: newClientVoteId() };
  // An earlier unacknowledged vote of the same owner is superseded: only the latest choice is resent.
  for (const [cid, u] of state.unacked) if (u.itemId === itemId && u.personId === personId) state.unacked.delete(cid);
  state.unacked.set(v.clientVoteId, v);
  state.ballots.set(`${itemId}/${personId}`, { choice, state: 'pending', clientVoteId: v.clientVoteId });
  send(v);
  render();
}

function statusText() {
  if (state.refused) return t('refused');
  if (!state.orgId) return '';
  if (state.connected) return t('connected');
  return state.retries > 0 || navigator.onLine === false ? t('reconnecting') : t('connecting');
}

function render() {
  const focused = document.activeElement?.dataset?.focus;
  $('status').textContent = statusText();
  $('status').dataset.state = state.refused ? 'refused' : state.connected ? 'connected' : state.orgId ? 'reconnecting' : 'idle';
  $('join').hidden = Boolean(state.orgId) && !state.refused;
  const info = $('meetingInfo');
  info.hidden = !state.meeting;
  if (state.meeting) {
    const m = state.meeting;
    info.replaceChildren(el('h2', {}, t(m.kind)), el('p', {}, `${m.meetingDate} ${m.startTime} – ${m.place}`));
  }
  const list = [...state.items.values()];
  const items = $('items');
  items.replaceChildren(...(state.connected && !list.some((i) => i.open) ? [el('p', { class: 'empty' }, t('noOpen'))] : []),
    ...list.reverse().map(renderItem));
  if (focused) document.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

function renderItem(item) {
  const head = [
    el('h2', {}, item.title),
    item.draftResolution ? el('p', { class: 'resolution' }, item.draftResolution) : null,
    item.majority ? el('p', { class: 'majority' }, `${t('majority')}: ${t(item.majority)}`) : null,
  ];
  if (!item.open) {
    return el('article', { class: 'item closed', 'data-item': item.itemId }, ...head,
      el('p', { class: 'closed-note' }, t('closed')),
      item.result ? el('p', { class: 'outcome' }, `${item.adopted ? t('adopted') : t('notAdopted')} – ${resultLine(item.result)}`) : null);
  }
  return el('article', { class: 'item open', 'data-item': item.itemId }, ...head,
    ...state.carries.map((p) => renderBallot(item, p)),
    el('p', { class: 'hint' }, t('mayChange')));
}

function renderBallot(item, person) {
  const b = state.ballots.get(`${item.itemId}/${person.personId}`);
  const groupId = `g-${item.itemId}-${person.personId}`;
  const note = !b ? '' : b.state === 'pending' ? t('pending') : b.state === 'acked' ? `${t('recorded')} ${t(b.choice)}` : `${t('rejected')} ${b.message}`;
  return el('div', { class: 'ballot', role: 'group', 'aria-labelledby': groupId, 'data-person': person.personId },
    el('h3', { id: groupId }, `${t('votesFor')} ${person.name}`),
    el('div', { class: 'choices' }, ...['for', 'against', 'abstention'].map((choice) => el('button', {
      type: 'button', class: `choice ${choice}`, 'data-choice': choice, 'data-focus': `${item.itemId}/${person.personId}/${choice}`,
      'aria-pressed': String(b?.choice === choice), onclick: () => vote(item.itemId, person.personId, choice),
    }, t(choice)))),
    el('p', { class: `ack ${b?.state ?? ''}`, 'data-state': b?.state ?? 'none' }, note));
}

function start(orgId, meetingId, token) {
  Object.assign(state, { orgId: orgId.trim(), meetingId: meetingId.trim(), token: token.trim(), refused: false, retries: 0 });
  connect();
}

window.addEventListener('offline', () => {
  // The socket may linger without noticing the network is gone: drop it now and resend on return.
  const ws = state.ws;
  if (ws) { state.ws = null; ws.close(); dropped(1006); }
});
window.addEventListener('online', () => { if (state.orgId && !state.ws) { state.retries = 0; connect(); } });

setupLanguage($('lang'), render);
$('join').addEventListener('submit', (e) => {
  e.preventDefault();
  start($('org').value, $('meeting').value, $('token').value);
});
const params = fragmentParams();
if (params.get('org')) $('org').value = params.get('org');
if (params.get('meeting')) $('meeting').value = params.get('meeting');
if (params.get('token') && params.get('org') && params.get('meeting')) start(params.get('org'), params.get('meeting'), params.get('token'));
else if (params.get('token')) $('token').value = params.get('token');
render();
