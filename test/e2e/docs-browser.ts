// /docs in a real browser: Debian's chromium driven by playwright-core (nothing downloads a browser).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type ConsoleMessage } from 'playwright-core';
import { ROOT } from '../cli/helpers.js';
import { startFresh, STAFF } from './differential.js';
import { stopServer } from './support.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface DocsCheck {
  /** operation ids Swagger UI rendered, per version (the name in its version switch) */
  operations: Record<string, string[]>;
  /** the status "Try it out" got for GET /api/<version>/me with a token from the Authorize dialog */
  tryItStatus: number;
  /** CSP violations and errors the page logged */
  problems: string[];
  screenshot: string;
  /** what docsJourney expected to see: each version's operation ids, from its document */
  expected?: Record<string, string[]>;
}

/**
 * Opens /docs, reads the operations of every version through the version switch, authorizes with `token`, runs
 * "Try it out" on GET /me of the newest version, and keeps a screenshot under .tmp/artifacts/.
 */
export async function checkDocsPage(baseUrl: string, token: string, screenshotName: string): Promise<DocsCheck> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const problems: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    // the browser's own favicon request is the only 404 a page of ours may cause
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico') && !/\/me$/.test(response.url()))
        problems.push(`${response.status()}: ${response.url()}`);
    });
    await page.goto(`${baseUrl}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });

    const operations: Record<string, string[]> = {};
    const versions = await page.$$eval('.topbar select option', (options) =>
      options.map((option) => (option as HTMLOptionElement).textContent ?? ''),
    );
    for (const version of versions) {
      await page.selectOption('.topbar select', { label: version });
      // the document's own path to this version shows once Swagger UI has switched to it
      await page.waitForFunction(
        (id) => document.querySelector('.information-container .url')?.textContent?.includes(`/api/${id}/`) === true,
        version.split(' ')[0]!,
      );
      await page.waitForSelector('.opblock');
      // each operation's id is in its DOM id (operations-<tag>-<operationId>)
      // sorted: Swagger UI groups them by tag, the document by path
      operations[version] = (
        await page.$$eval('.opblock', (blocks) => blocks.map((block) => block.id.split('-').slice(2).join('-')))
      ).sort();
    }

    // the newest current version is the default; authorize, then try GET /me
    const newest = versions.find((name) => !name.includes('deprecated')) ?? versions[0]!;
    await page.selectOption('.topbar select', { label: newest });
    await page.waitForSelector('.opblock');
    await page.click('button.authorize');
    await page.fill('.auth-container input[type=text]', token);
    await page.click('.auth-container button.authorize');
    await page.click('button.btn-done');
    const me = page.locator('.opblock', { has: page.locator('.opblock-summary-path', { hasText: /\/me$/ }) }).first();
    await me.locator('.opblock-summary').click();
    await me.locator('button.try-out__btn').click();
    const answer = page.waitForResponse((response) => /\/me$/.test(response.url()));
    await me.locator('button.execute').click();
    const tryItStatus = (await answer).status();
    await me.locator('.responses-table.live-responses-table').waitFor();

    const folder = path.join(ROOT, '.tmp/artifacts');
    await mkdir(folder, { recursive: true });
    const screenshot = path.join(folder, screenshotName);
    await page.screenshot({ path: screenshot, fullPage: false });
    return { operations, tryItStatus, problems, screenshot };
  } finally {
    await browser.close();
  }
}

/**
 * /docs of a generated project on a fresh server: every operation of every version listed (as its document names
 * them), "Try it out" with a staff token answered 200, no CSP violation or failed load; a screenshot kept.
 */
export async function docsJourney(project: string, name: string): Promise<DocsCheck> {
  const server = await startFresh(project);
  try {
    const login = await fetch(`${server.url}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(STAFF),
    });
    const { access } = (await login.json()) as { access: string };
    const check = await checkDocsPage(server.url, access, `docs-${name}.png`);
    const expected: Record<string, string[]> = {};
    for (const version of Object.keys(check.operations)) {
      const id = version.split(' ')[0]!;
      const document = (await (await fetch(`${server.url}/api/${id}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { operationId: string }>>;
      };
      expected[version] = Object.values(document.paths)
        .flatMap((operations) => Object.values(operations).map((operation) => operation.operationId))
        .sort();
    }
    return { ...check, expected };
  } finally {
    await stopServer(server);
  }
}
