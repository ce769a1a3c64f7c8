// Categorical design parameters (a material choice): each one's probabilities over the steps, one
// line per choice, and the design it stands for (the most probable choice). Hidden when the spec
// has no categorical parameter. study.js mounts it and calls update() with the series rows.
import { COLORS, LineChart } from './charts.js';
import { h } from './dom.js';

/** The spec's categorical parameters: [{name, choices, frozen}]. */
export function categoricalParameters(spec) {
  return (spec?.parameters || []).filter(p => Array.isArray(p.choices))
    .map(p => ({ name: p.name, choices: p.choices, frozen: !!p.frozen }));
}

export class CategoricalView {
  constructor() {
    this.element = h('section', { class: 'panel', 'aria-labelledby': 'categorical-h', 'data-testid': 'categorical-panel', hidden: true });
    this.element.append(h('h2', { id: 'categorical-h' }, 'Design choices: probability of each choice'));
    this.charts = new Map();
  }

  /** spec: the study's spec; rows: series points (each with probabilities: {name: {choice: p}}). */
  update(spec, rows) {
    const categoricals = categoricalParameters(spec);
    this.element.hidden = categoricals.length === 0;
    const xs = rows.map(r => r.step);
    for (const c of categoricals) {
      let entry = this.charts.get(c.name);
      if (!entry) {
        const box = h('div', { class: 'chart', 'data-categorical': c.name });
        const verdict = h('p', { 'data-testid': `categorical-choice-${c.name}` });
        this.element.append(h('h3', {}, c.name + (c.frozen ? ' (frozen)' : '')), verdict, box);
        const chart = new LineChart(box, {
          yLabel: `P(${c.name}) [1]`, height: 200,
          series: c.choices.map((choice, k) => ({ label: choice, color: COLORS[k % COLORS.length], width: 2,
            dash: k >= COLORS.length ? [6, 3] : undefined })),
        });
        entry = { chart, verdict };
        this.charts.set(c.name, entry);
      }
      const columns = c.choices.map(choice => rows.map(r => r.probabilities?.[c.name]?.[choice] ?? null));
      entry.chart.setData(xs, columns);
      const last = rows.findLast(r => r.probabilities?.[c.name]);
      if (!last) {
        entry.verdict.textContent = 'No steps yet: every choice starts at its initial probability.';
        continue;
      }
      const probabilities = last.probabilities[c.name];
      const [best, p] = Object.entries(probabilities).reduce((a, b) => (b[1] > a[1] ? b : a));
      entry.verdict.textContent = `Most probable at step ${last.step}: ${best} (p = ${p.toFixed(3)}); `
        + 'the final design is the most probable choice.';
    }
  }
}
