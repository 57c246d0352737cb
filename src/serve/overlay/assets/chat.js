// /overlay/chat: recent chat messages, newest at the bottom.
// Settings: max (messages kept, 20), fade (seconds before a message fades
// out, 0 = never), badges (1), emotes (1), avatars (0), hide (a command
// prefix such as "!" whose messages are not shown).
'use strict';

(function () {
  const t = window.tiklive;
  const max = t.num('max', 20, 1, 200);
  const fade = t.num('fade', 0, 0, 3600);
  const badges = t.flag('badges', true);
  const emotes = t.flag('emotes', true);
  const avatars = t.flag('avatars', false);
  const hide = t.param('hide', '');
  const root = t.root();
  const list = t.el('ol', 'tl-chat-list');
  root.appendChild(list);
  // Top gifters of the room (roomUpdate.topViewers), by userId: rank.
  let topRanks = new Map();

  function badgeRow(d) {
    const row = t.el('span', 'tl-badges');
    if (d.isModerator) row.appendChild(t.el('span', 'tl-badge tl-badge-mod', 'MOD'));
    if (d.isSubscriber) row.appendChild(t.el('span', 'tl-badge tl-badge-sub', 'SUB'));
    const rank = topRanks.get(String(d.userId));
    if (rank) row.appendChild(t.el('span', 'tl-badge tl-badge-top', 'TOP ' + rank));
    return row.childElementCount ? row : null;
  }

  // The comment as text nodes with emote pictures at their places.
  function messageBody(d) {
    const body = t.el('span', 'tl-message');
    body.dir = 'auto';
    const text = Array.from(String(d.message || ''));
    const places = emotes && Array.isArray(d.emotes)
      ? d.emotes
        .filter((e) => e && t.isHttps(e.emoteImageUrl))
        .map((e) => ({ at: Number(e.placeInComment) || 0, url: e.emoteImageUrl }))
        .sort((a, b) => a.at - b.at)
      : [];
    let from = 0;
    for (const p of places) {
      const at = Math.min(Math.max(p.at, from), text.length);
      if (at > from) body.appendChild(document.createTextNode(text.slice(from, at).join('')));
      const pic = t.img(p.url, 'tl-emote', 'emote');
      if (pic) body.appendChild(pic);
      from = at;
    }
    if (from < text.length) body.appendChild(document.createTextNode(text.slice(from).join('')));
    return body;
  }

  function line(ev, d, body) {
    const li = t.el('li', 'tl-item tl-chat-line');
    li.dataset.type = ev.type;
    if (ev.test) li.classList.add('tl-test');
    if (avatars) {
      const a = t.img(d.profilePictureUrl, 'tl-avatar', '');
      if (a) li.appendChild(a);
    }
    const b = badges ? badgeRow(d) : null;
    if (b) li.appendChild(b);
    const who = t.el('span', 'tl-name', t.name(d));
    who.dir = 'auto';
    li.appendChild(who);
    li.appendChild(body);
    list.appendChild(li);
    while (list.childElementCount > max) list.firstElementChild.remove();
    if (fade > 0) {
      setTimeout(() => li.classList.add('tl-faded'), fade * 1000);
      setTimeout(() => li.remove(), fade * 1000 + 1000);
    }
  }

  function show(ev) {
    const d = ev.data || {};
    if (ev.type === 'roomUpdate') {
      if (Array.isArray(d.topViewers)) {
        topRanks = new Map(d.topViewers
          .filter((v) => v && v.userId && Number(v.coinCount) > 0)
          .map((v) => [String(v.userId), v.rank]));
      }
      return;
    }
    if (ev.type === 'emote') {
      const body = t.el('span', 'tl-message');
      const pic = t.img(d.emoteImageUrl, 'tl-emote tl-emote-big', 'emote');
      if (!pic) return;
      body.appendChild(pic);
      line(ev, d, body);
      return;
    }
    if (ev.type !== 'chat') return;
    if (hide && String(d.message || '').startsWith(hide)) return;
    line(ev, d, messageBody(d));
  }

  const types = ['chat', 'emote', 'roomUpdate'];
  // Without fading, a refreshed page shows the recent messages again.
  const history = fade > 0
    ? t.fetchState(1).then((s) => ({ events: [], next: s.lastSeq }))
    : t.fetchJson(t.api('/api/events', { type: types.join(','), limit: String(Math.min(1000, max * 3)) }));
  history
    .then((page) => {
      for (const ev of page.events) show(ev);
      t.connect({ types: types, after: page.next, onEvent: show });
    })
    .catch((e) => {
      t.fail(e.message);
      t.connect({ types: types, onEvent: show });
    });
})();
