// /overlay/alerts: follow, share, subscribe and gift alerts, one at a time,
// from a first-in first-out queue. A gift alerts once per finished streak
// (or non-streakable gift), with its count and diamonds.
// Settings: types (follow,share,subscribe,gift), min_diamonds (0),
// duration (seconds an alert stays, 5), pause (seconds between alerts, 0.5;
// `gap` is the style's spacing, as on every page),
// sound (chime|pop|fanfare|none, chime), volume (0..1, 0.6), queue (most
// alerts waiting, 50).
// Alerts start at "now": a refreshed page does not replay old ones.
'use strict';

(function () {
  const t = window.tiklive;
  const KINDS = { follow: 'follow', share: 'share', subscribe: 'superFan,subNotify', gift: 'gift' };
  const wanted = t.list('types', 'follow,share,subscribe,gift').filter((k) => KINDS[k]);
  const minDiamonds = t.num('min_diamonds', 0, 0, 1e12);
  const duration = t.num('duration', 5, 0.5, 600);
  const pause = t.num('pause', 0.5, 0, 60);
  const sound = t.param('sound', 'chime');
  const volume = t.num('volume', 0.6, 0, 1);
  const queueMax = t.num('queue', 50, 1, 1000);
  const root = t.root();
  const queue = [];
  let busy = false;

  function alertFor(ev) {
    const d = ev.data || {};
    const who = t.name(d);
    switch (ev.type) {
      case 'follow':
        return wanted.includes('follow') && { type: 'follow', title: who, text: 'followed!' };
      case 'share':
        return wanted.includes('share') && { type: 'share', title: who, text: 'shared the LIVE!' };
      case 'superFan':
      case 'subNotify':
        return wanted.includes('subscribe') && { type: 'subscribe', title: who, text: 'subscribed!' };
      case 'gift': {
        if (!wanted.includes('gift') || !t.finishedGift(d)) return null;
        const diamonds = Number(d.totalDiamonds) || 0;
        if (diamonds < minDiamonds) return null;
        const count = Number(d.repeatCount) || 1;
        return {
          type: 'gift',
          title: who,
          text: 'sent ' + (d.giftName || 'a gift') + ' \u00d7' + count,
          detail: diamonds + ' \ud83d\udc8e',
          picture: d.giftImageUrl,
        };
      }
      default:
        return null;
    }
  }

  function showNext() {
    if (busy || queue.length === 0) return;
    busy = true;
    const a = queue.shift();
    const box = t.el('section', 'tl-item tl-alert tl-alert-' + a.type);
    const pic = t.img(a.picture, 'tl-alert-picture', '');
    if (pic) box.appendChild(pic);
    const title = t.el('div', 'tl-alert-title', a.title);
    title.dir = 'auto';
    box.appendChild(title);
    box.appendChild(t.el('div', 'tl-alert-text', a.text));
    if (a.detail) box.appendChild(t.el('div', 'tl-alert-detail', a.detail));
    root.textContent = '';
    root.appendChild(box);
    t.hook.alerts.push({ type: a.type, text: a.title + ' ' + a.text + (a.detail ? ' ' + a.detail : ''), at: Date.now() });
    if (sound !== 'none') t.playSound(sound, volume);
    setTimeout(() => {
      box.classList.add('tl-leaving');
      setTimeout(() => {
        box.remove();
        busy = false;
        showNext();
      }, pause * 1000);
    }, duration * 1000);
  }

  function onEvent(ev) {
    const a = alertFor(ev);
    if (!a) return;
    if (queue.length >= queueMax) queue.shift();
    queue.push(a);
    showNext();
  }

  const types = wanted.map((k) => KINDS[k]);
  // Start after the newest stored event: no replay after a refresh.
  t.fetchState(1)
    .then((s) => t.connect({ types: types, after: s.lastSeq, onEvent: onEvent }))
    .catch(() => t.connect({ types: types, onEvent: onEvent }));
})();
