import { Browser, expect, test } from "@playwright/test";
import { addService, api, apiToken, ENGINEER, hydrated, signIn } from "./helpers";

// The browser bundle's budget (issue 13): a first visit to any page, with an
// empty cache, downloads at most 350 KB of JavaScript and WebAssembly as
// brotli. It makes the release it opens (a service first, as an admin).
const BUDGET = 350_000;

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

test("a first visit to each page downloads at most 350 KB of JavaScript and WebAssembly (brotli)", async ({ browser }) => {
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

  const pages: [string, boolean][] = [["/login", false], ["/", true], ["/changes", true], ["/calendar", true], [release, true]];
  for (const [path, needsSession] of pages) {
    const files = await firstVisit(browser, path, needsSession ? signedIn : undefined);
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    console.log(`initial JS + WASM, brotli: ${path.padEnd(48)} ${String(total).padStart(8)} bytes in ${files.length} files`);
    for (const file of files) {
      expect(file.encoding, `${file.url} on ${path}`).toBe("br");
    }
    expect(total, `${path}: ${files.map((f) => `${f.url} ${f.bytes}`).join(", ")}`).toBeLessThanOrEqual(BUDGET);
  }
});
