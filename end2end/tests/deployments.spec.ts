import { expect, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn, signOut } from "./helpers";

const PASSWORD = ENGINEER.password;
const PLATFORM_ADMIN = "platform@example.com";
const APPROVER = "approver2@example.com";

test("a canary on the simulated fleet updates live, and raising its error rate rolls it back automatically", async ({ page }) => {
  test.setTimeout(180_000);
  const nav = () => page.getByRole("navigation", { name: "Main" });

  // The administrator adds the service and its simulated deploy target in dev.
  await signIn(page, PLATFORM_ADMIN, PASSWORD);
  await nav().getByRole("link", { name: "Environments & services" }).click();
  await hydrated(page, "/admin/environments");
  await page.getByLabel("Key").last().fill("web");
  await page.getByLabel("Name").last().fill("Web front end");
  await page.getByRole("button", { name: "Add service" }).click();
  await expect(page.getByTestId("services")).toContainText("Web front end");
  await nav().getByRole("link", { name: "Deploy targets" }).click();
  await hydrated(page, "/admin/targets");
  await page.getByRole("button", { name: "New target" }).click();
  await page.locator("#target-service").selectOption("web");
  await page.locator("#target-env").selectOption("dev");
  await page.locator("#target-kind").selectOption("simulated");
  await page.getByRole("button", { name: "Save target" }).click();
  await expect(page.getByTestId("targets")).toContainText("in-process simulated fleet");
  await signOut(page);

  // An engineer plans the release; CI reports its dev gate through the API.
  await signIn(page, ENGINEER.email, PASSWORD);
  await page.goto("/releases/new");
  await hydrated(page);
  await page.getByLabel("Service", { exact: true }).selectOption("web");
  await page.getByLabel("Version", { exact: true }).fill("3.4.0");
  await page.getByLabel("Title", { exact: true }).fill("Faster checkout");
  await page.locator("#rel-env-dev").check();
  await page.getByRole("button", { name: "Plan release" }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  const releaseUrl = page.url();
  const releaseId = releaseUrl.split("/").pop()!;

  await page.goto("/account/tokens");
  await hydrated(page);
  await page.getByLabel("Name").fill("ci");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New API token").inputValue();
  const gate = await page.request.post(`/api/v1/releases/${releaseId}/gates`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { environment: "dev", name: "Unit Tests", status: "passed", url: "https://ci.example.com/runs/1" },
  });
  expect(gate.status()).toBe(201);

  // Not approved yet: the deployment is refused with the reason.
  await page.goto(releaseUrl);
  await hydrated(page);
  await page.getByRole("button", { name: "Deploy…" }).click();
  await page.getByRole("button", { name: "Start deployment" }).click();
  await expect(page.getByTestId("deploy-refusals")).toContainText("must be approved");
  await signOut(page);

  await signIn(page, APPROVER, PASSWORD);
  await page.goto(releaseUrl);
  await hydrated(page);
  await page.getByRole("button", { name: "Approve release" }).click();
  await expect(page.locator("[data-status]").first()).toHaveText("Approved");
  await signOut(page);

  // The engineer starts a canary: 20 % for 2 s, then 50 % until promoted,
  // with a fast error-rate trigger.
  await signIn(page, ENGINEER.email, PASSWORD);
  await page.goto(releaseUrl);
  await hydrated(page);
  await page.getByRole("button", { name: "Deploy…" }).click();
  await expect(page.getByTestId("deploy-panel")).toContainText("Unit Tests");
  await expect(page.getByTestId("deploy-panel")).toContainText("Passed");
  await page.locator("#deploy-strategy").selectOption("canary");
  await page.locator("#deploy-canary").fill("20:2, 50:promote");
  await page.getByLabel("Trigger 1 sustained seconds").fill("3");
  await page.getByLabel("Trigger 1 interval seconds").fill("1");
  await page.locator("#deploy-bake").fill("30");
  await page.getByRole("button", { name: "Start deployment" }).click();
  await expect(page).toHaveURL(/\/deployments\/[0-9a-f-]{36}$/);
  await hydrated(page);

  // The page follows the engine without reloading: it reaches the manual
  // promotion step at 50 %.
  const state = page.getByTestId("deployment-state").locator("[data-state]");
  await expect(page.getByTestId("deployment-weight")).toHaveText("Weight 50 %", { timeout: 60_000 });
  await expect(state).toHaveAttribute("data-state", "paused");
  await expect(page.getByRole("button", { name: "Promote" })).toBeVisible();
  await expect(page.getByTestId("deployment-log")).toContainText("waiting for a person to promote");
  await expect(page.getByTestId("trigger-chart").first()).toHaveAttribute("data-breaching", "false");

  // Errors rise on the fleet: the trigger breaches and the deployment rolls back by itself.
  await page.getByLabel("Error rate (0–1)").fill("0.5");
  await page.getByRole("button", { name: "Apply to the fleet" }).click();
  await expect(page.getByTestId("trigger-chart").first()).toHaveAttribute("data-breaching", "true", { timeout: 30_000 });
  await expect(state).toHaveAttribute("data-state", "rolled_back", { timeout: 60_000 });
  await expect(page.getByTestId("deployment-reason")).toContainText("error_rate");
  await expect(page.getByTestId("deployment-log")).toContainText("Automatic rollback");
  await expect(page.getByTestId("deployment-weight")).toHaveText("Weight 0 %");
  await expect(page.getByTestId("after-rollback")).toContainText("what next");

  // The release moved with it, and the history lists it.
  await page.goto(releaseUrl);
  await expect(page.locator("[data-status]").first()).toHaveText("Rolled back");
  await page.goto("/deployments?service=web&environment=dev");
  await expect(page.getByTestId("deployment-rows")).toContainText("Rolled back");
});
