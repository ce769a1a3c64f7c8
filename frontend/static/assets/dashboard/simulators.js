// The launch form's list of simulators a study may name (GET /api/v1/simulators): built-in ones and
// the external programs operators registered (registry file or POST /api/v1/simulators). Picking one
// shows its parameters, observables and estimators; "Start a spec" writes a starter spec for it.
import { request } from './api.js';
import { h } from './dom.js';

const SOURCE_LABEL = { builtin: 'built in', config: 'registered (deployment file)', api: 'registered (API)' };

/** A starter spec for a simulator view: declared defaults and bounds, its first estimator. */
export function starterSpec(simulator) {
  const parameters = simulator.parameters.map(p => {
    const parameter = { name: p.name };
    if (p.unit) parameter.unit = p.unit;
    const lower = p.lower ?? null;
    const upper = p.upper ?? null;
    parameter.initial = p.defaultValue ?? (lower != null && upper != null ? (lower + upper) / 2 : 1.0);
    if (lower != null) parameter.lower = lower;
    if (upper != null) parameter.upper = upper;
    return parameter;
  });
  return {
    name: `${simulator.name} study`,
    simulator: { name: simulator.name, config: {} },
    parameters,
    estimator: { kind: simulator.estimators[0] || 'finite-difference' },
    objective: { type: 'expected-loss', observable: simulator.observables[0] },
    optimizer: { type: 'adam', learningRate: 0.05 },
    eventsPerStep: 400,
    eventsPerBatch: 100,
    maxSteps: 20,
    seed: 1,
  };
}

/**
 * The simulator panel of the launch form. `onStart(specText)` receives a starter spec. Loads the
 * list itself; a failure to load leaves a short note (the editor still works).
 */
export function simulatorPanel({ onStart }) {
  let simulators = [];
  const select = h('select', { id: 'simulator-select', 'data-testid': 'simulator-select', onchange: () => show(select.value) });
  const details = h('div', { class: 'simulator-details', 'data-testid': 'simulator-details', 'aria-live': 'polite' });
  const startButton = h('button', {
    type: 'button', id: 'simulator-start', 'data-testid': 'simulator-start',
    onclick: () => {
      const simulator = simulators.find(s => s.name === select.value);
      if (simulator) onStart(JSON.stringify(starterSpec(simulator), null, 2) + '\n');
    },
  }, 'Start a spec');
  const panel = h('div', { class: 'simulator-panel', 'data-testid': 'simulator-panel' },
    h('div', { class: 'toolbar' }, h('label', { for: 'simulator-select' }, 'Simulator'), select, startButton),
    details);

  request('simulators').then(list => {
    simulators = Array.isArray(list) ? list : [];
    select.replaceChildren(...simulators.map(s => h('option', { value: s.name, dataset: { source: s.source || '' } },
      s.external ? `${s.name} (registered program)` : s.name)));
    const firstExternal = simulators.find(s => s.external);
    if (firstExternal) select.value = firstExternal.name;
    show(select.value);
  }).catch(e => {
    details.replaceChildren(h('p', { class: 'muted' }, `The simulator list is not available: ${e.message}`));
  });

  function show(name) {
    const simulator = simulators.find(s => s.name === name);
    if (!simulator) {
      details.replaceChildren();
      return;
    }
    const range = p => (p.lower != null || p.upper != null ? `[${p.lower ?? '−∞'}, ${p.upper ?? '∞'}]` : '');
    details.replaceChildren(
      h('p', { class: 'muted' }, SOURCE_LABEL[simulator.source] || (simulator.external ? 'registered' : 'built in'),
        simulator.description ? ` — ${simulator.description}` : ''),
      h('table', { class: 'compact', 'data-testid': 'simulator-parameters' },
        h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', {}, 'unit'), h('th', {}, 'default'), h('th', {}, 'bounds'))),
        h('tbody', {}, simulator.parameters.map(p => h('tr', {},
          h('td', {}, p.name), h('td', {}, p.unit || ''), h('td', {}, p.defaultValue ?? ''), h('td', {}, range(p)))))),
      h('p', { 'data-testid': 'simulator-estimators' }, 'Estimators: ', simulator.estimators.join(', ') || '–'),
      h('p', { class: 'muted', 'data-testid': 'simulator-observables' },
        `Observables (${simulator.observables.length}): `, simulator.observables.slice(0, 12).join(', '),
        simulator.observables.length > 12 ? ', …' : ''));
  }

  return panel;
}
