// Session state shared by the views: the token's role, login dialog, error reporting, navigation.
import { ApiError, storedToken } from './api.js';
import { toast } from './dom.js';

/** Who the token is (GET /api/v1/me); `canWrite` false hides every write control. */
export const session = { role: null, name: null, canRead: false, canWrite: false, known: false };

export function showLogin(message) {
  const dialog = document.getElementById('login-dialog');
  const error = document.getElementById('login-error');
  error.hidden = !message;
  error.textContent = message || '';
  if (!dialog.open) dialog.showModal();
  document.getElementById('login-token').focus();
}

/** Shows an API failure; a 401 opens the login dialog. */
export function reportError(e, what = 'Request failed') {
  if (e instanceof ApiError && e.status === 401) {
    showLogin(storedToken() ? 'Your token was not accepted. Sign in again.' : 'Sign in with an API token to see the studies.');
    return;
  }
  toast(`${what}: ${e.message}`, { error: true });
}

/** Goes to a route; re-renders when it is the current one. */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
