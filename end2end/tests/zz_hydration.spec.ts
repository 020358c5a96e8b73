import { Browser, expect, Page, test } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { addService, api, apiToken, ENGINEER, hydrated, signIn } from "./helpers";

// A guard against hydration failures: every route of the signed-in app, as
// every role, over objects in each state that changes what a page shows. A
// page that panics while hydrating, logs an error, or never becomes
// interactive fails; every (person, page, message) is collected, and each
// role's test lists them all at the end instead of stopping at the first.
//
// Some failures depend on timing, so detail pages and the admin pages most
// roles are refused are loaded several times.
//
// The fixtures are made once, through the JSON API where it has the action
// and the UI where it has not, with names unique to this run: the file works
// alone on a fresh database and after the other specs on theirs.

// Hundreds of page loads per test: a trace of them would be large and slow
// to record, and the list of failures says what failed where.
test.use({ trace: "off" });

const PASSWORD = ENGINEER.password;
const ADMIN = "platform@example.com";
const REVIEWER = "reviewer@example.com";
const APPROVER1 = "approver1@example.com";
const APPROVER2 = "approver2@example.com";
const RELEASE_MANAGER = "release@example.com";
const SUPPORT = "support@example.com";

const PEOPLE = [
  { role: "admin", email: ADMIN },
  { role: "engineer", email: ENGINEER.email },
  { role: "engineer (the reviewer)", email: REVIEWER },
  { role: "approver", email: APPROVER1 },
  { role: "approver (the second)", email: APPROVER2 },
  { role: "release_manager", email: RELEASE_MANAGER },
  { role: "support", email: SUPPORT },
  { role: "viewer", email: "viewer@example.com" },
];

const RUN = Date.now().toString(36);
const TAG = `hyd${RUN}`;
/** A freeze on prod, and planned starts inside and outside it. */
const FREEZE = { month: "2032-03", start: "2032-03-10T00:00", end: "2032-03-11T00:00" };
const IN_FREEZE = "2032-03-10T10:00";
const OUTSIDE_FREEZE = "2032-03-20T10:00";

const HYDRATION_TIMEOUT = 10_000;
/**
 * How often each page is loaded: the failures seen so far come and go with
 * timing, on change-request pages and on admin pages a role is refused.
 */
const LOADS = { page: 1, detail: 2, change: 3, admin: 3 };

/** A page to open, what state it shows, and how many times to load it. */
interface Visit {
  url: string;
  what: string;
  loads: number;
}

const PAGES: [string, string][] = [
  ["/", "overview"],
  ["/account", "account"],
  ["/calendar", "calendar"],
  [`/calendar?month=${FREEZE.month}`, "calendar with the freeze and the scheduled changes"],
  ["/changes", "change requests"],
  ["/changes/new", "new change request"],
  ["/releases", "releases"],
  ["/releases/new", "new release"],
  ["/incidents", "incidents"],
  ["/maintenance", "maintenance"],
  ["/deployments", "deployments"],
  ["/account/tokens", "API tokens"],
  ["/notifications", "notifications"],
];

/** Pages only some roles may use: the others see a refusal. */
const ADMIN_PAGES: [string, string][] = [
  ["/admin/components", "status components"],
  ["/admin/environments", "environments and services"],
  ["/admin/targets", "deploy targets"],
  ["/admin/jobs", "jobs"],
  ["/admin/templates", "templates"],
  ["/admin/users", "users"],
  ["/audit", "audit trail"],
];

// ---------------------------------------------------------------------------
// Making the fixtures

type Actor = "engineer" | "reviewer" | "approver1" | "approver2" | "release";
type Step = [Actor, string, string?];

/** A change request and the transitions that bring it to the state it shows. */
interface CrPlan {
  what: string;
  environments: string[];
  planned?: string;
  emergency?: boolean;
  steps: Step[];
}

const SUBMIT: Step = ["engineer", "submit"];
const REVIEW: Step = ["reviewer", "review"];
const APPROVE: Step[] = [SUBMIT, REVIEW, ["approver1", "approve"]];
const APPROVE_PROD: Step[] = [...APPROVE, ["approver2", "approve"]];
const SCHEDULE: Step = ["release", "schedule"];

