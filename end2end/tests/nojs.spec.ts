import { expect, test } from "@playwright/test";
import { ENGINEER, signIn } from "./helpers";

const RELEASE_MANAGER = "release@example.com";

// Forms post their named fields to their page before the bundle has hydrated
// it, or with JavaScript off, and the server runs the same server function:
// a refusal comes back with everything typed and each message beside its
// field; success lands on what was saved.

test("a form submitted before the bundle arrives is saved", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await expect(page).toHaveURL(/\/$/);
  // The bundle never arrives on this page.
  await page.route("**/pkg/*.wasm", () => {});
  await page.goto("/changes/new");
  await page.locator("#cr-title").fill("Filed before hydration");
  await page.locator("#cr-description").fill("Posted as a plain form.");
  await page.locator("#cr-env-dev").check();
  await page.locator("#cr-risk").selectOption("high");
  await page.locator("#cr-implementation").fill("Deploy it.");
  await page.locator("#cr-rollback").fill("Undeploy it.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/changes\/\d+$/);
  await expect(page.locator("h1")).toHaveText("Filed before hydration");
  await expect(page.getByTestId("cr-description")).toContainText("Posted as a plain form.");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("a refused change request comes back as typed, with the message beside its field", async ({ page }) => {
    await signIn(page, ENGINEER.email, ENGINEER.password);
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/changes/new");
    await page.locator("#cr-title").fill("Filed without JavaScript");
    await page.locator("#cr-description").fill("x".repeat(25_000));
    await page.locator("#cr-risk").selectOption("high");
    await page.locator("#cr-maintenance").check();
    await page.locator("#cr-implementation").fill("Deploy it.");
    await page.locator("#cr-rollback").fill("Undeploy it.");
    await page.getByRole("button", { name: "Save draft" }).click();

    // No environment and too long a description: both said beside their fields.
    await expect(page).toHaveURL(/\/changes\/new\?kept=[0-9a-f]+$/);
    await expect(page.locator('.field-error[data-field="description"]')).toContainText("20,000");
    await expect(page.locator("fieldset").filter({ hasText: "Environments" }).locator(".field-error")).not.toBeEmpty();
    await expect(page.locator("#cr-title")).toHaveValue("Filed without JavaScript");
    await expect(page.locator("#cr-risk")).toHaveValue("high");
    await expect(page.locator("#cr-maintenance")).toBeChecked();
    await expect(page.locator("#cr-rollback")).toHaveValue("Undeploy it.");
    await expect(page.locator("body")).not.toContainText("missing field");

    // A reload shows the same again: nothing typed is lost.
    await page.reload();
    await expect(page.locator("#cr-title")).toHaveValue("Filed without JavaScript");

    await page.locator("#cr-description").fill("Short now.");
    await page.locator("#cr-env-dev").check();
    // Services are picked from the catalog (empty when this file runs alone).
    const services = page.locator('input[name="services"]');
    if (await services.count()) await services.first().check();
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page).toHaveURL(/\/changes\/\d+$/);
    await expect(page.locator("h1")).toHaveText("Filed without JavaScript");
    const url = page.url();

    // Editing the draft: the form shows what it says now, server-rendered.
    await page.getByTestId("edit-change").click();
    await expect(page.locator("#cr-title")).toHaveValue("Filed without JavaScript");
    await expect(page.locator("#cr-rollback")).toHaveValue("Undeploy it.");
    await expect(page.locator("#cr-env-dev")).toBeChecked();
    await page.locator("#cr-title").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/edit\?kept=/);
    await expect(page.locator("#cr-title")).toHaveAttribute("aria-invalid", "true");
    await page.locator("#cr-title").fill("Edited without JavaScript");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator("h1")).toHaveText("Edited without JavaScript");
    // Nothing else was lost by the plain edit.
    await expect(page.getByTestId("cr-description")).toContainText("Short now.");

    // Commenting works too.
    await page.getByLabel("Add a comment").fill("Said **without** scripts.");
    await page.getByRole("button", { name: "Comment" }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator(".comments")).toContainText("Said without scripts.");

    // The workflow buttons post too; cancelling asks first, keeping the note.
    await page.getByLabel("Reason or notes").fill("Not needed after all?");
    await page.getByRole("button", { name: "Cancel request" }).click();
    await expect(page.getByTestId("confirm-cancel")).toBeVisible();
    await expect(page.getByLabel("Reason or notes")).toHaveValue("Not needed after all?");
    await page.getByRole("link", { name: "Keep it" }).click();
    await expect(page.getByTestId("confirm-cancel")).toHaveCount(0);
    await page.getByLabel("Reason or notes").fill("Ready for review.");
    await page.getByRole("button", { name: "Submit for review" }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator("[data-status]")).toHaveText("Submitted");
    await expect(page.getByTestId("cr-timeline")).toContainText("Ready for review.");
  });

  test("a release is planned and edited without JavaScript", async ({ page }) => {
    await signIn(page, RELEASE_MANAGER, ENGINEER.password);
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/releases/new");
    const service = await page.locator("#rel-service option").nth(1).getAttribute("value");
    await page.locator("#rel-service").selectOption(service!);
    await page.locator("#rel-version").fill("1.2.x");
    await page.locator("#rel-title").fill("Planned without JavaScript");
    await page.locator("#rel-env-dev").check();
    await page.getByRole("button", { name: "Plan release" }).click();
    await expect(page).toHaveURL(/\/releases\/new\?kept=/);
    await expect(page.locator('.field-error[data-field="version"]')).not.toBeEmpty();
    await expect(page.locator("#rel-title")).toHaveValue("Planned without JavaScript");
    await expect(page.locator("#rel-env-dev")).toBeChecked();
    await expect(page.locator("#rel-service")).toHaveValue(service!);

    await page.locator("#rel-version").fill(`8.${Date.now() % 100000}.0`);
    await page.getByRole("button", { name: "Plan release" }).click();
    await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
    const url = page.url();

    await page.goto(`${url}/edit`);
    await expect(page.locator("#rel-title")).toHaveValue("Planned without JavaScript");
    await page.locator("#rel-title").fill("Edited without JavaScript");
    await page.locator("#rel-env-staging").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator("h1")).toHaveText("Edited without JavaScript");
    await expect(page.getByTestId("release-timeline")).toContainText("Changed: title, environments");

    // A freeze window: refused with the form open and filled, then added.
    await page.goto("/calendar");
    await page.locator("details.freeze-form summary").click();
    await page.locator("#freeze-start").fill("2032-05-02T00:00");
    await page.locator("#freeze-end").fill("2032-05-01T00:00");
    await page.locator("#freeze-reason").fill("Plain freeze");
    await page.locator("#freeze-env-prod").check();
    await page.getByRole("button", { name: "Add freeze" }).click();
    await expect(page).toHaveURL(/\/calendar\?kept=/);
    const form = page.locator("details.freeze-form");
    await expect(form.locator('.field-error[data-field="ends_at"]')).not.toBeEmpty();
    await expect(page.locator("#freeze-reason")).toHaveValue("Plain freeze");
    await expect(page.locator("#freeze-env-prod")).toBeChecked();
    await page.locator("#freeze-end").fill("2032-05-03T00:00");
    await page.getByRole("button", { name: "Add freeze" }).click();
    await expect(page).toHaveURL(/\/calendar$/);
    await page.goto("/calendar?month=2032-05");
    await expect(page.getByTestId("freezes")).toContainText("Plain freeze");
  });
});
