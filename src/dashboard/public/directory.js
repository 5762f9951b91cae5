// @ts-check
/**
 * The directory's admin page (`#/directory[/<unit id>]`, issue 16 item 2): the unit tree of the
 * admin's scope with each unit's duty officer, the staff of the chosen unit, forms to add and edit
 * units and staff (a person's or a grid's move is an edit), the deactivation of a leaver with the
 * hand-over's progress, and the audit log. Everything goes through /api/v1/admin/*, which decides
 * what an admin may touch: an edit carries the revision it read as If-Match, so what someone else
 * changed meanwhile is a 412 to reload, never overwritten; a refusal is shown beside its field.
 */
import { api, clearRefusal, el, localTime, LEVELS, main, showRefusal, state, statusLine, t, table } from './page.js';

const ROLES = ['grid_worker', 'officer', 'supervisor', 'mediator', 'admin'];
/** How often a running hand-over's progress is read again. */
const HAND_OVER_POLL_MS = 1_000;
const HAND_OVER_ENDS = ['completed', 'refused'];
const AUDIT_PAGE_SIZE = 20;
/** A scope of at most this many units starts fully open; a larger one down to its streets. */
const OPEN_WHOLE_UP_TO = 40;

/** True when the signed-in staff member holds an admin post: only they get the directory's link. */
export function isAdmin(me) {
  return (me?.staff?.posts ?? []).some((post) => post.role === 'admin');
}

/**
 * What the page read last: the directory's summary, the units of the admin's scope, everyone with
 * a post in it (leavers included), the chosen unit, and the branches the admin opened or closed.
 */
const dir = {
  summary: /** @type {any} */ (null),
  units: /** @type {any[]} */ ([]),
  people: /** @type {any[]} */ ([]),
  selected: '',
  open: new Map(),
  auditNext: /** @type {string | undefined} */ (undefined),
};

const words = (key, values) => t(`dashboard.directory.${key}`, values);
const unitOf = (id) => dir.units.find((unit) => unit.id === id);
const personOf = (id) => dir.people.find((person) => person.id === id);
const childrenOf = (id) => dir.units.filter((unit) => unit.parent === id);
/** A unit's name in the page's language, Chinese when it has none. */
const nameOf = (name) => (typeof name === 'string' ? name : ((state.messages.locale === 'en' ? name?.en : undefined) ?? name?.['zh-CN'] ?? ''));
const unitLabel = (id) => (unitOf(id) ? nameOf(unitOf(id).name) : id);
const personLabel = (id) => personOf(id)?.name ?? id;
const roleLabel = (role) => words(`role.${role}`);
const list = (items) => items.join(words('separator'));
/** Children for replaceChildren, which (unlike `el`) would write a left-out one as the text "undefined". */
const present = (...children) => children.flat().filter((child) => child !== undefined && child !== null);

/** The units depth first from the roots of the scope, each with its depth. */
function inTreeOrder() {
  /** @type {{ unit: any, depth: number }[]} */
  const ordered = [];
  const visit = (unit, depth) => {
    ordered.push({ unit, depth });
    for (const child of childrenOf(unit.id)) visit(child, depth + 1);
  };
  for (const root of dir.units.filter((unit) => !unitOf(unit.parent))) visit(root, 0);
  return ordered;
}

/** Reads the summary, units and staff; answers the refusal when one of them is refused. */
async function load() {
  const answers = await Promise.all([api('/api/v1/admin/directory'), api('/api/v1/admin/units'), api('/api/v1/admin/staff?active=all')]);
  const refused = answers.find((answer) => answer.status !== 200);
  if (refused) return refused;
  const [summary, units, people] = answers;
  dir.summary = summary.body;
  dir.units = units.body.units;
  dir.people = people.body.staff;
  return undefined;
}

// ---------------------------------------------------------------- the page