const CHANGES: CrPlan[] = [
  { what: "draft", environments: ["dev"], steps: [] },
  { what: "submitted", environments: ["dev"], steps: [SUBMIT] },
  { what: "in review", environments: ["dev"], steps: [SUBMIT, REVIEW] },
  { what: "in review, 1 of 2 approvals", environments: ["prod"], steps: APPROVE },
  { what: "approved, no planned start", environments: ["dev"], steps: APPROVE },
  { what: "approved, planned outside any freeze", environments: ["dev"], planned: OUTSIDE_FREEZE, steps: APPROVE },
  { what: "approved, planned inside the prod freeze", environments: ["prod"], planned: IN_FREEZE, steps: APPROVE_PROD },
  { what: "scheduled", environments: ["dev"], planned: OUTSIDE_FREEZE, steps: [...APPROVE, SCHEDULE] },
  { what: "scheduled inside the prod freeze", environments: ["prod"], planned: IN_FREEZE, steps: [...APPROVE_PROD, SCHEDULE] },
  { what: "implementing", environments: ["dev"], planned: OUTSIDE_FREEZE, steps: [...APPROVE, SCHEDULE, ["engineer", "start_implementation"]] },
  {
    what: "validating",
    environments: ["dev"],
    planned: OUTSIDE_FREEZE,
    steps: [...APPROVE, SCHEDULE, ["engineer", "start_implementation"], ["engineer", "start_validation"]],
  },
  {
    what: "closed",
    environments: ["dev"],
    planned: OUTSIDE_FREEZE,
    steps: [...APPROVE, SCHEDULE, ["engineer", "start_implementation"], ["engineer", "start_validation"], ["engineer", "close", "Done."]],
  },
  { what: "rejected by an approver", environments: ["dev"], steps: [SUBMIT, REVIEW, ["approver1", "reject", "Not now."]] },
  { what: "rejected at the technical review", environments: ["dev"], steps: [SUBMIT, ["reviewer", "review_failed", "The plan is missing."]] },
  { what: "cancelled", environments: ["dev"], steps: [SUBMIT, ["engineer", "cancel", "No longer needed."]] },
  {
    what: "reworked after a rejection (draft again)",
    environments: ["dev"],
    steps: [SUBMIT, ["reviewer", "review_failed", "The plan is missing."], ["engineer", "rework"]],
  },
  { what: "emergency, submitted", environments: ["prod"], emergency: true, steps: [SUBMIT] },
  {
    what: "emergency, fast-tracked and implementing (review due)",
    environments: ["prod"],
    planned: OUTSIDE_FREEZE,
    emergency: true,
    steps: [SUBMIT, ["release", "fast_track"], SCHEDULE, ["engineer", "start_implementation"]],
  },
];

/** A signed-in person in a browser context of their own. */
async function session(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, PASSWORD);
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

async function addServiceWithTarget(admin: Page, key: string) {
  await addService(admin, key, `Hydration ${key}`);
  await admin.goto("/admin/targets");
  await hydrated(admin);
  await admin.getByRole("button", { name: "New target" }).click();
  await admin.locator("#target-service").selectOption(key);
  await admin.locator("#target-env").selectOption("dev");
  await admin.locator("#target-kind").selectOption("simulated");
  await admin.getByRole("button", { name: "Save target" }).click();
  await expect(admin.getByTestId("targets")).toContainText(key);
}

async function openIncident(support: Page, title: string, publish: boolean): Promise<string> {
  await support.goto("/incidents");
  await hydrated(support);
  await support.getByRole("button", { name: "New incident" }).click();
  await support.locator("#incident-title").fill(title);
  // No impact: the public page's banner stays as the other specs expect it.
  await support.locator("#incident-impact").selectOption("none");
  await support.locator("#incident-body").fill("Some requests fail.");
  if (!publish) await support.locator("label.check").filter({ hasText: "Publish now" }).locator("input").uncheck();
  await support.getByRole("button", { name: "Open incident" }).click();
  await expect(support).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  await hydrated(support);
  await expect(support.getByTestId("incident-visibility")).toHaveText(publish ? "published" : "draft");
  return support.url().split("/").pop()!;
}

