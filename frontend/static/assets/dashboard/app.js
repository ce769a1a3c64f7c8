// Dashboard entry: session (token and role), hash router, views.
import { Api, ApiError, storedToken, storeToken } from './api.js';
import { reportError, session, showLogin } from './session.js';
import { renderList } from './list.js';
import { renderStudy } from './study.js';
import { renderLaunch } from './launch.js';
import { renderGroup, renderGroups } from './group.js';
import { renderCompare } from './compare.js';
import { h } from './dom.js';

/**
 * Asks the service who the token is (GET /api/v1/me: role and what it may do). A 401 means no
 * token or one the service does not accept; any other failure leaves the session read-only.
 */
async function resolveRole() {
  session.known = false;
  session.role = null;
  session.name = null;
  session.canRead = false;
  session.canWrite = false;
  if (storedToken()) {
    try {
      const me = await Api.me();
      session.role = me.role;
      session.name = me.name;
      session.canRead = !!me.canRead;
      session.canWrite = !!me.canWrite;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        session.role = 'unknown';
        reportError(e, 'Could not ask the service who this token is');
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
  role.title = session.name ? `token: ${session.name}` : '';
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
    const active = (a.dataset.nav === 'list' && parts.length === 0) || (a.dataset.nav === 'new' && parts[0] === 'new')
      || (a.dataset.nav === 'groups' && parts[0] === 'groups');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!storedToken() && parts[0] !== 'new') {
    // Reading studies needs a token: ask for one instead of letting the view's first request fail with 401.
    main.append(h('p', { class: 'muted' }, 'Sign in with an API token to see the studies.'));
    showLogin();
    return;
  }
  if (parts[0] === 'studies' && parts[1]) {
    currentView = renderStudy(main, decodeURIComponent(parts[1]));
  } else if (parts[0] === 'groups') {
    currentView = parts[1] ? renderGroup(main, decodeURIComponent(parts[1])) : renderGroups(main);
  } else if (parts[0] === 'compare') {
    currentView = renderCompare(main, params);
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
    if (!session.role || (session.role !== 'unknown' && !session.canRead)) {
      const why = session.role ? `A ${session.role} token cannot read studies.` : 'This token was not accepted.';
      storeToken(null);
      await resolveRole();
      showLogin(why);
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
