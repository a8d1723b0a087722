// socks5d status page (docs/operations.md, Status page): polls /api/status every second and draws it.
// Changing users and switches sends the ADMIN's credentials as HTTP Basic with each request; they are
// kept in this page only, never stored.
'use strict';
const POINTS = 300;
const series = { in: [], out: [] };
let last = null;
let auth = null;

const $ = (id) => document.getElementById(id);

function human(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + units[i];
}

function text(el, value) { el.textContent = value; }

function cell(row, value) {
  const td = document.createElement('td');
  td.textContent = value;
  row.appendChild(td);
  return td;
}

async function api(method, path, body) {
  const headers = {};
  if (auth) headers['Authorization'] = 'Basic ' + auth;
  if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const r = await fetch(path, { method, headers, body: body ? new URLSearchParams(body) : undefined });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(json.error || r.statusText);
  return json;
}

function show(s) {
  const m = s.metrics;
  const badge = $('ready');
  badge.textContent = s.ready ? 'ready' : 'not ready: ' + s.readyReason;
  badge.className = 'badge ' + (s.ready ? 'ready' : 'not-ready');
  text($('updated'), 'updated ' + new Date(s.time).toLocaleTimeString());
  text($('current'), m.currentConnections);
  text($('historic'), m.historicConnections);
  text($('peak'), m.maxConcurrentConnections);
  text($('failed'), m.failedConnections);
  text($('auth-failures'), m.authFailures);
  text($('refusals'), m.rulesetRefusals);
  if (last) {
    const secs = Math.max(0.001, (s.time - last.time) / 1000);
    const rin = Math.max(0, (m.bytesFromClient - last.metrics.bytesFromClient) / secs);
    const rout = Math.max(0, (m.bytesToClient - last.metrics.bytesToClient) / secs);
    series.in.push(rin); series.out.push(rout);
    if (series.in.length > POINTS) { series.in.shift(); series.out.shift(); }
    text($('rate-in'), human(rin) + '/s');
    text($('rate-out'), human(rout) + '/s');
  }
  last = s;
  draw();
  text($('sw-auth'), s.switches.authRequired ? 'on' : 'off');
  text($('sw-dissectors'), s.switches.dissectors ? 'on' : 'off');
  text($('sw-buffer'), human(s.switches.relayBufferSize));
  const users = $('users').tBodies[0];
  users.replaceChildren();
  for (const u of s.users) {
    const row = users.insertRow();
    row.dataset.user = u.name;
    cell(row, u.name);
    cell(row, u.role);
    const td = cell(row, '');
    const del = document.createElement('button');
    del.className = 'admin';
    del.textContent = 'delete';
    del.addEventListener('click', () => act(() => api('DELETE', '/api/users?name=' + encodeURIComponent(u.name))));
    td.appendChild(del);
  }
  const sessions = $('sessions').tBodies[0];
  sessions.replaceChildren();
  for (const e of s.sessions) { // newest first
    const row = sessions.insertRow();
    cell(row, e.time.replace('T', ' ').replace(/(\.\d+)?Z$/, ''));
    cell(row, e.user || '-');
    cell(row, e.client);
    cell(row, e.kind === 'U' ? '(UDP)' : (e.destination || '-'));
    cell(row, '0x' + e.reply.toString(16).padStart(2, '0'));
    cell(row, e.bytes);
  }
}

function draw() {
  const c = $('chart');
  const w = c.width = c.clientWidth || 900;
  const h = c.height;
  const g = c.getContext('2d');
  g.clearRect(0, 0, w, h);
  const max = Math.max(1024, ...series.in, ...series.out);
  g.fillStyle = '#667';
  g.font = '11px sans-serif';
  g.fillText(human(max) + '/s', 4, 12);
  for (const [data, color] of [[series.in, '#2878c8'], [series.out, '#e07b1a']]) {
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    data.forEach((v, i) => {
      const x = w - (data.length - 1 - i) * (w / (POINTS - 1));
      const y = h - 4 - (v / max) * (h - 20);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }
}

async function poll() {
  try {
    show(await api('GET', '/api/status'));
  } catch (e) {
    text($('message'), 'status: ' + e.message);
  }
}

async function act(f) {
  try {
    await f();
    text($('message'), '');
    await poll();
  } catch (e) {
    text($('message'), e.message);
  }
}

$('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  auth = btoa(unescape(encodeURIComponent($('login-user').value + ':' + $('login-pass').value)));
  $('login-pass').value = '';
  try {
    const who = await api('GET', '/api/login');
    document.body.classList.add('is-admin');
    text($('whoami'), 'ADMIN ' + who.user);
    text($('message'), '');
  } catch (e) {
    auth = null;
    document.body.classList.remove('is-admin');
    text($('whoami'), '');
    text($('message'), 'login: ' + e.message);
  }
});

$('add-user').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const body = { name: $('new-name').value, password: $('new-pass').value, role: $('new-role').value };
  $('new-pass').value = '';
  act(async () => {
    await api('POST', '/api/users', body);
    $('new-name').value = '';
  });
});

$('set-limits').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const body = { name: $('limit-name').value, sessions: $('limit-sessions').value || '-',
    bandwidth: $('limit-bandwidth').value || '-' };
  act(() => api('POST', '/api/limits', body));
});

$('toggle-auth').addEventListener('click', () =>
  act(() => api('POST', '/api/switches', { 'auth-required': last && last.switches.authRequired ? 'off' : 'on' })));
$('toggle-dissectors').addEventListener('click', () =>
  act(() => api('POST', '/api/switches', { dissectors: last && last.switches.dissectors ? 'off' : 'on' })));

poll();
setInterval(poll, 1000);
