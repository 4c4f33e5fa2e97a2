#!/usr/bin/env node
// Browser smoke test for the wujin web UI.
//
// For each demo account: log in, collect every link of the side menu
// (nav.menu a[href]), visit each page once in the default language (zh) and
// once with ?lang=en, and fail a page on any of:
//   - main document HTTP status >= 400, or a redirect back to /login or to the
//     forced password change page,
//   - a console message of type "error", or an uncaught page error,
//   - a same-origin request answered with status >= 400 (or failing outright),
//   - the untranslated-key marker "⟦" anywhere in the rendered document.
//
// Environment:
//   WUJIN_URL          base URL of a running server   (default http://127.0.0.1:18080)
//   WUJIN_ACCOUNTS     comma-separated usernames      (default admin,leader,dept,town,cadre,firm)
//   WUJIN_PASSWORD     password of every account      (default demo12345)
//   WUJIN_SCREENSHOTS  if set, a directory for <account>-<slug>-<lang>.png
//   WUJIN_VIEWPORT     WIDTHxHEIGHT                    (default 1366x768)
//   WUJIN_CHROMIUM     browser executable             (default /usr/bin/chromium)
//   WUJIN_WORKERS      accounts checked in parallel   (default 2)
//   WUJIN_BUDGET_S     overall time budget in seconds (default 160); no new
//                      page is started after it, and the run is killed 15 s later
//
// Output: one line per page ("ok  admin  /admin/users  zh", or "FAIL ..."
// followed by indented reasons), then a closing line "N passed, M failed".
// Exit status is 0 only when nothing failed.

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const NAV_TIMEOUT_MS = 30_000;
const SETTLE_MAX_MS = 5_000;
const SETTLE_QUIET_MS = 150;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
];
// Links in the menu that must never be followed by a crawler.
const SKIP_PATH = /^\/(logout|signout|auth\/logout)(\/|$)/i;

const env = process.env;
const cfg = {
  base: (env.WUJIN_URL || 'http://127.0.0.1:18080').replace(/\/+$/, ''),
  accounts: (env.WUJIN_ACCOUNTS || 'admin,leader,dept,town,cadre,firm')
    .split(',').map((s) => s.trim()).filter(Boolean),
  password: env.WUJIN_PASSWORD || 'demo12345',
  screenshots: env.WUJIN_SCREENSHOTS || '',
  viewport: parseViewport(env.WUJIN_VIEWPORT || '1366x768'),
  executablePath: env.WUJIN_CHROMIUM || '/usr/bin/chromium',
  workers: Math.max(1, Number.parseInt(env.WUJIN_WORKERS || '2', 10) || 1),
  budgetMs: Math.max(10, Number(env.WUJIN_BUDGET_S || '160')) * 1000,
};

const started = Date.now();
const tally = { passed: 0, failed: 0 };
let closed = false;
let fatal = '';
let browser = null;

function parseViewport(s) {
  const m = /^(\d+)x(\d+)$/.exec(s.trim());
  if (!m) {
    console.log(`smoke: WUJIN_VIEWPORT must look like 1366x768, got "${s}"; using 1366x768`);
    return { width: 1366, height: 768 };
  }
  return { width: Number(m[1]), height: Number(m[2]) };
}

