// @ts-check
/**
 * The supervisors' dashboard: a small page over the gridflow API, without a framework or a build
 * step. It signs in with a staff token, then shows the signed-in supervisor's subtree only (the
 * API scopes every answer). Every word comes from /dashboard/messages.json (the catalogs); user
 * text is only ever set as textContent, never parsed as HTML. It refreshes itself by polling.
 */

import { isAdmin, renderDirectory } from './directory.js';
import { api, clearRefusal, el, localTime, LEVELS, main, onUnauthorized, read, showRefusal, state, statusLine, t, table } from './page.js';

const TOKEN_KEY = 'gridflow.staffToken';
const params = new URLSearchParams(location.search);
/** Seconds between refreshes; `?refresh=` overrides (tests use a short one). */
const REFRESH_MS = Math.max(1, Number(params.get('refresh') ?? 15) || 15) * 1000;

// ---------------------------------------------------------------- words and times

/** A wall-clock time typed in the city's zone (yyyy-MM-ddTHH:mm) as an ISO instant. */
function cityWallTimeToIso(wall) {
  const [date, time] = wall.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, hh, mm);
  // The zone's offset at that moment: how far its wall clock is from UTC's.
  const shown = localTime(new Date(asUtc).toISOString());
  const [sd, st] = shown.split(' ');
  const [sy, sm, sdd] = sd.split('-').map(Number);
  const [sh, smin] = st.split(':').map(Number);
  const offset = Date.UTC(sy, sm - 1, sdd, sh, smin) - asUtc;
  return new Date(asUtc - offset).toISOString();
}

/** A duration in the largest sensible unit. */
function duration(ms) {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 120) return t('dashboard.duration.minutes', { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 72) return t('dashboard.duration.hours', { count: hours });
  return t('dashboard.duration.days', { count: Math.round(hours / 24) });
}

const unitName = (id) => state.me.units.find((unit) => unit.id === id)?.name ?? id;
const staffName = (id) => state.me.staffDirectory.find((person) => person.id === id)?.name ?? id;
const categoryName = (id) => state.me.categories.find((category) => category.id === id)?.name ?? id;

// ---------------------------------------------------------------- the catalog's words

async function loadMessages(lang) {
  let response = await fetch(`/dashboard/messages.json${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`);
  // A language the catalogs lack is refused (400): then the browser's language.
  if (!response.ok && lang) response = await fetch('/dashboard/messages.json');
  state.messages = await response.json();
  document.documentElement.lang = state.messages.locale;
  document.title = t('dashboard.title');
  /** @type {HTMLElement} */ (document.getElementById('page-title')).textContent = t('dashboard.title');
  /** @type {HTMLElement} */ (document.getElementById('skip-link')).textContent = t('dashboard.skip');
}

// ---------------------------------------------------------------- sign-in

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  state.me = null;
  window.clearInterval(state.timer);
  renderSignIn(reason);
}

function renderSignIn(error) {
  /** @type {HTMLElement} */ (document.getElementById('who')).replaceChildren();
  main.className = '';
  const input = el('textarea', { id: 'token', name: 'token', rows: 3, required: true, autocomplete: 'off', 'aria-describedby': 'token-hint' });
  const form = el(
    'form',
    {
      className: 'signin',
      onsubmit: async (event) => {
        event.preventDefault();
        state.token = input.value.trim();
        sessionStorage.setItem(TOKEN_KEY, state.token);
        await start();
      },
    },
    el('h2', {}, t('dashboard.signIn.heading')),
    error ? el('p', { className: 'alert', role: 'alert' }, error) : undefined,
    el('label', { for: 'token' }, t('dashboard.signIn.tokenLabel')),
    input,
    el('p', { className: 'hint', id: 'token-hint' }, t('dashboard.signIn.tokenHint')),
    el('button', { type: 'submit' }, t('dashboard.signIn.submit')),
  );
  main.replaceChildren(el('section', {}, form));
  input.focus();
}

