// planstore admin console: a little vanilla JS over the /v1 API. The bearer token lives
// in sessionStorage (this tab only) and travels only in the Authorization header.
'use strict';

const TOKEN_KEY = 'planstore.console.token';
const token = () => sessionStorage.getItem(TOKEN_KEY);

// el builds an element; children are nodes or text (never parsed as HTML).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function showError(msg) {
  const p = document.getElementById('error');
  if (!p) return;
  p.textContent = msg || '';
  p.hidden = !msg;
}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + token() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : body, cache: 'no-store' });
  if (resp.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    location.assign('/admin/signin');
    throw new Error('signed out');
  }
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
  if (!resp.ok) {
    const detail = data && data.title ? data.title + (data.detail ? ': ' + data.detail : '') : resp.statusText;
    const err = new Error(resp.status + ' ' + detail);
    err.status = resp.status;
    throw err;
  }
  return { status: resp.status, headers: resp.headers, data };
}

// claims decodes the token's payload for display only; the server verifies it.
function claims() {
  try {
    const part = token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part));
  } catch (_) { return {}; }
}

function fmtDuration(s) {
  if (s === undefined || s === null) return '';
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + sec + 's';
}

// ---- sign-in ----
function pageSignin() {
  document.getElementById('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = document.getElementById('token').value.trim().replace(/^Bearer\s+/i, '');
    if (!t) return;
    sessionStorage.setItem(TOKEN_KEY, t);
    location.assign('/admin/');
  });
}

function pageSignedin() {
  const p = document.getElementById('handoff');
  sessionStorage.setItem(TOKEN_KEY, p.dataset.token);
  p.dataset.token = '';
  location.replace('/admin/');
}

// ---- system ----
function chart(history) {
  const w = 220, h = 40, ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  if (!history || !history.length) return svg;
  const now = Date.now(), span = 5 * 60 * 1000;
  const top = Math.max(1, ...history.map((s) => s.lag_seconds));
  const pts = history.map((s) => {
    const x = w - ((now - Date.parse(s.at)) / span) * w;
    const y = h - 2 - (s.lag_seconds / top) * (h - 4);
    return `${Math.max(0, x).toFixed(1)},${y.toFixed(1)}`;
  });
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.join(' '));
  svg.append(line);
  const title = document.createElementNS(ns, 'title');
  title.textContent = `lag over the last 5 minutes (max ${top.toFixed(1)} s)`;
  svg.append(title);
  return svg;
}

async function refreshSystem() {
  const { data } = await api('GET', '/v1/admin/system');
  document.getElementById('down-after').textContent = data.down_after_seconds;
  const body = document.querySelector('#instances tbody');
  body.replaceChildren(...data.instances.map((i) => {
    const state = (c) => (c.attached ? '' : (c.error ? ' detached' : ' watched'));
    const consumers = (i.consumers || []).map((c) => el('div', { class: 'consumer' + state(c) },
      c.name, c.attached ? ' ✓' : (c.error ? ' ✗ ' + c.error : ' (queue watched)'),
      c.queue_depth !== undefined ? ` · depth ${c.queue_depth}` : '',
      c.lag_seconds !== undefined ? ` · lag ${c.lag_seconds.toFixed(1)} s` : ''));
    if (i.relay) consumers.push(el('div', {}, `relay ${i.relay}` + (i.outbox_backlog !== undefined ? ` · outbox ${i.outbox_backlog}` : '')));
    const charts = (i.consumers || []).filter((c) => c.history && c.history.length).map((c) => el('div', {}, c.name, ' ', chart(c.history)));
    return el('tr', { class: i.status, 'data-role': i.role, 'data-status': i.status, 'data-id': i.id },
      el('td', {}, el('span', { class: 'status ' + i.status }, i.status)),
      el('td', {}, i.role), el('td', {}, i.id, el('br'), el('small', {}, `pid ${i.pid}`)),
      el('td', {}, el('small', {}, i.version)), el('td', {}, i.status === 'up' ? fmtDuration(i.uptime_seconds)
        : `last heard ${fmtDuration((Date.parse(data.now) - Date.parse(i.last_seen)) / 1000)} ago`),
      el('td', {}, consumers), el('td', {}, charts));
  }));
}

function poll(fn, every) {
  const run = async () => {
    try { await fn(); showError(''); } catch (e) { showError(e.message); }
    setTimeout(run, every);
  };
  run();
}

