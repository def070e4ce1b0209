// Drives code-server (VS Code in the browser) with Debian's Chromium and checks
// what a person would see: the squiggle and message of an error, completion of
// keys, a quick fix, and the live preview of the generated service.
//
//   node e2e.mjs URL ARTIFACT_DIR PROJECT_DIR
// Prints one line per check and "vscode: N passed, N failed" at the end.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [url, artifacts, project] = process.argv.slice(2);
if (!url || !artifacts || !project) {
  console.error('usage: node e2e.mjs URL ARTIFACT_DIR PROJECT_DIR');
  process.exit(2);
}

const results = [];
let shot = 0;
let page;

const norm = (s) => (s ?? '').replace(/\u00a0/g, ' ');

async function screenshot(name) {
  shot += 1;
  const file = path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file });
  } catch (e) {
    console.error(`  (screenshot ${name} failed: ${e.message})`);
  }
  return file;
}

async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`not ok - ${name}: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
  }
  await screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
}

async function waitFor(what, fn, timeout = 20000, interval = 250) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
    }
    await page.waitForTimeout(interval);
  }
}

/** Text of the visible lines of the editor in `group` (0 = left). */
async function editorText(selector) {
  return norm(
    await page.evaluate((sel) => {
      const ed = document.querySelector(sel);
      if (!ed) return '';
      const lines = [...ed.querySelectorAll('.view-lines .view-line')];
      lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return lines.map((l) => l.textContent).join('\n');
    }, selector),
  );
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10000 });
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
}

async function gotoLine(line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
}

const UNIT_EDITOR = '.monaco-editor[data-uri$="/web.container"]';
const PREVIEW_EDITOR = '.monaco-editor[data-uri^="quadlet-preview:"]';

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 760 },
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-gpu',
      '--disable-dev-shm-usage',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20000);
  // the browser console carries the extension host's errors: keep it
  const consoleLog = fs.createWriteStream(path.join(artifacts, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));

  try {
    await check('workbench loads with the project', async () => {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60000 });
      await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 60000 });
      await waitFor('web.container in the explorer', async () =>
        (await page.locator('.explorer-folders-view', { hasText: 'web.container' }).count()) > 0,
      60000);
    });

    await check('unit opens in the quadlet language', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'web.container' }).first().click();
      await page.locator(UNIT_EDITOR).waitFor({ state: 'visible' });
      await waitFor('Image= in the editor', async () => (await editorText(UNIT_EDITOR)).includes('Image='));
      const mode = page.locator('#status\\.editor\\.mode');
      await waitFor('status bar language "Quadlet"', async () => /Quadlet/.test(await mode.innerText()), 20000);
    });

    await check('error squiggle under the unknown key', async () => {
      await waitFor('a .squiggly-error decoration', async () =>
        (await page.locator(`${UNIT_EDITOR} .squiggly-error`).count()) > 0,
      30000);
    });

    await check('hover over the squiggle shows the message', async () => {
      const squiggle = page.locator(`${UNIT_EDITOR} .squiggly-error`).first();
      const box = await squiggle.boundingBox();
      if (!box) throw new Error('squiggle has no box');
      await page.mouse.move(box.x + Math.min(8, box.width / 2), box.y + box.height / 2);
      await waitFor('a hover naming Environmen', async () => {
        const hovers = page.locator('.monaco-hover:not(.hidden)');
        const n = await hovers.count();
        for (let i = 0; i < n; i++) {
          if (norm(await hovers.nth(i).innerText()).includes('Environmen')) return true;
        }
        return false;
      }, 15000);
    });

    await check('problems panel lists the error', async () => {
      await page.mouse.move(5, 400);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: 10000 });
      await waitFor('a problem naming Environmen', async () =>
        norm(await panel.innerText()).includes('Environmen'));
    });

    await check('completion offers the section keys', async () => {
      await page.locator(`${UNIT_EDITOR} .view-lines`).click();
      await gotoLine(7);
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+Space');
      const widget = page.locator('.editor-widget.suggest-widget.visible');
      await widget.waitFor({ state: 'visible', timeout: 15000 });
      const labels = await waitFor('keys in the suggestion list', async () => {
        const text = norm(await widget.innerText());
        // keys that are not in the document, so not mere word completions
        return /\bVolume\b/.test(text) && /\bNetwork\b/.test(text) ? text : null;
      });
      console.log(`  completion shows: ${labels.split('\n').slice(0, 6).join(', ')}`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Backspace');
    });

    await check('quick fix corrects the key', async () => {
      await gotoLine(7);
      await page.keyboard.press('Home');
      await page.keyboard.press('Control+.');
      const rows = page.locator('.action-widget .monaco-list-row.action:visible');
      await waitFor('a fix in the menu', async () => (await rows.count()) > 0, 15000);
      console.log(`  quick fix: ${norm(await rows.first().innerText())}`);
      await page.keyboard.press('Enter');
      await waitFor('line 7 reads Environment=', async () =>
        (await editorText(UNIT_EDITOR)).split('\n').some((l) => l.startsWith('Environment=GREETING=hello')));
      await waitFor('the problem to leave the Problems panel', async () =>
        !/Environmen(?!t)/.test(norm(await page.locator('.markers-panel').innerText())), 15000);
    });

    await check('preview command shows the service with ExecStart=', async () => {
      await page.keyboard.press('Escape');
      await page.locator(`${UNIT_EDITOR} .view-lines`).click();
      await gotoLine(1);
      await runCommand('Quadlet: Preview generated service');
      await page.locator(PREVIEW_EDITOR).waitFor({ state: 'visible', timeout: 20000 });
      await waitFor('ExecStart= in the side editor', async () =>
        (await editorText(PREVIEW_EDITOR)).includes('ExecStart='), 20000);
      await waitFor('a web.service tab', async () =>
        (await page.locator('.tab', { hasText: 'web.service' }).count()) > 0);
    });

    await check('preview follows edits live', async () => {
      await page.locator(`${UNIT_EDITOR} .view-lines`).click();
      await gotoLine(7);
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('Environment=LIVE_EDIT=1', { delay: 10 });
      await page.keyboard.press('Escape');
      await waitFor('LIVE_EDIT in the preview', async () =>
        (await editorText(PREVIEW_EDITOR)).includes('LIVE_EDIT=1'), 20000);
    });
    await check('a typo is flagged while typing, with the preview beside', async () => {
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('Volum=data:/srv/data', { delay: 10 });
      await page.keyboard.press('Escape');
      const squiggle = page.locator(`${UNIT_EDITOR} .squiggly-error`);
      await waitFor('a squiggle on the new line', async () => (await squiggle.count()) > 0, 20000);
      // hover the last squiggle (the new line is the lowest one)
      const boxes = [];
      for (let i = 0; i < (await squiggle.count()); i++) {
        const b = await squiggle.nth(i).boundingBox();
        if (b) boxes.push(b);
      }
      boxes.sort((a, b) => a.y - b.y);
      const box = boxes[boxes.length - 1];
      await page.mouse.move(box.x + Math.min(8, box.width / 2), box.y + box.height / 2);
      await waitFor('a hover naming Volum', async () => {
        const hovers = page.locator('.monaco-hover:not(.hidden)');
        for (let i = 0; i < (await hovers.count()); i++) {
          if (norm(await hovers.nth(i).innerText()).includes('Volum')) return true;
        }
        return false;
      }, 15000);
      await page.waitForTimeout(300);
      // the picture for the README: squiggle, message and the live preview
      await page.screenshot({ path: path.join(artifacts, 'screenshot.png') });
    });
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  results.push(['test driver', false]);
  console.log(`not ok - test driver: ${e.message}`);
}
const passed = results.filter(([, ok]) => ok).length;
const failed = results.length - passed;
console.log(`vscode: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
