import { expect, test } from "@playwright/test";
import { api, apiToken, ENGINEER, hydrated, signIn, signOut } from "./helpers";

const PASSWORD = ENGINEER.password;
const PLATFORM_ADMIN = "platform@example.com";
const APPROVER = "approver2@example.com";
const SUPPORT = "support@example.com";
const RELEASE_MANAGER = "release@example.com";

test("an automatic rollback opens a draft incident that support publishes, updates and resolves on the public page", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const nav = () => page.getByRole("navigation", { name: "Main" });

  // The administrator adds a service with a simulated target, and a status
  // component linked to it.
  await signIn(page, PLATFORM_ADMIN, PASSWORD);
  await nav().getByRole("link", { name: "Environments & services" }).click();
  await hydrated(page, "/admin/environments");
  await page.getByLabel("Key").last().fill("shop");
  await page.getByLabel("Name").last().fill("Shop");
  await page.getByRole("button", { name: "Add service" }).click();
  await expect(page.getByTestId("services")).toContainText("Shop");
  await nav().getByRole("link", { name: "Deploy targets" }).click();
  await hydrated(page, "/admin/targets");
  await page.getByRole("button", { name: "New target" }).click();
  await page.locator("#target-service").selectOption("shop");
  await page.locator("#target-env").selectOption("dev");
  await page.locator("#target-kind").selectOption("simulated");
  await page.getByRole("button", { name: "Save target" }).click();
  await expect(page.getByTestId("targets")).toContainText("shop");
  await nav().getByRole("link", { name: "Status components" }).click();
  await hydrated(page, "/admin/components");
  await page.getByRole("button", { name: "New component" }).click();
  await page.locator("#component-name").fill("Checkout");
  await page.locator("#component-group").fill("Storefront");
  await page.locator("#component-services").fill("shop");
  await page.getByRole("button", { name: "Save component" }).click();
  await expect(page.getByTestId("components")).toContainText("Checkout");
  await signOut(page);

  // The public page, signed out: all operational, with an uptime bar.
  await page.goto("/status");
  await expect(page.locator(".banner")).toHaveText("All Systems Operational");
  await expect(page.locator("[data-component]").filter({ hasText: "Checkout" })).toContainText("Operational");
  await expect(page.locator("svg.bars rect")).toHaveCount(90);

  // An engineer plans an approved release and deploys a canary through the API.
  await signIn(page, ENGINEER.email, PASSWORD);
  const token = await apiToken(page, "status-e2e");
  const created = await api(page.request, token, "POST", "/api/v1/releases", {
    service: "shop", version: "1.0.0", release_type: "minor", title: "New basket",
    description: "", environments: ["dev"], planned_at: "", changes: [],
  });
  const releaseId: string = created.id;
  await api(page.request, token, "POST", `/api/v1/releases/${releaseId}/gates`, { environment: "dev", name: "Unit Tests", status: "passed", url: "" });
  await signOut(page);
  await signIn(page, APPROVER, PASSWORD);
  await page.goto(`/releases/${releaseId}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Approve release" }).click();
  await expect(page.locator("[data-status]").first()).toHaveText("Approved");
  await signOut(page);
  await signIn(page, ENGINEER.email, PASSWORD);
  const started = await api(page.request, token, "POST", "/api/v1/deployments", {
    release: releaseId, environment: "dev", strategy: "canary",
    params: { canary_steps: [{ weight: 50, pause_seconds: 600 }] },
    triggers: [{ metric: "error_rate", operator: ">", threshold: 0.1, sustained_seconds: 2, interval_seconds: 1, action: "rollback", cooldown_minutes: 5, source: "auto", query: "" }],
    bake_seconds: 30,
  });
  const deploymentId: string = started.summary.id;
  const detail = await api(page.request, token, "GET", `/api/v1/deployments/${deploymentId}`);
  const targetId: string = detail.fleet.target_id;
  await page.goto(`/deployments/${deploymentId}`);
  await hydrated(page);
  const state = page.getByTestId("deployment-state").locator("[data-state]");
  await expect(page.getByTestId("deployment-weight")).toHaveText("Weight 50 %", { timeout: 60_000 });

  // Errors rise: the deployment rolls back by itself.
  await api(page.request, token, "PUT", `/api/v1/deploy-targets/${targetId}/simulation`, { error_rate: 0.5, latency_p95: 0.2 });
  await expect(state).toHaveAttribute("data-state", "rolled_back", { timeout: 60_000 });
  await signOut(page);

  // The draft is not public yet.
  await page.goto("/status");
  await expect(page.locator(".banner")).toHaveText("All Systems Operational");

  // Support is told, and the incidents link counts the drafts waiting.
  await signIn(page, SUPPORT, PASSWORD);
  await expect(page.getByTestId("draft-incidents")).toBeVisible();
  await nav().getByRole("link", { name: /Notifications/ }).click();
  await expect(page.getByTestId("notifications")).toContainText("Draft incident waiting: Degraded service: Checkout");

  // Support finds the draft, sees what caused it, and publishes it.
  await nav().getByRole("link", { name: /Incidents/ }).click();
  await hydrated(page, "/incidents");
  const row = page.getByTestId("incidents").locator("tr").filter({ hasText: "Degraded service: Checkout" });
  await expect(row).toContainText("draft");
  await expect(row).toContainText("Rollback D-");
  await row.getByRole("link").click();
  await hydrated(page);
  await expect(page.getByTestId("incident-visibility")).toHaveText("draft");
  await expect(page.getByText("shop 1.0.0").first()).toBeVisible();
  await page.locator("#publish-title").fill("Checkout errors after an update");
  await page.locator("#publish-body").fill("Some customers saw **errors** at checkout. The change was rolled back.");
  await expect(page.getByTestId("preview")).toContainText("errors");
  await expect(page.getByTestId("preview").locator("strong")).toHaveText("errors");
  await page.getByTestId("publish-incident").click();
  await expect(page.getByTestId("incident-visibility")).toHaveText("published");

  // The public page shows it (a separate, signed-out browser without JavaScript).
  const visitor = await browser.newContext({ javaScriptEnabled: false });
  const pub = await visitor.newPage();
  await expect(async () => {
    await pub.goto("/status");
    await expect(pub.locator("#active-incidents")).toContainText("Checkout errors after an update", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(pub.locator(".banner")).toHaveText("Minor Service Outage");
  await expect(pub.locator("[data-component]").filter({ hasText: "Checkout" })).toContainText("Degraded performance");

  // Support posts updates; resolving returns the component to operational.
  await page.locator("#update-status").selectOption("identified");
  await page.locator("#update-body").fill("We found the faulty change.");
  await page.getByTestId("post-update").click();
  await expect(page.getByTestId("incident-timeline")).toContainText("We found the faulty change.");
  await page.locator("#update-status").selectOption("resolved");
  await page.locator("#update-body").fill("Checkout works normally again.");
  await page.getByTestId("post-update").click();
  await expect(page.getByTestId("incident-timeline")).toContainText("Checkout works normally again.");

  await expect(async () => {
    await pub.goto("/status");
    await expect(pub.locator(".banner")).toHaveText("All Systems Operational", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(pub.locator("[data-component]").filter({ hasText: "Checkout" })).toContainText("Operational");
  await expect(pub.locator("#past-incidents")).toContainText("Checkout errors after an update");
  await pub.locator("#past-incidents").getByRole("link", { name: "Checkout errors after an update" }).click();
  await expect(pub.locator("[data-status=resolved]")).toContainText("Checkout works normally again.");
  await expect(pub.locator("[data-status=identified]")).toContainText("We found the faulty change.");
  const summary = await (await pub.request.get("/api/v2/summary.json")).json();
  expect(summary.status.indicator).toBe("none");
  await visitor.close();
});

test("a release note is drafted from its change requests, previewed live, published and appears on the changelog", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ENGINEER.email, PASSWORD);
  const token = await apiToken(page, "notes-e2e");
  const cr = await api(page.request, token, "POST", "/api/v1/change-requests", {
    title: "One-click reorder", description: "", change_type: "enhancement", priority: "medium", impact: "low",
    risk: "low", class: "normal", environments: ["dev"], services: ["shop"], planned_start: "",
    duration_minutes: "30", maintenance: false, implementation_plan: "Ship it", rollback_plan: "Revert", testing_plan: "",
  });
  const fix = await api(page.request, token, "POST", "/api/v1/change-requests", {
    title: "Fix rounding in totals", description: "", change_type: "bug_fix", priority: "medium", impact: "low",
    risk: "low", class: "normal", environments: ["dev"], services: ["shop"], planned_start: "",
    duration_minutes: "30", maintenance: false, implementation_plan: "Ship it", rollback_plan: "Revert", testing_plan: "",
  });
  const release = await api(page.request, token, "POST", "/api/v1/releases", {
    service: "shop", version: "1.1.0", release_type: "minor", title: "Reorders", description: "",
    environments: ["dev"], planned_at: "", changes: [cr.number, fix.number],
  });

  await page.goto(`/releases/${release.id}`);
  await hydrated(page);
  await page.getByTestId("release-notes-link").click();
  await expect(page).toHaveURL(new RegExp(`/releases/${release.id}/notes$`));
  await hydrated(page);
  await page.getByTestId("generate-draft").click();
  await expect(page.locator("textarea[data-section=features]")).toHaveValue("- One-click reorder\n");
  await expect(page.locator("textarea[data-section=fixes]")).toHaveValue("- Fix rounding in totals\n");
  const preview = page.getByTestId("note-preview");
  await expect(preview.locator("h2").first()).toHaveText("New Features");
  await expect(preview).toContainText("One-click reorder");

  // The preview follows typing, with the server's sanitizer.
  await page.locator("textarea[data-section=migration]").fill("Run `shop migrate` first. <script>alert(1)</script> [x](javascript:alert(1))");
  await expect(preview.locator("code")).toHaveText("shop migrate");
  await expect(preview).toContainText("<script>alert(1)</script>");
  await expect(preview.locator("script")).toHaveCount(0);
  await expect(preview.locator("a")).toHaveCount(0);
  await page.getByTestId("save-note").click();
  await expect(page.getByTestId("note-status")).toContainText("revision 1");

  await page.locator("textarea[data-section=migration]").fill("Run `shop migrate` first.");
  await page.getByTestId("save-note").click();
  await expect(page.getByTestId("note-status")).toContainText("revision 2");
  await page.getByTestId("compare").click();
  await expect(page.getByTestId("note-diff")).toContainText("Migration Notes");
  await expect(page.getByTestId("note-diff").locator(".del")).toContainText("<script>");
  await signOut(page);

  // The release manager publishes it.
  await signIn(page, RELEASE_MANAGER, PASSWORD);
  await page.goto(`/releases/${release.id}/notes`);
  await hydrated(page);
  await page.getByTestId("publish-note").click();
  await expect(page.getByTestId("note-status")).toContainText("Published revision 2");
  await signOut(page);

  await page.goto("/changelog");
  const entry = page.locator(`[data-release="${release.id}"]`);
  await expect(entry).toContainText("Shop 1.1.0");
  await expect(entry).toContainText("One-click reorder");
  await expect(entry.locator("code")).toHaveText("shop migrate");
  const atom = await (await page.request.get("/changelog.atom")).text();
  expect(atom).toContain("Shop 1.1.0: Reorders");
});