async function start() {
  const me = await api('/api/v1/me');
  if (me.status !== 200) return signOut(t('dashboard.signIn.invalid'));
  state.me = me.body;
  await loadMessages(params.get('lang') ?? state.me.locale);
  const who = /** @type {HTMLElement} */ (document.getElementById('who'));
  who.replaceChildren(
    el('span', {}, t('dashboard.signIn.signedInAs', { name: state.me.staff.name, unit: unitName(state.me.staff.unit) })),
    isAdmin(state.me) ? el('a', { href: '#/directory' }, t('dashboard.directory.link')) : undefined,
    el('button', { type: 'button', className: 'secondary', onclick: () => signOut() }, t('dashboard.signIn.signOut')),
  );
  window.clearInterval(state.timer);
  state.timer = window.setInterval(() => void refresh(), REFRESH_MS);
  await route();
}

// ---------------------------------------------------------------- routing and refresh

/** `#/units/<id>` (the board of a unit), `#/cases/<id>` (a case), `#/directory[/<unit id>]` (the directory's admin page), else the board of the scope. */
function currentView() {
  const directory = /^#\/directory(?:\/([^/]+))?$/.exec(location.hash);
  if (directory) return { kind: 'directory', unit: directory[1] === undefined ? undefined : decodeURIComponent(directory[1]) };
  const match = /^#\/(units|cases)\/([^/]+)$/.exec(location.hash);
  if (match?.[1] === 'cases') return { kind: 'case', id: decodeURIComponent(match[2]) };
  return { kind: 'board', unit: match ? decodeURIComponent(match[2]) : state.me.scope };
}

async function route() {
  if (!state.me) return;
  const view = currentView();
  state.view = JSON.stringify(view);
  if (view.kind === 'case') await renderCase(view.id);
  else if (view.kind === 'directory') await renderDirectory(view.unit);
  else await renderBoard(view.unit);
}

/** Re-reads the data of the current view without rebuilding its forms. */
async function refresh() {
  if (!state.me) return;
  const view = currentView();
  // The directory page re-reads only when asked: a poll would pull entries from under an open form.
  if (view.kind === 'directory') return;
  try {
    if (view.kind === 'case') await fillCase(view.id);
    else await fillBoard(view.unit);
    statusLine.textContent = t('dashboard.refreshed', { time: localTime(new Date().toISOString()) });
  } catch (error) {
    statusLine.textContent = t('dashboard.refreshFailed', { error: error instanceof Error ? error.message : String(error) });
  }
}

window.addEventListener('hashchange', () => void route());

// ---------------------------------------------------------------- the board

const caseLink = (id) => el('a', { href: `#/cases/${encodeURIComponent(id)}` }, id);

async function renderBoard(unit) {
  main.className = 'board';
  const lineage = [];
  for (let id = unit; id; id = state.me.units.find((u) => u.id === id)?.parent) lineage.unshift(id);
  const parent = lineage.length > 1 ? lineage[lineage.length - 2] : undefined;
  main.replaceChildren(
    el(
      'nav',
      { className: 'wide crumbs', 'aria-label': t('dashboard.scope') },
      el('strong', {}, `${t('dashboard.scope')}：`),
      ...lineage.map((id, index) =>
        index === lineage.length - 1 ? el('span', { 'aria-current': 'page' }, unitName(id)) : el('a', { href: `#/units/${id}` }, unitName(id)),
      ),
      parent ? el('a', { href: `#/units/${parent}` }, t('dashboard.up', { unit: unitName(parent) })) : undefined,
    ),
    el(
      'section',
      { className: 'wide', id: 'overdue', 'aria-labelledby': 'overdue-h' },
      el('h2', { id: 'overdue-h' }, t('dashboard.overdue.heading')),
      el('p', {}, t('dashboard.loading')),
    ),
    el(
      'section',
      { id: 'will-breach', 'aria-labelledby': 'breach-h' },
      el('h2', { id: 'breach-h' }, t('dashboard.willBreach.heading')),
      el('label', { for: 'within' }, t('dashboard.willBreach.within')),
      el(
        'select',
        {
          id: 'within',
          onchange: (event) => {
            state.withinHours = Number(event.target.value);
            void refresh();
          },
        },
        [4, 24, 72].map((hours) => el('option', { value: hours, selected: hours === state.withinHours }, t('dashboard.willBreach.hours', { count: hours }))),
      ),
      el('div', { id: 'will-breach-list' }),
    ),
    el('section', { id: 'load', 'aria-labelledby': 'load-h' }, el('h2', { id: 'load-h' }, t('dashboard.load.heading')), el('div', { id: 'load-list' })),
    el(
      'section',
      { className: 'wide', id: 'children', 'aria-labelledby': 'children-h' },
      el('h2', { id: 'children-h' }, t('dashboard.children.heading')),
      el('div', { id: 'children-list' }),
    ),
    el(
      'section',
      { className: 'wide', id: 'compliance', 'aria-labelledby': 'compliance-h' },
      el('h2', { id: 'compliance-h' }, t('dashboard.compliance.heading')),
      el('div', { id: 'compliance-charts' }),
    ),
  );
  await refresh();
}

