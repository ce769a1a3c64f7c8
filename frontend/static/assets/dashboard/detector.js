// The detector, drawn to scale from θ at a chosen step: calorimeter layers, the branching
// simulator's annulus, or (external programs) the slabs their hello's drawing hint declares, else a
// bar per parameter against its bounds.
import { request } from './api.js';
import { COLORS, formatNumber } from './charts.js';
import { h } from './dom.js';
import { numeric } from './model.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Colour-vision-safe material colours (Okabe–Ito), with a hatch on the absorber as a second cue. */
export const MATERIALS = {
  absorber: { label: 'absorber (PbWO4)', color: '#0072B2' },
  gap: { label: 'active gap (liquid argon)', color: '#E69F00' },
  annulus: { label: 'annulus material', color: '#009E73' },
};
const CALORIMETER_DEFAULTS = { layers: 50, transverseSizeMm: 400 };
/** Okabe–Ito colours for the slabs of a declared drawing hint, in the order the hint lists them. */
export const SLAB_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const BUILT_IN_DRAWINGS = new Set(['calorimeter', 'branching']);

/** The slabs of a drawing hint front to back: its layers `repeat` times, thicknesses from θ. */
export function hintSlabs(hint, theta) {
  const out = [];
  let z = 0;
  for (let i = 0; i < (hint.repeat ?? 1); i++) {
    hint.layers.forEach((slab, k) => {
      const thickness = numeric(theta?.[slab.parameter]);
      out.push({ layer: i, slab: k, label: slab.label || slab.parameter, parameter: slab.parameter, start: z, thickness });
      z += thickness;
    });
  }
  return out;
}

