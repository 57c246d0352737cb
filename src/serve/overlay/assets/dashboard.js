// /dashboard: the operator's page. Stream state, events per second, the
// counters, a live event feed with a type filter, the webhooks, an overlay
// URL builder with a live preview, and test events. It uses the API key the
// browser was asked for (HTTP Basic), sent along with every request here.
'use strict';

(function () {
  const t = window.tiklive;
  const root = t.root();
  const RATE_SECONDS = 300;
  const rate = new Array(RATE_SECONDS).fill(0);
  let rateSecond = Math.floor(Date.now() / 1000);
  let token = null;
  const feedMax = 200;

  function section(title, id) {
    const s = t.el('section', 'db-card');
    s.id = id;
    s.appendChild(t.el('h2', '', title));
    root.appendChild(s);
    return s;
  }

  function table(headers) {
    const tbl = t.el('table');
    const tr = t.el('tr');
    for (const h of headers) tr.appendChild(t.el('th', '', h));
    const head = t.el('thead');
    head.appendChild(tr);
    tbl.appendChild(head);
    tbl.appendChild(t.el('tbody'));
    return tbl;
  }

  function row(tbody, cells, className) {
    const tr = t.el('tr', className || '');
    for (const c of cells) tr.appendChild(t.el('td', '', c === null || c === undefined ? '\u2014' : c));
    tbody.appendChild(tr);
    return tr;
  }

  root.appendChild(t.el('h1', '', 'tiklive dashboard'));

  // Streams.
  const streams = section('Streams', 'db-streams');
  const streamInfo = t.el('p', 'db-muted');
  streams.appendChild(streamInfo);
  const streamTable = table(['streamer', 'state', 'room', 'reconnects', 'last error', 'events']);
  streams.appendChild(streamTable);

  // Rate chart.
  const chartCard = section('Events per second (last 5 minutes)', 'db-rate');
  const canvas = t.el('canvas', 'db-chart');
  canvas.width = 600;
  canvas.height = 120;
  chartCard.appendChild(canvas);
  const rateNow = t.el('p', 'db-muted', '');
  chartCard.appendChild(rateNow);

  // Counters.
  const counters = section('Counters (this session)', 'db-counters');
  const counterGrid = t.el('div', 'db-counters');
  counters.appendChild(counterGrid);

  // Feed.
  const feedCard = section('Live events', 'db-feed');
  const filter = t.el('select');
  filter.appendChild(new Option('all types', ''));
  feedCard.appendChild(filter);
  const feed = t.el('ol', 'db-feed-list');
  feedCard.appendChild(feed);
  const knownTypes = new Set();

  // Webhooks.
  const hooks = section('Webhooks', 'db-webhooks');
  const hookTable = table(['id', 'name', 'url', 'types', 'delivered', 'failed', 'pending', 'last error']);
  hooks.appendChild(hookTable);

  // Test events.
  const tests = section('Send a test event', 'db-test');
  const testType = t.el('select');
  for (const k of ['gift', 'follow', 'share', 'superFan', 'chat', 'like']) testType.appendChild(new Option(k, k));
  const testButton = t.el('button', '', 'Send a test event');
  testButton.type = 'button';
  const testResult = t.el('span', 'db-muted');
  tests.appendChild(testType);
  tests.appendChild(testButton);
  tests.appendChild(testResult);
  testButton.addEventListener('click', () => {
    fetch(location.origin + '/api/test-events', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: testType.value }),
    })
      .then((r) => { testResult.textContent = r.ok ? ' sent' : ' HTTP ' + r.status; })
      .catch((e) => { testResult.textContent = ' ' + e.message; });
  });

  // Overlay URL builder.
  const builder = section('Overlay URL builder', 'db-builder');
  const PAGES = {
    chat: { max: '20', fade: '0', badges: '1', emotes: '1' },
    alerts: { types: 'follow,share,subscribe,gift', min_diamonds: '0', duration: '5', sound: 'chime' },
    counter: { metric: 'likes', label: '' },
    goal: { metric: 'likes', target: '10000', label: '' },
    leaderboard: { by: 'diamonds', top: '5' },
  };
  const STYLE = { streamer: '', size: '', color: '', accent: '', bg: '' };
  const pageSelect = t.el('select');
  for (const p of Object.keys(PAGES)) pageSelect.appendChild(new Option(p, p));
  const form = t.el('div', 'db-form');
  const urlOut = t.el('input', 'db-url');
  urlOut.readOnly = true;
  const copy = t.el('button', '', 'Copy');
  copy.type = 'button';
  copy.addEventListener('click', () => {
    urlOut.select();
    if (navigator.clipboard) navigator.clipboard.writeText(urlOut.value).catch(() => {});
  });
  const preview = t.el('iframe', 'db-preview');
  preview.title = 'preview';
  builder.appendChild(pageSelect);
  builder.appendChild(form);
  builder.appendChild(urlOut);
  builder.appendChild(copy);
  builder.appendChild(preview);
  const inputs = {};

  function buildForm() {
    form.textContent = '';
    for (const k of Object.keys(inputs)) delete inputs[k];
    const fields = Object.assign({}, PAGES[pageSelect.value], STYLE);
    for (const [name, value] of Object.entries(fields)) {
      const label = t.el('label', '', name + ' ');
      const input = t.el('input');
      input.value = value;
      input.name = name;
      input.addEventListener('input', buildUrl);
      label.appendChild(input);
      form.appendChild(label);
      inputs[name] = input;
    }
    buildUrl();
  }

  function buildUrl() {
    const q = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) {
      if (input.value !== '') q.set(name, input.value);
    }
    if (token) q.set('token', token);
    const s = q.toString();
    const url = location.origin + '/overlay/' + pageSelect.value + (s ? '?' + s : '');
    urlOut.value = url;
    preview.src = url;
  }
  pageSelect.addEventListener('change', buildForm);

  // Data.
  function refreshStatus() {
    t.fetchJson(t.api('/api/status')).then((s) => {
      streamInfo.textContent = 'source: ' + s.source + (s.sourceRunning ? ' (running)' : ' (stopped)') +
        ' \u00b7 events stored this run: ' + s.events.total + ' \u00b7 buffer: ' + s.buffer.size + '/' + s.buffer.capacity +
        ' \u00b7 up ' + Math.round(s.uptimeSeconds) + ' s';
      const body = streamTable.tBodies[0];
      body.textContent = '';
      for (const st of s.streamers) {
        const tr = row(body, [st.streamer, st.state, st.roomId, String(st.reconnects), st.lastError, String(st.events)]);
        tr.dataset.state = st.state;
      }
    }).catch((e) => { streamInfo.textContent = e.message; });
    t.fetchJson(t.api('/api/webhooks')).then((list) => {
      const body = hookTable.tBodies[0];
      body.textContent = '';
      for (const w of list) {
        const types = Array.isArray(w.types) && w.types.length ? w.types.join(',') : 'all';
        const lastError = w.lastError || w.last_error || null;
        row(body, [String(w.id), w.name, w.url, types, String(w.delivered), String(w.failed), String(w.pending), lastError]);
      }
      if (!list.length) row(body, ['none registered', '', '', '', '', '', '', '']);
    }).catch(() => {});
    t.fetchState(5).then((s) => {
      counterGrid.textContent = '';
      for (const m of t.METRICS) {
        const c = t.el('div', 'db-counter');
        c.dataset.metric = m;
        c.appendChild(t.el('div', 'db-counter-value', t.format(s.counters[m], 'full')));
        c.appendChild(t.el('div', 'db-muted', t.METRIC_LABELS[m]));
        counterGrid.appendChild(c);
      }
    }).catch(() => {});
  }

  function tick() {
    const now = Math.floor(Date.now() / 1000);
    while (rateSecond < now) {
      rate.shift();
      rate.push(0);
      rateSecond += 1;
    }
  }

  function draw() {
    tick();
    const g = canvas.getContext('2d');
    const w = canvas.width;
    const h = canvas.height;
    g.clearRect(0, 0, w, h);
    const peak = Math.max(1, ...rate);
    g.fillStyle = '#25f4ee';
    const bw = w / RATE_SECONDS;
    rate.forEach((n, i) => {
      const bh = (n / peak) * (h - 14);
      g.fillRect(i * bw, h - bh, Math.max(1, bw - 0.5), bh);
    });
    g.fillStyle = '#aaa';
    g.font = '11px sans-serif';
    g.fillText('peak ' + peak + '/s', 4, 11);
    const last10 = rate.slice(-11, -1).reduce((a, b) => a + b, 0) / 10;
    rateNow.textContent = last10.toFixed(1) + ' events/s over the last 10 s';
  }

  function onEvent(ev) {
    tick();
    rate[RATE_SECONDS - 1] += 1;
    if (!knownTypes.has(ev.type)) {
      knownTypes.add(ev.type);
      filter.appendChild(new Option(ev.type, ev.type));
    }
    const li = t.el('li', 'db-event');
    li.dataset.type = ev.type;
    if (ev.test) li.classList.add('db-test-event');
    const d = ev.data || {};
    li.appendChild(t.el('span', 'db-type', ev.type));
    li.appendChild(t.el('span', 'db-who', ev.streamer ? '@' + ev.streamer : ''));
    const what = d.message || d.label || (d.giftName ? d.giftName + ' \u00d7' + (d.repeatCount || 1) : '') ||
      (d.likeCount ? d.likeCount + ' likes' : '') || '';
    const text = t.el('span', 'db-text', (d.nickname ? d.nickname + ': ' : '') + what);
    text.dir = 'auto';
    li.appendChild(text);
    li.hidden = filter.value !== '' && filter.value !== ev.type;
    feed.insertBefore(li, feed.firstChild);
    while (feed.childElementCount > feedMax) feed.lastElementChild.remove();
  }
  filter.addEventListener('change', () => {
    for (const li of feed.children) li.hidden = filter.value !== '' && filter.value !== li.dataset.type;
  });

  t.fetchJson(t.api('/api/overlay/token'))
    .then((r) => { token = r.token; })
    .catch(() => {})
    .then(() => {
      buildForm();
      refreshStatus();
      setInterval(refreshStatus, 2000);
      setInterval(draw, 1000);
      t.fetchState(1)
        .then((s) => t.connect({ after: s.lastSeq, onEvent: onEvent }))
        .catch(() => t.connect({ onEvent: onEvent }));
    });
})();
