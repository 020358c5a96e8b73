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
  let change = "/changes";
  if (label === "desktop") {
    await page.goto(`${base}/changes/new`);
    await page.locator("body[data-hydrated]").waitFor({ state: "attached" });
    await page.screenshot({ path: `${out}/change-new-${label}.png`, fullPage: true });
    await page.fill("#cr-title", "Rotate API signing keys");
    await page.selectOption("#cr-type", "security");
    await page.check("#cr-env-prod");
    await page.check("#cr-env-staging");
    await page.fill("#cr-services", "api, auth");
    await page.fill("#cr-start", "2026-12-01T09:00");
    await page.fill("#cr-implementation", "Deploy the new keys to the key service.\nSwitch token signing to the new key.");
    await page.fill("#cr-rollback", "Switch signing back to the previous key.");
    await page.fill("#cr-testing", "Smoke tests on staging; token verification dashboards.");
    await page.click("text=Save draft");
    await page.waitForURL(/\/changes\/\d+$/);
    change = new URL(page.url()).pathname;
  }
  const month = new Date().toISOString().slice(0, 7);
  const extra = (process.env.SCREENSHOT_PATHS ?? "").split(",").filter(Boolean).map((p, i) => [`extra${i + 1}`, p]);
  for (const [name, path] of [["changes", "/changes"], ["change", change], ["overview", "/"], ["releases", "/releases"],
    ["calendar", `/calendar?month=${month}`], ["calendar-week", "/calendar?view=week"], ["notifications", "/notifications"],
    ["environments", "/admin/environments"], ["templates", "/admin/templates"], ["tokens", "/account/tokens"],
    ["account", "/account"], ["users", "/admin/users"], ["audit", "/audit"], ["404", "/nope"], ...extra]) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage: true });
  }
  await page.close();
}
await browser.close();
