// The chair's page: log in (token kept in memory only), pick the meeting, follow attendance,
// quorum and the live tally (the exact result recomputed by the server as ballots arrive), and
// open/close votes through the API.
import { el, fraction, liveUrl, resultLine, setupLanguage, t } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { token: '', refreshToken: '', orgId: '', buildingId: '', meetingId: '', meeting: null, attendance: [], tallies: new Map(),
  ws: null, connected: false, retries: 0, busy: false };

async function api(method, path, body, retried = false) {
  const res = await fetch(`/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${state.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // An assembly outlasts the short-lived access token: renew it once with the refresh token (kept in memory only).
  if (res.status === 401 && state.refreshToken && !retried && await refresh()) return api(method, path, body, true);
  const json = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw new Error(json?.error?.message ?? `${res.status}`);
  return json;
}

async function refresh() {
  const res = await fetch('/api/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: state.refreshToken }) });
  if (!res.ok) { state.refreshToken = ''; return false; }
  const pair = await res.json();
  state.token = pair.accessToken;
  state.refreshToken = pair.refreshToken;
  return true;
}

function showError(e) { $('error').textContent = e ? `${t('error')}: ${e.message ?? e}` : ''; }

const options = (select, items, label) => select.replaceChildren(...items.map((i) => el('option', { value: i.id }, label(i))));

async function loggedIn() {
  $('login').hidden = true;
  $('pick').hidden = false;
  options($('orgSelect'), (await api('GET', '/organizations')).items, (o) => o.name);
  await orgChanged();
}

async function orgChanged() {
  state.orgId = $('orgSelect').value;
  options($('buildingSelect'), state.orgId ? (await api('GET', `/orgs/${state.orgId}/buildings`)).items : [], (b) => b.name);
  await buildingChanged();
}

async function buildingChanged() {
  const b = $('buildingSelect').value;
  const meetings = b ? (await api('GET', `/orgs/${state.orgId}/buildings/${b}/meetings`)).items : [];
  options($('meetingSelect'), meetings, (m) => `${m.meetingDate} ${t(m.kind)} (${m.status})`);
}

const base = () => `/orgs/${state.orgId}/buildings/${state.buildingId}/meetings/${state.meetingId}`;

async function loadMeeting() {
  const [meeting, attendance] = await Promise.all([api('GET', base()), api('GET', `${base()}/attendance`)]);
  state.meeting = meeting;
  state.attendance = attendance.items;
  for (const i of meeting.agenda) {
    if (i.voteStatus === 'closed') state.tallies.set(i.id, i.result);
    else if (i.voteStatus === 'open') await refreshTally(i.id, false);
  }
  render();
}

const inFlight = new Map();
/** Re-reads the exact tally of an open vote; ballots arriving meanwhile cause one more read, not one each. */
async function refreshTally(itemId, rerender = true) {
  if (inFlight.has(itemId)) { inFlight.set(itemId, true); return; }
  inFlight.set(itemId, false);
  try {
    do {
      inFlight.set(itemId, false);
      state.tallies.set(itemId, await api('GET', `${base()}/agenda-items/${itemId}/result`));
    } while (inFlight.get(itemId));
  } catch (e) { showError(e); } finally { inFlight.delete(itemId); }
  if (rerender) render();
}

function connect() {
  if (state.ws || !state.meetingId) return;
  const ws = new WebSocket(liveUrl(state.orgId, state.meetingId));
  state.ws = ws;
  ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'auth', token: state.token })));
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data));
    if (m.type === 'ready') { state.connected = true; state.retries = 0; state.renewedForSocket = false; loadMeeting().catch(showError); }
    else if (m.type === 'vote.recorded') void refreshTally(m.itemId);
    else if (m.type === 'resolution.opened' || m.type === 'resolution.closed') loadMeeting().catch(showError);
  });
  ws.addEventListener('close', (e) => {
    if (state.ws !== ws) return;
    state.ws = null;
    state.connected = false;
    if (e.code === 4401) {
      // The access token expired since the last API call: renew it and reconnect, or ask to log in again.
      const again = !state.renewedForSocket;
      state.renewedForSocket = true;
      (again ? refresh() : Promise.resolve(false)).then((ok) => (ok ? connect() : showError(new Error(t('loginFailed')))), showError);
    } else setTimeout(connect, Math.min(5000, 250 * 2 ** state.retries++));
    render();
  });
}

async function action(path) {
  if (state.busy) return;
  state.busy = true;
  showError(null);
  try { await api('POST', `${base()}${path}`); await loadMeeting(); } catch (e) { showError(e); } finally { state.busy = false; render(); }
}

function render() {
  $('status').textContent = state.meetingId ? (state.connected ? t('connected') : t('reconnecting')) : '';
  const m = state.meeting;
  const box = $('meeting');
  box.hidden = !m;
  if (!m) return;
  const q = m.quorum;
  box.replaceChildren(
    el('h2', {}, `${t(m.kind)} – ${m.meetingDate} ${m.startTime}`),
    el('p', { 'data-field': 'status' }, `${t('status')}: ${m.status}`),
    q ? el('p', { 'data-field': 'quorum' }, `${t('quorum')} ${q.reached ? t('reached') : t('notReached')}: ${q.ownersPresent}/${q.ownersTotal} ${t('owners')}, `
      + `${fraction(q.sharesPresent)}/${fraction(q.sharesTotal)} ${t('shares')}`) : null,
    m.status === 'convened' ? el('button', { type: 'button', class: 'primary', onclick: () => action('/open') }, t('openMeeting')) : null,
    el('h3', {}, `${t('attendance')} (${state.attendance.length})`),
    el('ul', { class: 'attendance' }, ...state.attendance.map((a) => el('li', {}, `${a.personName} – ${t(a.mode)} – ${fraction(a.votes)}`))),
    ...m.agenda.map(renderItem),
  );
}

function renderItem(i) {
  const tally = state.tallies.get(i.id);
  return el('article', { class: `item ${i.voteStatus}`, 'data-item': i.id },
    el('h3', {}, `${i.position}. ${i.title}`),
    i.majority ? el('p', { class: 'majority' }, `${t('majority')}: ${t(i.majority)}`) : null,
    i.voteStatus === 'pending' && i.majority ? el('p', {}, t('pendingVote')) : null,
    i.voteStatus === 'pending' && i.majority && m_open() ? el('button', { type: 'button', class: 'primary', onclick: () => action(`/agenda-items/${i.id}/open-vote`) }, t('openVote')) : null,
    tally && i.voteStatus === 'open' ? el('p', { class: 'tally', 'data-field': 'tally' }, `${t('liveTally')}: ${resultLine(tally)} – ${tally.ballots} ${t('ballots')}`) : null,
    i.voteStatus === 'open' ? el('button', { type: 'button', class: 'danger', onclick: () => action(`/agenda-items/${i.id}/close-vote`) }, t('closeVote')) : null,
    i.voteStatus === 'closed' && tally ? el('p', { class: 'outcome', 'data-field': 'result' },
      `${t('closed')} – ${tally.adopted ? t('adopted') : t('notAdopted')} – ${resultLine(tally)} – ${tally.ballots} ${t('ballots')}`) : null);
}
const m_open = () => state.meeting?.status === 'open';

setupLanguage($('lang'), render);
$('loginForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError(null);
  try {
    const res = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: $('email').value, password: $('password').value }) });
    if (!res.ok) throw new Error(t('loginFailed'));
    const pair = await res.json();
    state.token = pair.accessToken;
    state.refreshToken = pair.refreshToken;
    $('password').value = '';
    await loggedIn();
  } catch (err) { showError(err); }
});
$('tokenForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  state.token = $('accessToken').value.trim();
  $('accessToken').value = '';
  try { await loggedIn(); } catch (err) { showError(err); }
});
$('orgSelect').addEventListener('change', () => orgChanged().catch(showError));
$('buildingSelect').addEventListener('change', () => buildingChanged().catch(showError));
$('pick').addEventListener('submit', (e) => {
  e.preventDefault();
  state.ws?.close();
  state.ws = null;
  state.buildingId = $('buildingSelect').value;
  state.meetingId = $('meetingSelect').value;
  state.tallies.clear();
  connect();
  loadMeeting().catch(showError);
});
render();
