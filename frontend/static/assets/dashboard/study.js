// Study page: live over SSE (refetching the downsampled series on each change, throttled), falling
// back to polling when the stream is unavailable.
import { Api, ApiError, download, openEventStream } from './api.js';
import { COLORS, LineChart } from './charts.js';
import { h, int, num, statusBadge, toast, when } from './dom.js';
import {
  actionsFor, currentStepCounts, eventRows, gradientNormStderr, numeric, parameterInfo, stepRows, studyView, taskCounts,
  workerRows,
} from './model.js';
import { navigate, reportError, session } from './session.js';
import { operationsPanel } from './operations.js';
import { studyCampaignPanel } from './study-campaign.js';
import { mountInsights } from './insights.js';
import { lossUnit, withUnit } from './physics.js';
import { CategoricalView } from './categorical.js';

const SERIES_POINTS = 1000;     // the service downsamples to about this many points
const POLL_MS = 3000;           // without a stream
const SLOW_POLL_MS = 15000;     // with a stream: workers and anything the stream does not announce
const STREAM_THROTTLE_MS = 800; // at most one refetch per this interval while steps stream in
const STREAM_RETRY_MS = 10000;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** Task states in the bar: grey and Okabe–Ito colours, distinct under colour-vision deficiencies. */
export const TASK_COLORS = { QUEUED: '#8f9bb3', HELD: '#E69F00', LEASED: '#0072B2', COMPLETED: '#009E73', CANCELLED: '#D55E00' };
const MAX_EVENTS = 500;
const INSIGHTS_MS = 1500;
/** c(θ) = Σ price × volume: in whatever currency the spec's prices are. */
const COST_LABEL = 'cost [price units]';        // the physics sections refetch at most this often

