import { expect, Page, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn } from "./helpers";

// Runs after the other specs (and the hydration guard's fixtures), so the
// database holds change requests, releases, deployments and incidents in
// every state. No page may scroll sideways on a laptop or a phone.

const WIDTHS = [
  { name: "desktop", width: 1366, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

const LISTS = ["/", "/changes", "/changes/new", "/releases", "/releases/new", "/deployments", "/calendar",
  "/calendar?view=week", "/incidents", "/maintenance", "/notifications", "/account", "/account/tokens",
  "/admin/environments", "/admin/targets", "/admin/jobs", "/admin/templates", "/admin/users",
  "/admin/components", "/audit"];

/** The first links on a list page that lead to detail pages. */
async function details(page: Page, list: string, pattern: RegExp, count: number): Promise<string[]> {
  await page.goto(list);
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return [...new Set(hrefs.filter((h) => pattern.test(h)))].slice(0, count);
}

/** How far the page scrolls sideways, and the widest elements if it does. */
async function overflow(page: Page): Promise<{ extra: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const extra = document.documentElement.scrollWidth - width;
    const culprits: string[] = [];
    if (extra > 0) {
      for (const el of Array.from(document.querySelectorAll("body *"))) {
        const box = el.getBoundingClientRect();
        if (box.right > width + 1 && culprits.length < 3) {
          culprits.push(`${el.tagName.toLowerCase()}.${(el.className || "").toString().split(" ").join(".")} (${Math.round(box.right)} px)`);
        }
      }
    }
    return { extra, culprits };
  });
}

for (const size of WIDTHS) {
  test(`no page scrolls sideways at ${size.width} px (${size.name})`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    await signIn(page, "platform@example.com", ENGINEER.password);
    await expect(page).toHaveURL(/\/$/);
    const pages = [
      ...LISTS,
      ...(await details(page, "/changes", /^\/changes\/\d+$/, 4)),
      ...(await details(page, "/releases", /^\/releases\/[0-9a-f-]{36}$/, 4)),
      ...(await details(page, "/deployments", /^\/deployments\/[0-9a-f-]{36}$/, 4)),
      ...(await details(page, "/incidents", /^\/incidents\/[0-9a-f-]{36}$/, 2)),
    ];
    const failures: string[] = [];
    for (const url of pages) {
      await page.goto(url);
      await hydrated(page);
      const { extra, culprits } = await overflow(page);
      if (extra > 0) failures.push(`${url}: ${extra} px too wide (${culprits.join(", ")})`);
      // The deploy form open on a release page.
      if (/^\/releases\/[0-9a-f-]{36}$/.test(url)) {
        const deploy = page.getByRole("button", { name: "Deploy…" });
        if (await deploy.count()) {
          await deploy.click();
          const open = await overflow(page);
          if (open.extra > 0) failures.push(`${url} with the deploy form open: ${open.extra} px too wide (${open.culprits.join(", ")})`);
        }
      }
    }
    expect(pages.length).toBeGreaterThan(LISTS.length);
    expect(failures).toEqual([]);
  });
}
