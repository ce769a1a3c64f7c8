// Studies list: filter by status, pagination, controls, refreshed every few seconds.
import { duration } from './answer.js';
import { Api, itemsOf, totalOf } from './api.js';
import { h, int, num, statusBadge, toast, when } from './dom.js';
import { actionsFor, STATUSES, studyView } from './model.js';
import { reportError, session } from './session.js';
import { compareSelection, listFilters, tagChips } from './list-campaign.js';

const PAGE_SIZE = 20;
const REFRESH_MS = 4000;

export function renderList(main, params) {
  let status = params.get('status') || '';
  let page = Number(params.get('page') || 0);
  // Campaigns: filter by tag and text, pick studies to compare.
  const filters = listFilters(params, () => { page = 0; syncHash(); load(); });
  const compare = compareSelection();
  let timer = null;
  let disposed = false;
  let lastFingerprint = null;
  let generation = 0;

  const filter = h('select', { id: 'status-filter', onchange: () => { status = filter.value; page = 0; syncHash(); load(); } },
    h('option', { value: '' }, 'all'),
    STATUSES.map(s => h('option', { value: s, selected: s === status }, s.toLowerCase())));
  const body = h('tbody');
  const head = h('thead');
  const pager = h('div', { class: 'pager' });
  const summary = h('span', { class: 'muted', 'aria-live': 'polite' });

  main.append(
    h('div', { class: 'toolbar' },
      h('h1', {}, 'Studies'),
      h('label', { for: 'status-filter' }, 'Status'), filter,
      filters.element,
      summary, compare.button,
      h('span', { class: 'spacer' }),
      session.canWrite && h('a', { href: '#/new', class: 'button primary' }, 'New study')),
    h('div', { class: 'table-wrap' },
      h('table', { 'data-testid': 'studies-table' },
        h('caption', { class: 'muted', style: 'caption-side: bottom; text-align: left; padding: .4rem .6rem' },
          'Loss values are the latest step\'s total L and the lowest total so far.'),
        head,
        body)),
    pager);

  function syncHash() {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (page) q.set('page', String(page));
    filters.addTo(q);
    history.replaceState(null, '', `#/${q.toString() ? `?${q}` : ''}`);
  }

  async function act(id, action) {
    if (action === 'cancel' && !confirm('Cancel this study? It cannot be resumed.')) return;
    if (action === 'delete' && !confirm('Delete this study and its history?')) return;
    try {
      if (action === 'delete') await Api.remove(id);
      else await Api.control(id, action);
      toast(`${action}: done`);
      load();
    } catch (e) {
      reportError(e, action);
    }
  }

  function header() {
    head.replaceChildren(h('tr', {},
      h('th', { scope: 'col' }, 'Compare'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, 'Simulator'), h('th', { scope: 'col' }, 'Estimator'),
      h('th', { scope: 'col', class: 'num' }, 'Step'), h('th', { scope: 'col', class: 'num' }, 'Loss'),
      h('th', { scope: 'col', class: 'num' }, 'Best'), h('th', { scope: 'col' }, 'Started'),
      h('th', { scope: 'col', class: 'num', title: 'from start to finish, or until now while it runs' }, 'Duration'),
      h('th', { scope: 'col' }, 'Updated'),
      h('th', { scope: 'col', class: 'num', title: 'workers holding a lease on one of the study\'s tasks' }, 'Workers'),
      session.canWrite && h('th', { scope: 'col' }, 'Actions')));
  }

  /** Wall time from start to finish (or to the last update while it runs: rows redraw when that changes). */
  function studyDuration(raw) {
    if (!raw.startedAt) return '–';
    const end = raw.finishedAt || raw.updatedAt;
    return duration((new Date(end) - new Date(raw.startedAt)) / 1000);
  }

  function row(raw) {
    const s = studyView(raw);
    return h('tr', { 'data-study-id': s.id },
      h('td', {}, compare.checkbox(s)),
      h('td', {}, h('a', { href: `#/studies/${encodeURIComponent(s.id)}` }, s.name), tagChips(raw)),
      h('td', {}, statusBadge(s.status)),
      h('td', {}, s.simulator ?? '–'),
      h('td', {}, s.estimator ?? '–'),
      h('td', { class: 'num' }, `${s.step ?? 0} / ${s.maxSteps ?? '?'}`),
      h('td', { class: 'num' }, num(s.total)),
      h('td', { class: 'num' }, num(s.best)),
      h('td', {}, when(s.started)),
      h('td', { class: 'num', 'data-testid': 'duration' }, studyDuration(raw)),
      h('td', {}, when(s.updated)),
      h('td', { class: 'num', 'data-testid': 'active-workers' }, int(s.activeWorkers)),
      session.canWrite && h('td', {}, h('div', { class: 'buttons' },
        actionsFor(s.status).map(a => h('button', {
          type: 'button', class: `small ${a === 'cancel' || a === 'delete' ? 'danger' : ''}`,
          'aria-label': `${a} ${s.name}`, onclick: () => act(s.id, a),
        }, a)))));
  }

  async function load() {
    // Only the latest load reschedules, so a filter change or an action never starts a second loop.
    const mine = ++generation;
    clearTimeout(timer);
    try {
      const answer = await Api.listStudies({ status, page, size: PAGE_SIZE, ...filters.values() });
      if (disposed || mine !== generation) return;
      const items = itemsOf(answer);
      const total = totalOf(answer);
      // Re-render only on change, so keyboard focus on a row's button survives the refresh.
      const fingerprint = JSON.stringify([items, total, page, status, filters.values()]);
      if (fingerprint === lastFingerprint) {
        timer = setTimeout(load, REFRESH_MS);
        return;
      }
      lastFingerprint = fingerprint;
      header();
      body.replaceChildren(...(items.length ? items.map(row)
        : [h('tr', {}, h('td', { colspan: 13, class: 'muted' }, status ? `No ${status.toLowerCase()} studies.` : 'No studies yet.'))]));
      const pages = total != null ? Math.max(1, Math.ceil(total / PAGE_SIZE)) : null;
      summary.textContent = total != null ? `${total} stud${total === 1 ? 'y' : 'ies'}` : '';
      pager.replaceChildren(
        h('button', { type: 'button', disabled: page === 0, onclick: () => { page--; syncHash(); load(); } }, '← Previous'),
        h('span', {}, pages ? `page ${page + 1} of ${pages}` : `page ${page + 1}`),
        h('button', {
          type: 'button', disabled: pages ? page + 1 >= pages : items.length < PAGE_SIZE,
          onclick: () => { page++; syncHash(); load(); },
        }, 'Next →'));
    } catch (e) {
      if (disposed || mine !== generation) return;
      reportError(e, 'Could not load the studies');
    }
    if (!disposed) timer = setTimeout(load, REFRESH_MS);
  }

  load();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}

