/**
 * The directory's admin page (issue 16 item 2) in a real browser against the real stack (dev
 * server, worker, SMTP, the records-store directory): a district admin adds a grid worker, moves a
 * grid to another community, sees both in the audit, meets a refusal beside its field and a
 * change someone else made meanwhile (412), deactivates a leaver with a successor and watches the
 * hand-over finish; at phone width, by keyboard, adds a grid after a refused first try; a
 * supervisor gets no link and the API's own 403 words at the address. Screenshots at desktop
 * (1280×900) and phone (390×844) size are saved.
 */
import type { Browser, Page } from 'playwright-core';
import { tinyCityConfig } from '../helpers/fixtures';
import { artifactPath, launchChromium, signInToDashboard } from '../helpers/browser';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ config: tinyCityConfig() }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });

/** A page that records script errors (the browser's own lines for the 4xx meant below are not). */
async function newPage(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** Signs in as `staffId` on the board. */
async function signIn(page: Page, staffId: string): Promise<void> {
  await signInToDashboard(page, stack.baseUrl, stack.tokenFor(staffId));
}

/** Chooses `unitName` in the tree; the unit's heading takes the focus. */
async function choose(page: Page, unitName: string, level: string): Promise<void> {
  await page.locator('#dir-tree').getByRole('link', { name: unitName, exact: true }).click();
  await page.getByRole('heading', { name: `${unitName}（${level}）`, exact: true }).waitFor();
}

const notice = (page: Page) => page.locator('#dir-editor [role="status"]');
const treeMeta = (page: Page, unitId: string) => page.locator(`#dir-tree li[data-unit="${unitId}"] > .node .meta`).textContent();

describe('the directory admin page (headless Chromium)', () => {
  test('an admin adds a grid worker, moves a grid, sees the audit, meets refusals in place, and hands a leaver over', async () => {
    // A contact duty held by the grid worker of g2, who leaves at the end: the hand-over has something to hand.
    const duty = await http(stack, 'POST', '/api/v1/obligations', {
      body: { obligeeId: 'g2-worker', unitId: 'g2', period: 'P7D', times: 1 },
      headers: bearer('d-admin'),
    });
    expect(duty.status).toBe(201);

    const { page, errors } = await newPage(DESKTOP);
    await signIn(page, 'd-admin');
    await page.locator('#who').getByRole('link', { name: '组织目录' }).click();
    await page.getByRole('heading', { name: '组织目录管理' }).waitFor();
    await expect(page.locator('#dir-summary').textContent()).resolves.toContain('您管理的范围：区');
    // The whole tree of the scope, each unit with its duty officer.
    expect(await page.locator('#dir-tree li').evaluateAll((items) => items.map((item) => item.getAttribute('data-unit')))).toEqual([
      'd',
      's',
      'c',
      'g',
      'c2',
      'g2',
    ]);
    await expect(treeMeta(page, 'g')).resolves.toBe('网格 · 值班：网格员');
    await expect(treeMeta(page, 'c2')).resolves.toBe('社区/村 · 值班：另一书记');

    // Add a grid worker to grid g, on duty there at once.
    await choose(page, '网格', '网格');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('dir-unit-h');
    await page.locator('#dir-unit').getByRole('button', { name: '新增人员' }).click();
    const add = page.locator('#dir-add-staff');
    await add.getByLabel('编号').fill('g-new');
    await add.getByLabel('姓名').fill('新网格员');
    await add.getByLabel('电子邮箱').fill('g-new@example.org');
    expect(await add.getByLabel('角色', { exact: true }).inputValue()).toBe('grid_worker');
    expect(await add.getByLabel('所在单位（第一岗位）').inputValue()).toBe('g');
    await add.getByLabel('同时担任该单位的值班人员（网格即网格员）').check();
    await add.getByRole('button', { name: '新增人员' }).click();
    await notice(page).filter({ hasText: '已新增人员：新网格员（g-new）' }).waitFor();
    await expect(treeMeta(page, 'g')).resolves.toBe('网格 · 值班：新网格员');
    const newRow = page.locator('#dir-unit tr').filter({ hasText: 'g-new' });
    await expect(newRow.textContent()).resolves.toContain('网格 · 网格员 · 本单位值班人员');
    expect((await http(stack, 'GET', '/api/v1/admin/staff/g-new', { headers: bearer('d-admin') })).body.staff).toMatchObject({
      unit: 'g',
      dutyOfficerOf: ['g'],
      active: true,
    });

    // Moving the only grid worker of g2 away is refused, beside the field that would do it.
    await choose(page, '另一网格', '网格');
    await page.getByRole('button', { name: '编辑或调动另一网格员' }).click();
    const edit = page.locator('#dir-edit-staff');
    await edit.getByLabel('所在单位（第一岗位）').selectOption('c2');
    await edit.getByRole('button', { name: '保存' }).click();
    await edit.getByRole('alert').waitFor();
    const unitSelect = edit.getByLabel('所在单位（第一岗位）');
    expect(await unitSelect.getAttribute('aria-invalid')).toBe('true');
    const besideUnit = edit.locator('#es-unit + .field-error');
    await expect(besideUnit.textContent()).resolves.toBe('网格g2将没有网格员：g2-worker在该网格没有岗位');
    expect(await unitSelect.getAttribute('aria-describedby')).toContain(await besideUnit.getAttribute('id'));
    await expect(edit.getByRole('alert').textContent()).resolves.toContain('body.unit');
    await page.screenshot({ path: artifactPath('directory-refusal-desktop.png'), fullPage: true });
    expect((await http(stack, 'GET', '/api/v1/admin/staff/g2-worker', { headers: bearer('d-admin') })).body.staff.unit).toBe('g2');

    // Move grid g to the other community.
    await choose(page, '网格', '网格');
    await page.getByRole('button', { name: '编辑单位' }).click();
    const unitForm = page.locator('#dir-edit-unit');
    await unitForm.getByLabel('上级单位').selectOption('c2');
    await unitForm.getByRole('button', { name: '保存' }).click();
    await notice(page).filter({ hasText: '已保存：网格' }).waitFor();
    await page.locator('#dir-tree li[data-unit="c2"] li[data-unit="g"]').waitFor();
    await expect(page.locator('#dir-unit').textContent()).resolves.toContain('上级单位另一社区');
    expect((await http(stack, 'GET', '/api/v1/admin/units/g', { headers: bearer('d-admin') })).body.unit.parent).toBe('c2');

    // Both are in the audit, newest first, with what changed.
    const auditRows = page.locator('#dir-audit-table tbody tr');
    const changes = await auditRows.evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-change')} ${row.getAttribute('data-target')}`));
    expect(changes.indexOf('unit.move g')).toBeGreaterThanOrEqual(0);
    expect(changes.indexOf('unit.move g')).toBeLessThan(changes.indexOf('staff.add g-new'));
    const moveRow = page.locator('#dir-audit-table tr[data-change="unit.move"][data-target="g"]');
    await expect(moveRow.textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}区管理员调整上级单位网格（g）上级单位：社区 → 另一社区$/);
    const addRow = page.locator('#dir-audit-table tr[data-change="staff.add"][data-target="g-new"]');
    await expect(addRow.textContent()).resolves.toContain('新增人员新网格员（g-new）');
    await expect(addRow.textContent()).resolves.toContain('所在单位：— → 网格');
    await page.screenshot({ path: artifactPath('directory-admin-desktop.png'), fullPage: true });

    // Someone else edits the grid while the form is open: the save is a 412, said so, and reloads.
    await page.getByRole('button', { name: '编辑单位' }).click();
    await unitForm.getByLabel('地址').fill('测试路1号\n测试路1号附楼');
    const read = await http(stack, 'GET', '/api/v1/admin/units/g', { headers: bearer('d-admin') });
    const meanwhile = await http(stack, 'PATCH', '/api/v1/admin/units/g', {
      headers: { ...bearer('d-admin'), 'if-match': read.headers.get('etag')! },
      body: { addresses: ['测试路1号', '测试路1号东'] },
    });
    expect(meanwhile.status).toBe(200);
    await unitForm.getByRole('button', { name: '保存' }).click();
    await unitForm.getByRole('alert').filter({ hasText: '该条目在您打开后已被他人修改，您的修改未保存。请重新读取后再改。' }).waitFor();
    await unitForm.getByRole('button', { name: '重新读取该条目' }).click();
    // The form is filled again once the entry has been read: wait for it rather than read at once.
    const reloaded = page.locator('#dir-edit-unit').getByLabel('地址');
    await waitFor(async () => ((await reloaded.inputValue()) === '测试路1号\n测试路1号东' ? true : undefined), 10_000, 'the reloaded addresses').catch(
      () => undefined,
    );
    await expect(reloaded.inputValue()).resolves.toBe('测试路1号\n测试路1号东');
    expect((await http(stack, 'GET', '/api/v1/admin/units/g', { headers: bearer('d-admin') })).body.unit.addresses).toEqual(['测试路1号', '测试路1号东']);

    // The grid worker of g2 leaves; the new grid worker takes over: the progress runs to the end.
    await choose(page, '另一网格', '网格');
    await page.getByRole('button', { name: '为另一网格员办理离岗交接' }).click();
    const leave = page.locator('#dir-deactivate');
    await expect(leave.textContent()).resolves.toContain('另一网格员现为以下单位的值班人员，这些值班岗位也交给接替人员：另一网格');
    // The successor is chosen among active staff, the leaver not among them.
    const successors = await leave
      .getByLabel('接替人员', { exact: true })
      .locator('option')
      .evaluateAll((options) => options.map((option) => option.getAttribute('value')));
    expect(successors).toContain('g-new');
    expect(successors).not.toContain('g2-worker');
    await leave.getByLabel('接替人员', { exact: true }).selectOption('g-new');
    await leave.getByLabel('离岗原因（记入审计记录）').fill('调往其他街道');
    await leave.getByRole('button', { name: '停用并交接' }).click();
    await page.getByRole('heading', { name: '离岗交接进度：另一网格员' }).waitFor();
    const progress = page.locator('#dir-editor [role="status"]');
    await progress.filter({ hasText: /^已完成 · 已交接 1 · 已跳过 0 · 等待 0 · 失败 0 · 待处理 0$/ }).waitFor({ timeout: 60_000 });
    await expect(page.locator('#dir-hand-over tbody').textContent()).resolves.toMatch(/^联系职责o-[^ ]+已交接新网格员$/);
    await expect(page.locator('#dir-hand-over').textContent()).resolves.toContain('交接已完成');
    // Read again once done: g2 has its new grid worker, the leaver is shown as left, the audit has it.
    await waitFor(async () => ((await treeMeta(page, 'g2')) === '网格 · 值班：新网格员' ? true : undefined), 10_000, 'the tree to show g2’s new grid worker');
    await expect(page.locator('#dir-unit tr').filter({ hasText: 'g2-worker' }).textContent()).resolves.toContain('已离岗');
    await page.locator('#dir-audit-table tr[data-change="staff.deactivate"][data-target="g2-worker"]').filter({ hasText: '调往其他街道' }).waitFor();
    await page.screenshot({ path: artifactPath('directory-hand-over-desktop.png'), fullPage: true });
    expect((await http(stack, 'GET', '/api/v1/me', { headers: bearer('g2-worker') })).status).toBe(401);
    const handedDuty = await http(stack, 'GET', `/api/v1/obligations/${duty.body.id as string}`, { headers: bearer('d-admin') });
    expect(handedDuty.body.obligeeId).toBe('g-new');

    await page.setViewportSize(PHONE);
    await page.getByRole('heading', { name: '离岗交接进度：另一网格员' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('directory-hand-over-phone.png'), fullPage: true });
    // Every word came from the catalogs: a missing key would show as its dotted path.
    expect(await page.locator('body').textContent()).not.toContain('dashboard.');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('at phone width, by keyboard: open the tree, choose a unit, add a grid after a refusal beside the bounds', async () => {
    const { page, errors } = await newPage(PHONE);
    await signIn(page, 'd-admin');
    await page.goto(`${stack.baseUrl}/dashboard/#/directory`);
    await page.getByRole('heading', { name: '组织目录管理' }).waitFor();
    // Nothing wider than the phone: the page does not scroll sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

    // A small scope starts open; a branch's toggle closes and opens it, and keeps the focus.
    const focused = () => page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label")');
    await page.getByRole('button', { name: '收起另一社区' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: '展开另一社区' }).getAttribute('aria-expanded')).toBe('false');
    expect(await focused()).toBe('展开另一社区');
    expect(await page.locator('#dir-tree li[data-unit="g2"]').count()).toBe(0);
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: '收起另一社区' }).getAttribute('aria-expanded')).toBe('true');
    expect(await focused()).toBe('收起另一社区');
    await page.locator('#dir-tree li[data-unit="c2"] li[data-unit="g2"]').waitFor();

    // Choose the community c by keyboard: the focus moves to its heading.
    await page.locator('#dir-tree').getByRole('link', { name: '社区', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '社区（社区/村）' }).waitFor();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('dir-unit-h');
    await page.screenshot({ path: artifactPath('directory-admin-phone.png'), fullPage: true });

    await page.getByRole('button', { name: '新增下级单位' }).click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('dir-editor-h');
    const form = page.locator('#dir-add-unit');
    expect(await form.getByLabel('层级').inputValue()).toBe('grid');
    expect(await form.getByLabel('上级单位').inputValue()).toBe('c');
    await form.getByLabel('编号').fill('g3');
    await form.getByLabel('名称（中文）').fill('第三网格');
    await form.getByLabel('值班人员（网格即网格员）').selectOption('g-worker');
    await form.getByLabel('地址').fill('测试路3号');
    // Bounds the wrong way round: refused, the message inside the bounds' group, each input marked.
    await form.getByLabel('最小经度').fill('121.5');
    await form.getByLabel('最小纬度').fill('39.5');
    await form.getByLabel('最大经度').fill('121.4');
    await form.getByLabel('最大纬度').fill('39.6');
    await form.getByRole('button', { name: '新增单位' }).press('Enter');
    await form.getByRole('alert').waitFor();
    await expect(form.locator('fieldset[data-field="bounds"] .field-error').textContent()).resolves.toBe('最小经纬度须小于最大经纬度');
    expect(await form.getByLabel('最小经度').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('最小经度').scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('directory-refusal-phone.png'), fullPage: true });

    await form.getByLabel('最大经度').fill('121.6');
    await form.getByRole('button', { name: '新增单位' }).press('Enter');
    await notice(page).filter({ hasText: '已新增单位：第三网格（g3）' }).waitFor();
    await page.locator('#dir-tree li[data-unit="c"] li[data-unit="g3"]').waitFor();
    const added = await http(stack, 'GET', '/api/v1/admin/units/g3', { headers: bearer('d-admin') });
    expect(added.body.unit).toMatchObject({
      parent: 'c',
      level: 'grid',
      dutyOfficer: { id: 'g-worker' },
      addresses: ['测试路3号'],
      bounds: [121.5, 39.5, 121.6, 39.6],
    });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(await page.locator('body').textContent()).not.toContain('dashboard.');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a non-admin gets no directory link, and the API’s 403 words at its address', async () => {
    const { page, errors } = await newPage(DESKTOP);
    await signIn(page, 's-lead');
    expect(await page.locator('#who').getByRole('link').count()).toBe(0);
    await page.goto(`${stack.baseUrl}/dashboard/#/directory`);
    const refusal = await http(stack, 'GET', '/api/v1/admin/directory', { headers: { ...bearer('s-lead'), 'accept-language': 'zh-CN' } });
    expect(refusal.status).toBe(403);
    await page
      .getByRole('alert')
      .filter({ hasText: `无法打开组织目录：${refusal.body.detail as string}` })
      .waitFor();
    expect(await page.locator('#dir-tree').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
