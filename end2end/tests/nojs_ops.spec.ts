import { expect, Page, test } from "@playwright/test";
import { apiToken, ENGINEER, hydrated, signIn, signOut } from "./helpers";

const PASSWORD = ENGINEER.password;
const SUPPORT = "support@example.com";
const RELEASE_MANAGER = "release@example.com";
const PLATFORM_ADMIN = "platform@example.com";
const APPROVER = "approver2@example.com";

// The back office, the release page and the deployment page without
// JavaScript: every form posts its named fields, a refusal comes back with
// what was typed and each message beside its field, and success lands on
// what was saved. Everything made here is left as the later files expect
// the status page: incidents without impact and resolved, no component.

const stamp = () => Date.now() % 1_000_000;

test.describe("operations with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("support opens an incident after a refusal that kept everything, and updates it", async ({ page }) => {
    await signIn(page, SUPPORT, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);
    await page.goto("/incidents");
    await page.getByRole("button", { name: "New incident" }).click();
    await expect(page).toHaveURL(/\/incidents\?new=1$/);

    // No title: said beside it, the rest as typed.
    await page.locator("#incident-impact").selectOption("none");
    await page.locator("#incident-status").selectOption("identified");
    await page.locator("#incident-body").fill("Some **requests** fail.");
    await page.getByRole("button", { name: "Open incident" }).click();
    await expect(page).toHaveURL(/\/incidents\?kept=[0-9a-f]+$/);
    await expect(page.locator('.field-error[data-field="title"]')).not.toBeEmpty();
    await expect(page.locator("#incident-title")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#incident-impact")).toHaveValue("none");
    await expect(page.locator("#incident-status")).toHaveValue("identified");
    await expect(page.locator("#incident-body")).toHaveValue("Some **requests** fail.");
    await expect(page.locator("label.check").filter({ hasText: "Publish now" }).locator("input")).toBeChecked();

    const title = `Plain incident ${stamp()}`;
    await page.locator("#incident-title").fill(title);
    await page.getByRole("button", { name: "Open incident" }).click();
    await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
    const url = page.url();
    await expect(page.getByTestId("incident-title")).toHaveText(title);
    await expect(page.getByTestId("incident-visibility")).toHaveText("published");
    await expect(page.getByTestId("incident-timeline")).toContainText("Some requests fail.");

    // An update without a message is refused, its status kept; then posted.
    await page.locator("#update-status").selectOption("resolved");
    await page.getByTestId("post-update").click();
    await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}\?kept=/);
    await expect(page.locator('.field-error[data-field="body"]')).not.toBeEmpty();
    await expect(page.locator("#update-status")).toHaveValue("resolved");
    await page.locator("#update-body").fill("Fixed without scripts.");
    await page.getByTestId("post-update").click();
    await expect(page).toHaveURL(url);
    await expect(page.getByTestId("incident-timeline")).toContainText("Fixed without scripts.");
    await expect(page.getByTestId("incident-timeline")).toContainText("Resolved");
  });

  test("a release manager keeps a status component and announces maintenance", async ({ page }) => {
    const name = `Plain widget ${stamp()}`;
    await signIn(page, RELEASE_MANAGER, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);

    // A new component without a name is refused, the rest kept.
    await page.goto("/admin/components");
    await page.getByRole("button", { name: "New component" }).click();
    await expect(page).toHaveURL(/\/admin\/components\?edit=new$/);
    await page.locator("#component-group").fill("No scripts");
    await page.locator("#component-description").fill("Made without JavaScript");
    await page.getByRole("button", { name: "Save component" }).click();
    await expect(page).toHaveURL(/\/admin\/components\?kept=/);
    await expect(page.locator('.field-error[data-field="name"]')).not.toBeEmpty();
    await expect(page.locator("#component-group")).toHaveValue("No scripts");
    await expect(page.locator("#component-description")).toHaveValue("Made without JavaScript");
    await page.locator("#component-name").fill(name);
    await page.getByRole("button", { name: "Save component" }).click();
    await expect(page).toHaveURL(/\/admin\/components$/);
    const row = page.getByTestId("components").locator("tr").filter({ hasText: name });
    await expect(row).toContainText("No scripts");

    // Its status set by hand (a button beside the select), and back.
    await row.getByLabel(`Set status of ${name}`).selectOption("degraded_performance");
    await row.getByRole("button", { name: "Set", exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/components$/);
    await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "degraded_performance");
    await expect(row.getByLabel(`Set status of ${name}`)).toHaveValue("degraded_performance");
    await row.getByLabel(`Set status of ${name}`).selectOption("operational");
    await row.getByRole("button", { name: "Set", exact: true }).click();
    await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "operational");

    // Edited: the editor opens with what it says now.
    await row.getByRole("button", { name: "Edit" }).click();
    await expect(page).toHaveURL(/\/admin\/components\?edit=[0-9a-f-]{36}$/);
    await expect(page.locator("#component-name")).toHaveValue(name);
    await page.locator("#component-description").fill("Edited without JavaScript");
    await page.getByRole("button", { name: "Save component" }).click();
    await expect(page).toHaveURL(/\/admin\/components$/);
    await expect(row).toContainText("Edited without JavaScript");

    // A window that ends before it starts, on no component: both said
    // beside their fields, everything typed kept.
    const title = `Plain window ${stamp()}`;
    await page.goto("/maintenance");
    await page.locator("#mw-title").fill(title);
    await page.locator("#mw-start").fill("2032-06-02T10:00");
    await page.locator("#mw-end").fill("2032-06-02T09:00");
    await page.locator("#mw-description").fill("Expect a short pause.");
    await page.getByRole("button", { name: "Announce window" }).click();
    await expect(page).toHaveURL(/\/maintenance\?kept=/);
    await expect(page.locator('.field-error[data-field="ends_at"]')).not.toBeEmpty();
    await expect(page.locator('.field-error[data-field="components"]')).not.toBeEmpty();
    await expect(page.locator("#mw-title")).toHaveValue(title);
    await expect(page.locator("#mw-start")).toHaveValue("2032-06-02T10:00");
    await expect(page.locator("#mw-description")).toHaveValue("Expect a short pause.");
    await page.locator("#mw-end").fill("2032-06-02T12:00");
    await page.locator("label.check").filter({ hasText: name }).locator("input").check();
    await page.getByRole("button", { name: "Announce window" }).click();
    await expect(page).toHaveURL(/\/maintenance$/);
    const item = page.locator(".maintenance-item").filter({ hasText: title });
    await expect(item).toHaveAttribute("data-state", "scheduled");
    await expect(item).toContainText(name);

    // Moved along by its buttons: cancelled.
    await item.getByRole("button", { name: "Cancel", exact: true }).click();
    await expect(page).toHaveURL(/\/maintenance$/);
    await expect(item).toHaveAttribute("data-state", "cancelled");

    // Deleting the component asks first, then deletes it.
    await page.goto("/admin/components");
    await row.getByRole("button", { name: "Delete" }).click();
    await expect(page).toHaveURL(/\/admin\/components\?kept=/);
    await expect(page.getByTestId("confirm-delete")).toContainText(name);
    await page.getByRole("button", { name: "Yes, delete it" }).click();
    await expect(page).toHaveURL(/\/admin\/components$/);
    await expect(page.locator("tr").filter({ hasText: name })).toHaveCount(0);
  });

  test("a release is refused a deployment, approved, deployed and aborted, and another recorded by hand", async ({ page, browser }) => {
    test.setTimeout(180_000);
    const key = `plain${stamp()}`;

    // Set up with scripts: a service with a simulated deploy target in dev.
    const setup = await browser.newContext({ javaScriptEnabled: true });
    const admin = await setup.newPage();
    await signIn(admin, PLATFORM_ADMIN, PASSWORD);
    await expect(admin).not.toHaveURL(/\/login/);
    await addServiceWithTarget(admin, key);
    const token = await apiToken(admin, `nojs ops ${key}`);

    // The release manager plans two releases of it.
    await signIn(page, RELEASE_MANAGER, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);
    const deployed = await planRelease(page, key, "1.0.0", "dev", "Deployed without JavaScript");
    // CI reports the gate dev requires.
    const gate = await admin.request.post(`/api/v1/releases/${deployed.split("/").pop()}/gates`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { environment: "dev", name: "Unit Tests", status: "passed" },
    });
    expect(gate.status()).toBe(201);
    await setup.close();
    const recorded = await planRelease(page, key, "1.1.0", "staging", "Recorded without JavaScript");

    // The deploy form opens from its button; a bad canary step is said
    // beside it, everything typed kept.
    await page.goto(deployed);
    await page.getByRole("button", { name: "Deploy…" }).click();
    await expect(page).toHaveURL(/\?deploy=1$/);
    await page.locator("#deploy-strategy").selectOption("canary");
    await page.locator("#deploy-canary").fill("ten:2");
    await page.locator("#deploy-bake").fill("45");
    await page.getByRole("button", { name: "Start deployment" }).click();
    await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}\?kept=/);
    const panel = page.getByTestId("deploy-panel");
    await expect(panel).toContainText("the weight is a whole percentage");
    await expect(page.locator("#deploy-canary")).toHaveValue("ten:2");
    await expect(page.locator("#deploy-bake")).toHaveValue("45");

    // Not approved yet: refused with the reason, still as typed.
    await page.locator("#deploy-canary").fill("50:promote");
    await page.getByRole("button", { name: "Start deployment" }).click();
    await expect(page.getByTestId("deploy-refusals")).toContainText("must be approved");
    await expect(page.locator("#deploy-canary")).toHaveValue("50:promote");
    await expect(page.locator("#deploy-bake")).toHaveValue("45");
    await signOut(page);

    // The approver approves both, with a note.
    await signIn(page, APPROVER, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);
    for (const url of [deployed, recorded]) {
      await page.goto(url);
      await page.getByLabel("Note (optional)").fill("Approved without scripts.");
      await page.getByRole("button", { name: "Approve release" }).click();
      await expect(page).toHaveURL(url);
      await expect(page.locator("[data-status]").first()).toHaveText("Approved");
      await expect(page.getByTestId("release-timeline")).toContainText("Approved without scripts.");
    }
    await signOut(page);

    // Deployed: the start lands on the deployment, whose buttons post too.
    await signIn(page, RELEASE_MANAGER, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);
    await page.goto(`${deployed}?deploy=1`);
    await page.locator("#deploy-strategy").selectOption("canary");
    await page.locator("#deploy-canary").fill("50:promote");
    await page.getByRole("button", { name: "Start deployment" }).click();
    await expect(page).toHaveURL(/\/deployments\/[0-9a-f-]{36}$/);
    const deployment = page.url();
    await page.getByRole("button", { name: "Abort" }).click();
    await expect(page).toHaveURL(deployment);
    await expect(page.getByTestId("deployment-state").locator("[data-state]")).toHaveAttribute("data-state", "aborted");

    // The other is recorded by hand, with what happened.
    await page.goto(recorded);
    const byHand = page.getByTestId("record-by-hand");
    await byHand.getByLabel("What happened (optional)").fill("Rolled out by hand.");
    await byHand.getByRole("button", { name: "Record: deploying started" }).click();
    await expect(page).toHaveURL(recorded);
    await expect(page.locator("[data-status]").first()).toHaveText("Deploying");
    await page.getByTestId("record-by-hand").getByRole("button", { name: "Record: deployed" }).click();
    await expect(page).toHaveURL(recorded);
    await expect(page.locator("[data-status]").first()).toHaveText("Deployed");
    await expect(page.getByTestId("release-timeline")).toContainText("Rolled out by hand.");

    // Its release note: a draft asked for by its button, a refused save
    // that kept the text with the message beside its section, a revision,
    // published and unpublished.
    await page.goto(`${recorded}/notes`);
    await page.getByTestId("generate-draft").click();
    await expect(page).toHaveURL(/\/notes\?draft=1$/);
    await expect(page.locator(".alert-info")).toContainText("Draft generated");
    await page.locator("textarea[data-section=features]").fill("- Recorded by hand");
    await page.locator("textarea[data-section=migration]").fill("x".repeat(20_001));
    await page.getByTestId("save-note").click();
    await expect(page).toHaveURL(/\/notes\?kept=/);
    await expect(page.locator('.field-error[data-field="migration"]')).toContainText("20000");
    await expect(page.locator("textarea[data-section=features]")).toHaveValue("- Recorded by hand");
    await page.locator("textarea[data-section=migration]").fill("Nothing to migrate.");
    await page.getByTestId("save-note").click();
    await expect(page).toHaveURL(`${recorded}/notes`);
    await expect(page.getByTestId("note-status")).toContainText("revision 1");
    await expect(page.locator("textarea[data-section=features]")).toHaveValue("- Recorded by hand");
    await page.getByTestId("publish-note").click();
    await expect(page.getByTestId("note-status")).toContainText("Published revision 1");
    await page.getByRole("button", { name: "Unpublish" }).click();
    await expect(page.getByTestId("note-status")).toContainText("Not published");
  });
});