export function renderStudy(main, id) {
  let disposed = false;
  let closeStream = null;
  let streaming = false;
  let pollTimer = null;
  let polling = false;
  let refreshPending = null;
  let lastRefresh = 0;
  let view = null;
  let rows = [];
  let eventsCursor = 0;
  let fleet = null;
  let lastTasks = null;
  let eventLog = [];

  const title = h('h1', { id: 'study-title' }, 'Study');
  const status = h('span');
  const live = h('span', { class: 'live', 'data-testid': 'live' }, 'polling');
  const controls = h('div', { class: 'buttons', 'data-write': true });
  const exports = h('div', { class: 'buttons' },
    h('button', { type: 'button', onclick: () => exportAs('json') }, 'Export JSON'),
    h('button', { type: 'button', onclick: () => exportAs('csv') }, 'Export CSV'));
  const cards = h('div', { class: 'cards' });
  let logChosen = false; // the page picks the loss axis until the user does
  const logToggle = h('input', { type: 'checkbox', id: 'loss-log', onchange: () => { logChosen = true; lossChart.setLog(logToggle.checked); } });
  const gradLogToggle = h('input', { type: 'checkbox', id: 'grad-log', onchange: () => gradChart.setLog(gradLogToggle.checked) });
  const insights = mountInsights(id, { maxPoints: SERIES_POINTS });
  // θ with its bounds; θ alone (auto-zoom, so the last per cent shows); or (θ − θ*)/θ* against a target.
  const paramMode = h('select', { id: 'parameter-mode', onchange: () => renderSeries(lastSeries) },
    h('option', { value: 'bounds' }, 'θ with bounds'), h('option', { value: 'zoom' }, 'θ, zoomed'),
    h('option', { value: 'relative' }, '(θ − θ*)/θ*'));
  let lastSeries = null;
  const lossBox = h('div', { class: 'chart', id: 'loss-chart', 'data-testid': 'loss-chart' });
  const gradBox = h('div', { class: 'chart', id: 'gradient-chart' });
  const costBox = h('div', { class: 'chart', id: 'cost-chart' });
  const paramsBox = h('div', { class: 'grid', id: 'parameter-charts' });
  const tasksBox = h('div', { 'data-testid': 'tasks' });
  const workersBox = h('div');
  const bestBox = h('div', { 'data-testid': 'best' });
  const eventsList = h('ul', { class: 'events', 'aria-label': 'Event log' });
  const stepsLabel = h('span', { class: 'muted', 'data-testid': 'steps-plotted' });
  const ops = operationsPanel(id, reportError);
  const categorical = new CategoricalView();
  // Campaigns: notes and tags, fork, extend (an extended study runs again: follow it).
  const campaign = studyCampaignPanel(answer => {
    renderHeader(answer);
    refresh({ all: true });
    if (!streaming) connect();
  });

  main.append(
    h('div', { class: 'toolbar' },
      h('a', { href: '#/' }, '← Studies'),
      title, status, live, h('span', { class: 'spacer' }), controls, exports),
    cards,
    insights.answerPanel,
    h('div', { class: 'grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'loss-h' },
        h('div', { class: 'chart-head' },
          h('h2', { id: 'loss-h' }, 'Loss'), stepsLabel,
          h('label', {}, logToggle, ' log scale')),
        lossBox),
      h('section', { class: 'panel', 'aria-labelledby': 'grad-h' },
        h('div', { class: 'chart-head' },
          h('h2', { id: 'grad-h' }, 'Gradient norm ‖∂L/∂θ · scale‖ ± standard error'),
          h('label', {}, gradLogToggle, ' log scale')), gradBox)),
    ...insights.sections,
    h('section', { 'aria-labelledby': 'params-h' },
      h('div', { class: 'chart-head' },
        h('h2', { id: 'params-h' }, 'Parameters (bounds dashed, target dotted)'),
        h('label', {}, 'show ', paramMode)), paramsBox),
    categorical.element,
    h('div', { class: 'grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'cost-h' }, h('h2', { id: 'cost-h' }, 'Cost and budget'), costBox),
      h('section', { class: 'panel', 'aria-labelledby': 'best-h' }, h('h2', { id: 'best-h' }, 'Best design so far'), bestBox)),
    h('div', { class: 'grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'tasks-h' }, h('h2', { id: 'tasks-h' }, 'Tasks'), tasksBox),
      h('section', { class: 'panel', 'aria-labelledby': 'workers-h' }, h('h2', { id: 'workers-h' }, 'Workers'), workersBox)),
    ops.element,
    campaign.panel,
    h('section', { class: 'panel', 'aria-labelledby': 'events-h' }, h('h2', { id: 'events-h' }, 'Event log'), eventsList));

  const lossChart = new LineChart(lossBox, {
    yLabel: 'loss',
    series: [
      { label: 'total', color: COLORS[0], width: 2 },
      { label: 'physics', color: COLORS[1] },
      { label: 'penalty', color: COLORS[3] },
      { label: 'cost c(θ)', color: COLORS[2], dash: [4, 3], scale: 'cost', scaleLabel: COST_LABEL },
    ],
  });
  const gradChart = new LineChart(gradBox, {
    yLabel: '‖g‖',
    series: [
      { label: '‖g‖', color: COLORS[0], width: 2 },
      { label: '+1 s.e.', color: 'rgba(36,86,201,0.35)', width: 1 },
      { label: '−1 s.e.', color: 'rgba(36,86,201,0.35)', width: 1, band: [1, 2] },
    ],
  });
  const costChart = new LineChart(costBox, {
    yLabel: COST_LABEL,
    series: [
      { label: 'cost c(θ)', color: COLORS[2], width: 2 },
      { label: 'budget', color: COLORS[1], dash: [6, 4] },
    ],
  });
  const paramCharts = new Map();

  function card(label, value, testid) {
    return h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-testid': testid }, value));
  }

  function renderHeader(raw) {
    view = studyView(raw);
    title.textContent = view.name;
    document.title = `${view.name} · detopt`;
    status.replaceChildren(statusBadge(view.status));
    if (TERMINAL.has(view.status)) {
      // Nothing more will change: neither streamed nor polled often, so say so.
      live.textContent = 'finished';
      live.classList.remove('on');
    }
    controls.replaceChildren(...(session.canWrite ? actionsFor(view.status).map(a => h('button', {
      type: 'button', class: a === 'cancel' || a === 'delete' ? 'danger' : a === 'resume' || a === 'start' ? 'primary' : '',
      'data-action': a, onclick: () => act(a),
    }, a[0].toUpperCase() + a.slice(1))) : []));
    controls.hidden = !session.canWrite;
    const last = rows.at(-1);
    const eventsTotal = view.eventsTotal ?? last?.eventsTotal;
    const budget = view.spec?.cost?.budget;
    cards.replaceChildren(...[
      card('Step', `${view.step ?? rows.length} / ${view.maxSteps ?? '?'}`, 'step'),
      card('Total loss (latest)', num(view.total ?? last?.total), 'total'),
      card('Best total', view.best != null ? `${num(view.best)} @ ${view.bestStep ?? '?'}` : '–', 'best-total'),
      card('Events simulated', int(eventsTotal), 'events'),
      card('Events / s (last 10 steps)', num(view.eventsPerSecond), 'rate'),
      card('Workers on it', int(view.activeWorkers), 'active-workers'),
      view.spec?.cost ? card('Cost / budget', last ? `${num(numeric(last.cost))} / ${budget != null ? num(budget) : 'no budget'}` : '–', 'cost')
        : card('Cost', 'no cost model', 'cost'),
      card('Simulator · estimator', `${view.simulator ?? '?'} · ${view.estimator ?? '?'}`, 'estimator'),
      view.stopReason ? card('Stopped', String(view.stopReason), 'stop-reason') : null,
      view.failure ? card('Failure', String(view.failure), 'failure') : null,
      ops.headerCard(),
      card('Updated', when(view.updated), 'updated')].filter(Boolean));
    campaign.update(raw);
  }

  function renderSeries(answer) {
    lastSeries = answer;
    rows = stepRows(answer);
    const xs = rows.map(r => r.step);
    const unit = lossUnit(view?.spec);
    lossChart.setYLabel(withUnit('loss', unit));
    gradChart.setYLabel(withUnit('‖g‖', unit)); // ‖∂L/∂θ · scale‖: scale carries θ's unit
    if (!logChosen) {
      // A loss spanning more than two decades is read on a log axis.
      const positive = rows.map(r => r.total).filter(v => v != null && v > 0);
      const wide = positive.length > 1 && Math.max(...positive) / Math.min(...positive) > 100;
      logToggle.checked = wide;
      lossChart.setLog(wide);
    }
    stepsLabel.textContent = rows.length ? `${rows.length} points, steps ${xs[0]}–${xs.at(-1)}` : '';
    lossChart.setData(xs, [
      rows.map(r => r.total),
      rows.map(r => numeric(r.physics)),
      rows.map(r => numeric(r.penalty)),
      rows.map(r => (view?.spec?.cost ? numeric(r.cost) : null)),
    ]);
    const info = parameterInfo(view?.spec);
    const scales = Object.fromEntries(Object.entries(info).map(([n, p]) => [n, p.scale]));
    const norms = rows.map(r => numeric(r.gradientNorm));
    const ses = rows.map(r => gradientNormStderr(r, scales));
    gradChart.setData(xs, [
      norms,
      norms.map((n, i) => (n != null && ses[i] != null ? n + ses[i] : null)),
      norms.map((n, i) => (n != null && ses[i] != null ? Math.max(0, n - ses[i]) : null)),
    ]);
    const hasCost = !!view?.spec?.cost;
    const budget = view?.spec?.cost?.budget ?? null;
    if (hasCost) costChart.setData(xs, [rows.map(r => numeric(r.cost)), rows.map(() => budget)]);
    else costBox.innerHTML = '<div class="empty">This spec has no cost model.</div>';
    renderParameters(xs, info);
    categorical.update(view?.spec, rows);
  }

  function renderParameters(xs, info) {
    const names = Object.keys(info).length ? Object.keys(info) : Object.keys(rows[0]?.theta || {});
    for (const name of names) {
      let chart = paramCharts.get(name);
      const p = info[name] || {};
      if (!chart) {
        const box = h('div', { class: 'chart', 'data-parameter': name });
        paramsBox.append(h('section', { class: 'panel', 'aria-label': `parameter ${name}` },
          h('h2', {}, `${name}${p.unit ? ` [${p.unit}]` : ''}${p.frozen ? ' (frozen)' : ''}`), box));
        chart = new LineChart(box, {
          yLabel: withUnit(name, p.unit), height: 180,
          series: [
            { label: name, color: COLORS[0], width: 2 },
            { label: 'lower', color: '#8f9bb3', dash: [6, 4] },
            { label: 'upper', color: '#8f9bb3', dash: [6, 4] },
            { label: 'target', color: COLORS[1], dash: [2, 3] },
          ],
        });
        paramCharts.set(name, chart);
      }
      const mode = paramMode.value;
      const relative = mode === 'relative' && p.target;
      const theta = rows.map(r => numeric(r.theta?.[name]));
      chart.setYLabel(relative ? `(${name} − ${name}*)/${name}* [1]` : withUnit(name, p.unit));
      chart.setData(xs, [
        relative ? theta.map(v => (v == null ? null : (v - p.target) / p.target)) : theta,
        rows.map(() => (mode === 'bounds' ? p.lower ?? null : null)),
        rows.map(() => (mode === 'bounds' ? p.upper ?? null : null)),
        rows.map(() => (relative ? 0 : mode === 'bounds' ? p.target ?? null : null)),
      ]);
    }
  }

  function renderTasks(answer) {
    const step = currentStepCounts(answer);
    const stepTotal = Object.values(step).reduce((a, b) => a + b, 0);
    const all = taskCounts(answer);
    const color = state => TASK_COLORS[state] || '#adb5bd';
    const preemptions = (answer?.currentStepTasks || []).reduce((n, t) => n + (t.preemptions || 0), 0);
    tasksBox.replaceChildren(...[
      h('p', { class: 'muted' }, `Step ${answer?.currentStep ?? '?'}: ${stepTotal} batch task${stepTotal === 1 ? '' : 's'}`),
      stepTotal ? h('div', { class: 'bar', role: 'img', 'aria-label': `current step's tasks by state: ${
        Object.entries(step).map(([k, n]) => `${n} ${k.toLowerCase()}`).join(', ')}` },
      Object.entries(step).map(([state, n]) => h('span', {
        style: `width:${(100 * n) / stepTotal}%;background:${color(state)}`, title: `${state}: ${n}`,
      }))) : null,
      h('dl', { class: 'kv' },
        Object.entries(step).flatMap(([state, n]) => [
          h('dt', {}, h('span', { class: 'legend-dot', style: `background:${color(state)}` }), state.toLowerCase()),
          h('dd', { 'data-task-state': state }, int(n))]),
        h('dt', {}, 'preemptions this step'), h('dd', {}, int(preemptions)),
        h('dt', {}, 'events / s'), h('dd', { 'data-testid': 'events-per-second' }, num(view?.eventsPerSecond)),
        h('dt', {}, 'all tasks'), h('dd', {}, Object.entries(all).map(([k, n]) => `${n} ${k.toLowerCase()}`).join(', ') || '–')),
    ].filter(Boolean));
    lastTasks = answer;
    renderWorkers();
  }

  function renderWorkers() {
    const list = workerRows(fleet, lastTasks);
    const yes = w => (w.alive == null ? '?' : w.alive ? 'yes' : 'no');
    const active = view?.activeWorkers;
    const summary = active == null ? null : h('p', { class: 'muted', 'data-testid': 'workers-summary' },
      `${int(active)} worker${active === 1 ? '' : 's'} holding a lease on this study's tasks now.`);
    const table = list.length === 0 ? h('p', { class: 'muted' }, 'No workers have registered.')
      : h('div', { class: 'table-scroll' }, h('table', { class: 'compact' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Worker'), h('th', { scope: 'col' }, 'Alive'),
          h('th', { scope: 'col', class: 'num', title: 'leases held, of them on this step of this study' }, 'Leases (here)'),
          h('th', { scope: 'col', class: 'num' }, 'Preempted'), h('th', { scope: 'col', class: 'num' }, 'Done'),
          h('th', { scope: 'col' }, 'Last seen'))),
        h('tbody', {}, list.slice(0, 50).map(w => h('tr', { 'data-worker': w.id },
          h('td', { class: 'mono', title: w.host ? `${w.id} on ${w.host}` : w.id }, String(w.id).slice(0, 24)),
          h('td', {}, yes(w)),
          h('td', { class: 'num' }, `${int(w.leases)} (${int(w.here)})`),
          h('td', { class: 'num' }, int(w.preemptions)),
          h('td', { class: 'num' }, int(w.completions)),
          h('td', {}, when(w.lastSeen)))))));
    workersBox.replaceChildren(...[summary, table].filter(Boolean));
  }

  function renderBest(answer) {
    const theta = answer?.theta || answer?.bestTheta;
    if (!theta) {
      bestBox.replaceChildren(h('p', { class: 'muted' }, 'No step finished yet.'));
      return;
    }
    const info = parameterInfo(view?.spec);
    bestBox.replaceChildren(
      h('p', {}, `step ${answer.step ?? '?'}, total ${num(numeric(answer.total ?? answer.loss))}`),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', { class: 'num' }, 'θ'), h('th', {}, 'unit'))),
        h('tbody', {}, Object.entries(theta).map(([name, v]) => h('tr', {},
          h('td', {}, name), h('td', { class: 'num', 'data-best-parameter': name }, num(numeric(v))), h('td', {}, info[name]?.unit ?? ''))))));
  }

  function renderEvents(answer) {
    // Entries come from both the stream and the slow poll: keep each id once.
    const fresh = eventRows(answer).filter(e => e.id == null || e.id > eventsCursor);
    for (const e of fresh) if (e.id != null) eventsCursor = Math.max(eventsCursor, e.id);
    if (fresh.length) eventLog = [...fresh.reverse(), ...eventLog].slice(0, MAX_EVENTS);
    eventsList.replaceChildren(...(eventLog.length ? eventLog.map(e => h('li', {},
      h('time', {}, when(e.at)), h('strong', {}, e.type ?? ''), ' ', e.message ?? ''))
      : [h('li', { class: 'muted' }, 'No events yet.')]));
  }

  async function act(action) {
    if (action === 'cancel' && !confirm('Cancel this study? It cannot be resumed.')) return;
    if (action === 'delete' && !confirm('Delete this study and its history?')) return;
    try {
      if (action === 'delete') {
        await Api.remove(id);
        navigate('#/');
        return;
      }
      const answer = await Api.control(id, action);
      if (answer && typeof answer === 'object' && answer.status) renderHeader(answer);
      toast(`${action}: done`);
      refresh({ all: true });
    } catch (e) {
      reportError(e, action);
    }
  }

  async function exportAs(format) {
    try {
      await download(Api.exportPath(id, format), `study-${id}.${format}`);
    } catch (e) {
      reportError(e, 'export');
    }
  }

  /** Fetches what changed; `all` also fetches the event log and the worker fleet. */
  async function refresh({ all = false } = {}) {
    lastRefresh = performance.now();
    try {
      const study = await Api.study(id);
      if (disposed) return;
      view = studyView(study);
      // The answer comes with the charts, not with the slower physics sections, so it never lags them.
      const [series, tasks, best, answer] = await Promise.allSettled([
        Api.series(id, SERIES_POINTS), Api.tasks(id), Api.best(id), Api.answer(id)]);
      if (disposed) return;
      if (series.status === 'fulfilled') renderSeries(series.value);
      renderHeader(study);
      if (answer.status === 'fulfilled') insights.showAnswer(answer.value);
      if (tasks.status === 'fulfilled') renderTasks(tasks.value);
      if (best.status === 'fulfilled') renderBest(best.value);
      else if (best.reason instanceof ApiError && best.reason.status === 404) renderBest(null);
      ops.update(study, tasks.status === 'fulfilled' ? tasks.value : null).then(() => { if (!disposed) renderHeader(study); });
      updateInsights({ ...view, state: study.state }, best.status === 'fulfilled' ? best.value : null);
      if (all) {
        const [events, workers] = await Promise.all([
          Api.events(id, eventsCursor).catch(() => null), Api.fleet().catch(() => null)]);
        if (disposed) return;
        if (events) renderEvents(events);
        fleet = workers;
        renderWorkers();
      }
    } catch (e) {
      if (disposed) return;
      if (e instanceof ApiError && e.status === 404) {
        main.replaceChildren(h('p', {}, 'No such study. ', h('a', { href: '#/' }, 'Back to the list')));
        dispose();
        return;
      }
      reportError(e, 'Could not load the study');
    }
  }

  /**
   * Updates the physics sections without holding up the refresh; while one update runs, later
   * calls coalesce into one more with the newest data.
   */
  let insightsRunning = false;
  let insightsNext = null;
  function updateInsights(studyView, best) {
    insightsNext = { studyView, best };
    if (insightsRunning) return;
    insightsRunning = true;
    (async () => {
      while (insightsNext && !disposed) {
        const next = insightsNext;
        insightsNext = null;
        try {
          await insights.update(next.studyView, rows, next.best);
        } catch (e) {
          console.warn('physics sections not updated', e);
        }
        // At most one update per INSIGHTS_MS while steps stream in: they cost several requests.
        if (insightsNext) await new Promise(resolve => setTimeout(resolve, INSIGHTS_MS));
      }
      insightsRunning = false;
    })();
  }

  /** Schedules a refetch of series and tasks, at most one per STREAM_THROTTLE_MS. */
  function scheduleRefresh() {
    if (refreshPending) return;
    const wait = Math.max(0, STREAM_THROTTLE_MS - (performance.now() - lastRefresh));
    refreshPending = setTimeout(() => {
      refreshPending = null;
      refresh();
    }, wait);
  }

  /**
   * Stream events: `study` (summary + task counts) updates the header at once, `log` appends to the
   * event log; new steps and task changes refetch the downsampled series (throttled), so the plot
   * shows what the service's downsampling keeps however many steps stream in.
   */
  function onStreamEvent(name, data) {
    if (name === 'study' && data?.study) {
      // A stream summary has neither spec nor throughput: keep those of the last full view.
      renderHeader({ ...data.study, spec: data.study.spec ?? view?.spec,
        eventsPerSecond: data.study.eventsPerSecond ?? view?.eventsPerSecond });
      scheduleRefresh();
    } else if (name === 'log' && data) {
      renderEvents({ items: [data], next: data.id });
    } else if (name === 'deleted') {
      main.replaceChildren(h('p', {}, 'This study was deleted. ', h('a', { href: '#/' }, 'Back to the list')));
      dispose();
    } else {
      scheduleRefresh();
    }
  }

  function connect() {
    if (disposed || (view && TERMINAL.has(view.status))) return;
    const fromStep = rows.length ? rows.at(-1).step + 1 : 0;
    closeStream = openEventStream(`studies/${encodeURIComponent(id)}/stream?fromStep=${fromStep}&afterEvent=${eventsCursor}`, {
      onOpen: () => {
        streaming = true;
        live.textContent = 'live';
        live.classList.add('on');
      },
      onEvent: onStreamEvent,
      onClose: () => {
        streaming = false;
        live.textContent = view && TERMINAL.has(view.status) ? 'finished' : 'polling';
        live.classList.remove('on');
        if (disposed) return;
        // Back to frequent polling at once rather than after the slow interval the stream allowed.
        clearTimeout(pollTimer);
        if (!polling) pollTimer = setTimeout(poll, POLL_MS);
        setTimeout(connect, STREAM_RETRY_MS);
      },
    });
  }

  /** One polling loop: a poll in flight reschedules itself when it ends, so timers never pile up. */
  async function poll() {
    if (disposed || polling) return;
    polling = true;
    try {
      await refresh({ all: true });
    } finally {
      polling = false;
    }
    if (disposed) return;
    const done = view && TERMINAL.has(view.status);
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, done ? SLOW_POLL_MS * 2 : streaming ? SLOW_POLL_MS : POLL_MS);
  }

  function dispose() {
    disposed = true;
    clearTimeout(pollTimer);
    clearTimeout(refreshPending);
    closeStream?.();
    lossChart.destroy();
    gradChart.destroy();
    costChart.destroy();
    for (const chart of paramCharts.values()) chart.destroy();
    insights.dispose();
  }

  poll().then(connect);
  return { dispose };
}
