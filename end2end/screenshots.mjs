// Screenshots of the main pages at desktop and phone width, for reviewing
// how Rookery looks: `node end2end/screenshots.mjs` with ROOKERY_URL,
// ROOKERY_EMAIL and ROOKERY_PASSWORD of an admin; PNGs go to ./screenshots.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const base = process.env.ROOKERY_URL ?? "http://127.0.0.1:3000";
const email = process.env.ROOKERY_EMAIL;
const password = process.env.ROOKERY_PASSWORD;
const out = process.env.SCREENSHOT_DIR ?? "screenshots";
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
for (const [label, viewport] of [["desktop", { width: 1366, height: 860 }], ["phone", { width: 390, height: 844 }]]) {
  const page = await browser.newPage({ viewport });
  await page.goto(`${base}/login`);
  await page.screenshot({ path: `${out}/login-${label}.png`, fullPage: true });
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/$/);
  await page.locator("body[data-hydrated]").waitFor({ state: "attached" });
  for (const [name, path] of [["overview", "/"], ["tokens", "/account/tokens"], ["account", "/account"], ["users", "/admin/users"], ["404", "/nope"]]) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage: true });
  }
  await page.close();
}
await browser.close();