/** Renders the page with `selectedId` (default: the root of the scope) chosen in the tree. */
export async function renderDirectory(selectedId) {
  main.className = 'directory';
  const back = el('p', { className: 'wide' }, el('a', { href: '#/' }, words('back')));
  main.replaceChildren(back, el('p', { className: 'wide' }, t('dashboard.loading')));
  const refused = await load();
  if (refused) {
    // A non-admin reaches here by typing the address: the API's own words say why not.
    main.replaceChildren(
      back,
      el(
        'section',
        { className: 'wide', id: 'dir-summary', 'aria-labelledby': 'dir-h' },
        el('h2', { id: 'dir-h' }, words('heading')),
        el('p', { className: 'alert', role: 'alert' }, words('unavailable', { error: refused.body?.detail ?? refused.status })),
      ),
    );
    return;
  }
  dir.selected = selectedId !== undefined && unitOf(selectedId) ? selectedId : (inTreeOrder()[0]?.unit.id ?? '');
  dir.auditNext = undefined;
  main.replaceChildren(
    back,
    el('section', { className: 'wide', id: 'dir-summary', 'aria-labelledby': 'dir-h' }),
    el('section', { className: 'tree-panel', id: 'dir-tree', 'aria-labelledby': 'dir-tree-h' }),
    el('section', { id: 'dir-unit', 'aria-labelledby': 'dir-unit-h' }),
    el('section', { id: 'dir-editor', 'aria-labelledby': 'dir-editor-h', hidden: true }),
    el('section', { className: 'wide', id: 'dir-audit', 'aria-labelledby': 'dir-audit-h' }),
  );
  fillSummary();
  fillTree();
  fillUnit();
  await fillAudit();
  statusLine.textContent = t('dashboard.refreshed', { time: localTime(new Date().toISOString()) });
  // Chosen from the tree (a link, so the page was rebuilt): the focus goes on to the unit chosen.
  if (selectedId !== undefined) document.getElementById('dir-unit-h')?.focus();
}

/** After a change: the summary, tree, unit and audit read again; the editor stays as it is. */
async function reloadAll() {
  const refused = await load();
  if (refused) {
    statusLine.textContent = t('dashboard.refreshFailed', { error: refused.body?.detail ?? refused.status });
    return;
  }
  if (!unitOf(dir.selected)) dir.selected = inTreeOrder()[0]?.unit.id ?? '';
  fillSummary();
  fillTree();
  fillUnit();
  dir.auditNext = undefined;
  await fillAudit();
  statusLine.textContent = t('dashboard.refreshed', { time: localTime(new Date().toISOString()) });
}

function fillSummary() {
  const section = /** @type {HTMLElement} */ (document.getElementById('dir-summary'));
  section.replaceChildren(
    ...present(
      el('h2', { id: 'dir-h' }, words('heading')),
      el('p', {}, words('summary', { version: dir.summary.version, scopes: list(dir.summary.scopes.map(unitLabel)) })),
      dir.summary.writable ? undefined : el('p', { className: 'notice', role: 'note' }, words('readOnly')),
      el('button', { type: 'button', className: 'secondary', onclick: () => void renderDirectory(dir.selected) }, words('reload')),
    ),
  );
}

// ---------------------------------------------------------------- the unit tree

/** A branch is open when the admin opened it, else in a small scope, down to the streets, and along the way to the chosen unit. */
function isOpen(unit) {
  if (dir.open.has(unit.id)) return dir.open.get(unit.id);
  if (dir.units.length <= OPEN_WHOLE_UP_TO || LEVELS.indexOf(unit.level) < 2) return true;
  for (let id = unitOf(dir.selected)?.parent; id; id = unitOf(id)?.parent) if (id === unit.id) return true;
  return false;
}

function treeNode(unit) {
  const children = childrenOf(unit.id);
  const open = children.length > 0 && isOpen(unit);
  const name = nameOf(unit.name);
  const toggle = () => {
    dir.open.set(unit.id, !open);
    const next = treeNode(unit);
    item.replaceWith(next);
    /** @type {HTMLElement | null} */ (next.querySelector('.toggle'))?.focus();
  };
  const item = el(
    'li',
    { 'data-unit': unit.id },
    el(
      'div',
      { className: 'node' },
      children.length > 0
        ? el(
            'button',
            {
              type: 'button',
              className: 'toggle secondary',
              'aria-expanded': String(open),
              'aria-label': words(open ? 'units.collapse' : 'units.expand', { unit: name }),
              onclick: toggle,
            },
            open ? '−' : '+',
          )
        : el('span', { className: 'toggle-space', 'aria-hidden': 'true' }),
      el('a', { href: `#/directory/${encodeURIComponent(unit.id)}`, 'aria-current': unit.id === dir.selected ? 'true' : undefined }, name),
      el('span', { className: 'meta' }, `${t(`level.${unit.level}`)} · ${words('units.onDuty', { name: unit.dutyOfficer.name ?? unit.dutyOfficer.id })}`),
    ),
    open ? el('ul', {}, children.map(treeNode)) : undefined,
  );
  return item;
}

function fillTree() {
  const section = /** @type {HTMLElement} */ (document.getElementById('dir-tree'));
  const roots = dir.units.filter((unit) => !unitOf(unit.parent));
  section.replaceChildren(
    el('h2', { id: 'dir-tree-h' }, words('units.heading')),
    el('nav', { 'aria-labelledby': 'dir-tree-h' }, el('ul', { className: 'tree' }, roots.map(treeNode))),
  );
}

// ---------------------------------------------------------------- the chosen unit and its staff

