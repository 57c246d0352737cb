// /overlay/leaderboard: the top gifters of this session.
// Settings: by (diamonds), top (rows, 5), title, avatars (1).
'use strict';

(function () {
  const t = window.tiklive;
  const by = t.param('by', 'diamonds');
  if (by !== 'diamonds') {
    t.fail('by must be diamonds');
    return;
  }
  const top = t.num('top', 5, 1, 100);
  const avatars = t.flag('avatars', true);
  const root = t.root();
  const box = t.el('div', 'tl-item tl-board');
  const title = t.param('title', 'Top gifters');
  if (title) box.appendChild(t.el('div', 'tl-board-title', title));
  const rows = t.el('ol', 'tl-board-rows');
  box.appendChild(rows);
  root.appendChild(box);
  t.followState((s) => {
    rows.textContent = '';
    s.leaderboard.slice(0, top).forEach((g, i) => {
      const row = t.el('li', 'tl-board-row');
      row.dataset.user = g.uniqueId;
      row.dataset.diamonds = String(g.diamonds);
      row.appendChild(t.el('span', 'tl-board-rank', String(i + 1)));
      if (avatars) {
        const a = t.img(g.profilePictureUrl, 'tl-avatar', '');
        if (a) row.appendChild(a);
      }
      const n = t.el('span', 'tl-name', g.nickname || g.uniqueId);
      n.dir = 'auto';
      row.appendChild(n);
      row.appendChild(t.el('span', 'tl-board-value', t.format(g.diamonds, 'compact') + ' \ud83d\udc8e'));
      rows.appendChild(row);
    });
  }, top);
})();
