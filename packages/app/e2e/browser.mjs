// A headless Chromium from Debian (never a downloaded browser build), driven by playwright-core,
// with a fresh profile per launch, and the page helpers the tests share.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// playwright-core is a devDependency of the repository root, where the e2e tooling lives.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { chromium } from 'playwright-core';

export const frontendUrl = (
  process.env.LLM_OPS_E2E_FRONTEND_URL ?? 'http://localhost:3100'
).replace(/\/$/, '');
export const backendUrl = (
  process.env.LLM_OPS_E2E_BACKEND_URL ?? 'http://localhost:7100'
).replace(/\/$/, '');
export const artifacts =
  process.env.LLM_OPS_E2E_ARTIFACTS ?? join(process.cwd(), 'e2e-artifacts');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium with a fresh user-data-dir; `close()` removes it again. */
export async function launch({ theme = 'light' } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'llm-ops-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LLM_OPS_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 1000 },
    colorScheme: theme,
  });
  // Backstage keeps the chosen theme in local storage under `theme`.
  await context.addInitScript(t => {
    window.localStorage.setItem('theme', t);
  }, theme);
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', error => errors.push(error));
  return {
    page,
    errors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a path of the portal, signing in as guest when the sign-in page asks. */
export async function open(page, path) {
  await page.goto(`${frontendUrl}${path}`, { waitUntil: 'domcontentloaded' });
  // Either the sign-in page (guest: "Enter") or one of the plugin's views (or its progress bar).
  const enter = page.getByRole('button', { name: 'Enter' });
  const view = page
    .locator('[data-testid^="llm-ops"], [data-testid="progress"]')
    .first();
  await Promise.any([
    enter.waitFor({ state: 'visible' }),
    view.waitFor({ state: 'attached' }),
  ]);
  if (await enter.isVisible()) {
    await enter.click();
    await view.waitFor({ state: 'attached' });
  }
}

/** Saves a full-page screenshot as e2e-artifacts/<name>.png. */
export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  // Let charts and transitions settle.
  await page.waitForTimeout(500);
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
