import { expect, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn, signOut } from "./helpers";

const PASSWORD = ENGINEER.password;
const PLATFORM_ADMIN = "platform@example.com";
const APPROVER = "approver1@example.com";

test("an admin adds a service, an engineer plans a release, an approver approves it, and it is on the calendar and in the feed", async ({ page }) => {
  // The administrator adds the service releases belong to.
  await signIn(page, PLATFORM_ADMIN, PASSWORD);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Environments & services" }).click();
  await hydrated(page, "/admin/environments");
  await expect(page.getByTestId("promotion-path")).toContainText("Development");
  await expect(page.getByTestId("promotion-path")).toContainText("Production");
  await page.getByLabel("Key").last().fill("api");
  await page.getByLabel("Name").last().fill("Public API");
  await page.getByRole("button", { name: "Add service" }).click();
  await expect(page.getByTestId("services")).toContainText("Public API");
  await signOut(page);

  // An engineer plans a release; a bad version is a field error.
  await signIn(page, ENGINEER.email, PASSWORD);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Releases" }).click();
  await page.getByRole("link", { name: "New release" }).click();
  await hydrated(page, "/releases/new");
  await page.getByLabel("Service", { exact: true }).selectOption("api");
  await page.getByLabel("Version", { exact: true }).fill("2.1");
  await page.getByLabel("Title", { exact: true }).fill("Bulk export");
  await page.locator("#rel-env-staging").check();
  await page.locator("#rel-env-prod").check();
  await page.getByLabel("Planned (UTC)").fill("2026-12-03T14:00");
  await page.getByRole("button", { name: "Plan release" }).click();
  await expect(page.getByText("use MAJOR.MINOR.PATCH")).toBeVisible();
  await page.getByLabel("Version", { exact: true }).fill("2.1.0");
  await page.getByRole("button", { name: "Plan release" }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  await expect(page.locator("[data-status]")).toHaveText("Planned");
  // The standard gates for staging come with it.
  await expect(page.getByTestId("gates")).toContainText("Integration Tests");

  // The plan: an overdue prerequisite, a risk assessment, a rollback step.
  await hydrated(page);
  await page.getByRole("button", { name: "Edit plan" }).click();
  await page.getByRole("button", { name: "+ Add prerequisite" }).click();
  await page.locator("#pre-0-description").fill("Add the export index");
  await page.locator("#pre-0-owner").fill("DBA team");
  await page.locator("#pre-0-deadline").fill("2026-11-01T09:00");
  await page.locator("#risk-impact").selectOption("high");
  await page.locator("#risk-likelihood").selectOption("medium");
  await page.getByLabel("Mitigations (one per line)").fill("Canary first\nFeature flag");
  await page.getByRole("button", { name: "+ Add rollback step" }).click();
  await page.locator("#step-0-description").fill("Redeploy 2.0.3");
  await page.locator("#step-0-command").fill("rookery deploy api 2.0.3");
  await page.locator("#step-0-verification").fill("Health checks green");
  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(page.getByTestId("prerequisites")).toContainText("Overdue");
  await expect(page.getByTestId("risk-score")).toHaveText("6");
  await expect(page.getByTestId("rollback-steps")).toContainText("rookery deploy api 2.0.3");
  const releaseUrl = page.url();

  // The engineer subscribes to the calendar feed.
  await page.goto("/calendar?month=2026-12");
  await hydrated(page);
  await page.getByRole("button", { name: "Make my link" }).click();
  const feedUrl = await page.getByTestId("feed-url").inputValue();
  expect(feedUrl).toMatch(/\/calendar\/feed\/cal_[0-9a-f]{64}\.ics$/);
  await signOut(page);

  // An approver approves it.
  await signIn(page, APPROVER, PASSWORD);
  await page.goto(releaseUrl);
  await hydrated(page);
  await page.getByRole("button", { name: "Approve release" }).click();
  await expect(page.locator("[data-status]")).toHaveText("Approved");
  await expect(page.getByTestId("release-timeline")).toContainText("Planned → Approved");

  // It shows on the month and week calendars, filtered by service.
  await page.goto("/calendar?month=2026-12&service=api");
  await expect(page.locator('[data-date="2026-12-03"]').getByRole("link", { name: /api 2\.1\.0/ })).toBeVisible();
  await page.goto("/calendar?view=week&day=2026-12-03");
  await expect(page.getByTestId("calendar-week").getByRole("link", { name: /api 2\.1\.0/ })).toBeVisible();
  await expect(page.getByTestId("calendar-title")).toHaveText(/Week of 30 Nov/);

  // The feed needs no session: a calendar app fetches it with the link alone.
  const feed = await page.request.get(feedUrl);
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  const ics = await feed.text();
  expect(ics).toContain("BEGIN:VCALENDAR\r\n");
  expect(ics).toContain("SUMMARY:Release api 2.1.0: Bulk export");
});
