// /overlay/goal: a progress bar toward a target.
// Settings: metric (as the counter), target (required, > 0), label,
// format (compact|full).
'use strict';

(function () {
  const t = window.tiklive;
  const metric = t.param('metric', 'likes');
  const target = t.num('target', 0, 0, 1e15);
  if (!t.METRICS.includes(metric)) {
    t.fail('metric must be one of ' + t.METRICS.join(', '));
    return;
  }
  if (!(target > 0)) {
    t.fail('target must be a number above 0');
    return;
  }
  const style = t.param('format', 'compact');
  const root = t.root();
  const box = t.el('div', 'tl-item tl-goal');
  const head = t.el('div', 'tl-goal-head');
  const label = t.el('span', 'tl-goal-label', t.param('label', t.METRIC_LABELS[metric] + ' goal'));
  label.dir = 'auto';
  const numbers = t.el('span', 'tl-goal-numbers', '0 / ' + t.format(target, style));
  head.appendChild(label);
  head.appendChild(numbers);
  const track = t.el('div', 'tl-goal-track');
  const bar = t.el('div', 'tl-goal-bar');
  track.appendChild(bar);
  box.appendChild(head);
  box.appendChild(track);
  root.appendChild(box);
  t.followState((s) => {
    const v = s.counters[metric] || 0;
    const pct = Math.min(100, (v / target) * 100);
    bar.style.width = pct.toFixed(2) + '%';
    box.dataset.value = String(v);
    box.dataset.percent = pct.toFixed(2);
    numbers.textContent = t.format(v, style) + ' / ' + t.format(target, style);
    box.classList.toggle('tl-reached', v >= target);
  });
})();
