import { chromium } from 'playwright-core';
const base = process.argv[2];
const user = process.argv[3];
const pages = process.argv.slice(4);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await ctx.newPage();
await page.goto(base + '/login');
await page.fill('input[name=username]', user);
await page.fill('input[name=password]', 'demo12345');
await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
let i = 0;
for (const p of pages) {
  await page.goto(base + p);
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/shots/${user}-${i++}.png`, fullPage: false });
  console.log(p, await page.title());
}
await browser.close();