/** The branching shower's annulus reaches from θ to θ + 10 (SimulatorCatalog.BRANCHING_ANNULUS_WIDTH). */
export const BRANCHING_ANNULUS_WIDTH = 10;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Calorimeter categoricals (CalorimeterSimulator's choice names) and the layer kind each one fills. */
const CALORIMETER_CHOICES = { absorber: 'absorber', active: 'gap' };

/**
 * The absorber's and gap's labels at a step: the fixed materials, or for a categorical study the
 * most probable choice at that step with its probability.
 */
export function calorimeterLabels(row) {
  const labels = { absorber: MATERIALS.absorber.label, gap: MATERIALS.gap.label };
  for (const [choice, kind] of Object.entries(CALORIMETER_CHOICES)) {
    const probabilities = row?.probabilities?.[choice];
    if (!probabilities) continue;
    const [best, p] = Object.entries(probabilities).reduce((a, b) => (b[1] > a[1] ? b : a));
    labels[kind] = `${kind === "gap" ? "active gap" : "absorber"} (${best}, p = ${p.toFixed(3)})`;
  }
  return labels;
}

/** The calorimeter's layers front to back: absorber then gap, `layers` times, thicknesses from θ (mm). */
export function calorimeterLayers(config, theta) {
  const n = config?.layers ?? CALORIMETER_DEFAULTS.layers;
  const a = numeric(theta?.a), g = numeric(theta?.g);
  const out = [];
  let z = 0;
  for (let i = 0; i < n; i++) {
    out.push({ layer: i, material: 'absorber', start: z, thickness: a });
    z += a;
    out.push({ layer: i, material: 'gap', start: z, thickness: g });
    z += g;
  }
  return out;
}

/** Rounded tick step for an axis of this length (1, 2 or 5 × 10^k, about 5 ticks). */
function tickStep(length) {
  const raw = length / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map(m => m * p).find(s => s >= raw) || p * 10;
}

function axis(x0, y, length, scaleMax, unit, scale) {
  const step = tickStep(scaleMax);
  const g = svg('g', { class: 'axis', 'font-size': 11, 'aria-hidden': 'true' });
  g.append(svg('line', { x1: x0, y1: y, x2: x0 + length, y2: y, stroke: '#5b6475' }));
  for (let v = 0; v <= scaleMax + 1e-9; v += step) {
    const x = x0 + v * scale;
    g.append(svg('line', { x1: x, y1: y, x2: x, y2: y + 5, stroke: '#5b6475' }));
    g.append(svg('text', { x, y: y + 17, 'text-anchor': 'middle', fill: '#1d2330' }, formatNumber(v)));
  }
  g.append(svg('text', { x: x0 + length, y: y + 32, 'text-anchor': 'end', fill: '#1d2330' }, unit));
  return g;
}

/**
 * The detector panel: a step slider (keyboard: arrows, Home, End), a "best design" overlay toggle,
 * the drawing and its legend. `onStep(step)` tells the page which step is chosen.
 */
export class DetectorView {
  constructor(container, { onStep } = {}) {
    this.onStep = onStep;
    this.rows = [];
    this.index = -1;
    this.follow = true;
    this.slider = h('input', {
      type: 'range', min: 0, max: 0, value: 0, id: 'step-slider', 'aria-label': 'step shown',
      oninput: () => this.choose(Number(this.slider.value), false),
    });
    this.stepLabel = h('output', { for: 'step-slider', 'data-testid': 'detector-step' }, '–');
    this.bestToggle = h('input', { type: 'checkbox', id: 'best-overlay', onchange: () => this.draw() });
    this.drawing = h('div', { class: 'detector', 'data-testid': 'detector' });
    this.caption = h('p', { class: 'muted', 'data-testid': 'detector-caption' });
    container.append(
      h('div', { class: 'chart-head' },
        h('label', { for: 'step-slider' }, 'Step '), this.slider, this.stepLabel,
        h('label', {}, this.bestToggle, ' overlay best design (dashed)')),
      this.drawing, this.caption);
  }

  /** rows: series rows (step, theta); spec: the study's spec; best: {step, theta} or null. */
  update(rows, spec, best) {
    this.rows = rows.filter(r => r.theta);
    this.spec = spec;
    this.best = best?.theta ? best : null;
    this.loadHint(spec?.simulator?.name);
    this.slider.max = String(Math.max(0, this.rows.length - 1));
    if (this.follow || this.index >= this.rows.length) this.index = this.rows.length - 1;
    this.slider.value = String(Math.max(0, this.index));
    this.draw();
  }

  /** An external program's drawing hint, from its registration (GET /simulators); drawn when it arrives. */
  loadHint(name) {
    if (!name || BUILT_IN_DRAWINGS.has(name) || this.hintFor === name) return;
    this.hintFor = name;
    this.hint = null;
    request('simulators').then(list => {
      const hint = (Array.isArray(list) ? list : []).find(s => s.name === name)?.drawing;
      if (this.hintFor === name && hint?.kind === 'layers') {
        this.hint = hint;
        this.draw();
      }
    }).catch(() => { /* no hint: the bars stay */ });
  }

  /** Chooses a row; at the last row the view follows new steps as they arrive. */
  choose(index, silent) {
    this.index = Math.max(0, Math.min(index, this.rows.length - 1));
    this.follow = this.index === this.rows.length - 1;
    this.draw();
    if (!silent) this.onStep?.(this.rows[this.index]?.step);
  }

  /** Shows the row of this step (or the nearest kept by the downsampling). */
  chooseStep(step) {
    let best = 0;
    this.rows.forEach((r, i) => { if (Math.abs(r.step - step) < Math.abs(this.rows[best].step - step)) best = i; });
    this.slider.value = String(best);
    this.choose(best, false);
  }

  selectedStep() {
    return this.rows[this.index]?.step;
  }

  draw() {
    const row = this.rows[this.index];
    if (!row) {
      this.drawing.replaceChildren(h('div', { class: 'empty' }, 'No steps yet'));
      this.stepLabel.textContent = '–';
      return;
    }
    this.stepLabel.textContent = `${row.step}`;
    const name = this.spec?.simulator?.name;
    const overlay = this.bestToggle.checked ? this.best?.theta : null;
    let figure;
    if (name === 'calorimeter') figure = this.drawCalorimeter(row.theta, overlay, calorimeterLabels(row));
    else if (name === 'branching') figure = this.drawAnnulus(row.theta, overlay);
    else if (this.hint) figure = this.drawStack(this.hint, row.theta, overlay);
    else figure = this.drawBars(row.theta, overlay);
    this.drawing.replaceChildren(figure);
  }

  drawCalorimeter(theta, overlay, labels = calorimeterLabels(null)) {
    const config = { ...CALORIMETER_DEFAULTS, ...(this.spec?.simulator?.config || {}) };
    const layers = calorimeterLayers(config, theta);
    // One scale for every step (the deepest design of the trajectory), so the slider shows growth.
    const depth = t => config.layers * (numeric(t?.a) + numeric(t?.g));
    const maxDepth = Math.max(depth(theta), ...this.rows.map(r => depth(r.theta)).filter(Number.isFinite),
      overlay ? depth(overlay) : 0);
    const width = 900, left = 20, right = 20, top = 24, drawW = width - left - right;
    // px per mm, the same on both axes (to scale); a detector wider than deep is drawn narrower
    // rather than taller than the panel, so the labels keep their size.
    const scale = Math.min(drawW / maxDepth, 480 / config.transverseSizeMm);
    const height = config.transverseSizeMm * scale;
    const total = top + height + 44;
    const root = svg('svg', {
      viewBox: `0 0 ${width} ${total}`, width: '100%', role: 'img', 'data-testid': 'detector-svg',
      'data-layers': config.layers, 'data-scale-px-per-mm': scale,
      'aria-label': `calorimeter at this step: ${config.layers} layers of ${formatNumber(numeric(theta.a))} mm absorber `
        + `and ${formatNumber(numeric(theta.g))} mm gap, ${formatNumber(depth(theta))} mm deep, drawn to scale`,
    });
    root.append(svg('defs', {}, svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'rgba(255,255,255,0.45)', 'stroke-width': 2 }))));
    root.append(svg('text', { x: left, y: 14, 'font-size': 12, fill: '#1d2330' }, 'beam →'));
    for (const l of layers) {
      const attrs = {
        x: left + l.start * scale, y: top, width: Math.max(0, l.thickness * scale), height,
        fill: MATERIALS[l.material].color, 'data-layer': l.layer, 'data-material': l.material,
        'data-thickness-mm': l.thickness,
      };
      const rect = svg('rect', attrs, svg('title', {}, `layer ${l.layer} ${labels[l.material]}: ${formatNumber(l.thickness)} mm`));
      root.append(rect);
      if (l.material === 'absorber') root.append(svg('rect', { ...attrs, fill: 'url(#hatch)', 'data-layer': null, 'data-material': null, 'pointer-events': 'none' }));
    }
    if (overlay) {
      const g = svg('g', { 'data-overlay': 'best', fill: 'none', stroke: '#000', 'stroke-dasharray': '4 3', 'stroke-width': 1.2 });
      for (const l of calorimeterLayers(config, overlay).filter(x => x.material === 'absorber')) {
        g.append(svg('rect', { x: left + l.start * scale, y: top, width: l.thickness * scale, height }));
      }
      root.append(g);
    }
    root.append(axis(left, top + height + 4, maxDepth * scale, maxDepth, 'depth [mm]', scale));
    this.legend(['absorber', 'gap'], labels, `${config.layers} layers × (a = ${formatNumber(numeric(theta.a))} mm + g = `
      + `${formatNumber(numeric(theta.g))} mm) = ${formatNumber(depth(theta))} mm deep; transverse ${config.transverseSizeMm} mm.`);
    return root;
  }

  /** A declared stack of slabs along the beam, to scale in depth (the transverse size is not declared). */
  drawStack(hint, theta, overlay) {
    const slabs = hintSlabs(hint, theta);
    const depth = t => hintSlabs(hint, t).reduce((sum, l) => sum + l.thickness, 0);
    const maxDepth = Math.max(depth(theta), ...this.rows.map(r => depth(r.theta)).filter(Number.isFinite),
      overlay ? depth(overlay) : 0) || 1;
    const info = Object.fromEntries((this.spec?.parameters || []).map(p => [p.name, p]));
    const unit = info[hint.layers[0].parameter]?.unit || 'parameter units';
    const width = 900, left = 20, right = 20, top = 24, height = 160, scale = (width - left - right) / maxDepth;
    const root = svg('svg', {
      viewBox: `0 0 ${width} ${top + height + 44}`, width: '100%', role: 'img', 'data-testid': 'detector-svg',
      'data-layers': hint.repeat ?? 1, 'data-drawing': 'hint', 'data-scale-px-per-unit': scale,
      'aria-label': `the program's declared stack: ${hint.repeat ?? 1} × (`
        + hint.layers.map(l => `${l.label || l.parameter} ${formatNumber(numeric(theta[l.parameter]))} ${unit}`).join(' + ')
        + `), ${formatNumber(depth(theta))} ${unit} deep, drawn to scale in depth`,
    });
    root.append(svg('text', { x: left, y: 14, 'font-size': 12, fill: '#1d2330' }, 'beam →'));
    for (const l of slabs) {
      root.append(svg('rect', {
        x: left + l.start * scale, y: top, width: Math.max(0, l.thickness * scale), height,
        fill: SLAB_COLORS[l.slab % SLAB_COLORS.length], 'data-layer': l.layer, 'data-material': l.label,
        'data-parameter': l.parameter, 'data-thickness': l.thickness,
      }, svg('title', {}, `layer ${l.layer} ${l.label}: ${formatNumber(l.thickness)} ${unit}`)));
    }
    if (overlay) {
      const g = svg('g', { 'data-overlay': 'best', fill: 'none', stroke: '#000', 'stroke-dasharray': '4 3', 'stroke-width': 1.2 });
      for (const l of hintSlabs(hint, overlay).filter(x => x.slab === 0)) {
        g.append(svg('rect', { x: left + l.start * scale, y: top, width: l.thickness * scale, height }));
      }
      root.append(g);
    }
    root.append(axis(left, top + height + 4, maxDepth * scale, maxDepth, `depth [${unit}]`, scale));
    this.caption.replaceChildren(
      ...hint.layers.map((l, k) => h('span', { class: 'legend-item' },
        h('span', { class: 'legend-dot', style: `background:${SLAB_COLORS[k % SLAB_COLORS.length]}` }), l.label || l.parameter, ' ')),
      `${hint.repeat ?? 1} layers × (${hint.layers.map(l => `${l.parameter} = ${formatNumber(numeric(theta[l.parameter]))}`).join(' + ')}) `
        + `${unit} = ${formatNumber(depth(theta))} ${unit} deep, as the program's drawing hint declares; transverse size not to scale.`);
    return root;
  }

  drawAnnulus(theta, overlay) {
    const r = numeric(theta.theta);
    const outer = Math.max(r, ...this.rows.map(x => numeric(x.theta?.theta)).filter(Number.isFinite),
      overlay ? numeric(overlay.theta) : 0) + BRANCHING_ANNULUS_WIDTH;
    const size = 420, c = size / 2, scale = (size / 2 - 16) / outer;
    const ring = (inner, out) => `M ${c - out * scale} ${c} a ${out * scale} ${out * scale} 0 1 0 ${2 * out * scale} 0 `
      + `a ${out * scale} ${out * scale} 0 1 0 ${-2 * out * scale} 0 Z M ${c - inner * scale} ${c} `
      + `a ${inner * scale} ${inner * scale} 0 1 1 ${2 * inner * scale} 0 a ${inner * scale} ${inner * scale} 0 1 1 ${-2 * inner * scale} 0 Z`;
    const root = svg('svg', {
      viewBox: `0 0 ${size} ${size + 40}`, width: '100%', style: 'max-height: 420px', role: 'img', 'data-testid': 'detector-svg',
      'aria-label': `annulus from r = ${formatNumber(r)} to ${formatNumber(r + BRANCHING_ANNULUS_WIDTH)}, drawn to scale`,
    });
    root.append(svg('path', { d: ring(Math.max(0, r), r + BRANCHING_ANNULUS_WIDTH), fill: MATERIALS.annulus.color, 'fill-rule': 'evenodd',
      'data-inner-radius': r, 'data-outer-radius': r + BRANCHING_ANNULUS_WIDTH },
    svg('title', {}, `annulus r ∈ [${formatNumber(r)}, ${formatNumber(r + BRANCHING_ANNULUS_WIDTH)}]`)));
    root.append(svg('circle', { cx: c, cy: c, r: 3, fill: '#000' }, svg('title', {}, 'shower origin')));
    if (overlay) {
      const b = numeric(overlay.theta);
      root.append(svg('path', { d: ring(Math.max(0, b), b + BRANCHING_ANNULUS_WIDTH), fill: 'none', stroke: '#000',
        'stroke-dasharray': '4 3', 'data-overlay': 'best' }));
    }
    root.append(axis(c, size + 2, outer * scale, outer, 'radius [simulator length units]', scale));
    this.legend(['annulus'], {}, `inner radius θ = ${formatNumber(r)}, width ${BRANCHING_ANNULUS_WIDTH}.`);
    return root;
  }

  drawBars(theta, overlay) {
    const params = (this.spec?.parameters || []).map(p => p.name).filter(n => theta[n] != null);
    const names = params.length ? params : Object.keys(theta);
    const info = Object.fromEntries((this.spec?.parameters || []).map(p => [p.name, p]));
    const width = 900, rowH = 34, left = 150, right = 30, barW = width - left - right;
    const root = svg('svg', { viewBox: `0 0 ${width} ${names.length * rowH + 10}`, width: '100%', role: 'img',
      'data-testid': 'detector-svg', 'aria-label': 'each parameter against its bounds' });
    names.forEach((name, i) => {
      const values = this.rows.map(r => numeric(r.theta?.[name])).filter(Number.isFinite);
      const lo = info[name]?.lower ?? Math.min(...values);
      const hi = info[name]?.upper ?? Math.max(...values);
      const span = hi - lo || Math.abs(hi) || 1;
      const x = v => left + ((v - lo) / span) * barW;
      const y = 8 + i * rowH;
      const v = numeric(theta[name]);
      root.append(svg('text', { x: left - 8, y: y + 14, 'text-anchor': 'end', 'font-size': 13 },
        `${name}${info[name]?.unit ? ` [${info[name].unit}]` : ''}`));
      root.append(svg('rect', { x: left, y: y + 4, width: barW, height: 12, fill: '#e9ecf2' },
        svg('title', {}, `bounds ${formatNumber(lo)} … ${formatNumber(hi)}`)));
      root.append(svg('rect', { x: left, y: y + 4, width: Math.max(0, x(v) - left), height: 12, fill: COLORS[0],
        'data-parameter': name, 'data-value': v }, svg('title', {}, `${name} = ${formatNumber(v)}`)));
      if (overlay && overlay[name] != null) {
        root.append(svg('line', { x1: x(numeric(overlay[name])), x2: x(numeric(overlay[name])), y1: y, y2: y + 20, stroke: '#000',
          'stroke-dasharray': '3 2', 'data-overlay': 'best' }));
      }
      root.append(svg('text', { x: left, y: y + 30, 'font-size': 10, fill: '#5b6475' }, formatNumber(lo)));
      root.append(svg('text', { x: left + barW, y: y + 30, 'font-size': 10, fill: '#5b6475', 'text-anchor': 'end' }, formatNumber(hi)));
    });
    this.legend([], {}, 'Each parameter as a bar between its bounds (or the range the study visited).');
    return root;
  }

  legend(materials, labels, text) {
    this.caption.replaceChildren(
      ...materials.map(m => h('span', { class: 'legend-item', 'data-material': m },
        h('span', { class: 'legend-dot', style: `background:${MATERIALS[m].color}` }), labels[m] ?? MATERIALS[m].label, ' ')),
      text);
  }
}
