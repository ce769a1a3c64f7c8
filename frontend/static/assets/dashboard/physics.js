// Physics views from the recorded observables: the profile match at a chosen step (mean ± s.e.
// against the target, residual strip beneath), the energy resolution per step, and any observable's
// mean over steps.
import { Api } from './api.js';
import { COLORS, LineChart, formatNumber } from './charts.js';
import { h } from './dom.js';
import { numeric } from './model.js';

/** The observables a profile match compares, selector by selector, as the service expands them. */
export function expandSelectors(selectors, names) {
  const out = [];
  for (const s of selectors || []) {
    if (s.endsWith('*')) out.push(...names.filter(n => n.startsWith(s.slice(0, -1))));
    else if (names.includes(s)) out.push(s);
  }
  return out;
}

/**
 * Unit of a built-in simulator's observable, '' when undeclared: calorimeter energies in MeV; the
 * Gaussian toy's y = μ + σz in μ's unit, y² and its loss (y − center)² in that unit squared.
 */
export function observableUnit(simulator, name, spec) {
  if (simulator === 'calorimeter') return name.endsWith('.squared') ? 'MeV²' : 'MeV';
  if (simulator === 'gaussian') {
    const unit = spec?.parameters?.find(p => p.name === 'mu')?.unit;
    return !unit ? '' : name === 'y' ? unit : `${unit}²`;
  }
  return '';
}

/** An axis label with its unit; an undeclared unit is said to be so rather than left out. */
export function withUnit(label, unit) {
  return `${label} [${unit || 'unit not declared'}]`;
}

/** The physics loss's unit for this spec (MeV² for a calorimeter profile match), '' when undeclared. */
export function lossUnit(spec) {
  const simulator = spec?.simulator?.name;
  switch (spec?.objective?.type) {
    case 'profile-match': {
      const unit = observableUnit(simulator, spec.objective.observables?.[0] || '', spec);
      return unit ? `${unit}²` : '';
    }
    case 'energy-resolution': return '1';
    default: return observableUnit(simulator, spec?.objective?.observable || 'loss', spec);
  }
}


/** The profile at one step: points {name, mean, stderr, target, residual}. */
export function profilePoints(spec, state, record) {
  const names = Object.keys(record?.observables || {});
  const compared = expandSelectors(spec?.objective?.observables, names);
  const target = spec?.objective?.target?.values || state?.target || [];
  return compared.map((name, i) => {
    const o = record.observables[name];
    const mean = numeric(o.mean), stderr = numeric(o.stderr), t = numeric(target[i]);
    return { name, mean, stderr, target: t, residual: mean != null && t != null ? mean - t : null };
  });
}

export class ProfileView {
  constructor(container, studyId) {
    this.studyId = studyId;
    this.cache = new Map();
    this.title = h('h2', { id: 'profile-h' }, 'Deposit profile');
    this.note = h('p', { class: 'muted', 'data-testid': 'profile-step' });
    const box = h('div', { class: 'chart', 'data-testid': 'profile-chart' });
    const residualBox = h('div', { class: 'chart', 'data-testid': 'profile-residual' });
    this.boxes = [box, residualBox];
    this.table = h('table', { class: 'compact', 'data-testid': 'profile-table' });
    this.details = h('details', {}, h('summary', {}, 'Numbers'), h('div', { class: 'table-scroll' }, this.table));
    container.append(this.title, this.note, box, residualBox, this.details);
    this.chart = new LineChart(box, {
      xLabel: 'compared observable (index)', xIncrements: null, yLabel: 'mean deposit', height: 240,
      series: [
        { label: 'mean', color: COLORS[0], width: 2 },
        { label: '+1 s.e.', color: 'rgba(0,114,178,0.35)', width: 1 },
        { label: '−1 s.e.', color: 'rgba(0,114,178,0.35)', width: 1, band: [1, 2], bandFill: 'rgba(0,114,178,0.15)' },
        { label: 'target', color: COLORS[1], dash: [5, 3], width: 2 },
      ],
    });
    this.residual = new LineChart(residualBox, {
      xLabel: 'compared observable (index)', xIncrements: null, yLabel: 'residual', height: 150,
      series: [
        { label: 'residual', color: COLORS[0], width: 2 },
        { label: '+1 s.e.', color: 'rgba(0,114,178,0.35)', width: 1 },
        { label: '−1 s.e.', color: 'rgba(0,114,178,0.35)', width: 1, band: [1, 2], bandFill: 'rgba(0,114,178,0.15)' },
        { label: 'zero', color: '#5b6475', dash: [2, 3] },
      ],
    });
  }

