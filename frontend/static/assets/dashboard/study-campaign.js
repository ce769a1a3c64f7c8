// The study page's campaign panel: parent and group links, fork and extend, description and tags.
import { CampaignApi } from './campaigns-api.js';
import { h, toast } from './dom.js';
import { navigate, reportError, session } from './session.js';

const LIMIT_STOPS = new Set(['max-steps', 'event-budget']);

/** A panel for the study page; update(raw) redraws it from the study as last read, onChange(raw) after an edit. */
export function studyCampaignPanel(onChange) {
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'campaign-h', 'data-testid': 'campaign-panel' });
  let shownFor = null;

  function errorsOf(e) {
    return e.fieldErrors?.length ? e.fieldErrors.map(f => `${f.field}: ${f.message}`).join('; ') : e.message;
  }

  function update(raw) {
    const key = JSON.stringify([raw.id, raw.status, raw.step, raw.stopReason, raw.description, raw.tags, raw.parentId,
      raw.groupId, session.canWrite]);
    if (key === shownFor) return;
    shownFor = key;
    const links = [];
    if (raw.parentId) {
      links.push(h('span', {}, 'Fork of ', h('a', { href: `#/studies/${encodeURIComponent(raw.parentId)}`, 'data-testid': 'parent-link' },
        'its parent'), ` after step ${raw.forkedFromStep}. `));
    }
    if (raw.groupId) {
      links.push(h('span', {}, 'Member of ', h('a', { href: `#/groups/${encodeURIComponent(raw.groupId)}`, 'data-testid': 'group-link' },
        'a group'), raw.groupValues ? ` (${Object.entries(raw.groupValues).map(([k, v]) => `${k}=${v}`).join(', ')})` : '', '. '));
    }
    const tags = h('div', { class: 'buttons', 'data-testid': 'study-tags' },
      (raw.tags || []).map(t => h('a', { class: 'tag', href: `#/?tag=${encodeURIComponent(t)}` }, t)));
    const children = [h('h2', { id: 'campaign-h' }, 'Notes, fork and extend'), links.length ? h('p', {}, links) : null,
      h('p', { 'data-testid': 'study-description' }, raw.description || h('span', { class: 'muted' }, 'No description.')), tags];
    if (session.canWrite) {
      const description = h('textarea', { id: 'notes-description', rows: 2, 'aria-label': 'Description' });
      description.value = raw.description || '';
      const tagInput = h('input', { id: 'notes-tags', 'aria-label': 'Tags, comma-separated', value: (raw.tags || []).join(', ') });
      const saveNotes = h('button', { type: 'button', 'data-action': 'save-notes', onclick: async () => {
        try {
          const answer = await CampaignApi.notes(raw.id, { description: description.value.trim() || null,
            tags: tagInput.value.split(',').map(t => t.trim()).filter(Boolean) });
          toast('Notes saved');
          onChange(answer);
        } catch (e) {
          toast(`Notes not saved: ${errorsOf(e)}`, { error: true });
        }
      } }, 'Save notes');
      children.push(h('div', { class: 'notes-edit' }, description, h('label', { for: 'notes-tags' }, 'Tags '), tagInput, saveNotes));

      const completed = (raw.stepsCompleted ?? raw.step ?? 0);
      const fromStep = h('input', { id: 'fork-from', type: 'number', min: 0, value: Math.max(0, completed - 1), style: 'width:6rem',
        'aria-label': 'Fork from step' });
      const patch = h('input', { id: 'fork-patch', placeholder: '{"optimizer": {"learningRate": 0.01}}', style: 'width:22rem',
        'aria-label': 'Spec merge patch (JSON)' });
      const reset = h('input', { id: 'fork-reset', type: 'checkbox' });
      const fork = h('button', { type: 'button', 'data-action': 'fork', onclick: async () => {
        let specPatch;
        try {
          specPatch = patch.value.trim() ? JSON.parse(patch.value) : undefined;
        } catch {
          toast('The patch is not JSON', { error: true });
          return;
        }
        try {
          const forked = await CampaignApi.fork(raw.id, { fromStep: Number(fromStep.value), specPatch, resetOptimizer: reset.checked });
          toast('Forked');
          navigate(`#/studies/${encodeURIComponent(forked.id)}`);
        } catch (e) {
          reportError(Object.assign(e, { message: errorsOf(e) }), 'Fork refused');
        }
      } }, 'Fork');
      children.push(h('div', { class: 'buttons' }, h('label', { for: 'fork-from' }, 'Fork after step'), fromStep,
        h('label', { for: 'fork-patch' }, 'patch'), patch, h('label', {}, reset, ' reset optimizer'), fork));

      if (raw.status === 'COMPLETED' && LIMIT_STOPS.has(raw.stopReason)) {
        const byEvents = raw.stopReason === 'event-budget';
        const current = byEvents ? raw.spec?.stopping?.maxEvents : raw.maxSteps;
        const limit = h('input', { id: 'extend-limit', type: 'number', min: 1, value: current ? current * 2 : '', style: 'width:8rem',
          'aria-label': byEvents ? 'New event budget' : 'New step limit' });
        const extend = h('button', { type: 'button', class: 'primary', 'data-action': 'extend', onclick: async () => {
          try {
            const answer = await CampaignApi.extend(raw.id, byEvents ? { maxEvents: Number(limit.value) } : { maxSteps: Number(limit.value) });
            toast('Extended');
            onChange(answer);
          } catch (e) {
            reportError(Object.assign(e, { message: errorsOf(e) }), 'Extend refused');
          }
        } }, 'Extend');
        children.push(h('div', { class: 'buttons' }, h('label', { for: 'extend-limit' }, byEvents ? 'Extend to maxEvents' : 'Extend to maxSteps'),
          limit, extend));
      }
    }
    panel.replaceChildren(...children.filter(Boolean));
  }

  return { panel, update };
}