function fillUnit() {
  const section = /** @type {HTMLElement} */ (document.getElementById('dir-unit'));
  const unit = unitOf(dir.selected);
  if (!unit) {
    section.replaceChildren(
      el('h2', { id: 'dir-unit-h', tabindex: '-1' }, words('units.heading')),
      el('p', { className: 'empty' }, words('unit.noneSelected')),
    );
    return;
  }
  const writable = dir.summary.writable;
  const staff = dir.people.filter((person) => person.posts.some((post) => post.unit === unit.id));
  const row = (label, ...value) => [el('dt', {}, label), el('dd', {}, ...value)];
  const button = (label, action, ariaLabel) =>
    el('button', { type: 'button', className: 'secondary', 'aria-label': ariaLabel, onclick: () => void action() }, label);
  section.replaceChildren(
    ...present(
      el('h2', { id: 'dir-unit-h', tabindex: '-1' }, words('unitLabel', { name: nameOf(unit.name), level: t(`level.${unit.level}`) })),
      el(
        'dl',
        { className: 'facts' },
        row(words('unit.id'), unit.id),
        unit.parent ? row(words('unit.parent'), unitLabel(unit.parent)) : [],
        row(words('unit.dutyOfficer'), unit.dutyOfficer.name ?? unit.dutyOfficer.id),
        unit.level === 'grid' ? row(words('unit.addresses'), unit.addresses.length > 0 ? list(unit.addresses) : words('unit.none')) : [],
        unit.level === 'grid' ? row(words('unit.bounds'), unit.bounds ? unit.bounds.join(', ') : words('unit.none')) : [],
      ),
      writable
        ? el(
            'div',
            { className: 'actions' },
            button(words('unit.edit'), () => openUnitEdit(unit.id)),
            unit.level === 'grid' ? undefined : button(words('unit.add'), () => openAddUnit()),
            button(words('staff.add'), () => openAddStaff()),
          )
        : undefined,
      el('h3', {}, words('staff.heading', { count: staff.length })),
      table(
        undefined,
        ['name', 'id', 'posts', 'status', 'actions'].map((column) => words(`staff.${column}`)),
        staff.map((person) => [
          person.name,
          person.id,
          el(
            'span',
            {},
            list(person.posts.map((post) => `${unitLabel(post.unit)} · ${roleLabel(post.role)}`)),
            unit.dutyOfficer.id === person.id ? el('strong', { className: 'duty' }, ` · ${words('staff.dutyHere')}`) : undefined,
          ),
          person.active ? words('staff.active') : el('span', { className: 'escalated' }, words('staff.left')),
          writable
            ? el(
                'span',
                { className: 'actions' },
                button(words('staff.edit'), () => openStaffEdit(person.id), words('staff.editLabel', { name: person.name })),
                person.active
                  ? button(words('staff.deactivate'), () => openDeactivate(person.id), words('staff.deactivateLabel', { name: person.name }))
                  : undefined,
              )
            : undefined,
        ]),
        words('staff.empty'),
        'stacked',
      ),
    ),
  );
}

// ---------------------------------------------------------------- the editor and its forms

/** Shows `content` under `title` in the editor, and takes the focus there. */
function openEditor(title, ...content) {
  const section = /** @type {HTMLElement} */ (document.getElementById('dir-editor'));
  if (!section) return;
  section.hidden = false;
  const heading = el('h2', { id: 'dir-editor-h', tabindex: '-1' }, title);
  section.replaceChildren(
    heading,
    ...present(content),
    el('p', {}, el('button', { type: 'button', className: 'secondary', onclick: closeEditor }, words('close'))),
  );
  heading.focus();
}

function closeEditor() {
  const section = /** @type {HTMLElement} */ (document.getElementById('dir-editor'));
  section.hidden = true;
  section.replaceChildren();
  document.getElementById('dir-unit-h')?.focus();
}

/** What an entry that could not be read for editing says instead of its form. */
function unreadable(title, answer) {
  openEditor(title, el('p', { className: 'alert', role: 'alert' }, words('unavailable', { error: answer.body?.detail ?? answer.status })));
}

/**
 * A form of the directory: `send(data)` answers the API's { status, body }. A 2xx runs `done`; a 412
 * says someone else changed the entry since it was read, with a button to `reopen` it read afresh;
 * any other refusal is shown beside the fields it names.
 */
function directoryForm(id, fields, submitLabel, send, done, reopen) {
  const feedback = el('div', { className: 'feedback', 'aria-live': 'assertive' });
  const submit = el('button', { type: 'submit' }, submitLabel);
  const form = el(
    'form',
    {
      id,
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        clearRefusal(form, feedback);
        submit.disabled = true;
        try {
          const answer = await send(new FormData(form));
          if (answer.status >= 200 && answer.status < 300) return void (await done(answer));
          if (answer.status === 412) {
            feedback.replaceChildren(
              el(
                'div',
                { className: 'alert', role: 'alert' },
                el('p', {}, words('conflict')),
                reopen ? el('button', { type: 'button', onclick: () => void reopen() }, words('reloadEntry')) : undefined,
              ),
            );
            return;
          }
          showRefusal(form, feedback, answer, words('refused'));
        } finally {
          submit.disabled = false;
        }
      },
    },
    ...fields,
    el('p', {}, submit),
    feedback,
  );
  return form;
}