async function saveNote(page: Page, release: string, text: string) {
  await page.goto(`/releases/${release}/notes`);
  await hydrated(page);
  await page.locator("textarea[data-section=features]").fill(text);
  await page.getByTestId("save-note").click();
  await expect(page.getByTestId("note-status")).toContainText("revision 1");
}

/** Creates objects in every state and returns the pages that show them. */
async function makeFixtures(browser: Browser): Promise<Visit[]> {
  const visits: Visit[] = [];
  const add = (url: string, what: string, loads = LOADS.detail) => visits.push({ url, what, loads });
  const service = { paused: `${TAG}-a`, running: `${TAG}-b`, rollback: `${TAG}-c`, done: `${TAG}-d` };

  // The administrator: a service with a simulated dev target per deployment
  // that must stay apart (one in flight per service; fleet settings per
  // target), and a freeze on prod.
  const admin = await session(browser, ADMIN);
  for (const key of Object.values(service)) await addServiceWithTarget(admin, key);
  await admin.goto(`/calendar?month=${FREEZE.month}`);
  await hydrated(admin);
  await admin.locator("details.freeze-form summary").click();
  await admin.locator("#freeze-env-prod").check();
  await admin.locator("#freeze-start").fill(FREEZE.start);
  await admin.locator("#freeze-end").fill(FREEZE.end);
  await admin.locator("#freeze-reason").fill(`${TAG} freeze`);
  await admin.getByRole("button", { name: "Add freeze" }).click();
  await expect(admin.getByTestId("freezes")).toContainText(`${TAG} freeze`);
  await admin.context().close();

  // Everyone who moves change requests on, with an API token each.
  const pages: Record<Actor, Page> = {
    engineer: await session(browser, ENGINEER.email),
    reviewer: await session(browser, REVIEWER),
    approver1: await session(browser, APPROVER1),
    approver2: await session(browser, APPROVER2),
    release: await session(browser, RELEASE_MANAGER),
  };
  const tokens = {} as Record<Actor, string>;
  for (const [actor, page] of Object.entries(pages) as [Actor, Page][]) tokens[actor] = await apiToken(page, `${TAG} hydration`);
  const engineer = pages.engineer;
  const as = (actor: Actor, method: "GET" | "POST" | "PUT", url: string, data?: unknown) =>
    api(pages[actor].request, tokens[actor], method, url, data);
  const deployment = async (id: string) => (await as("engineer", "GET", `/api/v1/deployments/${id}`)).summary;
  const becomes = (id: string, state: string) =>
    expect.poll(async () => (await deployment(id)).state, { message: `deployment ${id} becomes ${state}`, timeout: 60_000 }).toBe(state);

  const numbers: Record<string, number> = {};
  for (const plan of CHANGES) {
    const cr = await as("engineer", "POST", "/api/v1/change-requests", {
      title: `${TAG} ${plan.what}`, description: "", change_type: "enhancement", priority: "medium", impact: "low",
      risk: "low", class: plan.emergency ? "emergency" : "normal", environments: plan.environments,
      services: [service.paused], planned_start: plan.planned ?? "", duration_minutes: "60", maintenance: false,
      implementation_plan: "Ship it", rollback_plan: "Revert", testing_plan: "",
    });
    for (const [actor, action, note] of plan.steps) {
      await as(actor, "POST", `/api/v1/change-requests/${cr.number}/transitions`, { action, note: note ?? "" });
    }
    numbers[plan.what] = cr.number;
    add(`/changes/${cr.number}`, `change request ${plan.what}`, LOADS.change);
  }
  add(`/changes/${numbers["draft"]}/edit`, "editing a draft change request", LOADS.page);
  add(`/changes/${numbers["submitted"]}/edit`, "editing a submitted change request (refused)", LOADS.page);
  const inFreeze = numbers["approved, planned inside the prod freeze"];
  add(`/maintenance?cr=${inFreeze}`, "maintenance announced from a change request", LOADS.page);

  // Releases in every status.
  const release = async (key: string, version: string, what: string, changes: number[] = []) => {
    const { id } = await as("engineer", "POST", "/api/v1/releases", {
      service: key, version, release_type: "minor", title: `${TAG} ${what}`, description: "",
      environments: ["dev"], planned_at: "", changes,
    });
    return id as string;
  };
  const releases = {
    planned: await release(service.paused, "1.0.0", "planned", [numbers["approved, no planned start"]]),
    approved: await release(service.paused, "1.1.0", "approved"),
    paused: await release(service.paused, "1.2.0", "deploying, waiting to be promoted"),
    running: await release(service.running, "1.0.0", "deploying"),
    rolledBack: await release(service.rollback, "1.0.0", "rolled back"),
    deployed: await release(service.done, "1.0.0", "deployed"),
    failed: await release(service.done, "1.1.0", "failed"),
  };
  for (const id of [releases.paused, releases.running, releases.rolledBack, releases.deployed]) {
    await as("engineer", "POST", `/api/v1/releases/${id}/gates`, { environment: "dev", name: "Unit Tests", status: "passed", url: "" });
  }
  const approver = pages.approver2;
  for (const [status, id] of Object.entries(releases)) {
    if (status === "planned") continue;
    await approver.goto(`/releases/${id}`);
    await hydrated(approver);
    await approver.getByRole("button", { name: "Approve release" }).click();
    await expect(approver.locator("[data-status]").first()).toHaveText("Approved");
  }

  // Deployments: waiting for promotion, running, rolled back by a breach,
  // succeeded, and failed at a gate.
  const deploy = async (id: string, strategy: string, params: unknown, extra: Record<string, unknown> = {}) =>
    (await as("engineer", "POST", "/api/v1/deployments", { release: id, environment: "dev", strategy, params, ...extra }))
      .summary.id as string;
  const deployments = {
    paused: await deploy(releases.paused, "canary", { canary_steps: [{ weight: 50 }] }),
    running: await deploy(releases.running, "canary", { canary_steps: [{ weight: 50, pause_seconds: 3600 }] }),
    rolledBack: await deploy(releases.rolledBack, "canary", { canary_steps: [{ weight: 50, pause_seconds: 600 }] }, {
      triggers: [{ metric: "error_rate", operator: ">", threshold: 0.1, sustained_seconds: 2, interval_seconds: 1, action: "rollback", cooldown_minutes: 5, source: "auto", query: "" }],
      bake_seconds: 30,
    }),
    deployed: await deploy(releases.deployed, "big_bang", {}, { bake_seconds: 0 }),
    failed: "",
  };
  await becomes(deployments.paused, "paused");
  await becomes(deployments.running, "running");
  await expect.poll(async () => (await deployment(deployments.rolledBack)).weight, { timeout: 60_000 }).toBe(50);
  // Errors rise on one fleet: its trigger rolls the canary back.
  const fleet = (await as("engineer", "GET", `/api/v1/deployments/${deployments.rolledBack}`)).fleet;
  await as("engineer", "PUT", `/api/v1/deploy-targets/${fleet.target_id}/simulation`, { error_rate: 0.5, latency_p95: 0.2 });
  // The second release of the same service waits for its gate, which fails.
  await becomes(deployments.deployed, "succeeded");
  deployments.failed = await deploy(releases.failed, "big_bang", {}, { bake_seconds: 0, wait_for_gates: true });
  await becomes(deployments.failed, "waiting_for_gates");
  await as("engineer", "POST", `/api/v1/releases/${releases.failed}/gates`, { environment: "dev", name: "Unit Tests", status: "failed", url: "" });
  await becomes(deployments.failed, "failed");
  await becomes(deployments.rolledBack, "rolled_back");
  for (const [state, id] of Object.entries(deployments)) add(`/deployments/${id}`, `deployment ${state}`);

  // Release notes: a draft, and one the release manager published.
  await saveNote(engineer, releases.rolledBack, "- Faster pages");
  await saveNote(engineer, releases.deployed, "- Faster checkout");
  const manager = pages.release;
  await manager.goto(`/releases/${releases.deployed}/notes`);
  await hydrated(manager);
  await manager.getByTestId("publish-note").click();
  await expect(manager.getByTestId("note-status")).toContainText("Published revision 1");
  add(`/releases/${releases.planned}/edit`, "editing a planned release", LOADS.page);
  add(`/releases/${releases.approved}/edit`, "editing an approved release (refused)", LOADS.page);
  for (const [status, id] of Object.entries(releases)) {
    add(`/releases/${id}`, `release ${status}`);
    add(`/releases/${id}/notes`, `release notes of the ${status} release`, LOADS.page);
  }
  const rollback = (await deployment(deployments.rolledBack)).number;
  for (const page of Object.values(pages)) await page.context().close();

  // Incidents: the draft the rollback opened, one support keeps as a draft,
  // one published and open, one published and resolved.
  const support = await session(browser, SUPPORT);
  const drafted = await openIncident(support, `${TAG} draft incident`, false);
  const open = await openIncident(support, `${TAG} open incident`, true);
  const resolved = await openIncident(support, `${TAG} resolved incident`, true);
  await support.locator("#update-status").selectOption("resolved");
  await support.locator("#update-body").fill("Fixed.");
  await support.getByTestId("post-update").click();
  await expect(support.getByTestId("incident-timeline")).toContainText("Fixed.");
  await support.goto("/incidents");
  await hydrated(support);
  const cause = support.locator("td", { hasText: new RegExp(`^Rollback D-${rollback}$`) });
  const automatic = support.getByTestId("incidents").locator("tr").filter({ has: cause }).getByRole("link");
  await expect(automatic).toHaveCount(1);
  add((await automatic.getAttribute("href"))!, "incident drafted by the automatic rollback");
  await support.context().close();
  add(`/incidents/${drafted}`, "incident draft");
  add(`/incidents/${open}`, "incident published and open");
  add(`/incidents/${resolved}`, "incident resolved");

  return [
    ...PAGES.map(([url, what]) => ({ url, what, loads: LOADS.page })),
    ...ADMIN_PAGES.map(([url, what]) => ({ url, what, loads: LOADS.admin })),
    ...visits,
  ];
}