async function fillBoard(unit) {
  const q = `unit=${encodeURIComponent(unit)}`;
  const [overdue, summary, compliance] = await Promise.all([
    read(`/api/v1/supervision/overdue?${q}&escalated=true`),
    read(`/api/v1/supervision/summary?${q}&withinHours=${state.withinHours}`),
    read(`/api/v1/obligations/compliance?${q}`),
  ]);
  const now = Date.now();

  const overdueSection = /** @type {HTMLElement} */ (document.getElementById('overdue'));
  const groups = LEVELS.map((level) => ({ level, items: overdue.items.filter((c) => c.level === level) })).filter((group) => group.items.length > 0);
  overdueSection.replaceChildren(
    el('h2', { id: 'overdue-h' }, t('dashboard.overdue.heading')),
    ...(groups.length === 0
      ? [el('p', { className: 'empty' }, t('dashboard.overdue.empty'))]
      : groups.map((group) =>
          table(
            t('dashboard.overdue.group', { level: t(`level.${group.level}`), count: group.items.length }),
            ['case', 'unit', 'category', 'assignee', 'age', 'overdueBy'].map((column) => t(`dashboard.column.${column}`)),
            group.items.map((c) => [
              caseLink(c.id),
              unitName(c.unitId),
              categoryName(c.category),
              staffName(c.assigneeId),
              duration(now - Date.parse(c.submittedAt)),
              c.overdueMs > 0 ? el('span', { className: 'overdue' }, duration(c.overdueMs)) : el('span', { className: 'escalated' }, t(`level.${c.level}`)),
            ]),
            '',
          ),
        )),
  );

  /** @type {HTMLElement} */ (document.getElementById('will-breach-list')).replaceChildren(
    table(
      undefined,
      ['case', 'unit', 'assignee', 'dueAt'].map((column) => t(`dashboard.column.${column}`)),
      summary.willBreach.items.map((c) => [caseLink(c.id), unitName(c.unitId), staffName(c.assigneeId), localTime(c.dueAt)]),
      t('dashboard.willBreach.empty'),
    ),
  );
  /** @type {HTMLElement} */ (document.getElementById('load-list')).replaceChildren(
    table(
      undefined,
      ['assignee', 'open', 'overdue'].map((column) => t(`dashboard.column.${column}`)),
      summary.loadByAssignee.map((row) => [
        staffName(row.assigneeId),
        String(row.open),
        row.overdue > 0 ? el('span', { className: 'overdue' }, String(row.overdue)) : '0',
      ]),
      t('dashboard.load.empty'),
    ),
  );
  const counts = (byStatusAndLevel) =>
    Object.entries(byStatusAndLevel)
      .flatMap(([status, levels]) => Object.entries(levels).map(([level, n]) => `${t(`status.${status}`)} × ${t(`level.${level}`)}: ${n}`))
      .join('；');
  /** @type {HTMLElement} */ (document.getElementById('children-list')).replaceChildren(
    table(
      undefined,
      ['unit', 'open', 'overdue', 'counts'].map((column) => t(`dashboard.column.${column}`)),
      summary.children.map((child) => [
        el('a', { href: `#/units/${child.unitId}`, 'aria-label': t('dashboard.children.drill', { unit: unitName(child.unitId) }) }, unitName(child.unitId)),
        String(child.open),
        child.overdue > 0 ? el('span', { className: 'overdue' }, String(child.overdue)) : '0',
        counts(child.byStatusAndLevel),
      ]),
      t('dashboard.children.empty'),
    ),
  );
  /** @type {HTMLElement} */ (document.getElementById('compliance-charts')).replaceChildren(
    ...(compliance.obligations === 0
      ? [el('p', { className: 'empty' }, t('dashboard.compliance.empty'))]
      : [
          el(
            'p',
            { className: 'legend' },
            el('span', {}, el('span', { className: 'swatch met', 'aria-hidden': 'true' }), t('dashboard.compliance.legendMet')),
            el('span', {}, el('span', { className: 'swatch missed', 'aria-hidden': 'true' }), t('dashboard.compliance.legendMissed')),
          ),
          chart(t('dashboard.compliance.byUnit'), compliance.byUnit, unitName),
          chart(t('dashboard.compliance.byPerson'), compliance.byPerson, staffName),
        ]),
  );
}