/** Plans a release without scripts; returns its page's address. */
async function planRelease(page: Page, service: string, version: string, environment: string, title: string): Promise<string> {
  await page.goto("/releases/new");
  await page.locator("#rel-service").selectOption(service);
  await page.locator("#rel-version").fill(version);
  await page.locator("#rel-title").fill(title);
  await page.locator(`#rel-env-${environment}`).check();
  await page.getByRole("button", { name: "Plan release" }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  return page.url();
}

/** Adds a service and its simulated deploy target in dev (with scripts). */
async function addServiceWithTarget(admin: Page, key: string) {
  await admin.goto("/admin/environments");
  await hydrated(admin);
  await admin.locator("#service-key").fill(key);
  await admin.locator("#service-name").fill(`Plain ${key}`);
  await admin.getByRole("button", { name: "Add service" }).click();
  await expect(admin.getByTestId("services")).toContainText(`Plain ${key}`);
  await admin.goto("/admin/targets");
  await hydrated(admin);
  await admin.getByRole("button", { name: "New target" }).click();
  await admin.locator("#target-service").selectOption(key);
  await admin.locator("#target-env").selectOption("dev");
  await admin.locator("#target-kind").selectOption("simulated");
  await admin.getByRole("button", { name: "Save target" }).click();
  await expect(admin.getByTestId("targets")).toContainText(key);
}
