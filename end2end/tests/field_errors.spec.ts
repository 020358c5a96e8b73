import { expect, Page, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn } from "./helpers";

// Every message the server or the shared rules give appears beside its
// field, one that names no field at the top of its form, and nothing typed
// is lost on the way.

const ADMIN = "platform@example.com";

async function asAdmin(page: Page, path: string) {
  await signIn(page, ADMIN, ENGINEER.password);
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(path);
  await hydrated(page);
}

test("the environment editor says beside the key that it is taken, and keeps what was typed", async ({ page }) => {
  await asAdmin(page, "/admin/environments");
  await page.getByRole("button", { name: "New environment" }).click();
  const editor = page.getByTestId("environment-editor");
  await page.locator("#env-key").fill("dev");
  await page.locator("#env-name").fill("A second development");
  await page.locator("#env-purpose").fill("Checking where messages go");
  await page.getByRole("button", { name: "Save environment" }).click();

  // Only the server knows the key is taken.
  await expect(editor.locator('.field-error[data-field="key"]')).toHaveText('There is already an environment "dev".');
  await expect(page.locator("#env-key")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#env-name")).toHaveValue("A second development");
  await expect(page.locator("#env-purpose")).toHaveValue("Checking where messages go");

  // The form's own check: only this attempt's message is shown.
  await page.locator("#env-order").fill("0");
  await page.getByRole("button", { name: "Save environment" }).click();
  await expect(editor.locator('.field-error[data-field="promotion_order"]')).toContainText("from 1 to 99");
  await expect(editor.locator('.field-error[data-field="key"]')).toBeEmpty();
  await expect(page.locator("#env-order")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#env-purpose")).toHaveValue("Checking where messages go");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(editor).toHaveCount(0);
});

test("a deploy target's refusals are each beside their field and the form keeps its values", async ({ page }) => {
  await asAdmin(page, "/admin/targets");
  await page.getByRole("button", { name: "New target" }).click();
  // No service chosen; a webhook without an http(s) URL or a long secret.
  await page.locator("#target-env").selectOption("dev");
  await page.locator("#target-kind").selectOption("webhook");
  await page.locator("#target-url").fill("ftp://deployer.internal/hook");
  await page.locator("#target-secret").fill("short");
  await page.locator("#target-timeout").fill("soon");
  await page.getByRole("button", { name: "Save target" }).click();

  await expect(page.locator('.field-error[data-field="service"]')).toHaveText("Choose a service.");
  await expect(page.locator('.field-error[data-field="url"]')).toContainText("http(s) URL");
  await expect(page.locator('.field-error[data-field="secret"]')).toContainText("at least 16 characters");
  await expect(page.locator('.field-error[data-field="timeout_seconds"]')).toContainText("86,400");
  await expect(page.locator("#target-url")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("form-error")).toHaveCount(0);
  await expect(page.locator("#target-env")).toHaveValue("dev");
  await expect(page.locator("#target-kind")).toHaveValue("webhook");
  await expect(page.locator("#target-url")).toHaveValue("ftp://deployer.internal/hook");
  await expect(page.locator("#target-timeout")).toHaveValue("soon");
});

test("a person's email already in use is refused beside it; one's own administrator role is refused in its row", async ({ page }) => {
  await asAdmin(page, "/admin/users");
  await page.locator("#new-email").fill(ENGINEER.email);
  await page.locator("#new-name").fill("Erin Again");
  await page.getByRole("button", { name: "Add person" }).click();
  await expect(page.locator('.field-error[data-field="email"]')).toHaveText("An account with this email already exists.");
  await expect(page.locator("#new-email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#new-name")).toHaveValue("Erin Again");
  await expect(page.getByTestId("one-time-password")).toHaveCount(0);

  const row = page.getByRole("row", { name: /Pat Platform/ });
  await row.getByRole("button", { name: "Edit roles" }).click();
  const admin = row.getByRole("checkbox", { name: "Administrator" });
  // Keeping another role, so what is refused is only losing administrator.
  await row.getByRole("checkbox", { name: "Support" }).check();
  await admin.uncheck();
  await row.getByRole("button", { name: "Save roles" }).click();
  await expect(row.locator('.field-error[data-field="roles"]')).toContainText("cannot remove your own administrator role");
  // The editor stays open with what was ticked.
  await expect(admin).not.toBeChecked();
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row.locator(".chip").filter({ hasText: "Administrator" })).toBeVisible();
});

test("an environment's rollback-trigger defaults are edited, refused beside the bad cell, and saved", async ({ page }) => {
  test.setTimeout(60_000);
  const n = Date.now() % 1_000_000;
  const key = `trig${n}`;
  const name = `Trigger defaults ${n}`;
  await asAdmin(page, "/admin/environments");
  await page.getByRole("button", { name: "New environment" }).click();
  await page.locator("#env-key").fill(key);
  await page.locator("#env-name").fill(name);
  await page.getByRole("button", { name: "Save environment" }).click();
  const card = page.locator(`article[data-environment="${key}"]`);
  const list = page.getByTestId(`triggers-${key}`);
  // A new environment shows what its deployments would get: the standard two.
  await expect(list.locator("li")).toHaveCount(2);
  await expect(card).toContainText("The standard defaults");

  await page.getByRole("button", { name: `Edit the rollback triggers of ${name}` }).click();
  const editor = page.getByTestId("trigger-editor");
  await expect(editor).toBeVisible();
  await page.locator("#env-trigger-0-threshold").fill("a tenth");
  await page.getByRole("button", { name: "Save triggers" }).click();
  await expect(editor.locator('.field-error[data-field="triggers.0.threshold"]')).toContainText("Enter a number");
  await expect(page.locator("#env-trigger-0-threshold")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#env-trigger-0-threshold")).toHaveValue("a tenth");

  await page.locator("#env-trigger-0-threshold").fill("0.05");
  await page.locator("#env-trigger-0-sustained").fill("120");
  await page.getByRole("button", { name: "Add a trigger" }).click();
  await page.locator("#env-trigger-2-metric").fill("queue_depth");
  await page.locator("#env-trigger-2-operator").selectOption(">=");
  await page.locator("#env-trigger-2-threshold").fill("1000");
  await page.locator("#env-trigger-2-action").selectOption("rollback");

  // A request the server cannot read (its environment left out on the way):
  // the refusal names no field on the form, so it is on top, in words.
  const path = "**/api/save_environment_triggers*";
  await page.route(path, async (route) => {
    const body = JSON.parse(route.request().postData() ?? "{}");
    delete body.environment;
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.getByRole("button", { name: "Save triggers" }).click();
  await expect(editor.getByTestId("form-error")).toHaveText("The request did not have the fields this action expects.");
  await expect(editor).not.toContainText("missing field");
  await expect(editor).not.toContainText("`");
  await expect(page.locator("#env-trigger-2-metric")).toHaveValue("queue_depth");
  await expect(page.locator("#env-trigger-0-threshold")).toHaveValue("0.05");
  await page.unroute(path);

  await page.getByRole("button", { name: "Save triggers" }).click();
  await expect(editor).toHaveCount(0);
  await expect(list.locator("li")).toHaveText([
    /^error_rate > 0\.05 for 120 s → Roll back/,
    /^response_time_p95 > 5 for 180 s → Alert/,
    /^queue_depth ≥ 1000 for 60 s → Roll back/,
  ]);
  await expect(card).not.toContainText("The standard defaults");

  await page.reload();
  await hydrated(page);
  await expect(list.locator("li")).toHaveText([
    /^error_rate > 0\.05 for 120 s/,
    /^response_time_p95 > 5 for 180 s/,
    /^queue_depth ≥ 1000 for 60 s/,
  ]);
});