// The fixtures are made once per run. A failing test restarts the worker,
// which runs `beforeAll` again; it finds them in the output directory, which
// Playwright empties at the start of every run.
let visits: Visit[] = [];

test.beforeAll(async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  const cache = path.join(testInfo.project.outputDir, "zz-hydration-fixtures.json");
  if (fs.existsSync(cache)) {
    visits = JSON.parse(fs.readFileSync(cache, "utf8"));
    return;
  }
  visits = await makeFixtures(browser);
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  fs.writeFileSync(cache, JSON.stringify(visits));
});

// ---------------------------------------------------------------------------
// Watching pages

const FATAL = /panicked|unreachable/i;
const SUSPICIOUS = /panicked|unreachable|hydration/i;
/** Pages loaded at the same time per person. */
const PARALLEL = 3;
/** After a panic, the page error that follows it arrives a moment later. */
const AFTER_PANIC = 300;

/** The first lines of a message (up to the stack), enough to tell failures apart. */
function clip(text: string): string {
  const lines = text
    .replace(/\/\S*\/index\.crates\.io-[0-9a-f]+\//g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const stack = lines.findIndex((line) => /^(Stack:|at )/.test(line));
  const head = lines.slice(0, stack < 0 ? 3 : Math.min(stack, 3)).join(" ");
  return head.length > 300 ? `${head.slice(0, 300)}…` : head;
}

/**
 * Collects a page's errors per load and says when its WebAssembly died.
 * What the previous document logs before the next one commits is not this
 * load's.
 */
class Watch {
  private messages: string[] = [];
  private current = false;
  private died: () => void = () => {};

  constructor(page: Page) {
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) this.current = true;
    });
    page.on("pageerror", (error) => this.note(`page error: ${error.name}: ${error.message}`, true));
    page.on("console", (message) => {
      const text = message.text();
      if (message.type() !== "error" && !SUSPICIOUS.test(text)) return;
      const where = message.location().url;
      this.note(`console.${message.type()}: ${text}${where ? ` (at ${where})` : ""}`, FATAL.test(text));
    });
  }

  private note(text: string, fatal: boolean) {
    if (!this.current) return;
    this.messages.push(clip(text));
    if (fatal) this.died();
  }

  /** Starts a new load; the promise settles when the page panics. */
  begin(): Promise<void> {
    this.messages = [];
    this.current = false;
    return new Promise((resolve) => (this.died = resolve));
  }

  seen(): string[] {
    return [...this.messages];
  }
}

