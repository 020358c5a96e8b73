import { APIRequestContext, expect, Page } from "@playwright/test";

export const ENGINEER = { email: "engineer@example.com", password: "e2e-password-123", name: "Erin Engineer" };
export const ADMIN_EMAIL = process.env.ROOKERY_ADMIN_EMAIL ?? "admin@rookery.local";
export const ADMIN_ONE_TIME_PASSWORD = process.env.ROOKERY_ADMIN_PASSWORD ?? "";
export const ADMIN_PASSWORD = "admin-chosen-password-9";

/**
 * Waits until the WebAssembly bundle has hydrated the page shown now: the
 * marker names the page's path, so after a client-side navigation the
 * previous page's marker (and its fields) does not count. After a click that
 * navigates, name the page (`path`): the router changes the address only once
 * the new page is ready, so until then the old page matches the address.
 */
export async function hydrated(page: Page, path?: string) {
  await page.waitForFunction(
    (expected) => document.body?.getAttribute("data-hydrated") === (expected ?? location.pathname),
    path,
  );
}

/** Fills and posts the sign-in form. */
export async function signIn(page: Page, email: string, password: string) {
  if (!page.url().includes("/login")) {
    await page.goto("/login");
  }
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?error=signed_out$/);
}

/** Creates an API token for whoever is signed in. */
export async function apiToken(page: Page, name: string): Promise<string> {
  await page.goto("/account/tokens");
  await hydrated(page);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  return page.getByLabel("New API token").inputValue();
}

/** Calls the JSON API with a bearer token; anything but a 2xx fails the test. */
export async function api(request: APIRequestContext, token: string, method: "GET" | "POST" | "PUT", path: string, data?: unknown) {
  const response = await request.fetch(path, { method, headers: { Authorization: `Bearer ${token}` }, data });
  expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
  return response.json();
}

/** Adds a service on the environments page, as a signed-in administrator. */
export async function addService(admin: Page, key: string, name: string) {
  await admin.goto("/admin/environments");
  await hydrated(admin);
  await admin.locator("#service-key").fill(key);
  await admin.locator("#service-name").fill(name);
  await admin.getByRole("button", { name: "Add service" }).click();
  await expect(admin.getByTestId("services")).toContainText(name);
}
