// Launch form: pick an example spec or edit the JSON; the API's field errors are shown in a list and
// marked on the JSON line that holds the field.
import { Api, ApiError } from './api.js';
import { h, toast } from './dom.js';
import { navigate, reportError, session } from './session.js';
import { simulatorPanel } from './simulators.js';

const STARTER = {
  name: 'gaussian toy',
  simulator: { name: 'gaussian' },
  parameters: [
    { name: 'mu', initial: 2.0, lower: -5, upper: 5 },
    { name: 'sigma', initial: 1.0, lower: 0.1, upper: 3 },
  ],
  estimator: { kind: 'pathwise' },
  objective: { type: 'expected-loss', observable: 'loss' },
  optimizer: { type: 'adam', learningRate: 0.05 },
  eventsPerStep: 1000,
  eventsPerBatch: 250,
  maxSteps: 200,
  seed: 1,
};

export function renderLaunch(main, params) {
  let disposed = false;
  const exampleSelect = h('select', { id: 'example-select', onchange: () => loadExample(exampleSelect.value) },
    h('option', { value: '' }, 'starter: gaussian toy'));
  const editor = h('textarea', {
    id: 'spec-editor', spellcheck: 'false', autocomplete: 'off', wrap: 'off', rows: 28,
    'aria-describedby': 'spec-help spec-errors', 'aria-label': 'Study specification (JSON)',
    oninput: () => { clearErrors(); renderGutter(); },
    onscroll: () => { gutter.scrollTop = editor.scrollTop; },
  });
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const errorList = h('ul', { class: 'field-errors', id: 'spec-errors', 'data-testid': 'spec-errors', role: 'alert' });
  const summary = h('p', { class: 'error', id: 'spec-problem', 'data-testid': 'spec-problem', hidden: true });
  const createButton = h('button', { type: 'button', onclick: () => submit(false), disabled: !session.canWrite }, 'Create');
  const startButton = h('button', { type: 'button', class: 'primary', id: 'create-start', onclick: () => submit(true), disabled: !session.canWrite }, 'Create and start');
  let badLines = new Map();

  main.append(...[
    h('h1', {}, 'New study'),
    !session.canWrite && h('p', { class: 'error' }, 'This token cannot create studies (viewer). Sign in with an operator token.'),
    h('div', { class: 'toolbar' },
      h('label', { for: 'example-select' }, 'Example'), exampleSelect,
      h('span', { id: 'spec-help', class: 'muted' }, 'Fields are described in docs/study-model.md. Errors are marked on their line.')),
    simulatorPanel({ onStart: text => setText(text) }),
    h('div', { class: 'editor' }, gutter, editor),
    summary,
    errorList,
    h('div', { class: 'buttons', style: 'margin-top: .8rem' }, startButton, createButton, h('a', { href: '#/' }, 'Back')),
  ].filter(Boolean));

  setText(JSON.stringify(STARTER, null, 2));
  loadExampleList().then(() => {
    const wanted = params.get('example');
    if (wanted) {
      exampleSelect.value = wanted;
      loadExample(wanted);
    }
  });

  function setText(text) {
    editor.value = text;
    clearErrors();
    renderGutter();
  }

  function renderGutter() {
    const count = editor.value.split('\n').length;
    const lines = [];
    for (let n = 1; n <= count; n++) {
      const message = badLines.get(n);
      lines.push(message ? h('span', { class: 'bad', title: message }, String(n)) : String(n), '\n');
    }
    gutter.replaceChildren(...lines);
    gutter.scrollTop = editor.scrollTop;
  }

  async function loadExampleList() {
    try {
      const response = await fetch('assets/examples/index.json');
      if (!response.ok) return;
      const list = await response.json();
      if (disposed) return;
      for (const entry of list) {
        const file = typeof entry === 'string' ? entry : entry.file;
        exampleSelect.append(h('option', { value: file }, typeof entry === 'string' ? file : entry.name || file));
      }
    } catch { /* no examples: the starter spec remains */ }
  }

  async function loadExample(file) {
    if (!file) {
      setText(JSON.stringify(STARTER, null, 2));
      return;
    }
    try {
      const response = await fetch(`assets/examples/${encodeURIComponent(file)}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (!disposed) setText(text.trimEnd() + '\n');
    } catch (e) {
      toast(`Could not load ${file}: ${e.message}`, { error: true });
    }
  }

  function clearErrors() {
    badLines = new Map();
    errorList.replaceChildren();
    summary.hidden = true;
    editor.removeAttribute('aria-invalid');
  }

  function showErrors(title, errors) {
    const located = locateJsonPaths(editor.value);
    badLines = new Map();
    summary.textContent = title;
    summary.hidden = false;
    editor.setAttribute('aria-invalid', 'true');
    errorList.replaceChildren(...errors.map(({ field, message, line: given }) => {
      const line = given ?? lineOf(located, field, message);
      badLines.set(line, badLines.has(line) ? `${badLines.get(line)}; ${message}` : `${field}: ${message}`);
      return h('li', { 'data-field': field },
        h('button', { type: 'button', class: 'link', onclick: () => selectLine(line) }, `line ${line}`), ' ',
        h('code', {}, field || '$'), ' — ', message);
    }));
    renderGutter();
  }

  function selectLine(line) {
    const lines = editor.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    editor.focus();
    editor.setSelectionRange(start, start + (lines[line - 1] || '').length);
  }

  async function submit(start) {
    clearErrors();
    const text = editor.value;
    try {
      JSON.parse(text);
    } catch (e) {
      showErrors('The specification is not valid JSON.', [{ field: '$', message: e.message, line: syntaxErrorLine(text, e.message) }]);
      return;
    }
    createButton.disabled = startButton.disabled = true;
    try {
      const created = await Api.createStudy(text);
      const id = created?.id;
      if (start) {
        try {
          await Api.control(id, 'start');
        } catch (e) {
          reportError(e, 'Created, but could not start');
        }
      }
      toast(start ? 'Study created and started' : 'Study created');
      navigate(`#/studies/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status !== 401 && e.status !== 403) {
        const fields = e.fieldErrors;
        showErrors(e.problem?.title ? `${e.problem.title}: ${e.message}` : e.message,
          fields.length ? fields : [{ field: '$', message: e.message }]);
      } else {
        reportError(e, 'Could not create the study');
      }
    } finally {
      if (!disposed) createButton.disabled = startButton.disabled = !session.canWrite;
    }
  }

  return { dispose() { disposed = true; } };
}