/** A labelled control and, when given, the hint it is described by. */
function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return [el('label', { for: id }, label), control, hint ? el('p', { className: 'hint', id: `${id}-hint` }, hint) : undefined];
}

const input = (name, attrs = {}) => el('input', { name, autocomplete: 'off', ...attrs });

function select(name, options, selected, attrs = {}) {
  return el(
    'select',
    { name, ...attrs },
    options.map(([value, label]) => el('option', { value, selected: value === selected }, label)),
  );
}

/** A checkbox with its label, which stands for `fieldName` when the API names it. */
function checkbox(id, name, label, fieldName) {
  return el('div', { className: 'check', 'data-field': fieldName }, el('input', { type: 'checkbox', id, name, value: 'yes' }), el('label', { for: id }, label));
}

const roleOptions = () => ROLES.map((role) => [role, roleLabel(role)]);
const unitOptions = (keep = (_unit) => true) =>
  inTreeOrder()
    .filter(({ unit }) => keep(unit))
    .map(({ unit, depth }) => [unit.id, `${'\u00a0\u00a0'.repeat(depth)}${words('unitLabel', { name: nameOf(unit.name), level: t(`level.${unit.level}`) })}`]);
const staffOptions = (except) =>
  dir.people
    .filter((person) => person.active && person.id !== except)
    .map((person) => [person.id, words('staffOption', { name: person.name, unit: unitLabel(person.unit), role: roleLabel(person.role) })]);
const text = (data, name) => String(data.get(name) ?? '').trim();

/** The extra posts of a staff member, a unit and a role per row, rows added and removed. */
function postsField(prefix, posts, ownRole) {
  const rows = el('div', { className: 'post-rows' });
  const renumber = () => {
    [...rows.children].forEach((row, index) => {
      for (const control of row.querySelectorAll('select')) {
        const part = control.getAttribute('data-part');
        control.setAttribute('name', `posts.${index}.${part}`);
        control.id = `${prefix}-post-${index}-${part}`;
        row.querySelector(`label[data-part="${part}"]`)?.setAttribute('for', control.id);
      }
      row.querySelector('button')?.setAttribute('aria-label', words('staff.removePost', { n: index + 1 }));
    });
  };
  const addRow = (post) => {
    const unitChoice = select('', unitOptions(), post?.unit, { 'data-part': 'unit' });
    const row = el(
      'div',
      { className: 'post-row' },
      el('div', {}, el('label', { 'data-part': 'unit' }, words('staff.postUnit')), unitChoice),
      el(
        'div',
        {},
        el('label', { 'data-part': 'role' }, words('staff.postRole')),
        select('', [['', words('staff.sameRole')], ...roleOptions()], post && post.role !== ownRole ? post.role : '', { 'data-part': 'role' }),
      ),
      el(
        'button',
        {
          type: 'button',
          className: 'secondary',
          onclick: () => {
            row.remove();
            renumber();
            add.focus();
          },
        },
        words('staff.remove'),
      ),
    );
    rows.append(row);
    renumber();
    return unitChoice;
  };
  const add = el('button', { type: 'button', className: 'secondary', onclick: () => addRow(undefined).focus() }, words('staff.addPost'));
  for (const post of posts) addRow(post);
  return {
    group: el(
      'fieldset',
      { 'data-field': 'posts' },
      el('legend', {}, words('staff.extraPosts')),
      el('p', { className: 'hint' }, words('staff.postsHint')),
      rows,
      el('p', {}, add),
    ),
    /** The posts as the API takes them: a role only where it is not the person's own. */
    read: (data) =>
      [...rows.children].map((_, index) => {
        const role = text(data, `posts.${index}.role`);
        return { unit: text(data, `posts.${index}.unit`), ...(role ? { role } : {}) };
      }),
  };
}

/** The four bounds of a grid; all empty is none. */
function boundsField(prefix, bounds) {
  return el(
    'fieldset',
    { 'data-field': 'bounds' },
    el('legend', {}, words('unit.bounds')),
    el('p', { className: 'hint' }, words('unit.boundsHint')),
    el(
      'div',
      { className: 'bounds' },
      ['minLng', 'minLat', 'maxLng', 'maxLat'].map((key, index) =>
        el(
          'div',
          {},
          ...field(
            `${prefix}-bounds-${index}`,
            words(`unit.${key}`),
            input(`bounds.${index}`, { type: 'number', step: 'any', inputmode: 'decimal', value: bounds?.[index] ?? '' }),
          ),
        ),
      ),
    ),
  );
}

