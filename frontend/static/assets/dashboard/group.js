// Groups: the list of sweeps, and a group's page (members, seed bands, physics-vs-cost front, what the
// work cost, actions).
import { itemsOf } from './api.js';
import { CampaignApi } from './campaigns-api.js';
import { COLORS, LineChart } from './charts.js';
import { h, int, num, statusBadge, toast, when } from './dom.js';
import { accountingList, hours } from './operations.js';
import { paretoScatter } from './pareto.js';
import { lossUnit, withUnit } from './physics.js';
import { reportError, session } from './session.js';

const REFRESH_MS = 4000;

const valuesText = values => (values ? Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ') : '');
const summaryText = summary => Object.entries(summary || {}).map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ') || 'no members';

export function renderGroups(main) {
  const body = h('tbody');
  main.append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'Groups'),
      h('span', { class: 'muted' }, 'Sweeps over seeds and spec fields (POST /api/v1/groups).')),
    h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'groups-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Swept'), h('th', { class: 'num' }, 'Members'),
        h('th', {}, 'Status'), h('th', {}, 'Created'))),
      body)));
  let disposed = false;
  (async () => {
    try {
      const answer = await CampaignApi.groups();
      if (disposed) return;
      const items = itemsOf(answer);
      body.replaceChildren(...(items.length ? items.map(g => h('tr', { 'data-group-id': g.id },
        h('td', {}, h('a', { href: `#/groups/${encodeURIComponent(g.id)}` }, g.name)),
        h('td', {}, Object.entries(g.vary || {}).map(([path, values]) => `${path}: ${values.length}`).join(' × ')),
        h('td', { class: 'num' }, int(g.members)),
        h('td', {}, summaryText(g.statusSummary)),
        h('td', {}, when(g.createdAt))))
        : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No groups yet.'))]));
    } catch (e) {
      if (!disposed) reportError(e, 'Could not load the groups');
    }
  })();
  return { dispose() { disposed = true; } };
}

export function renderGroup(main, groupId) {
  let disposed = false;
  let timer = null;
  let fingerprint = null;
  const charts = [];
  const title = h('h1', {}, 'Group');
  const summary = h('span', { 'data-testid': 'group-summary' });
  const controls = h('div', { class: 'buttons', 'data-write': true });
  const compareLink = h('a', { class: 'button', 'data-testid': 'compare-members' }, 'Compare members');
  const members = h('tbody');
  const bandsBox = h('div', { class: 'grid', 'data-testid': 'seed-bands' });
  const frontBox = h('div', { 'data-testid': 'pareto' });
  const frontTable = h('tbody');
  const accountingBox = h('div', { 'data-testid': 'group-accounting' });
  let memberCpu = {};
  let accountedGroup = null;
  main.append(
    h('div', { class: 'toolbar' }, h('a', { href: '#/groups' }, '← Groups'), title, summary,
      h('span', { class: 'spacer' }), compareLink, controls),
    h('section', { 'aria-labelledby': 'bands-h' },
      h('h2', { id: 'bands-h' }, 'Loss over seeds: median and interquartile band per step'), bandsBox),
    h('div', { class: 'grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'front-h' },
        h('h2', { id: 'front-h' }, 'Physics loss against cost (best design of each member; Pareto front in orange)'), frontBox),
      h('section', { class: 'panel', 'aria-labelledby': 'front-t' }, h('h2', { id: 'front-t' }, 'Pareto front'),
        h('table', { class: 'compact', 'data-testid': 'front-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Member'), h('th', { class: 'num' }, 'Cost'),
            h('th', { class: 'num' }, 'Physics'), h('th', { class: 'num' }, 'Best step'))),
          frontTable))),
    h('section', { class: 'panel', 'aria-labelledby': 'members-h' }, h('h2', { id: 'members-h' }, 'Members'),
      h('div', { class: 'table-scroll' }, h('table', { class: 'compact', 'data-testid': 'members-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Study'), h('th', {}, 'Values'), h('th', {}, 'Status'),
          h('th', { class: 'num' }, 'Step'), h('th', { class: 'num' }, 'Loss'), h('th', { class: 'num' }, 'Best'),
          h('th', { class: 'num' }, 'CPU'))),
        members))),
    h('section', { class: 'panel', 'aria-labelledby': 'accounting-h' },
      h('h2', { id: 'accounting-h' }, 'What the work cost: every member together'), accountingBox));

  async function act(action) {
    if (action === 'cancel' && !confirm('Cancel every member of this group?')) return;
    try {
      render(await CampaignApi.groupAction(groupId, action));
      toast(`${action}: done`);
    } catch (e) {
      reportError(e, action);
    }
  }

  function render(group) {
    const key = JSON.stringify([group, memberCpu]);
    if (key === fingerprint) return;
    fingerprint = key;
    title.textContent = group.name;
    document.title = `${group.name} · detopt`;
    summary.textContent = summaryText(group.statusSummary);
    const ids = group.members.map(m => m.id);
    compareLink.href = `#/compare?ids=${ids.slice(0, 20).join(',')}`;
    controls.replaceChildren(...(session.canWrite ? ['start', 'pause', 'resume', 'cancel'].map(a => h('button', {
      type: 'button', class: a === 'cancel' ? 'danger' : '', 'data-group-action': a, onclick: () => act(a),
    }, a[0].toUpperCase() + a.slice(1))) : []));
    controls.hidden = !session.canWrite;
    const names = Object.fromEntries(group.members.map(m => [m.id, m.name]));
    members.replaceChildren(...group.members.map(m => h('tr', { 'data-study-id': m.id },
      h('td', {}, h('a', { href: `#/studies/${encodeURIComponent(m.id)}` }, m.name)),
      h('td', {}, valuesText(m.values)), h('td', {}, statusBadge(m.status)),
      h('td', { class: 'num' }, `${m.step} / ${m.maxSteps}`), h('td', { class: 'num' }, num(m.lastTotal)),
      h('td', { class: 'num' }, num(m.bestTotal)),
      h('td', { class: 'num', 'data-cpu-seconds': memberCpu[m.id] ?? '' }, hours(memberCpu[m.id])))));
    accountingBox.replaceChildren(accountingList(group.accounting || {}, 'group-accounting-list'));

    charts.splice(0).forEach(c => c.destroy());
    bandsBox.replaceChildren();
    group.seedBands.forEach((band, i) => {
      const box = h('div', { class: 'chart' });
      bandsBox.append(h('section', { class: 'panel', 'data-testid': 'seed-band' },
        h('h3', {}, `${valuesText(band.values) || 'all members'} · ${band.members.length} seed${band.members.length === 1 ? '' : 's'}`), box));
      const color = COLORS[i % COLORS.length];
      const chart = new LineChart(box, {
        yLabel: withUnit('total loss', lossUnit(group.baseSpec)),
        series: [
          { label: 'median', color, width: 2 },
          { label: 'upper quartile', color: 'rgba(36,86,201,0.35)', width: 1 },
          { label: 'lower quartile', color: 'rgba(36,86,201,0.35)', width: 1, band: [1, 2] },
        ],
      });
      charts.push(chart);
      chart.setData(band.steps.map(p => p.step), [band.steps.map(p => p.median), band.steps.map(p => p.upperQuartile),
        band.steps.map(p => p.lowerQuartile)]);
    });
    frontBox.replaceChildren(paretoScatter(group.points.map(p => ({ ...p, label: names[p.studyId] || p.studyId })),
      { lossUnit: lossUnit(group.baseSpec) }));
    frontTable.replaceChildren(...group.points.filter(p => p.onFront).map(p => h('tr', {},
      h('td', {}, h('a', { href: `#/studies/${encodeURIComponent(p.studyId)}` }, valuesText(p.values) || names[p.studyId])),
      h('td', { class: 'num' }, num(p.cost)), h('td', { class: 'num' }, num(p.physics)), h('td', { class: 'num' }, int(p.step)))));
  }

  async function load() {
    clearTimeout(timer);
    try {
      const group = await CampaignApi.group(groupId);
      if (disposed) return;
      // each member's account costs the service a query: fetched again only when the group changed
      const groupKey = JSON.stringify(group);
      if (groupKey !== accountedGroup) {
        const accounting = await CampaignApi.groupAccounting(groupId).catch(() => null);
        if (disposed) return;
        memberCpu = Object.fromEntries(Object.entries(accounting?.members || {}).map(([id, a]) => [id, a.cpuSeconds]));
        accountedGroup = accounting ? groupKey : null;
      }
      render(group);
    } catch (e) {
      if (!disposed) reportError(e, 'Could not load the group');
    }
    if (!disposed) timer = setTimeout(load, REFRESH_MS);
  }
  load();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
      charts.forEach(c => c.destroy());
    },
  };
}