/** The line a field error belongs on: the field's own line, else its nearest present ancestor's. */
function lineOf(located, field, message) {
  const fromMessage = /line:?\s*(\d+)/i.exec(message || '');
  let path = normalizePath(field);
  if (path === '$' && fromMessage) return Number(fromMessage[1]);
  while (path) {
    if (located.has(path)) return located.get(path);
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return 1;
}

/** `spec.parameters[1].lower`, `$.parameters[1].lower`, `/parameters/1/lower` → `parameters[1].lower`. */
export function normalizePath(field) {
  let path = String(field || '').trim();
  if (path.startsWith('/')) {
    path = path.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map(p => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  }
  path = path.replace(/^\$\.?/, '').replace(/^spec\./, '');
  return path || '$';
}

/**
 * Line (1-based) of every path in a JSON text: `name`, `parameters[1].lower`, … Object members map
 * to their key's line, array elements to their value's. Stops quietly at a syntax error.
 */
export function locateJsonPaths(text) {
  const lines = new Map([['$', 1]]);
  let i = 0;
  let line = 1;
  const fail = () => { throw new SyntaxError('stop'); };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const string = () => {
    let s = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') { s += text[i + 1]; i += 2; } else { s += text[i++]; }
    }
    if (i >= text.length) fail();
    i++;
    return s;
  };
  const child = (path, key) => (path === '$' ? key : `${path}.${key}`);
  const value = path => {
    ws();
    if (!lines.has(path)) lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const keyLine = line;
        const p = child(path, string());
        lines.set(p, keyLine);
        ws();
        if (text[i] !== ':') fail();
        i++;
        value(p);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (let k = 0; ; k++) {
        value(`${path === '$' ? '' : path}[${k}]`);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') {
      string();
    } else {
      const start = i;
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
      if (i === start) fail();
    }
  };
  try { value('$'); } catch { /* partial map up to the error */ }
  return lines;
}

function syntaxErrorLine(text, message) {
  const lineMatch = /line (\d+)/.exec(message);
  if (lineMatch) return Number(lineMatch[1]);
  const position = /position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  return 1;
}
