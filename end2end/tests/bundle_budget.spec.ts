import { Browser, expect, test } from "@playwright/test";
import { addService, api, apiToken, ENGINEER, hydrated, signIn } from "./helpers";

// The browser bundle's budget: what a first visit to a page, with an empty
// cache, downloads of JavaScript and WebAssembly (brotli). Issue 13's goal is
// 350 KB for every page, met only by /login so far. Pages load their code by
// group (ui/routes.rs): with one split module per page the app was 818 files
// (1.98 MB gzip) and a first visit fetched 33–454 of them; by group it is 68
// (1.60 MB gzip) and 12–43 per page. A page now brings its group's other pages
// along: /changes went from 421 to ~590 KB, / from 425 to ~390 KB, /calendar
// (planned with the releases) from 584 to ~700 KB, a release from 705 to
// ~700 KB. These ceilings hold the line a few per cent above what was
// measured, until the first chunk (289 KB alone) and the pages' own code
// shrink.
const CEILING: Record<string, number> = { login: 270_000, overview: 330_000, changes: 570_000, calendar: 680_000, release: 680_000 };

/** Bytes of /pkg JavaScript and WebAssembly a fresh visit to `path` transfers. */
async function firstVisit(browser: Browser, path: string, storageState?: Awaited<ReturnType<import("@playwright/test").BrowserContext["storageState"]>>) {
  const context = await browser.newContext({ storageState });
  const page = await context.newPage();
  const seen: Promise<{ url: string; bytes: number; encoding: string }>[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith("/pkg/") || !/\.(js|wasm)$/.test(url.pathname)) return;
    seen.push(
      response.request().sizes().then((sizes) => ({
        url: url.pathname,
        bytes: sizes.responseBodySize,
        encoding: response.headers()["content-encoding"] ?? "identity",
      })),
    );
  });
  await page.goto(path);
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  const files = await Promise.all(seen);
  await context.close();
  return files;
}

test("a first visit to each page downloads no more JavaScript and WebAssembly than its ceiling (brotli)", async ({ browser }) => {
  const key = `budget-${Date.now()}`;
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, "platform@example.com", ENGINEER.password);
  await expect(admin).not.toHaveURL(/\/login/);
  await addService(admin, key, `Budget ${key}`);
  await adminContext.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await expect(page).toHaveURL(/\/$/);
  const token = await apiToken(page, "bundle budget");
  const { id } = await api(page.request, token, "POST", "/api/v1/releases", {
    service: key, version: "1.0.0", release_type: "minor", title: "Bundle budget", description: "",
    environments: ["dev"], planned_at: "", changes: [],
  });
  const release = `/releases/${id}`;
  const signedIn = await context.storageState();
  await context.close();

  const pages: [string, string, boolean][] = [
    ["login", "/login", false], ["overview", "/", true], ["changes", "/changes", true],
    ["calendar", "/calendar", true], ["release", release, true],
  ];
  const over: string[] = [];
  for (const [name, path, needsSession] of pages) {
    const files = await firstVisit(browser, path, needsSession ? signedIn : undefined);
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    console.log(`initial JS + WASM, brotli: ${path.padEnd(48)} ${String(total).padStart(8)} bytes in ${files.length} files`);
    for (const file of files) {
      expect(file.encoding, `${file.url} on ${path}`).toBe("br");
    }
    if (total > CEILING[name]) over.push(`${path}: ${total} bytes, ceiling ${CEILING[name]}`);
  }
  expect(over, "pages over their ceiling").toEqual([]);
});
