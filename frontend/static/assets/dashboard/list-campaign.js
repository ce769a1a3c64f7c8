// The studies list's campaign parts: tag and text filters, tag chips, choosing studies to compare.
import { h } from './dom.js';

const MAX_COMPARED = 20;

/** Tag and text inputs; values() gives {tag, text} for the API, addTo(query) keeps them in the URL. */
export function listFilters(params, onChange) {
  let timer = null;
  const changed = () => { clearTimeout(timer); timer = setTimeout(onChange, 300); };
  const tag = h('input', { id: 'tag-filter', size: 12, value: params.get('tag') || '', placeholder: 'tag', oninput: changed });
  const text = h('input', { id: 'text-filter', size: 14, value: params.get('q') || '', placeholder: 'name or notes', oninput: changed });
  return {
    element: h('span', { class: 'buttons' }, h('label', { for: 'tag-filter' }, 'Tag'), tag,
      h('label', { for: 'text-filter' }, 'Search'), text),
    values: () => ({ tag: tag.value.trim() || undefined, text: text.value.trim() || undefined }),
    addTo(query) {
      if (tag.value.trim()) query.set('tag', tag.value.trim());
      if (text.value.trim()) query.set('q', text.value.trim());
    },
  };
}

export function tagChips(raw) {
  const tags = raw.tags || [];
  return tags.length ? h('span', { class: 'tags', 'data-testid': 'tags' },
    tags.map(t => h('a', { class: 'tag', href: `#/?tag=${encodeURIComponent(t)}` }, t))) : null;
}

/** Checkboxes kept across refreshes and a link to the compare page for the chosen studies. */
export function compareSelection() {
  const chosen = new Set();
  const button = h('a', { class: 'button', 'data-testid': 'compare-chosen', hidden: true }, 'Compare');
  function sync() {
    button.hidden = chosen.size < 2;
    button.textContent = `Compare ${chosen.size}`;
    button.href = `#/compare?ids=${[...chosen].join(',')}`;
  }
  return {
    button,
    checkbox(study) {
      return h('input', { type: 'checkbox', 'aria-label': `compare ${study.name}`, 'data-compare': study.id,
        checked: chosen.has(study.id), onchange: event => {
          if (event.target.checked && chosen.size < MAX_COMPARED) chosen.add(study.id);
          else { chosen.delete(study.id); event.target.checked = false; }
          sync();
        } });
    },
  };
}
