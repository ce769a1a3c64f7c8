// A physics-vs-cost scatter in SVG: every member's best design, the Pareto front joined and marked.
import { formatNumber } from './charts.js';
import { withUnit } from './physics.js';

const NS = 'http://www.w3.org/2000/svg';
/** The front and the other designs (front points are also larger and joined by a dashed staircase). */
export const PARETO_COLORS = { front: '#d9480f', other: '#2456c9' };

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = text;
  return node;
}

/** points: [{studyId, physics, cost, onFront, label}]; lossUnit: the physics loss's unit; returns an <svg>. */
export function paretoScatter(points, { width = 560, height = 340, lossUnit = '' } = {}) {
  const m = { left: 70, right: 20, top: 16, bottom: 44 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'data-testid': 'pareto-scatter',
    'aria-label': `physics loss against cost of ${points.length} best designs; ${points.filter(p => p.onFront).length} on the Pareto front` });
  if (points.length === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: '#667' }, 'No best designs yet'));
    return svg;
  }
  const xs = points.map(p => p.cost);
  const ys = points.map(p => p.physics);
  const pad = (lo, hi) => (hi > lo ? [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)] : [lo - 1e-9 - Math.abs(lo) * 0.1, hi + 1e-9 + Math.abs(hi) * 0.1]);
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const X = v => m.left + ((v - x0) / (x1 - x0)) * (width - m.left - m.right);
  const Y = v => height - m.bottom - ((v - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  svg.append(el('rect', { x: m.left, y: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom,
    fill: 'none', stroke: '#ccd' }));
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + (i / 4) * (x1 - x0);
    const yv = y0 + (i / 4) * (y1 - y0);
    svg.append(el('text', { x: X(xv), y: height - m.bottom + 16, 'text-anchor': 'middle', 'font-size': 11 }, formatNumber(xv)));
    svg.append(el('text', { x: m.left - 6, y: Y(yv) + 4, 'text-anchor': 'end', 'font-size': 11 }, formatNumber(yv)));
  }
  svg.append(el('text', { x: (m.left + width - m.right) / 2, y: height - 6, 'text-anchor': 'middle', 'font-size': 12 }, 'cost [price units]'));
  svg.append(el('text', { x: 14, y: (m.top + height - m.bottom) / 2, 'text-anchor': 'middle', 'font-size': 12,
    transform: `rotate(-90 14 ${(m.top + height - m.bottom) / 2})` }, withUnit('physics loss', lossUnit)));
  const front = points.filter(p => p.onFront).sort((a, b) => a.cost - b.cost);
  if (front.length > 1) {
    // The front as a staircase: no design between two front points does better than both.
    let d = `M ${X(front[0].cost)} ${Y(front[0].physics)}`;
    for (let i = 1; i < front.length; i++) d += ` H ${X(front[i].cost)} V ${Y(front[i].physics)}`;
    svg.append(el('path', { d, fill: 'none', stroke: PARETO_COLORS.front, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }));
  }
  for (const p of points) {
    const circle = el('circle', { cx: X(p.cost), cy: Y(p.physics), r: p.onFront ? 6 : 4,
      fill: p.onFront ? PARETO_COLORS.front : PARETO_COLORS.other, 'fill-opacity': p.onFront ? 0.9 : 0.6,
      'data-on-front': p.onFront ? 'true' : 'false', 'data-study-id': p.studyId });
    circle.append(el('title', {}, `${p.label}: physics ${formatNumber(p.physics)}, cost ${formatNumber(p.cost)}${p.onFront ? ' (Pareto front)' : ''}`));
    svg.append(circle);
  }
  return svg;
}
