// Compare page: loss of several studies against step and against events simulated, and their designs.
import { Api } from './api.js';
import { CampaignApi } from './campaigns-api.js';
import { lossUnit, withUnit } from './physics.js';
import { COLORS, LineChart } from './charts.js';
import { h, int, num, statusBadge } from './dom.js';
import { reportError } from './session.js';

export function renderCompare(main, params) {
  const ids = (params.get('ids') || '').split(',').map(s => s.trim()).filter(Boolean);
  let disposed = false;
  const charts = [];
  const stepBox = h('div', { class: 'chart', 'data-testid': 'compare-by-step' });
  const eventsBox = h('div', { class: 'chart', 'data-testid': 'compare-by-events' });
  const table = h('div', { class: 'table-scroll' });
  main.append(
    h('div', { class: 'toolbar' }, h('a', { href: '#/' }, '← Studies'), h('h1', {}, `Compare ${ids.length} studies`)),
    h('div', { class: 'grid' },
      h('section', { class: 'panel' }, h('h2', {}, 'Total loss by step'), stepBox),
      h('section', { class: 'panel' }, h('h2', {}, 'Total loss by events simulated'), eventsBox)),
    h('section', { class: 'panel' }, h('h2', {}, 'Designs: final θ and best θ'), table));
  if (ids.length === 0) {
    table.append(h('p', { class: 'muted' }, 'Choose studies to compare in the list (the Compare column).'));
    return { dispose() {} };
  }
  (async () => {
    try {
      const [c, specs] = await Promise.all([CampaignApi.compare(ids),
        Promise.all(ids.map(i => Api.study(i).then(s => s?.spec, () => null)))]);
      if (disposed) return;
      // The loss axis has the studies' unit when they share one.
      const units = new Set(specs.map(lossUnit));
      const yLabel = units.size === 1 ? withUnit('total loss', [...units][0]) : 'total loss [units differ between studies]';
      // Past eight studies the colours repeat: the repeats are dashed.
      const series = c.studies.map((s, i) => ({ label: s.name, color: COLORS[i % COLORS.length], width: 1.5,
        dash: i >= COLORS.length ? [6, 3] : undefined }));
      const byStep = new LineChart(stepBox, { yLabel, series });
      const byEvents = new LineChart(eventsBox, { yLabel, xLabel: 'events simulated', series });
      charts.push(byStep, byEvents);
      byStep.setData(c.byStep.x, c.studies.map(s => c.byStep.total[s.id]));
      byEvents.setData(c.byEvents.x, c.studies.map(s => c.byEvents.total[s.id]));
      const parameters = [...new Set(c.studies.flatMap(s => Object.keys(s.finalTheta || {})))];
      table.replaceChildren(h('table', { class: 'compact', 'data-testid': 'compare-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Study'), h('th', {}, 'Status'), h('th', { class: 'num' }, 'Steps'),
          h('th', { class: 'num' }, 'Events'), h('th', { class: 'num' }, 'Best total'),
          parameters.map(p => [h('th', { class: 'num' }, `${p} final`), h('th', { class: 'num' }, `${p} best`)]))),
        h('tbody', {}, c.studies.map((s, i) => h('tr', { 'data-study-id': s.id },
          h('td', {}, h('span', { class: 'legend-dot', style: `background:${COLORS[i % COLORS.length]}` }),
            h('a', { href: `#/studies/${encodeURIComponent(s.id)}` }, s.name)),
          h('td', {}, statusBadge(s.status)), h('td', { class: 'num' }, int(s.steps)),
          h('td', { class: 'num' }, int(s.eventsSimulated)),
          h('td', { class: 'num' }, s.bestTotal == null ? '–' : `${num(s.bestTotal)} @ ${s.bestStep}`),
          parameters.map(p => [h('td', { class: 'num' }, num(s.finalTheta?.[p])), h('td', { class: 'num' }, num(s.bestTheta?.[p]))]))))));
    } catch (e) {
      if (!disposed) reportError(e, 'Could not compare the studies');
    }
  })();
  return {
    dispose() {
      disposed = true;
      charts.forEach(c => c.destroy());
    },
  };
}