/** After hydration, a sidebar link must navigate without reloading the document. */
async function navigatesClientSide(page: Page, url: string): Promise<string[]> {
  const target = url === "/" ? "/changes" : "/";
  await page.evaluate(() => ((window as any).__sameDocument = true));
  try {
    await page.getByRole("navigation", { name: "Main" }).locator(`a[href="${target}"]`).click({ timeout: 5_000 });
    await page.waitForURL((u) => u.pathname === target, { timeout: 5_000 });
  } catch (error) {
    return [`the sidebar link to ${target} did not navigate: ${clip(String(error))}`];
  }
  const same = await page.evaluate(() => (window as any).__sameDocument === true).catch(() => false);
  return same ? [] : [`the sidebar link to ${target} reloaded the document instead of navigating client-side`];
}

/** Loads `url` once and returns what went wrong. */
async function load(page: Page, watch: Watch, url: string, checkNavigation: boolean): Promise<string[]> {
  const died = watch.begin();
  const problems: string[] = [];
  const response = await page.goto(url).catch((error) => {
    problems.push(`navigation failed: ${clip(String(error))}`);
    return null;
  });
  if (response && response.status() >= 500) problems.push(`HTTP ${response.status()}`);
  if (response) {
    const outcome = await Promise.race([
      page
        .locator("body[data-hydrated]")
        .waitFor({ state: "attached", timeout: HYDRATION_TIMEOUT })
        .then(() => "hydrated" as const, () => "timeout" as const),
      died.then(() => "panicked" as const),
    ]);
    if (outcome === "panicked") {
      problems.push("did not hydrate (panicked)");
      await page.waitForTimeout(AFTER_PANIC);
    }
    if (outcome === "timeout") problems.push(`did not hydrate within ${HYDRATION_TIMEOUT / 1000} s`);
    if (outcome === "hydrated" && checkNavigation) problems.push(...(await navigatesClientSide(page, url)));
  }
  return [...problems, ...watch.seen()];
}