/** The bounds typed: undefined when all are empty; an empty one is sent as null, for the API to name it. */
function readBounds(data) {
  const values = [0, 1, 2, 3].map((index) => text(data, `bounds.${index}`));
  if (values.every((value) => value === '')) return undefined;
  return values.map((value) => (value === '' ? null : Number(value)));
}

const readAddresses = (data) =>
  text(data, 'addresses')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** After a change went through: everything read again, and the editor says what was done. */
async function finished(title, notice) {
  await reloadAll();
  openEditor(title, el('p', { className: 'notice', role: 'status' }, notice));
}

// ---------------------------------------------------------------- staff

function openAddStaff() {
  const unit = unitOf(dir.selected);
  const title = words('staff.addHeading', { unit: unitLabel(dir.selected) });
  const posts = postsField('as', [], undefined);
  const form = directoryForm(
    'dir-add-staff',
    [
      ...field('as-id', words('staff.id'), input('id', { required: true }), words('idHint')),
      ...field('as-name', words('staff.name'), input('name', { required: true })),
      ...field('as-email', words('staff.email'), input('email', { type: 'email', required: true })),
      ...field('as-role', words('staff.role'), select('role', roleOptions(), unit?.level === 'grid' ? 'grid_worker' : 'officer')),
      ...field('as-unit', words('staff.unit'), select('unit', unitOptions(), dir.selected)),
      checkbox('as-duty', 'dutyOfficer', words('staff.onDutyHere'), 'dutyOfficerOf'),
      posts.group,
    ],
    words('staff.addSubmit'),
    (data) => {
      const extra = posts.read(data);
      const body = {
        id: text(data, 'id'),
        name: text(data, 'name'),
        email: text(data, 'email'),
        role: text(data, 'role'),
        unit: text(data, 'unit'),
        ...(extra.length > 0 ? { posts: extra } : {}),
        ...(data.get('dutyOfficer') ? { dutyOfficerOf: [text(data, 'unit')] } : {}),
      };
      return api('/api/v1/admin/staff', { method: 'POST', body: JSON.stringify(body) });
    },
    (answer) => finished(title, words('saved.staffAdded', { name: answer.body.staff.name, id: answer.body.staff.id })),
  );
  openEditor(title, form);
}

async function openStaffEdit(staffId) {
  const title = words('staff.editHeading', { name: personLabel(staffId) });
  const answer = await api(`/api/v1/admin/staff/${encodeURIComponent(staffId)}`);
  if (answer.status !== 200) return unreadable(title, answer);
  const person = answer.body.staff;
  const ifMatch = answer.headers.get('etag') ?? `"${person.revision}"`;
  const extra = person.posts.slice(1);
  const posts = postsField('es', extra, person.role);
  const before = { name: person.name, email: person.email, role: person.role, unit: person.unit };
  const form = directoryForm(
    'dir-edit-staff',
    [
      el('p', {}, words('staff.idIs', { id: person.id })),
      ...field('es-name', words('staff.name'), input('name', { value: person.name })),
      ...field('es-email', words('staff.email'), input('email', { type: 'email', value: person.email })),
      ...field('es-role', words('staff.role'), select('role', roleOptions(), person.role)),
      ...field('es-unit', words('staff.unit'), select('unit', unitOptions(), person.unit), words('staff.moveHint')),
      posts.group,
      person.active ? undefined : checkbox('es-active', 'active', words('staff.reactivate'), 'active'),
    ],
    words('save'),
    (data) => {
      // Only what changed: an edit that alters nothing writes nothing and no audit row.
      const body = {};
      for (const [key, value] of Object.entries(before)) if (text(data, key) !== value) body[key] = text(data, key);
      const next = posts.read(data);
      const read = extra.map((post) => ({ unit: post.unit, ...(post.role === person.role ? {} : { role: post.role }) }));
      if (!same(next, read)) body.posts = next;
      if (data.get('active')) body.active = true;
      return api(`/api/v1/admin/staff/${encodeURIComponent(person.id)}`, { method: 'PATCH', headers: { 'if-match': ifMatch }, body: JSON.stringify(body) });
    },
    (saved) => finished(title, words('saved.staffSaved', { name: saved.body.staff.name })),
    () => openStaffEdit(staffId),
  );
  openEditor(title, form);
}

// ---------------------------------------------------------------- a leaver

