import { test } from "@playwright/test";
import { ENGINEER, hydrated, signIn } from "../tests/helpers";

// Screenshots of the key pages at desktop and phone width, for a person to
// look at (not assertions): its own Playwright config, run by
// scripts/test.sh after the end-to-end tests (whose data it shows) when
// ROOKERY_SCREENSHOTS names a folder.
const folder = process.env.ROOKERY_SCREENSHOTS ?? "screenshots";

const widths = [
  { name: "desktop", width: 1366, height: 900 },
  { name: "phone", width: 390, height: 844 },
];

test("key pages at desktop and phone width", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "release@example.com", ENGINEER.password);
  await page.goto("/releases");
  const release = await page.locator('main a[href^="/releases/"]').filter({ hasNotText: "New release" }).first().getAttribute("href");
  await page.goto("/deployments");
  const deployment = await page.locator('main a[href^="/deployments/"]').first().getAttribute("href");
  const pages: [string, string][] = [
    ["release", release!],
    ["deployment", deployment!],
    ["change", "/changes/1"],
    ["calendar", "/calendar"],
    ["status", "/status"],
    ["uptime", "/status"],
  ];
  for (const size of widths) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const [name, path] of pages) {
      await page.goto(path);
      if (!path.startsWith("/status")) await hydrated(page);
      await page.screenshot({ path: `${folder}/${name}-${size.name}.png`, fullPage: true });
    }
    // The deploy form on the release page.
    await page.goto(release!);
    await hydrated(page);
    const form = page.getByTestId("deploy-panel");
    const open = page.getByRole("button", { name: "Deploy…" });
    if (await open.count()) await open.click();
    if (await form.count()) {
      await form.scrollIntoViewIfNeeded();
      await form.screenshot({ path: `${folder}/deploy-form-${size.name}.png` });
    }
  }
});
