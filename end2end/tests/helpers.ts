import { expect, Page } from "@playwright/test";

export const ENGINEER = { email: "engineer@example.com", password: "e2e-password-123", name: "Erin Engineer" };
export const ADMIN_EMAIL = process.env.ROOKERY_ADMIN_EMAIL ?? "admin@rookery.local";
export const ADMIN_ONE_TIME_PASSWORD = process.env.ROOKERY_ADMIN_PASSWORD ?? "";
export const ADMIN_PASSWORD = "admin-chosen-password-9";

/** Waits until the WebAssembly bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor({ state: "attached" });
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
