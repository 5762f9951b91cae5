/**
 * The supervisors' dashboard in a real browser against the real stack (dev server, worker, SMTP,
 * API) of a tiny city whose deadlines are 4 seconds at every level: a street supervisor signs
 * in with a token, watches a new case appear on the board once its deadline passes and it
 * escalates, opens its timeline, reassigns it, and sees the API's refusals in place. Another
 * community's secretary never sees it. Screenshots of the board (desktop and phone) are saved.
 */
import type { Browser, Page } from 'playwright-core';
import { tinyCityConfig } from '../helpers/fixtures';
import { artifactPath, launchChromium, signInToDashboard } from '../helpers/browser';
import { http, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ config: tinyCityConfig() }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens the dashboard (refreshing every second) and signs in as `staffId`. */
async function signIn(page: Page, staffId: string): Promise<void> {
  await signInToDashboard(page, stack.baseUrl, stack.tokenFor(staffId), 1);
}

describe('supervisor dashboard (headless Chromium)', () => {
  test('sign in, see a case appear once overdue, open its timeline, reassign it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      // The browser logs every 4xx it fetched; the refusals below are meant. Script errors are not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await signIn(page, 's-lead');
    await page.getByText('街道领导（街道）').waitFor();
    await page.getByText('没有超期或已上报的工单').waitFor();

    const created = await http(stack, 'POST', '/api/v1/cases', {
      body: { category: 'road_repair', description: '井盖缺失，夜间危险', address: '测试路1号', reporter: { name: '李四', email: 'lisi@example.com' } },
      headers: { 'x-api-key': stack.apiKeys.app! },
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;

    // Not on the board while it is within its grid deadline; there once it passes (4 s) without a reload.
    expect(await page.getByRole('link', { name: caseId }).count()).toBe(0);
    const link = page.locator('#overdue').getByRole('link', { name: caseId });
    await link.waitFor({ timeout: 20_000 });
    const row = page.locator('#overdue tr').filter({ has: page.getByRole('link', { name: caseId }) });
    // Escalated to the community: its unit, the category, the community's duty officer, the level.
    await expect(row.textContent()).resolves.toMatch(new RegExp(`^${caseId}社区道路维修社区书记\\d+ 分钟社区/村$`));
    await page.screenshot({ path: artifactPath('dashboard-board-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: artifactPath('dashboard-board-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // The case's timeline: every step with its actor and local time, escalations marked.
    await link.click();
    await page.getByRole('heading', { name: `工单 ${caseId}` }).waitFor();
    await page.locator('#timeline li.escalation').first().waitFor();
    const steps = await page.locator('#timeline li').allTextContents();
    expect(steps[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}提交 由 接入渠道/);
    expect(steps.some((step) => step.includes('⬆ 上报'))).toBe(true);
    await expect(page.locator('#case-facts').textContent()).resolves.toContain('当前办理时限');

    // A refusal of the API is shown inside the form, naming the field.
    const moveForm = page.locator('#action-move_deadline');
    await moveForm.getByLabel(/新的办理时限/).fill('2020-01-01T09:00');
    await moveForm.getByRole('button', { name: '提交' }).click();
    await moveForm.getByRole('alert').waitFor();
    await expect(moveForm.getByRole('alert').textContent()).resolves.toContain('body.reason');
    expect(await moveForm.locator('textarea[name="reason"]').getAttribute('aria-invalid')).toBe('true');
    await moveForm.getByLabel('原因').fill('等待配件');
    await moveForm.getByRole('button', { name: '提交' }).click();
    await moveForm.getByRole('alert').filter({ hasText: '新的时限必须晚于当前时间' }).waitFor();

    // Reassign within the street; the timeline shows it.
    const reassign = page.locator('#action-reassign');
    await reassign.getByLabel('改派给').selectOption('g2-worker');
    await reassign.getByLabel('原因').fill('就近处理');
    await reassign.getByRole('button', { name: '提交' }).click();
    await reassign.getByRole('status').waitFor();
    await page.locator('#timeline li[data-type="reassigned"]').waitFor();
    const read = await http(stack, 'GET', `/api/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${stack.tokenFor('s-lead')}` } });
    expect(read.body.assigneeId).toBe('g2-worker');
    await page.screenshot({ path: artifactPath('dashboard-case.png'), fullPage: true });

    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test("shows only the signed-in supervisor's subtree", async () => {
    const created = await http(stack, 'POST', '/api/v1/cases', {
      body: { category: 'road_repair', description: '路灯不亮', address: '测试路1号', reporter: { name: '王五' } },
      headers: { 'x-api-key': stack.apiKeys.app! },
    });
    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, 'c2-sec');
    // Wait past the deadline: the case escalates, but within community c, not c2.
    await page.waitForTimeout(6_000);
    await page.getByText(/更新于/).waitFor();
    expect(await page.getByRole('link', { name: created.body.id as string }).count()).toBe(0);
    // Drill-down links only go down from the signed-in unit; another unit's board is refused.
    await page.goto(`${stack.baseUrl}/dashboard/?refresh=1#/units/c`);
    await page.getByText(/刷新失败/).waitFor();
    await page.close();
  });

  test('the page keeps to itself: strict Content-Security-Policy, keyboard-reachable sign-in', async () => {
    const answer = await fetch(`${stack.baseUrl}/dashboard/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/dashboard/`);
    // The token field has the focus on arrival; the only stop before it is the skip link.
    await page.getByLabel('访问令牌').waitFor();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('token');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('跳到主要内容');
    // Signing in by keyboard alone: type the token, Tab to the button, Enter.
    await page.getByLabel('访问令牌').focus();
    await page.keyboard.type(stack.tokenFor('d-admin'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '超期与已上报工单' }).waitFor();
    await page.close();
  });
});
