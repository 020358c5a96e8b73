import { expect, Page, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn, signOut } from "./helpers";

const PASSWORD = ENGINEER.password;
const REVIEWER = "reviewer@example.com";
const APPROVERS = ["approver1@example.com", "approver2@example.com"];
const RELEASE_MANAGER = "release@example.com";

async function openChange(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
}

test("a change request goes from an engineer's draft to scheduled", async ({ page }) => {
  // The engineer files it.
  await signIn(page, ENGINEER.email, PASSWORD);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Change requests" }).click();
  await page.getByRole("link", { name: "New change request" }).click();
  await hydrated(page, "/changes/new");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Give the change a title.")).toBeVisible();

  await page.getByLabel("Title", { exact: true }).fill("Rotate API signing keys");
  await page.getByLabel("Type").selectOption("security");
  await page.getByLabel("Risk").selectOption("medium");
  await page.locator("#cr-env-prod").check();
  await page.getByLabel("Planned start (UTC)").fill("2026-12-01T09:00");
  await page.getByLabel("Duration (minutes)").fill("45");
  await page.getByLabel("Implementation plan").fill("Deploy the new keys, then switch signing.");
  await page.getByLabel("Rollback plan").fill("Switch signing back to the old keys.");
  await page.getByRole("button", { name: "Save draft" }).click();

  await expect(page).toHaveURL(/\/changes\/\d+$/);
  const url = page.url();
  await expect(page.locator("[data-status]")).toHaveText("Draft");
  await hydrated(page);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.locator("[data-status]")).toHaveText("Submitted");
  await signOut(page);

  // A second engineer is told, and does the technical review.
  await signIn(page, REVIEWER, PASSWORD);
  await expect(page.getByTestId("unread-count")).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Notifications/ }).click();
  await expect(page.getByTestId("notifications")).toContainText("Technical review needed: CR-");
  await openChange(page, url);
  await page.getByRole("button", { name: "Pass technical review" }).click();
  await expect(page.locator("[data-status]")).toHaveText("In review");
  await signOut(page);

  // Production needs two approvals.
  for (const [index, approver] of APPROVERS.entries()) {
    await signIn(page, approver, PASSWORD);
    await openChange(page, url);
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(page.getByTestId("approval-count")).toHaveText(`${index + 1} of 2 approvals`);
    await signOut(page);
  }

  // The release manager schedules it.
  await signIn(page, RELEASE_MANAGER, PASSWORD);
  await openChange(page, url);
  await expect(page.locator("[data-status]")).toHaveText("Approved");
  await page.getByLabel("Planned start (UTC)").fill("2026-12-02T10:30");
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.locator("[data-status]")).toHaveText("Scheduled");
  await expect(page.getByTestId("cr-timeline")).toContainText("Approved → Scheduled");

  const number = url.split("/").pop();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calendar" }).click();
  await page.goto("/calendar?month=2026-12&env=prod");
  const day = page.locator('[data-date="2026-12-02"]');
  await expect(day.getByRole("link", { name: new RegExp(`CR-${number} Rotate API signing keys`) })).toBeVisible();
  await expect(day.locator(".calendar-entry")).toHaveClass(/scheduled/);

  await page.goto("/changes?status=scheduled");
  const row = page.getByRole("row", { name: /Rotate API signing keys/ });
  await expect(row).toContainText("2026-12-02 10:30 UTC");
  await expect(row.locator("[data-status]")).toHaveText("Scheduled");
});