function openDeactivate(staffId) {
  const person = personOf(staffId);
  const title = words('deactivate.heading', { name: person.name });
  const successor = select('successorId', [['', '—'], ...staffOptions(staffId)], '');
  const returnTo = select('returnToUnitId', [['', '—'], ...unitOptions()], '', { disabled: true });
  const choose = (mode) => {
    successor.disabled = mode !== 'successor';
    returnTo.disabled = mode !== 'unit';
  };
  const radio = (mode, label, checked) =>
    el(
      'div',
      { className: 'check' },
      el('input', { type: 'radio', id: `dv-mode-${mode}`, name: 'mode', value: mode, checked, onchange: () => choose(mode) }),
      el('label', { for: `dv-mode-${mode}` }, label),
    );
  const form = directoryForm(
    'dir-deactivate',
    [
      el('p', {}, words('deactivate.intro', { name: person.name })),
      person.dutyOfficerOf.length > 0
        ? el('p', {}, words('deactivate.onDuty', { name: person.name, units: list(person.dutyOfficerOf.map(unitLabel)) }))
        : undefined,
      el(
        'fieldset',
        {},
        el('legend', {}, words('deactivate.to')),
        radio('successor', words('deactivate.toSuccessor'), true),
        radio('unit', words('deactivate.toUnit'), false),
      ),
      ...field('dv-successor', words('deactivate.successor'), successor),
      ...field('dv-unit', words('deactivate.unit'), returnTo, words('deactivate.unitHint')),
      ...field('dv-reason', words('deactivate.reason'), el('textarea', { name: 'reason', rows: 2 })),
    ],
    words('deactivate.submit'),
    (data) => {
      const to = data.get('mode') === 'unit' ? { returnToUnitId: text(data, 'returnToUnitId') } : { successorId: text(data, 'successorId') };
      // Nothing chosen is sent as nothing: the API then names the field that wants a choice.
      const body = Object.fromEntries(Object.entries({ ...to, reason: text(data, 'reason') }).filter(([, value]) => value !== ''));
      return api(`/api/v1/admin/staff/${encodeURIComponent(staffId)}/deactivate`, { method: 'POST', body: JSON.stringify(body) });
    },
    (answer) => watchHandOver(answer.body.id, person.name),
  );
  openEditor(title, form);
}

/** Shows a hand-over's progress, read again every second until it has completed or was refused. */
function watchHandOver(id, leaverName) {
  const stage = el('p', { role: 'status', className: 'counts' });
  const details = el('div', { id: 'dir-hand-over' });
  openEditor(words('handOver.heading', { name: leaverName }), stage, details);
  const say = (line) => {
    // Only a change is announced: the same words every second would drown the page.
    if (stage.textContent !== line) stage.textContent = line;
  };
  const poll = async () => {
    if (!details.isConnected) return;
    const answer = await api(`/api/v1/admin/hand-overs/${encodeURIComponent(id)}`);
    if (!details.isConnected) return;
    if (answer.status !== 200) {
      // Just started (no worker has run it yet) or Temporal busy: the hand-over runs on regardless.
      say(words('handOver.retrying', { error: answer.body?.detail ?? answer.status }));
      window.setTimeout(() => void poll(), HAND_OVER_POLL_MS);
      return;
    }
    const progress = answer.body;
    const counts = words('handOver.counts', progress.counts);
    say(`${words(`handOver.stage.${progress.stage}`)} · ${counts}`);
    details.replaceChildren(...present(handOverDetails(progress)));
    if (HAND_OVER_ENDS.includes(progress.stage)) await reloadAll();
    else window.setTimeout(() => void poll(), HAND_OVER_POLL_MS);
  };
  void poll();
}

function handOverDetails(progress) {
  const row = (label, value) => [el('dt', {}, label), el('dd', {}, value)];
  return [
    el(
      'dl',
      { className: 'facts' },
      row(words('handOver.successor'), progress.successorId ? personLabel(progress.successorId) : '—'),
      row(words('handOver.startedAt'), localTime(progress.startedAt)),
      progress.completedAt ? row(words('handOver.completedAt'), localTime(progress.completedAt)) : [],
    ),
    progress.stage === 'completed' ? el('p', { className: 'notice' }, words('handOver.done')) : undefined,
    progress.problems?.length
      ? el(
          'div',
          { className: 'alert' },
          words('handOver.refused'),
          el(
            'ul',
            {},
            progress.problems.map((found) => el('li', {}, `${found.field}: ${found.key}`)),
          ),
        )
      : undefined,
    table(
      undefined,
      ['kind', 'item', 'status', 'to', 'reason'].map((column) => words(`handOver.column.${column}`)),
      progress.items.map((item) => [
        words(`handOver.kind.${item.kind}`),
        item.kind === 'case' ? el('a', { href: `#/cases/${encodeURIComponent(item.id)}` }, item.id) : item.id,
        words(`handOver.status.${item.status}`),
        item.to ? personLabel(item.to) : undefined,
        // A failure's reason is the error's own text; skip and wait reasons are codes with words.
        item.status === 'failed' ? item.reason : item.reason ? words(`handOver.reason.${item.reason}`) : undefined,
      ]),
      words('handOver.empty'),
      'stacked',
    ),
  ];
}

