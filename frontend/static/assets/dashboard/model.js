// The one place that knows the field names of the API's answers, so the views stay simple.
import { itemsOf } from './api.js';

const first = (...values) => values.find(v => v !== undefined && v !== null);

export function studyView(s) {
  const spec = s.spec || {};
  return {
    id: s.id,
    name: first(s.name, spec.name, s.id),
    status: String(first(s.status, 'unknown')).toUpperCase(),
    simulator: first(s.simulator, spec.simulator?.name),
    estimator: first(s.estimator, spec.estimator?.kind),
    step: first(s.step, s.currentStep, s.stepsDone, s.steps),
    maxSteps: first(s.maxSteps, spec.maxSteps),
    total: first(s.lastTotal, s.currentLoss, s.total, s.latest?.total, s.lastStep?.total),
    best: first(s.bestTotal, s.bestLoss, s.best?.total),
    bestStep: first(s.bestStep, s.best?.step),
    eventsTotal: first(s.eventsSimulated, s.eventsTotal, s.events, s.latest?.eventsTotal, s.lastStep?.eventsTotal),
    started: 'startedAt' in s ? s.startedAt : s.createdAt,
    updated: first(s.updatedAt, s.createdAt),
    activeWorkers: s.activeWorkers,
    eventsPerSecond: s.eventsPerSecond,
    stopReason: first(s.stopReason, s.reason),
    failure: s.failure,
    spec,
  };
}

/** Which controls a study in this status offers. */
export function actionsFor(status) {
  switch (String(status).toUpperCase()) {
    case 'CREATED': case 'PENDING': case 'NEW': return ['start', 'delete'];
    case 'RUNNING': return ['pause', 'cancel'];
    case 'PAUSED': return ['resume', 'cancel'];
    default: return ['delete'];
  }
}

export const STATUSES = ['CREATED', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * Step rows from the downsampled series (rows or columns) or from a page of steps:
 * [{step, theta:{}, physics, cost, penalty, total, gradient:{}, gradientStderr:{}, gradientNorm,
 *   gradientNormStderr, eventsTotal}].
 */
export function stepRows(answer) {
  let rows = itemsOf(answer);
  if (rows.length === 0 && answer && typeof answer === 'object') {
    const cols = answer.series || answer.columns || answer;
    const steps = cols.step || cols.steps;
    if (Array.isArray(steps)) {
      rows = steps.map((step, i) => {
        const row = { step };
        for (const [key, column] of Object.entries(cols)) {
          if (Array.isArray(column) && key !== 'step' && key !== 'steps') row[key] = column[i];
          else if (column && typeof column === 'object' && !Array.isArray(column)) {
            // {theta: {e: [...], a: [...]}} → row.theta = {e, a}
            row[key] = Object.fromEntries(Object.entries(column).map(([n, arr]) => [n, Array.isArray(arr) ? arr[i] : undefined]));
          }
        }
        return row;
      });
    }
  }
  return rows.map(r => ({ ...r, step: Number(first(r.step, r.index)), total: numeric(r.total) }))
    .sort((a, b) => a.step - b.step);
}

/** NaN/Infinity arrive as strings in step records. */
export function numeric(v) {
  if (v == null) return null;
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isNaN(n) && v !== 'NaN' ? null : n;
}

/**
 * Standard error of the gradient norm ‖(g_j·scale_j)‖ by the delta method from the per-parameter
 * standard errors (treated as uncorrelated, as the service's own errors are).
 */
export function gradientNormStderr(row, scales) {
  if (row.gradientNormStderr != null) return numeric(row.gradientNormStderr);
  const g = row.gradient, se = row.gradientStderr;
  if (!g || !se) return null;
  let norm2 = 0, var2 = 0;
  for (const name of Object.keys(g)) {
    const scale = scales[name] ?? 1;
    const gs = numeric(g[name]) * scale;
    const ss = numeric(se[name]) * scale;
    norm2 += gs * gs;
    var2 += gs * gs * ss * ss;
  }
  if (!(norm2 > 0)) return null;
  return Math.sqrt(var2 / norm2);
}

/** {state: count} from a tasks summary, whatever the envelope. */
export function taskCounts(answer) {
  const source = answer?.byState || answer?.counts || answer?.states || answer || {};
  if (Array.isArray(source)) {
    return Object.fromEntries(source.map(e => [String(e.state || e.name).toUpperCase(), Number(e.count)]));
  }
  const counts = {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'number' && !/second|rate|events|total/i.test(key)) counts[key.toUpperCase()] = value;
  }
  return counts;
}

