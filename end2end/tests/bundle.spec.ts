import { expect, Page, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn } from "./helpers";

/** Console errors and uncaught exceptions of a page, collected as they happen. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}

test("a lazily loaded page works after client-side navigation and after a full reload", async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);

  // Client-side navigation: no new document, and the calendar's own chunk
  // arrives only now.
  const documents: string[] = [];
  const chunks: string[] = [];
  page.on("request", (request) => {
    if (request.resourceType() === "document") documents.push(request.url());
    if (request.url().endsWith(".wasm")) chunks.push(request.url());
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calendar", exact: true }).click();
  await expect(page).toHaveURL(/\/calendar$/);
  await expect(page.getByTestId("calendar-title")).toBeVisible();
  expect(documents).toEqual([]);
  expect(chunks.length, "the calendar page loads a chunk of its own").toBeGreaterThan(0);

  // Onward and back, still in the same document.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Change requests", exact: true }).click();
  await expect(page).toHaveURL(/\/changes$/);
  await expect(page.locator("h1")).toHaveText("Change requests");
  await page.goBack();
  await expect(page.getByTestId("calendar-title")).toBeVisible();
  expect(documents).toEqual([]);

  // A full reload of the lazily loaded page hydrates it, and it still routes.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("calendar-title")).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Change requests", exact: true }).click();
  await expect(page).toHaveURL(/\/changes$/);
  await expect(page.locator("h1")).toHaveText("Change requests");
  expect(errors).toEqual([]);
});

test("the bundle is served precompressed under hashed names, cached for a year", async ({ page, request }) => {
  await page.goto("/login");
  // The main module first; then the chunks the page needs, preloaded too.
  const wasm = await page.locator('link[rel="preload"][as="fetch"][href^="/pkg/rookery."]').getAttribute("href");
  const js = await page.locator('link[rel="modulepreload"][href^="/pkg/rookery."]').getAttribute("href");
  expect(await page.locator('link[rel="preload"][as="fetch"][href^="/pkg/split_"]').count()).toBeGreaterThan(0);
  expect(wasm).toMatch(/^\/pkg\/rookery\.[\w-]+\.wasm$/);
  expect(js).toMatch(/^\/pkg\/rookery\.[\w-]+\.js$/);

  for (const [accept, encoding] of [
    ["br, gzip", "br"],
    ["gzip", "gzip"],
  ]) {
    const answer = await request.get(wasm!, { headers: { "Accept-Encoding": accept } });
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-encoding"], `Accept-Encoding: ${accept}`).toBe(encoding);
    expect(answer.headers()["content-type"]).toBe("application/wasm");
    expect(answer.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(answer.headers()["vary"]?.toLowerCase()).toContain("accept-encoding");
  }
  const plain = await request.get(wasm!, { headers: { "Accept-Encoding": "identity" } });
  expect(plain.headers()["content-encoding"]).toBeUndefined();
  expect((await plain.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));

  // Signed-in pages are compressed on the fly.
  const html = await request.get("/login", { headers: { "Accept-Encoding": "br, gzip" } });
  expect(html.headers()["content-encoding"]).toBe("br");
});