/** Met/missed periods as horizontal bars, each with its figures in words for screen readers. */
function chart(caption, rows, nameOf) {
  const widest = Math.max(1, ...rows.map((row) => row.met + row.missed));
  return el(
    'figure',
    {},
    el('figcaption', {}, el('h3', {}, caption)),
    el(
      'ul',
      { className: 'chart' },
      rows.slice(0, 30).map((row) => {
        const words = t('dashboard.compliance.bar', {
          name: nameOf(row.id),
          met: row.met,
          missed: row.missed,
          currentMet: row.currentMet,
          obligations: row.obligations,
        });
        return el(
          'li',
          { 'aria-label': words, title: words },
          el('span', {}, nameOf(row.id)),
          el(
            'span',
            { className: 'bar', 'aria-hidden': 'true' },
            el('span', { className: 'met', width: `${(100 * row.met) / widest}%` }),
            el('span', { className: 'missed', width: `${(100 * row.missed) / widest}%` }),
          ),
        );
      }),
    ),
  );
}

// ---------------------------------------------------------------- a case

async function renderCase(id) {
  main.className = '';
  const zone = state.me.city.timeZone;
  const reassignTo = el(
    'select',
    { id: 'assignee', name: 'assigneeId', required: true },
    el('option', { value: '' }, '—'),
    state.me.staffDirectory.map((person) => el('option', { value: person.id }, `${person.name}（${unitName(person.unit)}）`)),
  );
  main.replaceChildren(
    el('p', {}, el('a', { href: '#/' }, t('dashboard.case.back'))),
    el(
      'section',
      { id: 'case', 'aria-labelledby': 'case-h' },
      el('h2', { id: 'case-h' }, t('dashboard.case.heading', { id })),
      el('div', { id: 'case-facts' }, t('dashboard.loading')),
    ),
    el(
      'section',
      { 'aria-labelledby': 'actions-h' },
      el('h2', { id: 'actions-h' }, t('dashboard.case.actions')),
      el(
        'div',
        { className: 'forms' },
        actionForm(id, 'reassign', t('dashboard.case.reassign'), [
          el('label', { for: 'assignee' }, t('dashboard.case.assignee')),
          reassignTo,
          el('label', { for: 'reassign-reason' }, t('dashboard.case.reason')),
          el('textarea', { id: 'reassign-reason', name: 'reason', rows: 2 }),
        ]),
        actionForm(id, 'move_deadline', t('dashboard.case.moveDeadline'), [
          el('label', { for: 'due-at' }, t('dashboard.case.newDeadline', { zone })),
          el('input', { id: 'due-at', name: 'dueAt', type: 'datetime-local', required: true }),
          el('label', { for: 'move-reason' }, t('dashboard.case.reason')),
          el('textarea', { id: 'move-reason', name: 'reason', rows: 2, required: true }),
        ]),
        actionForm(id, 'escalate', t('dashboard.case.escalate'), [
          el('label', { for: 'escalate-reason' }, t('dashboard.case.reason')),
          el('textarea', { id: 'escalate-reason', name: 'reason', rows: 2, required: true }),
        ]),
      ),
    ),
    el(
      'section',
      { 'aria-labelledby': 'timeline-h' },
      el('h2', { id: 'timeline-h' }, t('dashboard.case.timeline')),
      el('ol', { id: 'timeline', className: 'timeline' }),
    ),
  );
  /** @type {HTMLElement} */ (document.getElementById('case-h')).focus?.();
  await refresh();
}

