// The answer first: θ after the last update with its uncertainty (and how it was computed), the
// deviation from a known target, signal-to-noise per parameter, the best step honestly labelled,
// and when and how long the study ran (GET /studies/{id}/answer).
import { formatNumber } from './charts.js';
import { h, int } from './dom.js';

/** "1 h 02 min 05 s" from seconds. */
export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600), minutes = Math.floor((s % 3600) / 60), rest = s % 60;
  if (hours) return `${hours} h ${String(minutes).padStart(2, '0')} min ${String(rest).padStart(2, '0')} s`;
  if (minutes) return `${minutes} min ${String(rest).padStart(2, '0')} s`;
  return seconds < 10 ? `${formatNumber(Number(seconds.toFixed(1)))} s` : `${rest} s`;
}

/** An instant with its date and zone, e.g. "2026-12-07 07:42:28 UTC". */
export function instant(value) {
  if (!value) return '–';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const unitOf = p => (p.unit ? ` ${p.unit}` : '');

export class AnswerView {
  constructor(container) {
    this.body = h('div', { 'data-testid': 'answer' });
    container.append(h('h2', { id: 'answer-h' }, 'The answer'), this.body);
  }

  update(answer) {
    if (!answer) return;
    const finished = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(answer.status);
    const lossUnit = answer.lossUnit ? ` ${answer.lossUnit}` : '';
    const u = answer.uncertainty || {};
    const params = answer.parameters || [];
    const table = h('table', { class: 'compact', 'data-testid': 'answer-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'parameter'),
        h('th', { scope: 'col', class: 'num' }, finished ? 'final θ' : 'θ now'),
        h('th', { scope: 'col', class: 'num', title: u.description || '' }, '± uncertainty'),
        h('th', { scope: 'col', class: 'num' }, 'target θ*'),
        h('th', { scope: 'col', class: 'num' }, 'θ − θ*'),
        h('th', { scope: 'col', class: 'num', title: '|∂L/∂θ| over its standard error at the newest step: below ~2 the gradient is noise' }, 'gradient S/N'))),
      h('tbody', {}, params.map(p => h('tr', { 'data-answer-parameter': p.name },
        h('th', { scope: 'row' }, h('span', {}, p.name), p.meaning ? h('div', { class: 'muted small' }, p.meaning) : null,
          p.frozen ? h('div', { class: 'muted small' }, 'frozen') : null),
        h('td', { class: 'num', 'data-value': p.value }, `${formatNumber(p.value)}${unitOf(p)}`),
        h('td', { class: 'num', 'data-uncertainty': p.uncertainty ?? '' }, p.uncertainty == null ? '–' : `± ${formatNumber(p.uncertainty)}${unitOf(p)}`),
        h('td', { class: 'num' }, p.target == null ? '–' : `${formatNumber(p.target)}${unitOf(p)}`),
        h('td', { class: 'num' }, p.deviation == null ? '–'
          : `${formatNumber(p.deviation)}${unitOf(p)} (${formatNumber(100 * p.relativeDeviation)} %)`),
        h('td', { class: 'num' }, p.signalToNoise == null ? '–' : formatNumber(p.signalToNoise))))));
    const best = answer.best;
    const latest = answer.latest;
    const t = answer.timing || {};
    const bestLine = best ? [
      h('dt', {}, 'lowest single-step loss'),
      h('dd', { 'data-testid': 'answer-best' },
        `step ${best.step}: ${formatNumber(best.total)}${lossUnit}`,
        best.physicsStderr != null ? ` ± ${formatNumber(best.physicsStderr)}` : '',
        best.latestMinusBestStderr ? ` · newest step is ${formatNumber(best.latestMinusBest / best.latestMinusBestStderr)} s.e. above it` : '',
        h('div', { class: 'muted small' }, `“Best so far” is the ${best.label}.`)),
    ] : [];
    this.body.replaceChildren(
      h('p', { class: 'muted', 'data-testid': 'answer-steps', 'data-steps': answer.stepsCompleted }, finished
        ? `Final design: θ after the last update, after ${answer.stepsCompleted} steps.`
        : `Design now (after ${answer.stepsCompleted} steps); the study is ${String(answer.status).toLowerCase()}.`),
      h('div', { class: 'table-scroll' }, table),
      h('p', { class: 'muted small', 'data-testid': 'answer-method' }, `Uncertainty: ${u.description || '–'}.`),
      h('dl', { class: 'kv' },
        h('dt', {}, 'loss (newest step)'),
        h('dd', {}, latest ? `step ${latest.step}: ${formatNumber(latest.total)}${lossUnit}`
          + (latest.physicsStderr != null ? ` (physics ${formatNumber(latest.physics)} ± ${formatNumber(latest.physicsStderr)}${lossUnit})` : '') : '–'),
        ...bestLine,
        h('dt', {}, 'started'), h('dd', { 'data-testid': 'answer-started' }, instant(t.startedAt)),
        h('dt', {}, 'finished'), h('dd', { 'data-testid': 'answer-finished' }, t.finishedAt ? instant(t.finishedAt) : 'not yet'),
        h('dt', {}, t.finishedAt ? 'wall time' : 'running for'), h('dd', { 'data-testid': 'answer-wall' }, duration(t.wallSeconds)),
        h('dt', {}, 'events simulated'), h('dd', {}, int(t.eventsSimulated))));
  }
}