/**
 * Opens every page, each as often as it asks, on PARALLEL pages of the
 * signed-in context, and lists each page that failed with how often and why.
 */
async function visitAll(first: Page, who: string, list: Visit[], checkNavigation = true): Promise<string[]> {
  const jobs = list.flatMap((visit, index) => Array.from({ length: visit.loads }, (_, load) => ({ index, load })));
  const results = list.map(() => ({ failed: 0, messages: new Map<string, number>() }));
  const pages = [first];
  while (pages.length < PARALLEL) pages.push(await first.context().newPage());
  await Promise.all(
    pages.map(async (page) => {
      const watch = new Watch(page);
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const problems = new Set(await load(page, watch, list[job.index].url, checkNavigation && job.load === 0));
        const result = results[job.index];
        if (problems.size > 0) result.failed += 1;
        for (const message of problems) result.messages.set(message, (result.messages.get(message) ?? 0) + 1);
      }
    }),
  );
  return list.flatMap((visit, index) => {
    const { failed, messages } = results[index];
    if (failed === 0) return [];
    const why = [...messages].map(([message, count]) => (count === failed ? message : `${message} (${count}×)`));
    return [`${who}: ${visit.url} (${visit.what}) failed ${failed} of ${visit.loads} loads: ${why.join("; ")}`];
  });
}

/** Long enough that even every load timing out still reports the list. */
function budget(list: Visit[]): number {
  const loads = list.reduce((sum, v) => sum + v.loads, 0);
  return 60_000 + (loads * (HYDRATION_TIMEOUT + 3_000)) / PARALLEL;
}

// ---------------------------------------------------------------------------
// The tests

test("the sign-in page hydrates when signed out", async ({ page }) => {
  const list = [{ url: "/login", what: "sign-in", loads: LOADS.detail }];
  test.setTimeout(budget(list));
  expect(await visitAll(page, "signed out", list, false)).toEqual([]);
});

for (const person of PEOPLE) {
  test(`every page hydrates for ${person.role} (${person.email})`, async ({ page }) => {
    test.setTimeout(budget(visits));
    await signIn(page, person.email, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);
    expect(await visitAll(page, person.role, visits)).toEqual([]);
  });
}
