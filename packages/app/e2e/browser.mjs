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

/** The budget of one action or navigation, and of one test of a warmed-up session. */
export const ACTION_TIMEOUT = 30_000;
export const TEST_TIMEOUT = 90_000;
/** The first load of a session: a cold Chromium, the guest sign-in and the first API calls. */
export const WARM_UP_TIMEOUT = 120_000;

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
  // The app is a built bundle served by the backend: a step that takes longer than this is a
  // failure, not a slow machine. The first load of a session is covered by warmUp().
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', error => errors.push(error));
  // What the browser saw go wrong, printed when a test fails (see `diagnose`).
  const log = [];
  page.on('console', message => {
    // Errors, and warnings other than Backstage's deprecation notices.
    const text = message.text();
    if (
      message.type() === 'error' ||
      (message.type() === 'warning' &&
        !/DEPRECATION WARNING|is deprecated/.test(text))
    ) {
      log.push(`console.${message.type()}: ${text}`);
    }
  });
  // The guest sign-in asks with confirm() when the auth backend refuses it: record the question
  // and dismiss it, as Playwright does when nothing listens.
  page.on('dialog', dialog => {
    log.push(`dialog: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('requestfailed', request =>
    log.push(
      `request failed: ${request.method()} ${request.url()} (${
        request.failure()?.errorText
      })`,
    ),
  );
  page.on('response', response => {
    if (response.status() >= 400) {
      log.push(
        `HTTP ${response.status()}: ${response
          .request()
          .method()} ${response.url()}`,
      );
    }
  });
  return {
    page,
    errors,
    log,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a path of the portal, signing in as guest when the sign-in page asks. `timeout` bounds
 * each step (the navigation, the sign-in page or the view, the view after signing in).
 *
 * Waits for the sign-in page's Enter button or one of the plugin's own elements, never for a
 * progress bar: the sign-in page shows Backstage's progress bar (data-testid="progress") while it
 * checks for a session, and taking that for the plugin's view left the Enter button unclicked.
 */
export async function open(page, path, { timeout = ACTION_TIMEOUT } = {}) {
  await page.goto(`${frontendUrl}${path}`, {
    waitUntil: 'domcontentloaded',
    timeout,
  });
  const enter = page.getByRole('button', { name: 'Enter' });
  const view = page.locator('[data-testid^="llm-ops"]').first();
  const signInPage = await Promise.any([
    enter.waitFor({ state: 'visible', timeout }).then(() => true),
    view.waitFor({ state: 'attached', timeout }).then(() => false),
  ]);
  if (signInPage) {
    await enter.click({ timeout });
    await view.waitFor({ state: 'attached', timeout });
  }
}

/**
 * The first navigation of a browser session, before any timed test: loads the app into a cold
 * browser, completes the guest sign-in and waits for the overview's content, so that every test
 * after it measures the page it is about, not the session's start-up.
 */
export async function warmUp(page) {
  await open(page, '/llm-ops', { timeout: WARM_UP_TIMEOUT });
  await page
    .getByTestId('llm-ops-count-experiments')
    .waitFor({ timeout: WARM_UP_TIMEOUT });
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

/**
 * After a failed test or warm-up: a screenshot of where the page got to, and what the browser
 * logged, so that a failure on CI can be read without rerunning it.
 */
export async function diagnose(browser, name) {
  if (!browser) return;
  const shot = await screenshot(browser.page, `failed-${name}`).catch(
    error => `(no screenshot: ${error.message})`,
  );
  const lines = [
    `--- ${name}: at ${browser.page.url()}, screenshot ${shot}`,
    ...browser.log.slice(-30),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}
