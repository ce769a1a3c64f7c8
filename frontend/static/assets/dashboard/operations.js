// How a study runs: its last error (FAILED studies), its accounting card, and the attempt history
// of the current step's tasks (a task's attempts on click). Hooked into study.js by operationsPanel().
import { request } from './api.js';
import { h, int, num, when } from './dom.js';

const path = (id, rest) => `studies/${encodeURIComponent(id)}/${rest}`;

export const OperationsApi = {
  accounting: id => request(path(id, 'accounting')),
  attempts: (id, taskId) => request(path(id, `tasks/${encodeURIComponent(taskId)}/attempts`)),
};

export function hours(seconds) {
  if (seconds == null) return '–';
  const s = Number(seconds);
  return s < 3600 ? `${num(s)} CPU s` : `${num(s / 3600)} core-h`;
}

function money(value, currency) {
  return value == null ? 'no prices set' : `${num(value)} ${currency || ''}`.trim();
}

/** The newest failure as a header card: reason, and the program's exit code and stderr tail when known. */
export function lastErrorCard(failure, lastFailure) {
  if (!failure && !lastFailure) return null;
  return h('div', { class: 'card wide', 'data-testid': 'last-error' },
    h('div', { class: 'label' }, 'Last error'),
    h('div', { class: 'value small' }, String(lastFailure?.reason || failure)),
    lastFailure?.exitCode != null ? h('div', { class: 'muted' }, `exit code ${lastFailure.exitCode}`) : null,
    lastFailure?.stderrTail ? h('pre', { class: 'stderr', 'data-testid': 'last-error-stderr' }, lastFailure.stderrTail) : null,
    lastFailure?.worker ? h('div', { class: 'muted' },
      `attempt ${lastFailure.attempt} on ${lastFailure.worker}${lastFailure.node ? ` (${lastFailure.node})` : ''}`) : null);
}

/** A study's or a group's account (GET …/accounting's {@code accounting}) as a definition list. */
export function accountingList(a, testId = 'accounting') {
  return h('dl', { class: 'kv', 'data-testid': testId },
    h('dt', {}, 'CPU time'), h('dd', { 'data-testid': 'cpu-seconds' }, hours(a.cpuSeconds)),
    h('dt', {}, 'lost to preemptions, expiries, failures'), h('dd', { 'data-testid': 'cpu-lost' }, hours(a.cpuSecondsLost)),
    h('dt', {}, 'on spot nodes'), h('dd', {}, hours(a.spotCpuSeconds)),
    h('dt', {}, 'preemptions · lease expiries · failures'),
    h('dd', { 'data-testid': 'incidents' }, `${int(a.preemptions)} · ${int(a.leaseExpiries)} · ${int(a.failures)}`),
    h('dt', {}, 'estimated cost'), h('dd', { 'data-testid': 'estimated-cost' }, money(a.estimatedCost, a.currency)),
    h('dt', {}, 'same work on demand'), h('dd', {}, money(a.onDemandCost, a.currency)));
}

function attemptTable(answer) {
  const rows = answer?.attempts || [];
  if (!rows.length) return h('p', { class: 'muted' }, 'No attempt yet.');
  return h('table', { class: 'attempts', 'data-testid': 'attempts' },
    h('thead', {}, h('tr', {}, ['#', 'worker', 'pod · node', 'started', 'ended', 'outcome', 'reason', 'events', 'checkpoint', 'CPU s (lost)']
      .map(c => h('th', {}, c)))),
    h('tbody', {}, rows.map(a => h('tr', { 'data-outcome': a.outcome || 'running' },
      h('td', {}, int(a.attempt)), h('td', {}, a.worker || '–'),
      h('td', {}, [a.pod, a.node].filter(Boolean).join(' · ') || '–'),
      h('td', {}, when(a.startedAt)), h('td', {}, when(a.endedAt)),
      h('td', {}, a.outcome || 'running'),
      h('td', {}, a.reason || '', a.exitCode != null ? ` (exit ${a.exitCode})` : '',
        a.stderrTail ? h('details', {}, h('summary', {}, 'stderr'), h('pre', { class: 'stderr' }, a.stderrTail)) : null),
      h('td', {}, int(a.eventsDone)),
      h('td', {}, a.checkpointNextEvent != null ? `next event ${int(a.checkpointNextEvent)}` : '–'),
      h('td', {}, `${num(a.cpuSeconds)} (${num(a.cpuSecondsLost)})`)))));
}

/**
 * The operations panel of a study page: update(view, tasksAnswer) after each refresh; headerCard()
 * is the last-error card for the header (null unless the study failed).
 */
export function operationsPanel(id, onError) {
  let lastFailure = null;
  let failure = null;
  let openTask = null;
  const accountingBox = h('div');
  const tasksList = h('div', { class: 'task-buttons', 'data-testid': 'task-buttons' });
  const attemptsBox = h('div', { 'data-testid': 'attempts-box' });
  const element = h('section', { class: 'panel', 'aria-labelledby': 'ops-h' },
    h('h2', { id: 'ops-h' }, 'Accounting and attempts'), accountingBox,
    h('h3', {}, 'Current step’s tasks (click for their attempts)'), tasksList, attemptsBox);

  async function showAttempts(taskId) {
    openTask = taskId;
    try {
      const answer = await OperationsApi.attempts(id, taskId);
      if (openTask !== taskId) return;
      attemptsBox.replaceChildren(h('h3', {}, `Task ${taskId}`), attemptTable(answer));
    } catch (e) {
      onError(e, 'Could not load the attempts');
    }
  }

  async function update(view, tasksAnswer) {
    failure = view?.status === 'FAILED' ? view.failure : null;
    tasksList.replaceChildren(...(tasksAnswer?.currentStepTasks || []).map(t => h('button', {
      type: 'button', 'data-task-id': t.taskId, title: `${t.state}, attempt ${t.attempt}`,
      onclick: () => showAttempts(t.taskId),
    }, `batch ${t.batchIndex} · ${String(t.state).toLowerCase()}`)));
    try {
      const answer = await OperationsApi.accounting(id);
      lastFailure = answer?.lastFailure || null;
      accountingBox.replaceChildren(accountingList(answer?.accounting || {}));
    } catch (e) {
      onError(e, 'Could not load the accounting');
    }
    if (openTask != null) showAttempts(openTask);
  }

  return { element, update, headerCard: () => (failure ? lastErrorCard(failure, lastFailure) : null) };
}
