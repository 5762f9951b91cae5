/**
 * Message catalogs (zh-CN first, en second) and the rendering of a notification e-mail: same keys
 * in both languages, every template present, user text escaped in HTML only, times shown in the
 * city's zone with their offset.
 */
import { SYSTEM_REASONS } from '../../src/domain/system-reasons';
import { PROBLEM_KINDS } from '../../src/api/errors';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../src/config/load';
import { CASE_STATUSES, type TimelineEntry } from '../../src/domain/case-model';
import { NOTIFICATION_TEMPLATES, type NotificationRequest } from '../../src/domain/notification';
import { OrgTree } from '../../src/domain/org-tree';
import { LEVELS, PRIORITIES, type Locale } from '../../src/domain/vocabulary';
import { CATALOGS, toLocale, translator } from '../../src/i18n';
import { formatLocalTime, renderNotification, type RenderContext } from '../../src/notifications/render';

/** Every leaf of a catalog as `dotted.path` → text. */
function leaves(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      for (const [leaf, text] of leaves(value, prefix ? `${prefix}.${key}` : key)) out.set(leaf, text);
    }
  } else {
    out.set(prefix, node);
  }
  return out;
}

const zh = leaves(CATALOGS['zh-CN']);
const en = leaves(CATALOGS.en);
const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();

describe('message catalogs', () => {
  it('have exactly the same key paths in zh-CN and en', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort());
    expect(zh.size).toBeGreaterThan(50);
  });

  it('hold only non-empty strings', () => {
    for (const [locale, catalog] of [
      ['zh-CN', zh],
      ['en', en],
    ] as const) {
      const bad = [...catalog].filter(([, text]) => typeof text !== 'string' || text.trim() === '').map(([key]) => `${locale}:${key}`);
      expect(bad).toEqual([]);
    }
  });

  it('use the same placeholders in both languages', () => {
    const differing = [...zh.keys()].filter((key) => placeholders(zh.get(key)).join() !== placeholders(en.get(key)).join());
    expect(differing).toEqual([]);
  });

  it('have a subject and a body for every notification template in both languages', () => {
    for (const template of NOTIFICATION_TEMPLATES) {
      for (const catalog of [zh, en]) {
        expect(catalog.get(`mail.${template}.subject`)).toEqual(expect.any(String));
        expect(catalog.get(`mail.${template}.body`)).toEqual(expect.any(String));
      }
    }
  });

  it('name every status, level, priority and problem kind', () => {
    const needed = [
      ...CASE_STATUSES.map((status) => `status.${status}`),
      ...LEVELS.map((level) => `level.${level}`),
      ...PRIORITIES.map((priority) => `priority.${priority}`),
      ...Object.keys(PROBLEM_KINDS).map((kind) => `problem.${kind}`),
    ];
    expect(needed.filter((key) => !zh.has(key))).toEqual([]);
  });

  it('translate through i18next in the language asked for', () => {
    expect(translator('zh-CN')('level.community')).toBe('社区/村');
    expect(translator('en')('level.community')).toBe('community');
    expect(translator('en')('mail.greeting', { name: 'Li' })).toBe('Dear Li,');
  });
});

