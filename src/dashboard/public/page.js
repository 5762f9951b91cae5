// @ts-check
/**
 * What every view of the dashboard shares: the signed-in state, the catalog's words, building
 * elements (user text only ever as text), calling the API, tables, and showing an API refusal
 * inside the form that caused it. The board (app.js) and the directory's admin page
 * (directory.js) both import it, so neither imports the other.
 */

export const LEVELS = ['district', 'street', 'community', 'grid'];

/** @type {{ token: string | null, me: any, messages: any, timer: number | undefined, withinHours: number, view: string }} */
export const state = { token: null, me: null, messages: null, timer: undefined, withinHours: 4, view: '' };

export const main = /** @type {HTMLElement} */ (document.getElementById('main'));
export const statusLine = /** @type {HTMLElement} */ (document.getElementById('status'));

/** What happens when the API refuses the token (the sign-in page, set by app.js). */
let unauthorized = () => {};

/** Sets what a 401 to a signed-in request does. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

// ---------------------------------------------------------------- words, times and elements

/** A catalog text by dotted key, with {{name}} placeholders filled. */
export function t(key, values = {}) {
  /** @type {any} */
  let node = state.messages;
  for (const part of key.split('.')) node = node?.[part];
  if (typeof node !== 'string') return key;
  return node.replace(/\{\{(\w+)\}\}/g, (_, name) => String(values[name] ?? ''));
}

/** Creates an element: attributes (on* are listeners) and children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    // Through the CSSOM: the Content-Security-Policy forbids style attributes.
    else if (name === 'width') node.style.width = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** An instant as yyyy-MM-dd HH:mm in the city's zone. */
export function localTime(iso) {
  if (!iso) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: state.me.city.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A table; each cell carries its column's header as `data-label`, which a `stacked` table shows beside it on a phone. */
export function table(caption, headers, rows, emptyText, className) {
  if (rows.length === 0) return el('p', { className: 'empty' }, emptyText);
  return el(
    'table',
    { className },
    caption ? el('caption', {}, caption) : undefined,
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((header) => el('th', { scope: 'col' }, header)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((cell, index) => el('td', { 'data-label': headers[index] }, cell)),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- talking to the API

/** Calls the API as the signed-in staff member; answers { status, headers, body }. */
export async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: {
      accept: 'application/json',
      'accept-language': state.messages?.locale ?? navigator.language,
      ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
  });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.status === 401 && state.token) unauthorized();
  return { status: response.status, headers: response.headers, body };
}

/** GET that throws the problem's detail, for the board's sections. */
export async function read(path) {
  const answer = await api(path);
  if (answer.status !== 200) throw new Error(answer.body?.detail ?? String(answer.status));
  return answer.body;
}

// ---------------------------------------------------------------- refusals inside their form

/**
 * The control of `form` a problem's field names (`body.posts.0.unit`): by `data-field` or `name`,
 * the whole path first, then shorter ones (`posts.0`, `posts`), so a group can stand for its items.
 */
function controlFor(form, field) {
  const parts = field.split('.').slice(1);
  const controls = [...form.querySelectorAll('[name], [data-field]')];
  for (let length = parts.length; length > 0; length -= 1) {
    const path = parts.slice(0, length).join('.');
    const found = controls.find((control) => control.getAttribute('data-field') === path || control.getAttribute('name') === path);
    if (found) return found;
  }
  return undefined;
}

/** Removes what `showRefusal` put into `form`. */
export function clearRefusal(form, feedback) {
  for (const message of form.querySelectorAll('.field-error')) message.remove();
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.endsWith('-error'));
    if (described.length > 0) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
  }
  feedback.replaceChildren();
}

/**
 * Shows the API's refusal inside `form`: each field it names marked invalid with its message right
 * beside it (and read with it), and the whole problem — detail and every field — in `feedback`.
 */
export function showRefusal(form, feedback, answer, summary) {
  clearRefusal(form, feedback);
  const problem = answer.body ?? {};
  for (const [index, error] of (problem.errors ?? []).entries()) {
    const control = controlFor(form, String(error.field));
    if (!control) continue;
    const id = `${form.id}-${index}-error`;
    const message = el('p', { className: 'field-error', id }, error.message);
    // A group (the fieldset of posts or bounds, a checkbox with its label) holds the message at its
    // end and marks every control in it; a single control has the message right after it.
    const group = !['INPUT', 'SELECT', 'TEXTAREA'].includes(control.tagName);
    if (group) control.append(message);
    else control.after(message);
    const targets = group ? [...control.querySelectorAll('input, select, textarea')] : [control];
    for (const target of targets) {
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', [target.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    }
  }
  feedback.replaceChildren(
    el(
      'div',
      { className: 'alert', role: 'alert' },
      `${summary}：${problem.detail ?? answer.status}`,
      problem.errors?.length
        ? el(
            'ul',
            {},
            problem.errors.map((error) => el('li', {}, `${error.field}: ${error.message}`)),
          )
        : undefined,
    ),
  );
}