// ---------------------------------------------------------------- units

function nameFields(prefix, name) {
  return [
    ...field(`${prefix}-name-zh`, words('unit.nameZh'), input('name.zh-CN', { value: name?.['zh-CN'] ?? '' })),
    ...field(`${prefix}-name-en`, words('unit.nameEn'), input('name.en', { value: name?.en ?? '' })),
  ];
}

function readName(data) {
  const en = text(data, 'name.en');
  return { 'zh-CN': text(data, 'name.zh-CN'), ...(en ? { en } : {}) };
}

function addressesField(prefix, addresses) {
  return field(
    `${prefix}-addresses`,
    words('unit.addresses'),
    el('textarea', { name: 'addresses', rows: 3 }, (addresses ?? []).join('\n')),
    words('unit.addressesHint'),
  );
}

function openAddUnit() {
  const parent = unitOf(dir.selected);
  const title = words('unit.addHeading', { parent: unitLabel(dir.selected) });
  const level = LEVELS[LEVELS.indexOf(parent.level) + 1] ?? 'grid';
  const form = directoryForm(
    'dir-add-unit',
    [
      ...field('au-id', words('unit.id'), input('id', { required: true }), words('idHint')),
      ...field(
        'au-level',
        words('unit.level'),
        select(
          'level',
          LEVELS.map((each) => [each, t(`level.${each}`)]),
          level,
        ),
      ),
      ...field(
        'au-parent',
        words('unit.parent'),
        select(
          'parent',
          unitOptions((unit) => unit.level !== 'grid'),
          parent.id,
        ),
      ),
      ...nameFields('au', undefined),
      ...field('au-duty', words('unit.dutyOfficer'), select('dutyOfficer', [['', '—'], ...staffOptions(undefined)], ''), words('unit.dutyOfficerHint')),
      ...addressesField('au', []),
      boundsField('au', undefined),
    ],
    words('unit.addSubmit'),
    (data) => {
      const addresses = readAddresses(data);
      const bounds = readBounds(data);
      const body = {
        id: text(data, 'id'),
        level: text(data, 'level'),
        parent: text(data, 'parent'),
        name: readName(data),
        dutyOfficer: text(data, 'dutyOfficer'),
        ...(addresses.length > 0 ? { addresses } : {}),
        ...(bounds ? { bounds } : {}),
      };
      return api('/api/v1/admin/units', { method: 'POST', body: JSON.stringify(body) });
    },
    (answer) => finished(title, words('saved.unitAdded', { name: nameOf(answer.body.unit.name), id: answer.body.unit.id })),
  );
  openEditor(title, form);
}

async function openUnitEdit(unitId) {
  const title = words('unit.editHeading', { name: unitLabel(unitId) });
  const answer = await api(`/api/v1/admin/units/${encodeURIComponent(unitId)}`);
  if (answer.status !== 200) return unreadable(title, answer);
  const unit = answer.body.unit;
  const ifMatch = answer.headers.get('etag') ?? `"${unit.revision}"`;
  const grid = unit.level === 'grid';
  // A unit moves under another unit of the level above; one outside the scope stays where it is.
  const parentLevel = LEVELS[LEVELS.indexOf(unit.level) - 1];
  const parents = unitOptions((candidate) => candidate.level === parentLevel);
  const movable = unit.parent !== undefined && unitOf(unit.parent) !== undefined;
  const officers = staffOptions(undefined);
  if (!officers.some(([id]) => id === unit.dutyOfficer.id)) officers.unshift([unit.dutyOfficer.id, unit.dutyOfficer.name ?? unit.dutyOfficer.id]);
  const form = directoryForm(
    'dir-edit-unit',
    [
      el('p', {}, words('unit.idIs', { id: unit.id, level: t(`level.${unit.level}`) })),
      ...nameFields('eu', unit.name),
      ...(movable ? field('eu-parent', words('unit.parent'), select('parent', parents, unit.parent), grid ? words('unit.moveGridHint') : undefined) : []),
      ...field('eu-duty', words('unit.dutyOfficer'), select('dutyOfficer', officers, unit.dutyOfficer.id), words('unit.dutyOfficerHint')),
      ...(grid ? addressesField('eu', unit.addresses) : []),
      grid ? boundsField('eu', unit.bounds) : undefined,
    ],
    words('save'),
    (data) => {
      // Only what changed, so the audit shows the change itself.
      const body = {};
      const name = readName(data);
      if (!same(name, unit.name)) body.name = name;
      if (movable && text(data, 'parent') !== unit.parent) body.parent = text(data, 'parent');
      if (text(data, 'dutyOfficer') !== unit.dutyOfficer.id) body.dutyOfficer = text(data, 'dutyOfficer');
      if (grid) {
        const addresses = readAddresses(data);
        if (!same(addresses, unit.addresses)) body.addresses = addresses;
        const bounds = readBounds(data) ?? null;
        if (!same(bounds, unit.bounds ?? null)) body.bounds = bounds;
      }
      return api(`/api/v1/admin/units/${encodeURIComponent(unit.id)}`, { method: 'PATCH', headers: { 'if-match': ifMatch }, body: JSON.stringify(body) });
    },
    (saved) => finished(title, words('saved.unitSaved', { name: nameOf(saved.body.unit.name) })),
    () => openUnitEdit(unitId),
  );
  openEditor(title, form);
}