/** One supervisor action as a form; the API's refusal is shown inside it, naming the fields. */
function actionForm(caseId, type, title, fields) {
  const feedback = el('div', { 'aria-live': 'assertive' });
  const form = el(
    'form',
    {
      id: `action-${type}`,
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(form).entries());
        const body = { type };
        for (const [name, value] of Object.entries(data)) {
          if (value === '') continue;
          body[name] = name === 'dueAt' ? cityWallTimeToIso(String(value)) : value;
        }
        clearRefusal(form, feedback);
        const answer = await api(`/api/v1/cases/${encodeURIComponent(caseId)}/actions`, { method: 'POST', body: JSON.stringify(body) });
        if (answer.status === 200) {
          feedback.replaceChildren(el('p', { className: 'notice', role: 'status' }, t('dashboard.case.done', { action: title })));
          form.reset();
          await fillCase(caseId);
          return;
        }
        showRefusal(form, feedback, answer, t('dashboard.case.failed'));
      },
    },
    el('h3', {}, title),
    ...fields,
    el('p', {}, el('button', { type: 'submit' }, t('dashboard.case.submit'))),
    feedback,
  );
  return form;
}

async function fillCase(id) {
  const answer = await api(`/api/v1/cases/${encodeURIComponent(id)}`);
  const facts = document.getElementById('case-facts');
  if (!facts) return;
  if (answer.status !== 200) {
    facts.replaceChildren(el('p', { className: 'alert', role: 'alert' }, t('dashboard.case.notFound', { error: answer.body?.detail ?? answer.status })));
    return;
  }
  const c = answer.body;
  const row = (label, ...value) => [el('dt', {}, label), el('dd', {}, ...value)];
  facts.replaceChildren(
    el(
      'dl',
      { className: 'facts' },
      row(t('dashboard.column.status'), t(`status.${c.status}`)),
      row(t('dashboard.column.level'), `${t(`level.${c.level}`)} · ${unitName(c.unitId)}`),
      row(t('dashboard.column.assignee'), staffName(c.assigneeId)),
      row(t('dashboard.column.category'), categoryName(c.category)),
      row(
        t('dashboard.case.currentDeadline'),
        c.overdue ? el('span', { className: 'overdue' }, `${localTime(c.dueAt)} · ${t('dashboard.case.overdueNow')}`) : localTime(c.dueAt),
        // A deadline past the last date the holiday calendar knows may fall a working day early: say so.
        c.dueBeyondCalendar ? el('div', { className: 'notice', role: 'note' }, t('dashboard.case.dueBeyondCalendar')) : undefined,
      ),
      row(t('dashboard.case.submittedAt'), localTime(c.submittedAt)),
      c.address ? row(t('dashboard.case.address'), c.address) : [],
      row(t('dashboard.case.description'), c.description),
    ),
  );
  /** @type {HTMLElement} */ (document.getElementById('timeline')).replaceChildren(
    ...c.timeline.map((entry) => {
      const escalation = entry.type === 'escalated';
      const actor = entry.actor?.kind === 'staff' ? staffName(entry.actor.id) : t(`actor.${entry.actor?.kind ?? 'system'}`);
      return el(
        'li',
        { className: escalation ? 'escalation' : undefined, 'data-type': entry.type },
        el('time', { datetime: entry.at }, localTime(entry.at)),
        el('strong', {}, escalation ? `⬆ ${t('dashboard.case.escalation')}：${t(`event.${entry.type}`)}` : t(`event.${entry.type}`)),
        ' ',
        el('span', {}, t('dashboard.case.by', { actor })),
        entry.unitId ? ` · ${unitName(entry.unitId)}` : '',
        entry.note ? el('div', {}, String(entry.note).startsWith('systemReason.') ? t(entry.note) : entry.note) : undefined,
      );
    }),
  );
}

// ---------------------------------------------------------------- start

onUnauthorized(() => signOut(t('dashboard.signIn.invalid')));
state.token = sessionStorage.getItem(TOKEN_KEY);
await loadMessages(params.get('lang') ?? undefined);
if (state.token) await start();
else renderSignIn();
