import { expect, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn, signOut } from "./helpers";

test("a wrong password shows a clear message and keeps the email", async ({ page }) => {
  await signIn(page, ENGINEER.email, "not-the-right-password");

  await expect(page.getByTestId("login-message")).toHaveText("Incorrect email or password.");
  await expect(page.getByLabel("Email")).toHaveValue(ENGINEER.email);
});

test("signing in shows the shell; signing out returns to sign-in", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome back, ${ENGINEER.name}`);
  await expect(page.getByTestId("current-user")).toHaveText(ENGINEER.name);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "API tokens" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);

  await signOut(page);
  await expect(page.getByTestId("login-message")).toHaveText("You have signed out.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("an API token is created, shown once, works, and is revoked (hydrated page)", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/account\/tokens$/);
  await hydrated(page);

  // Client-side validation, from the same rule the server applies.
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#token-name-error")).toContainText("Give the token a name");

  await page.getByLabel("Name").fill("CI pipeline");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByLabel("New API token");
  await expect(secret).toHaveValue(/^rk_[0-9a-f]{64}$/);
  const token = await secret.inputValue();
  const row = page.getByRole("row", { name: /CI pipeline/ });
  await expect(row.getByText("Active")).toBeVisible();

  const me = await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe(ENGINEER.email);

  await row.getByRole("button", { name: "Revoke CI pipeline" }).click();
  await expect(row.getByText("Revoked")).toBeVisible();
  const after = await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);

  // The secret is not shown again after a reload.
  await page.reload();
  await expect(page.getByLabel("New API token")).toHaveCount(0);
});

test("unknown addresses get the 404 page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");

  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
});

test("a deep link survives signing in", async ({ page }) => {
  await page.goto("/account/tokens");
  await expect(page).toHaveURL(/\/login\?next=/);

  await signIn(page, ENGINEER.email, ENGINEER.password);

  await expect(page).toHaveURL(/\/account\/tokens$/);
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
});

test("signing in works with JavaScript disabled", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  await signIn(page, ENGINEER.email, ENGINEER.password);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome back, ${ENGINEER.name}`);
  await context.close();
});
