// Dashboard entry: session (token and role), hash router, views.
import { Api, ApiError, request, storedToken, storeToken } from './api.js';
import { session, showLogin } from './session.js';
import { renderList } from './list.js';
import { renderStudy } from './study.js';
import { renderLaunch } from './launch.js';

const WRITE_ROLES = new Set(['operator', 'admin']);
const PROBE_ID = '00000000-0000-0000-0000-000000000000';

async function resolveRole() {
  session.known = false;
  try {
    const me = await Api.me();
    const roles = [me?.role, ...(me?.roles || []), ...(me?.authorities || [])]
      .filter(Boolean).map(r => String(r).toLowerCase().replace(/^role_/, ''));
    session.role = roles.find(r => WRITE_ROLES.has(r)) || roles[0] || 'unknown';
    session.canWrite = roles.some(r => WRITE_ROLES.has(r));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.role = null;
      session.canWrite = false;
    } else {
      // No "who am I" endpoint: a write on a study that cannot exist changes nothing and tells
      // a viewer (403) from an operator (404), which is the last resort the brief allows.
      try {
        await request(`studies/${PROBE_ID}/pause`, { method: 'POST' });
        session.canWrite = true;
      } catch (probe) {
        session.canWrite = !(probe instanceof ApiError && (probe.status === 401 || probe.status === 403));
        if (probe instanceof ApiError && probe.status === 401) session.role = null;
        else session.role = session.canWrite ? 'operator' : 'viewer';
      }
    }
  }
  session.known = true;
  updateHeader();
}

function updateHeader() {
  const signedIn = !!storedToken();
  document.getElementById('login-button').hidden = signedIn;
  document.getElementById('logout-button').hidden = !signedIn;
  const role = document.getElementById('session-role');
  role.textContent = session.role ? `role: ${session.role}` : signedIn ? '' : 'not signed in';
  for (const el of document.querySelectorAll('[data-write]')) el.hidden = !session.canWrite;
}

let currentView = null;

async function route() {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return;
  currentView?.dispose?.();
  currentView = null;
  const main = document.getElementById('view');
  main.innerHTML = '';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  for (const a of document.querySelectorAll('header nav a')) {
    const active = (a.dataset.nav === 'list' && parts.length === 0) || (a.dataset.nav === 'new' && parts[0] === 'new');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (parts[0] === 'studies' && parts[1]) {
    currentView = renderStudy(main, decodeURIComponent(parts[1]));
  } else if (parts[0] === 'new') {
    currentView = renderLaunch(main, params);
  } else {
    currentView = renderList(main, params);
  }
}

function setUpLogin() {
  const dialog = document.getElementById('login-dialog');
  document.getElementById('login-button').addEventListener('click', () => showLogin());
  document.getElementById('login-cancel').addEventListener('click', () => dialog.close());
  document.getElementById('logout-button').addEventListener('click', async () => {
    storeToken(null);
    await resolveRole();
    route();
  });
  document.getElementById('login-form').addEventListener('submit', async event => {
    event.preventDefault();
    const input = document.getElementById('login-token');
    storeToken(input.value.trim());
    await resolveRole();
    if (!session.role) {
      storeToken(null);
      updateHeader();
      showLogin('This token was not accepted.');
      return;
    }
    input.value = '';
    dialog.close();
    route();
  });
  document.querySelector('.skip-link').addEventListener('click', event => {
    event.preventDefault();
    document.getElementById('view').focus();
  });
}

setUpLogin();
window.addEventListener('hashchange', route);
await resolveRole();
route();
// Tells tests (and anyone curious) that the listeners are in place and the first view is drawn.
document.documentElement.dataset.ready = 'true';
