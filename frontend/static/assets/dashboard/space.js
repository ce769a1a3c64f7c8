// Parameter space: the trajectory in the plane of two chosen free parameters, with each step's
// descent direction (−gradient, scaled to a fixed share of the plot) as an arrow.
import { COLORS, formatNumber } from './charts.js';
import { h } from './dom.js';
import { numeric } from './model.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_ARROWS = 60; // arrows beyond this many would hide the path: every k-th step gets one

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export class ParameterSpaceView {
  constructor(container) {
    this.x = h('select', { id: 'space-x', onchange: () => this.draw() });
    this.y = h('select', { id: 'space-y', onchange: () => this.draw() });
    this.figure = h('div', { 'data-testid': 'parameter-space' });
    this.note = h('p', { class: 'muted small' });
    container.append(h('div', { class: 'chart-head' }, h('h2', {}, 'Parameter space'),
      h('span', {}, h('label', { for: 'space-x' }, 'x '), this.x, ' ', h('label', { for: 'space-y' }, 'y '), this.y)),
    this.figure, this.note);
  }

  /** rows: series rows with theta and gradient; info: parameterInfo(spec). */
  update(rows, info, free) {
    this.rows = rows;
    this.info = info;
    if (this.x.options.length !== free.length) {
      const option = n => h('option', { value: n }, n);
      this.x.replaceChildren(...free.map(option));
      this.y.replaceChildren(...free.map(option));
      this.x.value = free[0];
      this.y.value = free[1] ?? free[0];
    }
    this.draw();
  }

  draw() {
    const px = this.x.value, py = this.y.value;
    const rows = (this.rows || []).filter(r => Number.isFinite(numeric(r.theta?.[px])) && Number.isFinite(numeric(r.theta?.[py])));
    if (!rows.length || px === py) {
      this.figure.replaceChildren(h('div', { class: 'empty' }, px === py ? 'Choose two different parameters.' : 'No steps yet'));
      return;
    }
    const W = 520, H = 380, L = 70, R = 16, T = 12, B = 46;
    const xs = rows.map(r => numeric(r.theta[px])), ys = rows.map(r => numeric(r.theta[py]));
    const target = [this.info?.[px]?.target, this.info?.[py]?.target];
    const all = (vals, t) => (t != null ? [...vals, t] : vals);
    const span = vals => { const lo = Math.min(...vals), hi = Math.max(...vals); const pad = (hi - lo || Math.abs(hi) || 1) * 0.08; return [lo - pad, hi + pad]; };
    const [x0, x1] = span(all(xs, target[0])), [y0, y1] = span(all(ys, target[1]));
    const sx = v => L + ((v - x0) / (x1 - x0)) * (W - L - R);
    const sy = v => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
    const unit = n => (this.info?.[n]?.unit ? ` [${this.info[n].unit}]` : '');
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', style: 'max-height: 420px',
      'aria-label': `trajectory of ${px} and ${py} over ${rows.length} steps, with descent arrows` });
    root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: COLORS[1] }))));
    // Axes with end values and labels carrying units.
    root.append(svg('rect', { x: L, y: T, width: W - L - R, height: H - T - B, fill: 'none', stroke: '#d9dee7' }));
    for (const [v, anchor] of [[x0, 'start'], [x1, 'end']]) root.append(svg('text', { x: sx(v), y: H - B + 16, 'font-size': 11, 'text-anchor': anchor }, formatNumber(v)));
    for (const v of [y0, y1]) root.append(svg('text', { x: L - 6, y: sy(v) + 4, 'font-size': 11, 'text-anchor': 'end' }, formatNumber(v)));
    root.append(svg('text', { x: (L + W - R) / 2, y: H - 8, 'font-size': 12, 'text-anchor': 'middle' }, `${px}${unit(px)}`));
    root.append(svg('text', { x: 14, y: (T + H - B) / 2, 'font-size': 12, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(T + H - B) / 2})` }, `${py}${unit(py)}`));
    // Arrows: −gradient in plot pixels, each drawn with the same length so the direction reads.
    const every = Math.max(1, Math.ceil(rows.length / MAX_ARROWS));
    const arrows = svg('g', { 'data-testid': 'gradient-arrows' });
    rows.forEach((r, i) => {
      if (i % every) return;
      const gx = numeric(r.gradient?.[px]) ?? 0, gy = numeric(r.gradient?.[py]) ?? 0;
      const dx = -gx * (W - L - R) / (x1 - x0), dy = gy * (H - T - B) / (y1 - y0); // screen y points down
      const len = Math.hypot(dx, dy);
      if (!(len > 0)) return;
      const k = 22 / len;
      arrows.append(svg('line', { x1: sx(xs[i]), y1: sy(ys[i]), x2: sx(xs[i]) + dx * k, y2: sy(ys[i]) + dy * k,
        stroke: COLORS[1], 'stroke-width': 1.2, 'marker-end': 'url(#arrow)' },
      svg('title', {}, `step ${r.step}: ∂L/∂${px} = ${formatNumber(gx)}, ∂L/∂${py} = ${formatNumber(gy)}`)));
    });
    root.append(arrows);
    root.append(svg('polyline', { points: rows.map((_, i) => `${sx(xs[i])},${sy(ys[i])}`).join(' '), fill: 'none', stroke: COLORS[0], 'stroke-width': 1.5 }));
    rows.forEach((r, i) => root.append(svg('circle', { cx: sx(xs[i]), cy: sy(ys[i]), r: i === rows.length - 1 ? 5 : 2, fill: COLORS[0] },
      svg('title', {}, `step ${r.step}: ${px} = ${formatNumber(xs[i])}${unit(px)}, ${py} = ${formatNumber(ys[i])}${unit(py)}`))));
    if (target[0] != null && target[1] != null) {
      root.append(svg('path', { d: `M ${sx(target[0]) - 7} ${sy(target[1])} h 14 M ${sx(target[0])} ${sy(target[1]) - 7} v 14`, stroke: '#000', 'stroke-width': 2 },
        svg('title', {}, `target θ*: ${px} = ${formatNumber(target[0])}, ${py} = ${formatNumber(target[1])}`)));
    }
    this.figure.replaceChildren(root);
    this.note.textContent = `${rows.length} steps (line, newest the large dot); arrows: the descent direction −∂L/∂θ`
      + `${every > 1 ? ` at every ${every}th step` : ''}; + the target θ* where known. Hover a point for its numbers.`;
  }
}
