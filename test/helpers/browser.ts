/**
 * Headless Chromium for page tests: Debian's `chromium` package driven by playwright-core (no
 * browser download). The flags keep Chromium from reaching for the network this machine does not
 * have. Screenshots go to test-artifacts/, which CI keeps as artefacts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian installs Chromium; CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium), as .ci/run does`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Path of an artefact file, creating the folder. */
export function artifactPath(name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}

/**
 * Opens the dashboard at `baseUrl` and signs in with `token`, waiting for the board.
 * `refreshSeconds` shortens the page's polling (the board test watches cases change).
 */
export async function signInToDashboard(page: Page, baseUrl: string, token: string, refreshSeconds?: number): Promise<void> {
  await page.goto(`${baseUrl}/dashboard/${refreshSeconds === undefined ? '' : `?refresh=${refreshSeconds}`}`);
  await page.getByLabel('访问令牌').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '超期与已上报工单' }).waitFor();
}