// ---- dead letters ----
async function refreshActions() {
  try {
    const { data } = await api('GET', '/v1/admin/actions?limit=20');
    document.querySelector('#actions tbody').replaceChildren(...data.actions.map((a) =>
      el('tr', {}, el('td', {}, a.at), el('td', {}, a.actor), el('td', {}, a.action), el('td', {}, a.consumer || ''),
        el('td', {}, a.target), el('td', {}, a.outcome))));
  } catch (e) { /* the trail is optional */ }
}

async function refreshDeadLetters() {
  const consumer = document.getElementById('dl-consumer').value;
  const { data } = await api('GET', '/v1/admin/dead-letters/' + encodeURIComponent(consumer));
  const base = '/v1/admin/dead-letters/' + encodeURIComponent(consumer) + '/';
  const act = (label, cls, method, suffix, id) => el('button', { type: 'button', class: cls, 'data-action': label, onclick: async () => {
    try {
      if (label === 'inspect') {
        const r = await api('GET', base + encodeURIComponent(id));
        const pre = document.getElementById('dl-detail');
        pre.textContent = JSON.stringify(r.data, null, 2);
        pre.hidden = false;
        return;
      }
      await api(method, base + encodeURIComponent(id) + suffix);
      await refreshDeadLetters();
      await refreshActions();
    } catch (e) { showError(e.message); }
  } }, label);
  document.querySelector('#deadletters tbody').replaceChildren(...data.dead_letters.map((d) =>
    el('tr', { 'data-id': d.id }, el('td', {}, d.id), el('td', {}, d.aggregate_id), el('td', {}, d.event_type),
      el('td', {}, d.version), el('td', {}, d.reason),
      el('td', {}, act('inspect', 'secondary', 'GET', '', d.id), ' ', act('redeliver', '', 'POST', '/redeliver', d.id), ' ',
        act('discard', 'danger', 'DELETE', '', d.id)))));
  document.getElementById('dl-empty').hidden = data.dead_letters.length > 0;
}

async function pageDeadletters() {
  const { data } = await api('GET', '/v1/admin/dead-letters');
  const select = document.getElementById('dl-consumer');
  select.replaceChildren(...data.consumers.map((c) => el('option', { value: c }, c)));
  document.getElementById('dl-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    refreshDeadLetters().catch((e) => showError(e.message));
  });
  select.addEventListener('change', () => refreshDeadLetters().catch((e) => showError(e.message)));
  await refreshDeadLetters();
  await refreshActions();
}

// ---- replay ----
function showReplay(s) {
  document.getElementById('replay-progress').hidden = false;
  const pct = s.events_total ? Math.min(100, (100 * s.events_read) / s.events_total) : (s.state === 'done' ? 100 : 0);
  document.getElementById('replay-bar').value = pct;
  const fields = ['id', 'state', 'phase', 'events_read', 'events_total', 'documents_written', 'plans', 'partitions_done',
    'partitions_total', 'rate_per_second', 'index_to', 'error'];
  document.getElementById('replay-status').replaceChildren(...fields.filter((f) => s[f] !== undefined && s[f] !== '')
    .flatMap((f) => [el('dt', {}, f), el('dd', { 'data-field': f }, String(s[f]))]));
}

function pageReplay() {
  document.getElementById('replay-start').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/v1/admin/replay');
      showReplay(r.data);
      const loc = r.headers.get('Location') || '/v1/admin/replay/' + r.data.id;
      const follow = async () => {
        const s = (await api('GET', loc)).data;
        showReplay(s);
        if (s.state !== 'done' && s.state !== 'failed') setTimeout(() => follow().catch((e) => showError(e.message)), 300);
      };
      await follow();
    } catch (e) { showError(e.message); }
  });
}

// ---- plans ----
// flatten maps a JSON document to {path: scalar}, arrays of objects keyed by objectId.
function flatten(v, path, out) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(x, `${path}[${x && x.objectId ? x.objectId : i}]`, out));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flatten(x, path ? path + '.' + k : k, out);
  } else {
    out[path] = v;
  }
  return out;
}

