// The REST API client: bearer token from sessionStorage, RFC 9457 problem documents as ApiError,
// and a Server-Sent Events reader. URLs are relative so the dashboard also works under a path prefix.

const TOKEN_KEY = 'detopt.token';
const BASE = 'api/v1/';

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A non-2xx answer; `problem` is the RFC 9457 document when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem, fallbackText) {
    const detail = problem?.detail || problem?.title || fallbackText || `HTTP ${status}`;
    super(detail);
    this.status = status;
    this.problem = problem;
  }

  /** [{field, message}] from the problem's errors (RFC 9457 extension member), possibly empty. */
  get fieldErrors() {
    const errors = this.problem?.errors;
    if (!Array.isArray(errors)) return [];
    return errors.map(e => ({
      field: e.field ?? e.pointer ?? e.name ?? '',
      message: e.message ?? e.detail ?? e.reason ?? String(e),
    }));
  }
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const token = storedToken();
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

export async function request(path, { method = 'GET', body, accept } = {}) {
  const init = { method, headers: headers(accept ? { Accept: accept } : {}) };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(BASE + path, init);
  if (!response.ok) {
    const text = await response.text();
    let problem = null;
    try { problem = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    throw new ApiError(response.status, problem, text.slice(0, 200));
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** The array in a list answer, whatever the envelope is called. */
export function itemsOf(answer) {
  if (Array.isArray(answer)) return answer;
  if (!answer || typeof answer !== 'object') return [];
  for (const key of ['items', 'content', 'studies', 'steps', 'points', 'events', 'workers', 'data', 'results']) {
    if (Array.isArray(answer[key])) return answer[key];
  }
  return [];
}

/** Total count of a paginated answer, or null when the server does not say. */
export function totalOf(answer) {
  if (!answer || Array.isArray(answer)) return null;
  return answer.total ?? answer.totalElements ?? answer.totalItems ?? answer.page?.totalElements ?? null;
}

export const Api = {
  me: () => request('me'),
  listStudies: ({ status, page = 0, size = 20, tag, text } = {}) => {
    const q = new URLSearchParams({ page: String(page), size: String(size) });
    if (status) q.set('status', status);
    if (tag) q.set('tag', tag);
    if (text) q.set('q', text);
    return request(`studies?${q}`);
  },
  study: id => request(`studies/${encodeURIComponent(id)}`),
  createStudy: specText => request('studies', { method: 'POST', body: specText }),
  control: (id, action) => request(`studies/${encodeURIComponent(id)}/${action}`, { method: 'POST' }),
  remove: id => request(`studies/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  series: (id, points) => request(`studies/${encodeURIComponent(id)}/series?maxPoints=${points}`),
  tasks: id => request(`studies/${encodeURIComponent(id)}/tasks`),
  events: (id, after) => request(`studies/${encodeURIComponent(id)}/events?after=${after}&limit=200`),
  best: id => request(`studies/${encodeURIComponent(id)}/best`),
  fleet: () => request('fleet/workers?size=100'),
  steps: (id, page, size) => request(`studies/${encodeURIComponent(id)}/steps?page=${page}&size=${size}`),
  seriesWith: (id, points, observables) => request(`studies/${encodeURIComponent(id)}/series?maxPoints=${points}`
    + `&observables=${encodeURIComponent(observables.join(','))}`),
  answer: id => request(`studies/${encodeURIComponent(id)}/answer`),
  artifacts: id => request(`studies/${encodeURIComponent(id)}/artifacts`),
  exportPath: (id, format) => `studies/${encodeURIComponent(id)}/export?format=${format}`,
};

/** Downloads an export with the Authorization header (a plain link cannot send it). */
export async function download(path, filename) {
  const response = await fetch(BASE + path, { headers: headers({ Accept: '*/*' }) });
  if (!response.ok) throw new ApiError(response.status, null, await response.text());
  const url = URL.createObjectURL(await response.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Reads a study's Server-Sent Events stream. EventSource cannot send an Authorization header, so
 * this reads the stream with fetch and parses the text/event-stream format itself. Calls
 * onEvent(name, data) per event, onOpen() when connected and onClose(error) when the stream ends
 * (the caller then falls back to polling and retries later). Returns a function that closes it.
 */
export function openEventStream(path, { onEvent, onOpen, onClose }) {
  const controller = new AbortController();
  (async () => {
    let error = null;
    try {
      const response = await fetch(BASE + path, {
        headers: headers({ Accept: 'text/event-stream' }),
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!response.ok || !(response.headers.get('Content-Type') || '').includes('text/event-stream')) {
        throw new ApiError(response.status, null, 'no event stream');
      }
      onOpen?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end), onEvent);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      error = e;
    }
    if (!controller.signal.aborted) onClose?.(error);
  })();
  return () => controller.abort();
}

function dispatch(block, onEvent) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return;
  const text = data.join('\n');
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* plain text event */ }
  onEvent(name, parsed);
}