  async show(step, spec, state) {
    if (step == null) return;
    // Steps chosen in quick succession (slider keys) answer out of order: only the latest is drawn.
    this.wanted = step;
    let record = this.cache.get(step);
    if (!record) {
      const page = await Api.steps(this.studyId, step, 1);
      record = page?.items?.[0]?.step === step ? page.items[0].record : null;
      if (!record || this.wanted !== step) return;
      if (this.cache.size > 200) this.cache.clear();
      this.cache.set(step, record);
    }
    const points = profilePoints(spec, state, record);
    const unit = observableUnit(spec?.simulator?.name, points[0]?.name || '', spec);
    // One compared observable makes no profile: a one-point line chart would look empty.
    const single = points.length === 1;
    this.title.textContent = single ? 'Compared observable against its target'
      : spec?.simulator?.name === 'calorimeter' ? 'Deposit profile' : 'Profile against the target';
    for (const box of this.boxes) box.hidden = single;
    this.details.open = single;
    this.chart.setYLabel(withUnit(spec?.simulator?.name === 'calorimeter' ? 'mean deposit' : 'mean', unit));
    this.residual.setYLabel(withUnit('residual', unit));
    if (!points.length) {
      this.note.textContent = `Step ${step} recorded no observables (a study from before they were recorded).`;
      this.chart.setData([], []);
      this.residual.setData([], []);
      this.table.replaceChildren();
      return;
    }
    if (single) {
      const p = points[0];
      const pulls = p.residual != null && p.stderr ? `, ${formatNumber(p.residual / p.stderr)} standard errors` : '';
      this.note.textContent = `Step ${step}: ${p.name} = ${formatNumber(p.mean)} ± ${formatNumber(p.stderr)}${unit ? ` ${unit}` : ''} `
        + `against the target ${formatNumber(p.target)}; mean − target = ${formatNumber(p.residual)}${unit ? ` ${unit}` : ''}${pulls}.`;
    } else {
      this.note.textContent = `Step ${step}: ${points.length} compared observables (${points[0].name} … ${points.at(-1).name}), `
        + 'mean ± 1 standard error against the target; residual strip beneath.';
    }
    const xs = points.map((_, i) => i);
    const names = points.map(p => p.name);
    this.chart.setXNames(names);
    this.residual.setXNames(names);
    this.chart.setData(xs, [
      points.map(p => p.mean),
      points.map(p => (p.mean != null && p.stderr != null ? p.mean + p.stderr : null)),
      points.map(p => (p.mean != null && p.stderr != null ? p.mean - p.stderr : null)),
      points.map(p => p.target),
    ]);
    this.residual.setData(xs, [
      points.map(p => p.residual),
      points.map(p => (p.residual != null && p.stderr != null ? p.residual + p.stderr : null)),
      points.map(p => (p.residual != null && p.stderr != null ? p.residual - p.stderr : null)),
      points.map(() => 0),
    ]);
    this.table.replaceChildren(
      h('caption', {}, `Step ${step}, ${withUnit('values', unit)}`),
      h('thead', {}, h('tr', {}, ['observable', 'mean', 's.e.', 'target', 'mean − target'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, points.map(p => h('tr', { 'data-observable': p.name },
        h('td', {}, p.name),
        h('td', { class: 'num', 'data-mean': p.mean }, formatNumber(p.mean)),
        h('td', { class: 'num', 'data-stderr': p.stderr }, formatNumber(p.stderr)),
        h('td', { class: 'num', 'data-target': p.target }, formatNumber(p.target)),
        h('td', { class: 'num' }, formatNumber(p.residual))))));
  }

  destroy() {
    this.chart.destroy();
    this.residual.destroy();
  }
}

/** Energy resolution per step ± its standard error, with the visible energy's mean on its own axis. */
export class ResolutionView {
  constructor(container, studyId) {
    this.studyId = studyId;
    const box = h('div', { class: 'chart', 'data-testid': 'resolution-chart' });
    container.append(h('h2', {}, 'Energy resolution σ/E and visible energy'), box);
    this.chart = new LineChart(box, {
      yLabel: 'σ/E [1]', height: 240,
      series: [
        { label: 'σ/E', color: COLORS[0], width: 2 },
        { label: '+1 s.e.', color: 'rgba(0,114,178,0.35)', width: 1 },
        { label: '−1 s.e.', color: 'rgba(0,114,178,0.35)', width: 1, band: [1, 2], bandFill: 'rgba(0,114,178,0.15)' },
        { label: 'E[visible] [MeV]', color: COLORS[1], dash: [5, 3], scale: 'visible', scaleLabel: 'visible energy [MeV]' },
      ],
    });
  }

  async update(spec, maxPoints) {
    const observable = spec?.objective?.observable || 'visible';
    const answer = await Api.seriesWith(this.studyId, maxPoints, [observable]);
    const points = answer?.points || [];
    const xs = points.map(p => p.step);
    const r = points.map(p => numeric(p.physics));
    const se = points.map(p => numeric(p.physicsStderr));
    this.chart.setData(xs, [
      r,
      r.map((v, i) => (v != null && se[i] != null ? v + se[i] : null)),
      r.map((v, i) => (v != null && se[i] != null ? v - se[i] : null)),
      points.map(p => numeric(p.observables?.[observable]?.mean)),
    ]);
  }

  destroy() {
    this.chart.destroy();
  }
}

/** Any observable's mean ± s.e. over steps, chosen from a list. */
export class ObservableView {
  constructor(container, studyId) {
    this.studyId = studyId;
    this.select = h('select', { id: 'observable-select', 'aria-label': 'observable', onchange: () => this.refresh() });
    const box = h('div', { class: 'chart', 'data-testid': 'observable-chart' });
    container.append(h('div', { class: 'chart-head' }, h('h2', { id: 'observable-h' }, 'Observable over steps'),
      h('label', { for: 'observable-select' }, 'observable '), this.select), box);
    this.chart = new LineChart(box, {
      yLabel: 'mean', height: 220,
      series: [
        { label: 'mean', color: COLORS[2], width: 2 },
        { label: '+1 s.e.', color: 'rgba(0,158,115,0.35)', width: 1 },
        { label: '−1 s.e.', color: 'rgba(0,158,115,0.35)', width: 1, band: [1, 2], bandFill: 'rgba(0,158,115,0.15)' },
      ],
    });
  }

  /** names: the observables a step recorded. */
  async update(names, spec, maxPoints) {
    this.spec = spec;
    this.maxPoints = maxPoints;
    if (names?.length && this.select.options.length !== names.length) {
      const keep = this.select.value;
      const preferred = names.includes('visible') ? 'visible' : names.includes('y') ? 'y' : names[0];
      this.select.replaceChildren(...names.map(n => h('option', { value: n }, n)));
      this.select.value = names.includes(keep) ? keep : preferred;
    }
    await this.refresh();
  }

  async refresh() {
    const name = this.select.value;
    if (!name) return;
    const answer = await Api.seriesWith(this.studyId, this.maxPoints || 1000, [name]);
    const points = answer?.points || [];
    this.chart.setYLabel(withUnit(name, observableUnit(this.spec?.simulator?.name, name, this.spec)));
    const m = points.map(p => numeric(p.observables?.[name]?.mean));
    const se = points.map(p => numeric(p.observables?.[name]?.stderr));
    this.chart.setData(points.map(p => p.step), [
      m,
      m.map((v, i) => (v != null && se[i] != null ? v + se[i] : null)),
      m.map((v, i) => (v != null && se[i] != null ? v - se[i] : null)),
    ]);
  }

  destroy() {
    this.chart.destroy();
  }
}