function diff(before, after) {
  const a = before ? flatten(before, '', {}) : {}, b = after ? flatten(after, '', {}) : {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => {
    if (!(k in a)) return el('li', { class: 'diff-add' }, `+ ${k}: ${JSON.stringify(b[k])}`);
    if (!(k in b)) return el('li', { class: 'diff-del' }, `− ${k}: ${JSON.stringify(a[k])}`);
    return el('li', { class: 'diff-chg' }, `~ ${k}: ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
  });
}

// orgQuery narrows a request to one of the caller's organisations (?org=), for a caller
// in several; empty: the server looks in each of them in turn.
function orgQuery(org, sep) { return org ? `${sep}org=${encodeURIComponent(org)}` : ''; }

async function openPlan(id, org) {
  const enc = encodeURIComponent(id);
  const section = document.getElementById('plan');
  try {
    const r = await api('GET', '/v1/plans/' + enc + orgQuery(org, '?'));
    document.getElementById('plan-doc').textContent = JSON.stringify(r.data, null, 2);
    document.getElementById('plan-etag').textContent = 'ETag ' + r.headers.get('ETag');
  } catch (e) {
    if (e.status !== 404) throw e;
    document.getElementById('plan-doc').textContent = '(deleted or not found now)';
    document.getElementById('plan-etag').textContent = '';
  }
  const events = [];
  let path = '/v1/plans/' + enc + '/events' + orgQuery(org, '?');
  while (path) {
    const r = await api('GET', path);
    events.push(...(Array.isArray(r.data) ? r.data : (r.data.events || [])));
    const next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('Link') || '');
    path = next ? next[1] : null;
  }
  document.getElementById('history').replaceChildren(...events.map((e) => el('li', { 'data-version': e.version },
    el('strong', {}, `v${e.version} ${e.type}`), ` by ${e.actor} at ${e.occurred_at}`,
    el('ul', { class: 'diff' }, diff(e.data && e.data.before, e.data && e.data.after)))));
  section.hidden = false;
}

function pagePlans() {
  const input = document.getElementById('plan-id');
  const go = () => openPlan(input.value.trim(), document.getElementById('plan-org').value.trim()).then(() => showError('')).catch((e) => showError(e.message));
  document.getElementById('plan-form').addEventListener('submit', (ev) => { ev.preventDefault(); go(); });
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (fromHash) { input.value = fromHash; go(); }
}

// ---- search ----
const EXAMPLES = [
  ['Every object', { query: { match_all: {} } }],
  ['Plans with a cost share copay ≥ 1 (has_child)', { query: { has_child: { type: 'planCostShare', query: { range: { copay: { gte: 1 } } } } } }],
  ['Linked plan services of a plan (parent_id)', { query: { parent_id: { type: 'linkedPlanService', id: '12xvxc345ssdsds-508' } } }],
  ['Children of a plan (has_parent)', { query: { has_parent: { parent_type: 'plan', query: { term: { _id: '12xvxc345ssdsds-508' } } } } }],
  ['Plans whose services have a copay > 100 (nested has_child)', { query: { has_child: { type: 'linkedPlanService', query: { has_child: { type: 'planserviceCostShare', query: { range: { copay: { gt: 100 } } } } } } } }],
  ['Service and cost share of one linked service (has_parent)', { query: { has_parent: { parent_type: 'linkedPlanService', query: { term: { _id: '27283xvx9sdf-507' } } } } }],
];

async function runSearch() {
  const { data } = await api('POST', '/v1/search', document.getElementById('query').value);
  document.getElementById('search-total').textContent =
    `${data.hits.total.value}${data.hits.total.relation === 'gte' ? '+' : ''} hits in ${data.took} ms`;
  document.querySelector('#hits tbody').replaceChildren(...data.hits.hits.map((h) => el('tr', { 'data-id': h._id },
    el('td', {}, h._source && h._source.objectType === 'plan' ? el('a', { href: '/admin/plans#' + encodeURIComponent(h._id) }, h._id) : h._id),
    el('td', {}, h._source ? h._source.objectType : ''), el('td', {}, h._routing || ''),
    el('td', {}, el('code', {}, JSON.stringify(h._source))))));
}

function pageSearch() {
  const q = document.getElementById('query');
  document.getElementById('examples').replaceChildren(...EXAMPLES.map(([label, body]) => el('li', {},
    el('button', { type: 'button', class: 'secondary', onclick: () => { q.value = JSON.stringify(body, null, 2); } }, label))));
  document.getElementById('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    runSearch().then(() => showError('')).catch((e) => showError(e.message));
  });
}

// ---- start ----
document.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  const out = document.getElementById('signout');
  out.addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); location.assign('/admin/signin'); });
  if (page === 'signin') { out.hidden = true; return pageSignin(); }
  if (page === 'signedin') return pageSignedin();
  if (!token()) { location.assign('/admin/signin'); return; }
  const c = claims();
  document.getElementById('who').textContent = (c.sub || '') + (c.scope ? ' · ' + c.scope : '');
  const run = { system: () => poll(refreshSystem, 1000), deadletters: pageDeadletters, replay: pageReplay, plans: pagePlans, search: pageSearch }[page];
  if (run) Promise.resolve(run()).catch((e) => showError(e.message));
});