describe('toLocale', () => {
  it.each([
    ['en', 'en'],
    ['en-US', 'en'],
    ['EN-gb', 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-Hant-TW', 'zh-CN'],
    ['fr-FR', 'zh-CN'],
    ['', 'zh-CN'],
    [undefined, 'zh-CN'],
  ])('maps %p to %s', (tag, expected) => {
    expect(toLocale(tag)).toBe(expected);
  });

  it('uses the fallback given for an unsupported or missing tag', () => {
    expect(toLocale('de', 'en')).toBe('en');
    expect(toLocale(undefined, 'en')).toBe('en');
    expect(toLocale('zh-TW', 'en')).toBe('zh-CN');
  });
});

describe('renderNotification', () => {
  const config = loadConfig(DEFAULT_CONFIG_PATH);
  const org = new OrgTree(config.units, config.staff);
  const nameIn = (name: { 'zh-CN': string; en?: string | undefined } | undefined, locale: Locale) =>
    name === undefined ? undefined : locale === 'en' ? (name.en ?? name['zh-CN']) : name['zh-CN'];

  /** The context the notify activity builds for a staff recipient, in that person's language. */
  function contextFor(staffId: string): RenderContext {
    const person = org.staff(staffId)!;
    return {
      locale: person.locale,
      timeZone: config.city.timeZone,
      recipientName: person.name,
      categoryName: (id) => nameIn(config.categories.find((category) => category.id === id)?.name, person.locale) ?? id,
      unitName: (id) => nameIn(org.unit(id)?.name, person.locale) ?? id,
      staffName: (id) => org.staff(id)?.name ?? id,
      caseUrl: 'https://gridflow.example.org/dashboard#/cases/c-1?a=1&b=2',
    };
  }

  const HOSTILE = `<script>alert(1)</script> & "double" 'single'`;
  const timeline: TimelineEntry[] = [
    {
      seq: 1,
      at: '2026-03-16T01:30:00.000Z',
      type: 'submitted',
      actor: { kind: 'integration', id: 'hotline-12345' },
      level: 'grid',
      unitId: 'santang-1',
      assigneeId: 'sui-lei',
    },
    {
      seq: 2,
      at: '2026-03-16T02:05:00.000Z',
      type: 'note',
      actor: { kind: 'staff', id: 'sui-lei', role: 'grid_worker', unitId: 'santang-1' },
      level: 'grid',
      unitId: 'santang-1',
      assigneeId: 'sui-lei',
      note: '需要<社区>协调',
    },
    {
      seq: 3,
      at: '2026-03-17T09:00:00.000Z',
      type: 'escalated',
      actor: { kind: 'system' },
      level: 'community',
      unitId: 'santang',
      assigneeId: 'qu-guilan',
      details: { from: { level: 'grid', unitId: 'santang-1' }, to: { level: 'community', unitId: 'santang' } },
    },
  ];
  const request: NotificationRequest = {
    messageId: 'case-c-1.3.case_escalated',
    template: 'case_escalated',
    staffIds: ['qu-guilan'],
    facts: {
      caseId: 'c-1',
      category: 'road_repair',
      priority: 'high',
      description: HOSTILE,
      address: '三堂村一组 5号 <b>',
      level: 'community',
      unitId: 'santang',
      dueAt: '2026-03-17T09:30:00.000Z',
      status: 'assigned',
    },
    extra: { reason: 'deadline passed <now>' },
    timeline,
  };

  it("shows a system reason in the reader's language, in the body and in the history", () => {
    const system: NotificationRequest = {
      ...request,
      extra: { reason: SYSTEM_REASONS.deadlinePassed },
      timeline: timeline.map((entry) => (entry.type === 'escalated' ? { ...entry, note: SYSTEM_REASONS.deadlinePassed } : entry)),
    };
    const zhText = renderNotification(system, contextFor('qu-guilan')).text;
    expect(zhText).toContain('原因：超过办理时限未办结');
    expect(zhText).toMatch(/上报 · 三堂村 · .* · 超过办理时限未办结/);
    expect(zhText).not.toContain('systemReason');
    const enText = renderNotification(system, { ...contextFor('qu-guilan'), locale: 'en' }).text;
    expect(enText).toContain('The deadline passed without resolution');
  });

  describe('for a zh-CN recipient (the default locale of staff)', () => {
    const person = org.staff('qu-guilan')!;
    const rendered = renderNotification(request, contextFor('qu-guilan'));

    it('is a staff member whose locale defaulted to zh-CN', () => {
      expect(person.locale).toBe('zh-CN');
    });

    it('renders the Chinese subject and body with the unit and the level the case came from', () => {
      expect(rendered.subject).toBe('【升级】工单 c-1 已上报至三堂村');
      expect(rendered.text).toContain('该工单在网格未按时办结，已上报至三堂村，请您接办。原因：deadline passed <now>');
      expect(rendered.text.startsWith('曲桂兰，您好：')).toBe(true);
      expect(rendered.text).toContain('类别: 道路维修');
      expect(rendered.text).toContain('紧急程度: 高');
      expect(rendered.text).toContain('当前层级: 社区/村');
    });

    it('keeps user text raw in the plain text', () => {
      expect(rendered.text).toContain(`诉求内容: ${HOSTILE}`);
      expect(rendered.text).toContain('地址: 三堂村一组 5号 <b>');
    });

    it('escapes every user-supplied value in the HTML', () => {
      expect(rendered.html).not.toContain('<script>');
      expect(rendered.html).not.toContain('<b>');
      expect(rendered.html).not.toContain('<now>');
      expect(rendered.html).not.toContain('<社区>');
      expect(rendered.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;');
      expect(rendered.html).toContain('原因：deadline passed &lt;now&gt;');
      expect(rendered.html).toContain('href="https://gridflow.example.org/dashboard#/cases/c-1?a=1&amp;b=2"');
      expect(rendered.html).toContain('<html lang="zh-CN">');
    });

    it('shows times in Asia/Shanghai with the offset', () => {
      // 09:30Z is 17:30 in Shanghai.
      expect(rendered.text).toContain('办理时限: 2026-03-17 17:30 (UTC+8)');
      expect(rendered.html).toContain('2026-03-17 17:30 (UTC+8)');
    });

    it('lists the translated timeline, oldest first', () => {
      const history = rendered.text
        .slice(rendered.text.indexOf('办理记录:'))
        .split('\n')
        .filter((line) => line.startsWith('- '));
      expect(history).toEqual([
        '- 2026-03-16 09:30 (UTC+8) 提交 · 三堂村第一网格 · 接入渠道',
        '- 2026-03-16 10:05 (UTC+8) 备注 · 三堂村第一网格 · 隋磊 · 需要<社区>协调',
        '- 2026-03-17 17:00 (UTC+8) 上报 · 三堂村 · 系统',
      ]);
      expect(rendered.html).toContain('<li>2026-03-16 10:05 (UTC+8) 备注 · 三堂村第一网格 · 隋磊 · 需要&lt;社区&gt;协调</li>');
    });

    it('does not interpolate placeholders or nesting found in user text', () => {
      const sneaky = renderNotification(
        { ...request, template: 'case_resolved', extra: { note: '{{caseId}} $t(mail.footer)', confirmBy: '2026-03-20T10:00:00.000Z' } },
        contextFor('qu-guilan'),
      );
      expect(sneaky.text).toContain('您反映的问题已办结：{{caseId}} $t(mail.footer)。如不满意，请在 2026-03-20 18:00 (UTC+8) 前反馈');
    });
  });

  describe('for an en recipient', () => {
    const rendered = renderNotification(request, contextFor('yang-ming'));

    it('renders the English catalog, names and timeline', () => {
      expect(org.staff('yang-ming')?.locale).toBe('en');
      expect(rendered.subject).toBe('[Escalated] Case c-1 now with Santang Village');
      expect(rendered.text.startsWith('Dear 杨明,')).toBe(true);
      expect(rendered.text).toContain('This case was not resolved in time at the grid level and is now with Santang Village.');
      expect(rendered.text).toContain('Category: Road repair');
      expect(rendered.text).toContain('Due: 2026-03-17 17:30 (UTC+8)');
      expect(rendered.text).toContain('- 2026-03-16 09:30 (UTC+8) submitted · Santang Village Grid 1 · integration');
      expect(rendered.text).toContain('- 2026-03-17 17:00 (UTC+8) escalated · Santang Village · system');
      expect(rendered.html).toContain('<html lang="en">');
      // No Chinese label or catalog text leaks into the English e-mail.
      expect(rendered.text).not.toMatch(/办理记录|诉求内容|工单|网格/);
    });
  });

  it('leaves out the due time, address, history and link when there are none', () => {
    const bare = renderNotification(
      { ...request, template: 'case_assigned', facts: { ...request.facts!, dueAt: undefined, address: undefined }, timeline: undefined, extra: undefined },
      { ...contextFor('sui-lei'), caseUrl: undefined },
    );
    expect(bare.subject).toBe('【新工单】道路维修（c-1）');
    expect(bare.text).not.toContain('办理时限');
    expect(bare.text).not.toContain('地址');
    expect(bare.text).not.toContain('办理记录');
    expect(bare.html).not.toContain('<a href');
  });

  it('shows an unknown timeline event by its type', () => {
    const odd = renderNotification({ ...request, timeline: [{ ...timeline[0]!, type: 'teleported' }] }, contextFor('qu-guilan'));
    expect(odd.text).toContain('- 2026-03-16 09:30 (UTC+8) teleported · 三堂村第一网格 · 接入渠道');
  });
});

describe('formatLocalTime', () => {
  it('shows an instant in the given zone with its offset, whatever offset it was written in', () => {
    expect(formatLocalTime('2026-11-27T06:30:00Z', 'Asia/Shanghai')).toBe('2026-11-27 14:30 (UTC+8)');
    expect(formatLocalTime('2026-11-27T14:30:00+08:00', 'Asia/Shanghai')).toBe('2026-11-27 14:30 (UTC+8)');
    expect(formatLocalTime('2026-07-01T12:00:00Z', 'America/New_York')).toBe('2026-07-01 08:00 (UTC-4)');
  });
});
