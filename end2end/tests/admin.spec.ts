import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_ONE_TIME_PASSWORD, ADMIN_PASSWORD, hydrated, signIn, signOut } from "./helpers";

test.describe.serial("the first administrator", () => {
  test("signs in with the one-time password and must choose a new one", async ({ page }) => {
    expect(ADMIN_ONE_TIME_PASSWORD, "the test script passes the logged one-time password").not.toBe("");
    await signIn(page, ADMIN_EMAIL, ADMIN_ONE_TIME_PASSWORD);

    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("first-password")).toBeVisible();
    await hydrated(page);
    await page.getByLabel("One-time password").fill(ADMIN_ONE_TIME_PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await expect(page.locator(".rules li.bad")).toContainText(["Use at least 12 characters."]);
    await page.getByLabel("New password", { exact: true }).fill(ADMIN_PASSWORD);
    await expect(page.locator(".rules li.bad")).toHaveCount(0);
    await page.getByLabel("Repeat new password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome back, Administrator");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toBeVisible();
  });

  test("adds a person, who then signs in with their one-time password", async ({ page }) => {
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await hydrated(page);

    await page.getByLabel("Email").fill("not-an-email");
    await page.getByRole("button", { name: "Add person" }).click();
    await expect(page.getByText("An email address looks like name@example.com.")).toBeVisible();

    await page.getByLabel("Email").fill("quinn@example.com");
    await page.getByLabel("Name", { exact: true }).fill("Quinn Approver");
    await page.getByRole("checkbox", { name: "Approver" }).check();
    await page.getByRole("button", { name: "Add person" }).click();
    const oneTime = page.getByLabel("One-time password");
    await expect(oneTime).toHaveValue(/^[a-z0-9]{5}(-[a-z0-9]{5}){3}$/);
    const password = await oneTime.inputValue();
    const row = page.getByRole("row", { name: /Quinn Approver/ });
    await expect(row.getByText("Invited")).toBeVisible();
    await expect(row.locator(".chip")).toHaveText(["Approver", "Engineer"]);

    await signOut(page);
    await signIn(page, "quinn@example.com", password);
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("first-password")).toBeVisible();
  });
});