function clip(s, n = 300) {
  s = String(s).replace(/\s+/g, ' ').trim();
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function report(ok, account, shownPath, lang, reasons = []) {
  if (closed) return;
  if (ok) tally.passed++; else tally.failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${account}  ${shownPath}  ${lang}`);
  for (const r of reasons) console.log(`        - ${clip(r)}`);
}

function finish() {
  if (closed) return;
  closed = true;
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exitCode = tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

function overBudget() {
  return Date.now() - started > cfg.budgetMs;
}

function slugOf(u) {
  const s = `${u.pathname}${u.search}`.toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'home';
}

function withLang(u, lang) {
  const v = new URL(u);
  if (lang === 'en') v.searchParams.set('lang', 'en');
  return v;
}

const sameOrigin = (url) => {
  try { return new URL(url).origin === new URL(cfg.base).origin; } catch { return false; }
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Attaches listeners once per page; each visit gets a fresh bucket of problems.
function instrument(page) {
  const t = { problems: [], inflight: new Set() };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc && loc.url ? ` (${loc.url}${loc.lineNumber ? `:${loc.lineNumber}` : ''})` : '';
    const hint = loc && /\/favicon\.ico$/.test(loc.url || '')
      ? ' — serve /favicon.ico or declare <link rel="icon"> in the layout' : '';
    t.problems.push(`console error: ${msg.text()}${where}${hint}`);
  });
  page.on('pageerror', (err) => t.problems.push(`page error: ${err && err.message ? err.message : err}`));
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  page.on('request', (req) => t.inflight.add(req));
  page.on('requestfinished', (req) => t.inflight.delete(req));
  page.on('requestfailed', (req) => {
    t.inflight.delete(req);
    const err = req.failure() ? req.failure().errorText : 'failed';
    // ERR_ABORTED happens legitimately when a navigation or htmx cancels a request.
    if (sameOrigin(req.url()) && !/ERR_ABORTED/.test(err)) {
      t.problems.push(`request failed: ${req.method()} ${req.url()} (${err})`);
    }
  });
  page.on('response', (res) => {
    const req = res.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) return; // checked by visit()
    if (sameOrigin(res.url()) && res.status() >= 400) {
      t.problems.push(`HTTP ${res.status()} for ${req.method()} ${res.url()}`);
    }
  });
  t.reset = () => { t.problems = []; t.inflight.clear(); };
  return t;
}

// Waits until no request has been in flight for a short while (htmx "load"
// triggers and the like), bounded by SETTLE_MAX_MS.
async function settle(t) {
  const end = Date.now() + SETTLE_MAX_MS;
  let quietSince = null;
  while (Date.now() < end) {
    if (t.inflight.size === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= SETTLE_QUIET_MS) return;
    } else {
      quietSince = null;
    }
    await sleep(50);
  }
}

async function checkDocument(page, t, reasons) {
  const html = await page.content();
  if (html.includes('⟦')) {
    const keys = [...new Set([...html.matchAll(/⟦([^⟧<]{0,80})⟧?/g)].map((m) => m[1]))];
    reasons.push(`untranslated key marker ⟦…⟧ in page: ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ` (+${keys.length - 8} more)` : ''}`);
  }
  reasons.push(...t.problems);
}

async function screenshot(page, account, u, lang) {
  if (!cfg.screenshots) return;
  const file = path.join(cfg.screenshots, `${account}-${slugOf(u)}-${lang}.png`);
  await page.screenshot({ path: file, timeout: NAV_TIMEOUT_MS }).catch((e) => {
    console.log(`        (screenshot ${file} failed: ${clip(e.message, 120)})`);
  });
}

function isLoginPath(u) { return /^\/login\/?$/.test(u.pathname); }
function isPasswordChange(u) { return u.pathname.startsWith('/account/password'); }

async function visit(page, t, account, target, lang) {
  const shown = `${target.pathname}${target.search}`;
  if (overBudget()) return false;
  const reasons = [];
  t.reset();
  const url = withLang(target, lang);
  try {
    const res = await page.goto(url.href, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    if (res && res.status() >= 400) reasons.push(`HTTP ${res.status()} for ${url.pathname}${url.search}`);
    const landed = new URL(page.url());
    if (isLoginPath(landed)) reasons.push(`redirected to ${landed.pathname} (session lost or page not permitted)`);
    else if (isPasswordChange(landed) && !isPasswordChange(target)) reasons.push(`redirected to ${landed.pathname} (forced password change)`);
    await settle(t);
    await checkDocument(page, t, reasons);
    await screenshot(page, account, target, lang);
  } catch (e) {
    reasons.push(`navigation failed: ${e.message.split('\n')[0]}`);
    reasons.push(...t.problems);
  }
  report(reasons.length === 0, account, shown, lang, reasons);
  return true;
}

// Returns true when the account reached a page with the side menu, even if
// the login page itself had problems (those are reported, not fatal).
async function login(page, t, account) {
  const reasons = [];
  let loggedIn = false;
  t.reset();
  const loginUrl = new URL('/login', cfg.base);
  try {
    const res = await page.goto(loginUrl.href, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    if (res && res.status() >= 400) reasons.push(`HTTP ${res.status()} for /login`);
    await page.fill('input[name=username]', account, { timeout: NAV_TIMEOUT_MS });
    await page.fill('input[name=password]', cfg.password, { timeout: NAV_TIMEOUT_MS });
    const navigated = page.waitForURL((u) => !isLoginPath(u), { waitUntil: 'load', timeout: NAV_TIMEOUT_MS })
      .then(() => 'navigated');
    const rejected = page.locator('.flash.error, .field-error').first()
      .waitFor({ state: 'visible', timeout: NAV_TIMEOUT_MS }).then(() => 'rejected');
    navigated.catch(() => {});
    rejected.catch(() => {});
    await page.click('form#login-form button[type=submit]', { timeout: NAV_TIMEOUT_MS });
    const outcome = await Promise.race([navigated, rejected]);
    const landed = new URL(page.url());
    if (outcome === 'rejected' && isLoginPath(landed)) {
      const msg = await page.locator('.flash.error, .field-error').first().innerText().catch(() => '');
      reasons.push(`login rejected for "${account}": ${clip(msg, 160) || '(no message)'}`);
    } else if (isPasswordChange(landed)) {
      reasons.push(`login as "${account}" landed on ${landed.pathname}: the account must change its password first; `
        + 'seed the demo accounts without the forced-change flag (or set WUJIN_PASSWORD to the changed password)');
    } else {
      loggedIn = await page.locator('nav.menu').first().waitFor({ state: 'attached', timeout: 10_000 })
        .then(() => true, () => false);
      if (!loggedIn) reasons.push(`after login as "${account}" the page ${landed.pathname} has no nav.menu`);
    }
    await settle(t);
    await checkDocument(page, t, reasons);
  } catch (e) {
    const first = e.message.split('\n')[0];
    if (/ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_NAME_NOT_RESOLVED|ERR_ADDRESS_UNREACHABLE|ERR_CONNECTION_TIMED_OUT/.test(first)) {
      fatal ||= `server not reachable at ${cfg.base}: ${first}`;
    }
    reasons.push(`login failed: ${first}`);
    reasons.push(...t.problems);
  }
  report(reasons.length === 0, account, '/login', 'zh', reasons);
  return loggedIn;
}

async function menuLinks(page) {
  const hrefs = await page.$$eval('nav.menu a[href]', (as) => as.map((a) => a.href));
  const seen = new Map();
  for (const h of hrefs) {
    let u;
    try { u = new URL(h); } catch { continue; }
    if (!/^https?:$/.test(u.protocol) || !sameOrigin(u.href)) continue;
    if (SKIP_PATH.test(u.pathname)) continue;
    u.hash = '';
    const key = `${u.pathname}${u.search}`;
    if (!seen.has(key)) seen.set(key, u);
  }
  return [...seen.values()];
}

async function checkAccount(browser, account) {
  if (fatal || overBudget()) return;
  const context = await browser.newContext({
    viewport: cfg.viewport,
    locale: 'zh-CN',
    ignoreHTTPSErrors: true,
    serviceWorkers: 'block',
  });
  context.setDefaultTimeout(NAV_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  try {
    const page = await context.newPage();
    const t = instrument(page);
    if (!(await login(page, t, account))) return;
    const links = await menuLinks(page);
    if (links.length === 0) {
      report(false, account, '(menu)', 'zh', ['nav.menu has no same-origin links']);
      return;
    }
    for (const lang of ['zh', 'en']) {
      for (const u of links) {
        if (!(await visit(page, t, account, u, lang))) return;
      }
    }
  } finally {
    await context.close().catch(() => {});
  }
}

async function main() {
  if (cfg.screenshots) await mkdir(cfg.screenshots, { recursive: true });
  // A hard stop in case a page or the browser itself hangs.
  const hardStopMs = cfg.budgetMs + 15_000;
  const watchdog = setTimeout(async () => {
    report(false, '-', '-', '-', [`watchdog: run exceeded ${hardStopMs / 1000} s, stopped`]);
    finish();
    if (browser) await Promise.race([browser.close().catch(() => {}), sleep(5_000)]);
    process.exit(1);
  }, hardStopMs);
  watchdog.unref();

  try {
    // launch() gives every run a fresh temporary profile (user-data-dir) that
    // is removed on close; each account gets its own browser context.
    browser = await chromium.launch({
      executablePath: cfg.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: NAV_TIMEOUT_MS,
    });
  } catch (e) {
    report(false, '-', '-', '-', [`cannot launch ${cfg.executablePath}: ${e.message.split('\n')[0]}`]);
    return;
  }
  console.log(`smoke: ${cfg.base}  accounts: ${cfg.accounts.join(',')}  chromium ${browser.version()}`);
  try {
    // One quick probe so that a server that is not running gives one clear
    // failure instead of one per account.
    const probe = await browser.newPage();
    try {
      await probe.goto(new URL('/login', cfg.base).href, { waitUntil: 'commit', timeout: NAV_TIMEOUT_MS });
    } catch (e) {
      report(false, '-', '/login', '-', [`server not reachable at ${cfg.base}: ${e.message.split('\n')[0]}`]);
      return;
    } finally {
      await probe.close().catch(() => {});
    }
    const queue = [...cfg.accounts];
    const worker = async () => {
      while (queue.length && !fatal && !overBudget()) {
        const account = queue.shift();
        try {
          await checkAccount(browser, account);
        } catch (e) {
          report(false, account, '-', '-', [`unexpected error: ${e.message.split('\n')[0]}`]);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.workers, queue.length) }, worker));
    if (fatal) {
      console.log(`smoke: stopped early: ${fatal}`);
    } else if (overBudget()) {
      report(false, '-', '-', '-', [`overall time budget of ${cfg.budgetMs / 1000} s exceeded; remaining pages not checked`]);
    }
  } finally {
    await browser.close().catch(() => {});
  }
}

main()
  .catch((e) => report(false, '-', '-', '-', [`unexpected error: ${e.stack || e}`]))
  .finally(finish);
