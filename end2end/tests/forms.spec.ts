import { expect, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn } from "./helpers";

const RELEASE_MANAGER = "release@example.com";

test("what is typed before the page hydrates survives hydration and is saved", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await expect(page).toHaveURL(/\/$/);
  // A slow link: the WebAssembly bundle arrives three seconds late.
  let delayed = 0;
  await page.route("**/pkg/*.wasm", async (route) => {
    delayed += 1;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await route.continue();
  });
  await page.goto("/changes/new");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
  await page.locator("#cr-title").fill("Typed before hydration");
  await page.locator("#cr-description").fill("Every word of this **must** survive.");
  await page.locator("#cr-env-dev").check();
  await page.locator("#cr-risk").selectOption("high");
  await page.locator("#cr-implementation").fill("Deploy it.");
  await page.locator("#cr-rollback").fill("Undeploy it.");
  await hydrated(page);
  expect(delayed).toBeGreaterThan(0);

  await expect(page.locator("#cr-title")).toHaveValue("Typed before hydration");
  await expect(page.locator("#cr-description")).toHaveValue("Every word of this **must** survive.");
  await expect(page.locator("#cr-env-dev")).toBeChecked();
  await expect(page.locator("#cr-risk")).toHaveValue("high");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/changes\/\d+$/);
  await expect(page.locator("h1")).toHaveText("Typed before hydration");
  // Descriptions are markdown.
  await expect(page.getByTestId("cr-description")).toContainText("Every word of this must survive.");
  await expect(page.getByTestId("cr-description").locator("strong")).toHaveText("must");
  await expect(page.getByText("High", { exact: true })).toBeVisible();
});

test("every field error has a place: a 100 KB description is refused beside its field", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await page.goto("/changes/new");
  await hydrated(page);
  await page.locator("#cr-start").fill("2020-01-06T09:00");
  await expect(page.getByTestId("planned-in-past")).toBeVisible();
  await page.locator("#cr-start").fill("");
  await page.locator("#cr-title").fill("Too much to say");
  await page.locator("#cr-description").fill("x".repeat(100_000));
  await page.locator("#cr-env-dev").check();
  await page.locator("#cr-implementation").fill("Deploy it.");
  await page.locator("#cr-rollback").fill("Undeploy it.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.locator('.field-error[data-field="description"]')).toContainText("20,000");
  await expect(page.locator("#cr-description")).toHaveAttribute("aria-invalid", "true");
  // Nothing typed is lost.
  await expect(page.locator("#cr-title")).toHaveValue("Too much to say");
  await expect(page).toHaveURL(/\/changes\/new$/);
});

test("the freeze form keeps its values after an error and says what is wrong in words", async ({ page }) => {
  await signIn(page, RELEASE_MANAGER, ENGINEER.password);
  await page.goto("/calendar");
  await hydrated(page);
  await page.locator("details.freeze-form summary").click();
  // No environment chosen, end before start.
  await page.locator("#freeze-start").fill("2031-03-02T00:00");
  await page.locator("#freeze-end").fill("2031-03-01T00:00");
  await page.locator("#freeze-reason").fill("Quarter close");
  await page.getByRole("button", { name: "Add freeze" }).click();
  const form = page.locator("details.freeze-form");
  await expect(form.locator(".field-error").filter({ hasText: /./ }).first()).toBeVisible();
  await expect(form).not.toContainText("missing field");
  await expect(form).not.toContainText("`");
  await expect(page.locator("#freeze-reason")).toHaveValue("Quarter close");
  await expect(page.locator("#freeze-start")).toHaveValue("2031-03-02T00:00");

  // Ticking an environment and fixing the end saves it; the ticks follow.
  await page.locator("#freeze-env-prod").check();
  await page.getByRole("button", { name: "Add freeze" }).click();
  await expect(form.locator('.field-error[data-field="ends_at"]')).not.toBeEmpty();
  await expect(page.locator("#freeze-env-prod")).toBeChecked();
  await expect(page.locator("#freeze-reason")).toHaveValue("Quarter close");
  await page.locator("#freeze-end").fill("2031-03-03T00:00");
  await page.getByRole("button", { name: "Add freeze" }).click();
  // Saved: the form empties (navigating before that would abort the save).
  await expect(page.locator("#freeze-reason")).toHaveValue("");
  await page.goto("/calendar?month=2031-03");
  await expect(page.getByTestId("freezes")).toContainText("Quarter close");
});

