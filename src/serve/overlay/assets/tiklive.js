// tiklive overlays: the shared library (plain ES2020, no dependencies).
//
// Every page reads its settings from the URL query, talks to the server that
// served it (same origin), and renders TikTok text with textContent only:
// nicknames and comments never become HTML. Images (avatars, emotes, gift
// pictures) are shown only from https URLs.
//
// Debug and test hook: window.__tiklive = {events, played, alerts, state, open}.
'use strict';

(function () {
  const query = new URLSearchParams(location.search);
  const hook = {
    events: [], // every event received (newest last, at most 500)
    played: [], // sounds played: {sound, at}
    alerts: [], // alerts shown: {type, text, at}
    state: null, // the last /api/overlay/state
    open: false, // whether the event stream is connected
    opens: 0, // how many times it (re)connected
  };
  window.__tiklive = hook;

  function param(name, fallback) {
    const v = query.get(name);
    return v === null || v === '' ? fallback : v;
  }

  function num(name, fallback, min, max) {
    const v = Number(param(name, fallback));
    if (!Number.isFinite(v)) return fallback;
    return Math.min(max, Math.max(min, v));
  }

  function flag(name, fallback) {
    const v = param(name, fallback ? '1' : '0');
    return !['0', 'false', 'no', 'off'].includes(String(v).toLowerCase());
  }

  function list(name, fallback) {
    return String(param(name, fallback))
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  // URL settings that become CSS variables (documented in the README).
  const STYLE_PARAMS = {
    font: '--tl-font',
    size: '--tl-size',
    color: '--tl-color',
    accent: '--tl-accent',
    bg: '--tl-bg',
    radius: '--tl-radius',
    gap: '--tl-gap',
    shadow: '--tl-shadow',
    bar: '--tl-bar',
    scale: '--tl-scale',
    width: '--tl-width',
  };
  const LENGTHS = ['size', 'radius', 'gap', 'width'];

  function applyStyle() {
    const root = document.documentElement;
    for (const [name, variable] of Object.entries(STYLE_PARAMS)) {
      let v = query.get(name);
      if (v === null || v === '') continue;
      if (LENGTHS.includes(name) && /^[0-9.]+$/.test(v)) v += 'px';
      // CSSOM: a bad value is ignored by the browser, never parsed as markup.
      root.style.setProperty(variable, v);
    }
    const align = param('align', '');
    if (['left', 'center', 'right'].includes(align)) document.body.classList.add('tl-align-' + align);
    const theme = param('theme', '');
    if (/^[a-z]+$/.test(theme)) document.body.classList.add('tl-theme-' + theme);
  }

  // A URL on this server with the overlay's token and streamer.
  function api(path, extra) {
    const q = new URLSearchParams(extra || {});
    const token = query.get('token');
    const streamer = query.get('streamer');
    if (streamer && !q.has('streamer')) q.set('streamer', streamer);
    if (token) q.set('token', token);
    const s = q.toString();
    // From the origin: a page opened as http://user:key@host/ must not
    // resolve requests with the credentials in them (fetch refuses those).
    return location.origin + path + (s ? '?' + s : '');
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function isHttps(url) {
    return typeof url === 'string' && /^https:\/\/[^\s]+$/i.test(url);
  }

  // An <img> for an https URL, or null. A picture that fails to load hides.
  function img(url, className, alt) {
    if (!isHttps(url)) return null;
    const i = el('img', className);
    i.alt = alt || '';
    i.referrerPolicy = 'no-referrer';
    i.decoding = 'async';
    i.addEventListener('error', () => { i.hidden = true; });
    i.src = url;
    return i;
  }

  function name(d) {
    return (d && (d.nickname || d.uniqueId || d.username)) || 'someone';
  }

  // A gift counts once: when it is not streakable, or its streak ended.
  function finishedGift(d) {
    return !d.streakable || d.repeatEnd === true;
  }

  function format(n, style) {
    const v = Number(n) || 0;
    if (style === 'full') return v.toLocaleString('en-US');
    if (v < 10000) return String(v);
    const units = [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
    for (const [size, unit] of units) {
      if (v >= size) {
        const x = v / size;
        return (x >= 100 ? Math.floor(x) : Math.floor(x * 10) / 10) + unit;
      }
    }
    return String(v);
  }

  async function fetchJson(url) {
    const r = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  }

  async function fetchState(top) {
    const extra = top ? { top: String(top) } : {};
    const s = await fetchJson(api('/api/overlay/state', extra));
    hook.state = s;
    return s;
  }

  // The live event stream. onEvent(envelope) once per event (deduplicated by
  // id); onOpen() after every (re)connect. `after`: the cursor to start
  // after. The browser resends Last-Event-ID on its own reconnects; if it
  // gives up (the server answered with an error), this reopens after a pause.
  function connect(opts) {
    const seen = new Set();
    const order = [];
    let last = opts.after;
    let source = null;
    function open() {
      const extra = {};
      if (opts.types && opts.types.length) extra.type = opts.types.join(',');
      if (last !== undefined && last !== null) extra.after = String(last);
      source = new EventSource(api('/api/events/stream', extra));
      source.onopen = () => {
        hook.open = true;
        hook.opens += 1;
        document.body.classList.remove('tl-offline');
        if (opts.onOpen) opts.onOpen();
      };
      source.onmessage = (m) => {
        if (m.lastEventId) last = m.lastEventId;
        let ev;
        try {
          ev = JSON.parse(m.data);
        } catch (e) {
          return;
        }
        if (ev.id) {
          if (seen.has(ev.id)) return;
          seen.add(ev.id);
          order.push(ev.id);
          if (order.length > 2000) seen.delete(order.shift());
        }
        hook.events.push(ev);
        if (hook.events.length > 500) hook.events.shift();
        try {
          opts.onEvent(ev);
        } catch (e) {
          console.error('tiklive: an event could not be shown', e);
        }
      };
      source.onerror = () => {
        hook.open = false;
        document.body.classList.add('tl-offline');
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(open, 2000);
        }
      };
    }
    open();
    // Leaving the page closes the stream at once (a page kept in the
    // back/forward cache must not hold one of the browser's few
    // connections to this server); coming back reopens it.
    window.addEventListener('pagehide', () => source.close());
    window.addEventListener('pageshow', (e) => {
      if (e.persisted) open();
    });
  }

  // Calls fn at most every `ms`, and once more after the last call.
  function throttle(fn, ms) {
    let timer = null;
    let again = false;
    return function run() {
      if (timer) {
        again = true;
        return;
      }
      fn();
      timer = setTimeout(() => {
        timer = null;
        if (again) {
          again = false;
          run();
        }
      }, ms);
    };
  }

  const SOUNDS = ['chime', 'pop', 'fanfare'];
  let playing = Promise.resolve();

  // Play one of the embedded sounds inside the page (so OBS's "Control audio
  // via OBS" captures it); sounds never overlap.
  function playSound(sound, volume) {
    if (!SOUNDS.includes(sound)) return;
    hook.played.push({ sound: sound, at: Date.now() });
    playing = playing.then(() => new Promise((done) => {
      const a = new Audio('/assets/' + sound + '.wav');
      a.volume = volume;
      a.addEventListener('ended', done);
      a.addEventListener('error', done);
      a.play().catch(done);
      setTimeout(done, 3000);
    }));
  }

  // Metrics of the counter and goal pages, as named in the URL.
  const METRICS = ['likes', 'viewers', 'follows', 'diamonds', 'shares', 'subscribers', 'gifts'];
  const METRIC_LABELS = {
    likes: 'Likes', viewers: 'Viewers', follows: 'Follows', diamonds: 'Diamonds',
    shares: 'Shares', subscribers: 'Subscribers', gifts: 'Gifts',
  };
  // The event types that move the overlay state.
  const STATE_TYPES = ['connected', 'like', 'roomUpdate', 'follow', 'share', 'superFan', 'subNotify', 'gift'];

  // A page that shows the server's state: fetch it now, again after each
  // relevant event (at most every 250 ms) and after every reconnect.
  function followState(render, top) {
    const refresh = throttle(() => {
      fetchState(top).then(render).catch((e) => console.warn('tiklive:', e.message));
    }, 250);
    fetchState(top)
      .then((s) => {
        render(s);
        connect({ types: STATE_TYPES, after: s.lastSeq, onEvent: refresh, onOpen: refresh });
      })
      .catch((e) => {
        console.warn('tiklive:', e.message);
        setTimeout(() => followState(render, top), 2000);
      });
  }

  function fail(message) {
    const root = document.getElementById('root');
    root.textContent = '';
    root.appendChild(el('div', 'tl-error', 'tiklive: ' + message));
  }

  window.tiklive = {
    param, num, flag, list, api, el, img, isHttps, name, finishedGift, format,
    fetchJson, fetchState, connect, throttle, playSound, followState, fail,
    SOUNDS, METRICS, METRIC_LABELS, hook,
    root: () => document.getElementById('root'),
  };
  applyStyle();
})();
