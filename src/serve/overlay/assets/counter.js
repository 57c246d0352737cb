// /overlay/counter: one number from the overlay state.
// Settings: metric (likes|viewers|follows|diamonds|shares|subscribers|gifts),
// label (defaults to the metric's name; label= hides it), format
// (compact|full, compact).
'use strict';

(function () {
  const t = window.tiklive;
  const metric = t.param('metric', 'likes');
  if (!t.METRICS.includes(metric)) {
    t.fail('metric must be one of ' + t.METRICS.join(', '));
    return;
  }
  const style = t.param('format', 'compact');
  const root = t.root();
  const box = t.el('div', 'tl-item tl-counter');
  const label = new URLSearchParams(location.search).has('label') ? t.param('label', '') : t.METRIC_LABELS[metric];
  const value = t.el('div', 'tl-counter-value', '0');
  box.appendChild(value);
  if (label) box.appendChild(t.el('div', 'tl-counter-label', label));
  box.dataset.metric = metric;
  root.appendChild(box);
  t.followState((s) => {
    const v = s.counters[metric] || 0;
    box.dataset.value = String(v);
    value.textContent = t.format(v, style);
  });
})();
