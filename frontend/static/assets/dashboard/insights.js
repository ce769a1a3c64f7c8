// The study page's physics sections, kept apart from study.js: the answer, the detector drawn, the
// physics views, the parameter space and the per-step snapshots. study.js mounts them once and
// calls update() after each refresh.
import { Api, download } from './api.js';
import { AnswerView } from './answer.js';
import { DetectorView } from './detector.js';
import { h } from './dom.js';
import { parameterInfo } from './model.js';
import { ObservableView, ProfileView, ResolutionView } from './physics.js';
import { reportError } from './session.js';
import { ParameterSpaceView } from './space.js';

export function mountInsights(id, { maxPoints }) {
  const answerPanel = h('section', { class: 'panel answer', 'aria-labelledby': 'answer-h', 'data-testid': 'answer-panel' });
  const detectorPanel = h('section', { class: 'panel', 'aria-labelledby': 'detector-h' },
    h('h2', { id: 'detector-h' }, 'The detector, to scale'));
  const physicsPanel = h('section', { class: 'panel', 'data-testid': 'physics-panel' });
  const observablePanel = h('section', { class: 'panel', 'aria-labelledby': 'observable-h' });
  const spacePanel = h('section', { class: 'panel', 'data-testid': 'space-panel' });
  const artifactsPanel = h('section', { class: 'panel', 'aria-labelledby': 'artifacts-h' });
  const artifactsList = h('ul', { class: 'artifacts', 'data-testid': 'artifacts' });
  artifactsPanel.append(h('h2', { id: 'artifacts-h' }, 'Snapshots (per-step artifacts)'), artifactsList);

  const answer = new AnswerView(answerPanel);
  let spec = null, state = null, lastRows = [], physics = null, physicsKind = null;
  const detector = new DetectorView(detectorPanel, { onStep: step => showStep(step) });
  const observables = new ObservableView(observablePanel, id);
  const space = new ParameterSpaceView(spacePanel);
  let observableNames = null;

  function showStep(step) {
    if (physics instanceof ProfileView) physics.show(step, spec, state).catch(e => reportError(e, 'profile'));
  }

  /** The physics view this objective has (built once, when the spec is known). */
  function ensurePhysics() {
    const kind = spec?.objective?.type;
    if (kind === physicsKind) return;
    physicsKind = kind;
    physics?.destroy();
    physicsPanel.replaceChildren();
    if (kind === 'profile-match') physics = new ProfileView(physicsPanel, id);
    else if (kind === 'energy-resolution') physics = new ResolutionView(physicsPanel, id);
    else {
      physics = null;
      physicsPanel.append(h('h2', {}, 'Physics'), h('p', { class: 'muted' },
        'This objective (an expected loss) has no profile or resolution to show; see the observables below.'));
    }
  }

  async function updateArtifacts() {
    const list = await Api.artifacts(id);
    const items = list?.items || [];
    artifactsList.replaceChildren(...(items.length ? items.map(a => h('li', {},
      h('button', { type: 'button', class: 'small', 'data-artifact': a.name,
        onclick: () => download(a.href.replace(/^\/api\/v1\//, ''), `study-${id}-${a.name}`).catch(e => reportError(e, 'download')) },
      `step ${a.step}`), ' ', h('span', { class: 'muted mono' }, a.name)))
      : [h('li', { class: 'muted' }, `None yet: one every ${list?.every ?? '?'} steps and one at the end.`)]));
  }

  let fetchedFor = null;

  async function update(view, rows, best) {
    spec = view?.spec;
    state = view?.state;
    lastRows = rows;
    ensurePhysics();
    detector.update(rows, spec, best);
    // Refreshes also follow task changes within a step: fetch again only when a step or the status changed.
    const signature = `${rows.at(-1)?.step}|${view?.status}`;
    if (signature === fetchedFor) return;
    fetchedFor = signature;
    const info = parameterInfo(spec);
    const free = Object.keys(rows.at(-1)?.gradient || {});
    spacePanel.hidden = free.length < 2;
    if (free.length >= 2) space.update(rows, info, free);
    const tasks = [updateArtifacts()];
    if (physics instanceof ProfileView) tasks.push(physics.show(detector.selectedStep(), spec, state));
    if (physics instanceof ResolutionView) tasks.push(physics.update(spec, maxPoints));
    if (!observableNames && rows.length) {
      tasks.push(Api.steps(id, 0, 1).then(page => {
        observableNames = Object.keys(page?.items?.[0]?.record?.observables || {});
      }));
    }
    const results = await Promise.allSettled(tasks);
    if (observableNames?.length) await observables.update(observableNames, spec, maxPoints).catch(() => {});
    observablePanel.hidden = !observableNames?.length;
    const failed = results.find(r => r.status === 'rejected');
    if (failed) console.warn('a physics view could not be updated', failed.reason);
  }

  function dispose() {
    physics?.destroy();
    observables.destroy();
  }

  return {
    answerPanel,
    sections: [
      h('div', { class: 'grid' }, detectorPanel, physicsPanel),
      h('div', { class: 'grid' }, observablePanel, spacePanel),
      artifactsPanel,
    ],
    update,
    /** The answer, refreshed by the page together with its charts. */
    showAnswer: a => answer.update(a),
    chooseStep: step => detector.chooseStep(step),
    dispose,
    get rows() { return lastRows; },
  };
}