export function eventRows(answer) {
  return itemsOf(answer).map(e => ({
    id: e.id,
    at: first(e.at, e.time, e.timestamp, e.createdAt),
    type: first(e.type, e.kind, e.event),
    message: first(e.message, e.detail, e.details ? JSON.stringify(e.details) : undefined, ''),
  }));
}

const ALIVE_WITHIN_MS = 60_000;

/** Per lease owner of the current step's tasks: leases held now, tasks done, preemptions, expiries. */
function leaseOwners(tasksAnswer) {
  const byOwner = new Map();
  for (const t of tasksAnswer?.currentStepTasks || []) {
    if (!t.leaseOwner) continue;
    const w = byOwner.get(t.leaseOwner) || { leases: 0, completed: 0, preemptions: 0, expiries: 0 };
    if (t.state === 'LEASED') w.leases++;
    if (t.state === 'COMPLETED') w.completed++;
    w.preemptions += t.preemptions || 0;
    w.expiries += t.expiries || 0;
    byOwner.set(t.leaseOwner, w);
  }
  return byOwner;
}

/**
 * Workers for the study page: the fleet (GET /fleet/workers) with, per worker, the tasks of this
 * study's current step it holds; without the fleet list, the lease owners of those tasks alone.
 * Sorted: workers on this study first, then alive ones.
 */
export function workerRows(fleetAnswer, tasksAnswer, now = Date.now()) {
  const owners = leaseOwners(tasksAnswer);
  const fleet = itemsOf(fleetAnswer);
  const rows = fleet.length ? fleet.map(w => {
    const seen = first(w.lastSeenAt, w.lastHeartbeat);
    return {
      id: first(w.id, w.workerId),
      host: first(w.pod, w.host, ''),
      alive: seen ? now - new Date(seen).getTime() < ALIVE_WITHIN_MS : null,
      leases: first(w.leases, 0),
      here: owners.get(first(w.id, w.workerId))?.leases ?? 0,
      preemptions: first(w.preemptions, 0) + first(w.leaseExpiries, 0),
      completions: first(w.completions, null),
      lastSeen: seen,
    };
  }) : [...owners.entries()].map(([id, o]) => ({
    id, host: '', alive: null, leases: o.leases, here: o.leases, preemptions: o.preemptions + o.expiries,
    completions: o.completed, lastSeen: null,
  }));
  return rows.sort((a, b) => (b.here - a.here) || ((b.alive ? 1 : 0) - (a.alive ? 1 : 0)));
}

/** {state: count} of the current step's tasks. */
export function currentStepCounts(tasksAnswer) {
  const counts = {};
  for (const t of tasksAnswer?.currentStepTasks || []) counts[t.state] = (counts[t.state] || 0) + 1;
  return counts;
}

/** Bounds, units, scales and (profile-match simulated) targets per parameter, from the spec. */
export function parameterInfo(spec) {
  const target = spec?.objective?.target?.simulate?.parameters || {};
  const info = {};
  for (const p of spec?.parameters || []) {
    if (Array.isArray(p.choices)) continue; // a categorical has no θ: categorical.js shows its probabilities
    info[p.name] = {
      unit: p.unit,
      lower: p.lower ?? null,
      upper: p.upper ?? null,
      scale: p.scale ?? 1,
      frozen: !!p.frozen,
      target: target[p.name] ?? null,
    };
  }
  return info;
}