test("a draft is edited by its requester, and the edit is on the timeline", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await page.goto("/changes/new");
  await hydrated(page);
  await page.locator("#cr-title").fill("Tpyo in the title");
  await page.locator("#cr-env-dev").check();
  await page.locator("#cr-implementation").fill("Deploy it.");
  await page.locator("#cr-rollback").fill("Undeploy it.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/changes\/\d+$/);
  const url = page.url();

  await page.getByTestId("edit-change").click();
  await expect(page).toHaveURL(/\/changes\/\d+\/edit$/);
  await hydrated(page);
  await expect(page.locator("#cr-title")).toHaveValue("Tpyo in the title");
  await expect(page.locator("#cr-env-dev")).toBeChecked();
  await page.locator("#cr-title").fill("Typo fixed in the title");
  await page.locator("#cr-env-staging").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(url);
  await expect(page.locator("h1")).toHaveText("Typo fixed in the title");
  await expect(page.getByTestId("cr-timeline")).toContainText("Edited");
  await expect(page.getByTestId("cr-timeline")).toContainText("Changed: title, environments");

  // Submitted, it is no longer editable.
  await hydrated(page);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.locator("[data-status]")).toHaveText("Submitted");
  await expect(page.getByTestId("edit-change")).toHaveCount(0);
  await page.goto(`${url}/edit`);
  await expect(page.getByTestId("not-editable")).toContainText("can no longer be edited");
});

test("a planned release is edited: title, environments and change requests picked from a list", async ({ page }) => {
  await signIn(page, RELEASE_MANAGER, ENGINEER.password);
  // A change request to ship.
  await page.goto("/changes/new");
  await hydrated(page);
  await page.locator("#cr-title").fill("Ship me with the release");
  await page.locator("#cr-env-dev").check();
  await page.locator("#cr-implementation").fill("Deploy it.");
  await page.locator("#cr-rollback").fill("Undeploy it.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/changes\/\d+$/);
  const number = page.url().split("/").pop()!;

  await page.goto("/releases/new");
  await hydrated(page);
  const service = page.locator("#rel-service option").nth(1);
  await page.locator("#rel-service").selectOption(await service.getAttribute("value"));
  await page.locator("#rel-version").fill(`9.${Date.now() % 100000}.0`);
  await page.locator("#rel-title").fill("Titel with a typo");
  await page.locator("#rel-env-dev").check();
  await page.getByRole("button", { name: "Plan release" }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  const url = page.url();

  await page.getByTestId("edit-release").click();
  await expect(page).toHaveURL(/\/edit$/);
  await hydrated(page);
  await expect(page.locator("#rel-title")).toHaveValue("Titel with a typo");
  await expect(page.locator("#rel-version")).toHaveAttribute("readonly", "");
  await page.locator("#rel-title").fill("Title without a typo");
  await page.locator("#rel-env-staging").check();
  await page.locator(`#rel-cr-${number}`).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(url);
  await expect(page.locator("h1")).toHaveText("Title without a typo");
  await expect(page.getByTestId("release-timeline")).toContainText("Changed: title, environments, change requests");
  await expect(page.getByText(`CR-${number}`).first()).toBeVisible();
  await expect(page.getByTestId("gates")).toContainText("Integration Tests");
});

test("a viewer is shown no control that would be refused, and is told why", async ({ page }) => {
  await signIn(page, "viewer@example.com", ENGINEER.password);
  await page.goto("/changes");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "New change request" })).toHaveCount(0);
  const first = page.locator('main a[href^="/changes/"]').filter({ hasText: /CR-\d+/ }).first();
  await first.click();
  await expect(page).toHaveURL(/\/changes\/\d+$/);
  await expect(page.getByTestId("comment-refused")).toContainText("Viewers can read change requests but not comment");
  await expect(page.getByLabel("Add a comment")).toHaveCount(0);
  await page.goto("/changes/new");
  await expect(page.getByTestId("not-permitted")).toContainText("Only engineers, release managers and administrators file change requests.");
  await page.goto("/releases");
  await expect(page.getByRole("link", { name: "New release" })).toHaveCount(0);
  await page.goto("/incidents");
  await expect(page.getByRole("button", { name: "New incident" })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page.getByTestId("not-permitted")).toContainText("Only administrators");
});

test("cancelling a change request asks first", async ({ page }) => {
  await signIn(page, ENGINEER.email, ENGINEER.password);
  await page.goto("/changes/new");
  await hydrated(page);
  await page.locator("#cr-title").fill("Maybe not needed");
  await page.locator("#cr-env-dev").check();
  await page.locator("#cr-implementation").fill("Deploy it.");
  await page.locator("#cr-rollback").fill("Undeploy it.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/changes\/\d+$/);
  await hydrated(page);
  await page.getByLabel("Reason or notes").fill("Superseded by another change.");
  await page.getByRole("button", { name: "Cancel request" }).click();
  await expect(page.getByTestId("confirm-cancel")).toBeVisible();
  await page.getByRole("link", { name: "Keep it" }).click();
  await expect(page.getByTestId("confirm-cancel")).toHaveCount(0);
  await expect(page.locator("[data-status]")).toHaveText("Draft");
  await page.getByRole("button", { name: "Cancel request" }).click();
  await page.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.locator("[data-status]")).toHaveText("Cancelled");
  await expect(page.getByTestId("cr-timeline")).toContainText("Superseded by another change.");
});