// ---------------------------------------------------------------- the audit

/** A value of an audited entry in words: names for units and staff, the catalog's for roles and levels. */
function shown(key, value) {
  if (key === 'active') return words(value === false ? 'staff.left' : 'staff.active');
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return '—';
  if (key === 'parent' || key === 'unit') return unitLabel(value);
  if (key === 'dutyOfficer') return personLabel(value);
  if (key === 'role') return roleLabel(value);
  if (key === 'level') return t(`level.${value}`);
  if (key === 'name' && typeof value === 'object') return Object.values(value).join(' / ');
  if (key === 'posts') return list(value.map((post) => (post.role ? `${unitLabel(post.unit)} · ${roleLabel(post.role)}` : unitLabel(post.unit))));
  if (key === 'addresses') return list(value);
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** What an audit row changed: each field that reads differently, before → after (an added entry's before is all —). */
function changes(entry) {
  const keys = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])].filter((key) => key !== 'id');
  const lines = keys
    .map((key) => ({
      field: words(`field.${key}`),
      before: entry.before ? shown(key, entry.before[key]) : '—',
      after: entry.after ? shown(key, entry.after[key]) : '—',
    }))
    .filter((line) => line.before !== line.after);
  return el(
    'ul',
    { className: 'diff' },
    lines.map((line) => el('li', {}, words('audit.line', line))),
  );
}

const AUDIT_COLUMNS = ['when', 'who', 'change', 'target', 'what', 'reason'];

function auditRow(entry) {
  const target = entry.target.kind === 'unit' ? unitLabel(entry.target.id) : personLabel(entry.target.id);
  const cells = [
    el('time', { datetime: entry.at }, localTime(entry.at)),
    entry.actorId === 'import' ? words('audit.importer') : personLabel(entry.actorId),
    words(`change.${entry.change}`),
    words('audit.targetOf', { name: target, id: entry.target.id }),
    changes(entry),
    entry.reason,
  ];
  return el(
    'tr',
    { 'data-change': entry.change, 'data-target': entry.target.id },
    cells.map((cell, index) => el('td', { 'data-label': words(`audit.${AUDIT_COLUMNS[index]}`) }, cell)),
  );
}

/** The audit, newest first: the first page, or the next one (`from` is the answer's `next` link) below it. */
async function fillAudit(from) {
  const section = document.getElementById('dir-audit');
  if (!section) return;
  const answer = await api(from ?? `/api/v1/admin/audit?limit=${AUDIT_PAGE_SIZE}`);
  if (answer.status !== 200) {
    section.replaceChildren(
      el('h2', { id: 'dir-audit-h' }, words('audit.heading')),
      el('p', { className: 'alert', role: 'alert' }, words('unavailable', { error: answer.body?.detail ?? answer.status })),
    );
    return;
  }
  let body = from ? section.querySelector('tbody') : null;
  if (!body) {
    body = el('tbody');
    const more = el(
      'button',
      { type: 'button', className: 'secondary', id: 'dir-audit-more', onclick: () => void fillAudit(dir.auditNext) },
      words('audit.more'),
    );
    section.replaceChildren(
      el('h2', { id: 'dir-audit-h' }, words('audit.heading')),
      answer.body.entries.length === 0
        ? el('p', { className: 'empty' }, words('audit.empty'))
        : el(
            'table',
            { id: 'dir-audit-table', className: 'audit stacked' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                AUDIT_COLUMNS.map((column) => el('th', { scope: 'col' }, words(`audit.${column}`))),
              ),
            ),
            body,
          ),
      el('p', {}, more),
    );
  }
  body.append(...answer.body.entries.map(auditRow));
  dir.auditNext = answer.body.next;
  const more = /** @type {HTMLButtonElement} */ (section.querySelector('#dir-audit-more'));
  more.hidden = dir.auditNext === undefined;
}
