import { APIRequestContext, Browser, expect, Page, test } from "@playwright/test";
import { ENGINEER, hydrated, signIn } from "./helpers";

// Stored XSS: every free-text field a person can set gets script payloads,
// then every page that shows them — internal (several roles) and public —
// must show them as text. A payload that runs (a dialog, `window.__xss`),
// an element it injected (even one a Content-Security-Policy blocked), a
// CSP report in the console, or a <title> cut short by `</title>` fails.
//
// Everything this file creates carries RUN in its name, targets the `qa`
// environment (which no other spec uses), a service and environment of its
// own, and dates in January 2031, so it does not disturb the other specs.

test.describe.configure({ mode: "serial" });

const PASSWORD = ENGINEER.password;
const ADMIN = "platform@example.com";
const REVIEWER = "reviewer@example.com";
const APPROVER = "approver1@example.com";
const SUPPORT = "support@example.com";

const RUN = Math.random().toString(36).slice(2, 8).padEnd(6, "0");
/** Plain marker text in every value, to find it on a page. */
const TAG = `XSS${RUN}`;
/** Key of this file's service and environment. */
const KEY = `xss${RUN}`;

const P = {
  title: "</title><script>window.__xss=1;alert(1)</script>",
  img: '<img src=x onerror="window.__xss=1;alert(1)">',
  svg: '"><svg onload="window.__xss=1;alert(1)">',
  markdown: "[click](javascript:window.__xss=1)",
  textarea: "</textarea><script>window.__xss=1</script>",
};

/** `text`, checked against the field's length limit. */
function fits(text: string, max: number): string {
  if ([...text].length > max) throw new Error(`${text.length} characters do not fit a field of ${max}: ${text}`);
  return text;
}

/** Fields of at most 200 characters (titles): every HTML payload. */
const title = (what: string) => fits(`${TAG}${what} ${P.title} ${P.img} ${P.svg} ${P.textarea}`, 200);
const TITLE = title("");
const TITLES = {
  cr: title("cr"),
  release: title("rel"),
  incident: title("inc"),
  maintenance: title("mw"),
  template: title("tpl"),
};
/** Names of at most 100 characters. */
const short = (what: string) => fits(`${TAG}${what} ${P.img} ${P.svg}`, 100);
/** One-line fields of 500 characters or more. */
const LINE = fits(`${TITLE} ${P.markdown}`, 500);
/** Multi-line (and markdown) fields. */
const TEXT = [`${TAG} text`, P.title, P.img, P.svg, P.textarea, P.markdown, `**${TAG}** done`].join("\n");

const ENV = { name: short("env"), purpose: LINE, data: TITLE };
const SERVICE = { name: short("svc"), description: LINE };
const COMPONENT = {
  name: short("cmp"),
  group: fits(`${TAG}grp ${P.textarea} ${P.svg}`, 100),
  description: LINE,
};
const TEMPLATE = { name: fits(`${TAG}${P.title}${P.textarea}`, 100) };
const USER = {
  email: `xss-${RUN}@example.com`,
  name: short("usr"),
  password: `xss-chosen-password-${RUN}`,
};
const TOKEN_NAMES = [P.title, P.img, P.svg, P.textarea].map((p) => fits(`${p} ${TAG}`, 60));
const GATE = short("gate");
const GATE_URL = `https://ci.example.com/runs/${RUN}?q="><svg onload="window.__xss=1">`;

/** What the tests create, shared by the tests of this file (run in order). */
const made = {
  otp: "",
  cr: 0,
  release: "",
  incident: "",
  maintenance: "",
  component: "",
};

// ---------------------------------------------------------------------------
// Watching a page

// Chromium words it "Refused to execute …" or "Executing inline script
// violates the following Content Security Policy directive …".
const CSP_REPORT = /Content[- ]Security[- ]Policy|Refused to execute/i;

/** Runs in every document before the page's own scripts. */
function installScanner() {
  const w = window as any;
  w.__cspViolations = [];
  document.addEventListener(
    "securitypolicyviolation",
    (e: any) => {
      w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline code"}${e.sample ? `: ${e.sample}` : ""}`);
    },
    true,
  );
  /** Elements a payload injected into `doc`, whether or not they ran. */
  w.__xssScan = (doc: Document): string[] => {
    const found: string[] = [];
    for (const script of Array.from(doc.getElementsByTagName("script"))) {
      const code = (script.textContent || "").trim();
      if (/^window\.__xss=1(;alert\(1\))?$/.test(code)) found.push(`<script>${code}</script>`);
    }
    for (const el of Array.from(doc.getElementsByTagName("*"))) {
      const tag = el.localName;
      if (tag === "img" && el.getAttribute("src") === "x") found.push('<img src="x">');
      if (tag === "svg" && el.hasAttribute("onload")) found.push(`<svg onload="${el.getAttribute("onload")}">`);
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on") && attr.value.includes("__xss")) found.push(`<${tag} ${attr.name}="${attr.value}">`);
        if (["href", "src", "action", "formaction", "xlink:href"].includes(name) && /^\s*javascript:/i.test(attr.value)) {
          found.push(`<${tag} ${attr.name}="${attr.value}">`);
        }
      }
    }
    return [...new Set(found)];
  };
}

/** Dialogs and CSP console reports seen on each page since its last check. */
const events = new WeakMap<Page, string[]>();
const names = new WeakMap<Page, string>();

async function arm(page: Page, who: string) {
  const seen: string[] = [];
  events.set(page, seen);
  names.set(page, who);
  await page.context().addInitScript(installScanner);
  page.on("dialog", (dialog) => {
    seen.push(`${dialog.type()} dialog "${dialog.message()}" on ${page.url()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on("console", (message) => {
    if (CSP_REPORT.test(message.text())) seen.push(`console on ${page.url()}: ${message.text()}`);
  });
}

/** Nothing ran, nothing was injected, CSP had nothing to block. */
async function expectClean(page: Page, where: string) {
  // An <img onerror> added by client-side rendering fires a moment later.
  await page.waitForTimeout(250);
  const seen = await page.evaluate(() => {
    const w = window as any;
    const result = {
      xss: w.__xss,
      csp: (w.__cspViolations ?? []).splice(0) as string[],
      dom: (w.__xssScan ? w.__xssScan(document) : ["the scanner was not installed"]) as string[],
    };
    delete w.__xss;
    return result;
  });
  expect.soft(seen.xss, `${where}: a payload set window.__xss`).toBeUndefined();
  expect.soft(seen.dom, `${where}: elements injected by a payload`).toEqual([]);
  expect.soft(seen.csp, `${where}: Content-Security-Policy violations`).toEqual([]);
  expect.soft(events.get(page)?.splice(0) ?? [], `${where}: dialogs or CSP reports`).toEqual([]);
}

interface Want {
  /** Text the page must show (the stored value, as text). */
  text?: string;
  /** Text `document.title` must contain, both as sent and after hydration. */
  title?: string;
  /** An SVG document rather than HTML. */
  svg?: boolean;
}

const isPublic = (url: string) => /^\/(status|changelog)/.test(url);

/**
 * Loads `url` in the browser and checks it, and parses the document exactly
 * as the server sent it (nothing runs) to check its <title> and look for
 * injected elements there too.
 */
async function visit(page: Page, url: string, want: Want = {}) {
  const where = `${names.get(page) ?? "?"}: ${url}`;
  await test.step(where, async () => {
    const response = await page.goto(url);
    expect.soft(response?.status() ?? 0, `${where}: HTTP status`).toBeLessThan(400);
    if (!isPublic(url)) {
      const ok = await page
        .locator("body[data-hydrated]")
        .waitFor({ state: "attached", timeout: 15_000 })
        .then(() => true, () => false);
      expect.soft(ok, `${where}: the page hydrated`).toBe(true);
    }
    if (want.text) {
      // Rendered text only (innerText): not the copy in hydration data.
      await expect
        .soft(page.locator(want.svg ? ":root" : "body"), `${where}: shows the stored text`)
        .toContainText(want.text, { useInnerText: !want.svg });
    }
    const sent = await (await page.request.get(url)).text();
    const asSent = await page.evaluate(
      ([text, mime]) => {
        const doc = new DOMParser().parseFromString(text, mime as DOMParserSupportedType);
        return {
          title: doc.title ?? "",
          broken: doc.getElementsByTagName("parsererror").length > 0,
          found: (window as any).__xssScan(doc) as string[],
        };
      },
      [sent, want.svg ? "image/svg+xml" : "text/html"],
    );
    expect.soft(asSent.broken, `${where}: the document as sent is well-formed`).toBe(false);
    expect.soft(asSent.found, `${where}: elements injected into the HTML as sent`).toEqual([]);
    if (want.title) {
      expect.soft(asSent.title, `${where}: <title> as sent`).toContain(want.title);
      expect.soft(await page.title(), `${where}: document.title`).toContain(want.title);
    }
    await expectClean(page, where);
  });
}

/** A feed is XML, and the HTML it carries for feed readers is clean. */
async function checkFeed(page: Page, url: string, type: RegExp, title: string) {
  const where = `${names.get(page)}: ${url}`;
  const response = await page.request.get(url);
  expect(response.status(), where).toBe(200);
  expect(response.headers()["content-type"], `${where}: content type`).toMatch(type);
  const result = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    const scan = (window as any).__xssScan as (d: Document) => string[];
    const found = scan(doc);
    const carried = ["content", "description", "summary"].flatMap((tag) => Array.from(doc.getElementsByTagName(tag)));
    for (const el of carried) {
      const html = new DOMParser().parseFromString(el.textContent || "", "text/html");
      found.push(...scan(html).map((f) => `in <${el.localName}>: ${f}`));
    }
    return {
      broken: doc.getElementsByTagName("parsererror").length > 0,
      found,
      titles: Array.from(doc.getElementsByTagName("title")).map((t) => t.textContent || ""),
    };
  }, await response.text());
  expect.soft(result.broken, `${where}: well-formed XML`).toBe(false);
  expect.soft(result.found, `${where}: elements injected into the feed or the HTML it carries`).toEqual([]);
  expect.soft(result.titles.some((t) => t.includes(title)), `${where}: an entry titled with the payload as text`).toBe(true);
}

async function checkJson(request: APIRequestContext, url: string, text: string) {
  const response = await request.get(url);
  expect(response.status(), url).toBe(200);
  expect(response.headers()["content-type"], `${url}: content type`).toContain("application/json");
  expect.soft(JSON.stringify(await response.json()), `${url}: carries the stored text`).toContain(text);
}

/** A signed-in person in a browser context of their own. */
async function session(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await arm(page, email);
  await signIn(page, email, password);
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

async function close(page: Page) {
  await expectClean(page, `${names.get(page)}: last page`);
  await page.context().close();
}

const LISTS: Record<string, string> = { "/changes": "cr-table", "/releases": "release-table", "/incidents": "incidents" };

/** Opens this file's object the way a person does: from its list, by its
 * link (client-side navigation once the list has hydrated). */
async function openFromList(page: Page, list: string) {
  await page.goto(list);
  await hydrated(page);
  const table = page.getByTestId(LISTS[list.split("?")[0]]);
  await table.getByRole("link").filter({ hasText: TAG }).first().click();
  await expect(page).not.toHaveURL(new RegExp(`${list.split("?")[0]}(\\?.*)?$`));
}

async function waitForPublic(request: APIRequestContext, url: string, marker: string) {
  await expect
    .poll(async () => (await (await request.get(url)).text()).includes(marker), {
      message: `${url} shows ${marker}`,
      timeout: 30_000,
      intervals: [500, 1000, 2000],
    })
    .toBe(true);
}

// ---------------------------------------------------------------------------
// Storing the payloads

test("an administrator stores payloads in an environment, a service, a component, a template, a person and a freeze", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await session(browser, ADMIN);

  await admin.goto("/admin/environments");
  await hydrated(admin);
  await admin.getByRole("button", { name: "New environment" }).click();
  await admin.locator("#env-key").fill(KEY);
  await admin.locator("#env-name").fill(ENV.name);
  await admin.locator("#env-purpose").fill(ENV.purpose);
  await admin.locator("#env-infrastructure").fill(TEXT);
  await admin.locator("#env-access").fill(TEXT);
  await admin.locator("#env-data-source").fill(ENV.data);
  await admin.locator("#env-data-retention").fill(ENV.data);
  await admin.locator("#env-data-backup").fill(ENV.data);
  await admin.getByRole("button", { name: "Save environment" }).click();
  await expect(admin.getByTestId("environments")).toContainText(ENV.name);

  await admin.locator("#service-key").fill(KEY);
  await admin.locator("#service-name").fill(SERVICE.name);
  await admin.locator("#service-description").fill(SERVICE.description);
  await admin.getByRole("button", { name: "Add service" }).click();
  await expect(admin.getByTestId("services")).toContainText(SERVICE.description);

  await admin.goto("/admin/components");
  await hydrated(admin);
  await admin.getByRole("button", { name: "New component" }).click();
  await admin.locator("#component-name").fill(COMPONENT.name);
  await admin.locator("#component-group").fill(COMPONENT.group);
  await admin.locator("#component-description").fill(COMPONENT.description);
  await admin.locator("#component-position").fill("99");
  await admin.locator("#component-services").fill(KEY);
  await admin.getByRole("button", { name: "Save component" }).click();
  await expect(admin.getByTestId("components")).toContainText(COMPONENT.description);

  await admin.goto("/admin/templates");
  await hydrated(admin);
  await admin.getByRole("button", { name: "New template" }).click();
  await admin.locator("#tpl-name").fill(TEMPLATE.name);
  await admin.locator("#tpl-title").fill(TITLES.template);
  await admin.locator("#tpl-duration").fill("30");
  await admin.locator("#tpl-description").fill(TEXT);
  await admin.locator("#tpl-env-qa").check();
  await admin.locator("#tpl-implementation").fill(TEXT);
  await admin.locator("#tpl-rollback").fill(TEXT);
  await admin.locator("#tpl-testing").fill(TEXT);
  await admin.getByRole("button", { name: "Save template" }).click();
  await expect(admin.getByTestId("templates")).toContainText(TEMPLATE.name);

  await admin.goto("/admin/users");
  await hydrated(admin);
  await admin.locator("#new-email").fill(USER.email);
  await admin.locator("#new-name").fill(USER.name);
  await admin.locator("#new-role-support").check();
  await admin.getByRole("button", { name: "Add person" }).click();
  const oneTime = admin.getByLabel("One-time password");
  await expect(oneTime).toHaveValue(/^[a-z0-9]{5}(-[a-z0-9]{5}){3}$/);
  made.otp = await oneTime.inputValue();
  await expect(admin.getByTestId("users-table")).toContainText(USER.name);

  // A freeze over the day the change request below is planned, so its
  // reason also shows in the change's clash warnings.
  await admin.goto("/calendar?month=2031-01");
  await hydrated(admin);
  await admin.locator("details.freeze-form summary").click();
  await admin.locator("#freeze-env-qa").check();
  await admin.locator("#freeze-start").fill("2031-01-15T00:00");
  await admin.locator("#freeze-end").fill("2031-01-16T00:00");
  await admin.locator("#freeze-reason").fill(LINE);
  await admin.getByRole("button", { name: "Add freeze" }).click();
  await expect(admin.getByTestId("freezes")).toContainText(LINE);

  await close(admin);
});

test("an engineer stores payloads in a change request, a release, its plan and its release note", async ({ browser }) => {
  test.setTimeout(180_000);
  const eng = await session(browser, ENGINEER.email);

  await eng.goto("/changes/new");
  await hydrated(eng);
  await eng.locator("#cr-title").fill(TITLES.cr);
  await eng.locator("#cr-description").fill(TEXT);
  await eng.locator("#cr-env-qa").check();
  await eng.locator(`#cr-service-${KEY}`).check();
  await eng.locator("#cr-start").fill("2031-01-15T09:00");
  await eng.locator("#cr-duration").fill("60");
  await eng.locator("#cr-maintenance").check();
  await eng.locator("#cr-implementation").fill(TEXT);
  await eng.locator("#cr-rollback").fill(TEXT);
  await eng.locator("#cr-testing").fill(TEXT);
  await eng.getByRole("button", { name: "Save draft" }).click();
  await expect(eng).toHaveURL(/\/changes\/\d+$/);
  made.cr = Number(eng.url().split("/").pop());
  await expect(eng.locator("h1")).toHaveText(TITLES.cr);
  await eng.getByRole("button", { name: "Submit for review" }).click();
  await expect(eng.locator("[data-status]")).toHaveText("Submitted");
  await expectClean(eng, "engineer: change request (client-side)");

  await eng.goto("/releases/new");
  await hydrated(eng);
  await eng.locator("#rel-service").selectOption(KEY);
  await eng.locator("#rel-version").fill("1.0.0");
  await eng.locator("#rel-title").fill(TITLES.release);
  await eng.locator("#rel-description").fill(TEXT);
  await eng.locator("#rel-env-qa").check();
  await eng.locator("#rel-planned").fill("2031-01-15T14:00");
  await eng.locator(`#rel-cr-${made.cr}`).check();
  await eng.getByRole("button", { name: "Plan release" }).click();
  await expect(eng).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  made.release = eng.url().split("/").pop()!;
  await expect(eng.locator("h1")).toHaveText(TITLES.release);

  // Every text field of the plan.
  await eng.getByRole("button", { name: "Edit plan" }).click();
  await expect(eng.getByTestId("plan-editor")).toBeVisible();
  const rows = async (prefix: string, field: string) => eng.locator(`[id^="${prefix}-"][id$="-${field}"]`).count();
  const pre = await rows("pre", "description");
  await eng.getByRole("button", { name: "+ Add prerequisite" }).click();
  await eng.locator(`#pre-${pre}-description`).fill(LINE);
  await eng.locator(`#pre-${pre}-owner`).fill(TITLE);
  await eng.locator(`#pre-${pre}-deadline`).fill("2031-01-10T09:00");
  await eng.locator("#risk-impact").selectOption("medium");
  await eng.locator("#risk-likelihood").selectOption("low");
  await eng.locator("#risk-mitigations").fill(TEXT);
  await eng.locator("#risk-contingencies").fill(TEXT);
  const step = await rows("step", "description");
  await eng.getByRole("button", { name: "+ Add rollback step" }).click();
  await eng.locator(`#step-${step}-description`).fill(LINE);
  await eng.locator(`#step-${step}-command`).fill(LINE);
  await eng.locator(`#step-${step}-verification`).fill(LINE);
  const comm = await rows("comm", "audience");
  await eng.getByRole("button", { name: "+ Add communication" }).click();
  await eng.locator(`#comm-${comm}-audience`).fill(TITLE);
  await eng.locator(`#comm-${comm}-channel`).fill(TITLE);
  await eng.locator(`#comm-${comm}-timing`).fill(TITLE);
  await eng.locator(`#comm-${comm}-message`).fill(LINE);
  const gate = await rows("gate", "name");
  await eng.getByRole("button", { name: "+ Add gate" }).click();
  await eng.locator(`#gate-${gate}-environment`).selectOption("qa");
  await eng.locator(`#gate-${gate}-name`).fill(GATE);
  await eng.locator(`#gate-${gate}-suites`).fill(`${P.img}, ${P.svg}`);
  await eng.getByRole("button", { name: "Save plan" }).click();
  await expect(eng.getByTestId("prerequisites")).toContainText(LINE);
  await expect(eng.getByTestId("rollback-steps")).toContainText(LINE);
  await expect(eng.getByTestId("gates")).toContainText(GATE);
  await expectClean(eng, "engineer: release plan (client-side)");

  // The release note: a draft from the change request, then every section.
  await eng.getByTestId("release-notes-link").click();
  await expect(eng).toHaveURL(new RegExp(`/releases/${made.release}/notes$`));
  await hydrated(eng);
  await eng.getByTestId("generate-draft").click();
  const features = eng.locator("textarea[data-section=features]");
  // Drafted from the change's title; the internal CR number stays out of public text.
  await expect(features).toHaveValue(/XSS/);
  await expect(features).not.toHaveValue(/CR-\d/);
  await features.fill(`${await features.inputValue()}\n${TEXT}\n`);
  for (const section of ["fixes", "technical", "migration", "security"]) {
    await eng.locator(`textarea[data-section=${section}]`).fill(TEXT);
  }
  await expect(eng.getByTestId("note-preview")).toContainText(`${TAG} text`);
  await expect(eng.getByTestId("note-preview")).toContainText(P.img);
  await eng.getByTestId("save-note").click();
  await expect(eng.getByTestId("note-status")).toContainText("revision 1");
  await eng.getByTestId("compare").click();
  await expect(eng.getByTestId("note-diff")).toContainText(P.textarea);
  await expectClean(eng, "engineer: release note editor and diff (client-side)");

  await close(eng);
});

test("a reviewer and an approver move the change request and the release on, with notes", async ({ browser }) => {
  test.setTimeout(120_000);
  const reviewer = await session(browser, REVIEWER);
  await openFromList(reviewer, "/changes");
  await expect(reviewer.locator("h1")).toHaveText(TITLES.cr);
  await reviewer.getByRole("button", { name: "Pass technical review" }).click();
  await expect(reviewer.locator("[data-status]")).toHaveText("In review");
  await close(reviewer);

  const approver = await session(browser, APPROVER);
  await openFromList(approver, "/changes");
  await approver.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approver.locator("[data-status]")).toHaveText("Approved");
  await openFromList(approver, `/releases?service=${KEY}`);
  await expect(approver.locator("h1")).toHaveText(TITLES.release);
  await approver.locator("#release-note").fill(TEXT);
  await approver.getByRole("button", { name: "Approve release" }).click();
  await expect(approver.locator("[data-status]").first()).toHaveText("Approved");
  await expect(approver.getByTestId("release-timeline")).toContainText(`${TAG} text`);
  await close(approver);
});

test("an administrator stores payloads in a maintenance window and an incident, and publishes the release note", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await session(browser, ADMIN);

  // The approved change clashes with the freeze: its reason is in the warning.
  await openFromList(admin, "/changes");
  await expect(admin.getByTestId("schedule-warning")).toContainText(TAG);
  await expectClean(admin, "admin: change request with clash warning (client-side)");

  // Maintenance, announced from the change (the form starts from its text).
  await admin.getByTestId("announce-maintenance").click();
  await expect(admin).toHaveURL(new RegExp(`/maintenance\\?cr=${made.cr}$`));
  await expect(admin.locator("#mw-title")).toHaveValue(TITLES.cr);
  await admin.locator("#mw-title").fill(TITLES.maintenance);
  await admin.locator("#mw-start").fill("2031-01-20T10:00");
  await admin.locator("#mw-end").fill("2031-01-20T12:00");
  await admin.locator("#mw-description").fill(TEXT);
  await admin.locator("form label.check").filter({ hasText: TAG }).locator("input").check();
  await admin.getByRole("button", { name: "Announce window" }).click();
  const announced = admin.getByTestId("maintenance").locator("li").filter({ hasText: TAG });
  await expect(announced).toContainText(`${TAG} text`);
  made.maintenance = (await announced.locator('a[href^="/status/maintenance/"]').getAttribute("href"))!.split("/").pop()!;

  // An incident, first as a draft (its publish form starts from the stored
  // title and message), then published and updated.
  await admin.goto("/incidents");
  await hydrated(admin);
  await admin.getByRole("button", { name: "New incident" }).click();
  await admin.locator("#incident-title").fill(TITLES.incident);
  await admin.locator("#incident-impact").selectOption("minor");
  await admin.locator("#incident-body").fill(TEXT);
  await admin.getByTestId("component-picker").locator(".picker-row").filter({ hasText: TAG }).locator("input[type=checkbox]").check();
  await admin.locator("label.check").filter({ hasText: "Publish now" }).locator("input").uncheck();
  await admin.getByRole("button", { name: "Open incident" }).click();
  await expect(admin).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  made.incident = admin.url().split("/").pop()!;
  await expect(admin.getByTestId("incident-visibility")).toHaveText("draft");
  await expect(admin.locator("#publish-title")).toHaveValue(TITLES.incident);
  expect(await admin.locator("#publish-body").inputValue()).toContain(P.textarea);
  await expectClean(admin, "admin: draft incident (client-side)");
  // The draft as the server renders it, with the stored text in an input's
  // value and in a textarea.
  await visit(admin, `/incidents/${made.incident}`, { text: TAG, title: TITLES.incident });

  await openFromList(admin, "/incidents");
  await expect(admin.getByTestId("incident-visibility")).toHaveText("draft");
  await admin.locator("#publish-body").fill(`${TEXT}\n\n${TAG} published`);
  await expect(admin.getByTestId("preview")).toContainText(`${TAG} published`);
  await admin.getByTestId("publish-incident").click();
  await expect(admin.getByTestId("incident-visibility")).toHaveText("published");
  await admin.locator("#update-status").selectOption("identified");
  await admin.locator("#update-body").fill(`${TEXT}\n\n${TAG} identified`);
  await admin.getByTestId("post-update").click();
  await expect(admin.getByTestId("incident-timeline")).toContainText(`${TAG} identified`);
  await expectClean(admin, "admin: published incident (client-side)");

  // The release note goes public.
  await openFromList(admin, `/releases?service=${KEY}`);
  await admin.getByTestId("release-notes-link").click();
  await hydrated(admin);
  await admin.getByTestId("publish-note").click();
  await expect(admin.getByTestId("note-status")).toContainText("Published revision 1");

  await close(admin);
});

test("the person with a payload for a name signs in, names API tokens, reports a gate, comments and updates the incident", async ({ browser }) => {
  test.setTimeout(180_000);
  expect(made.otp, "the administrator made the person").not.toBe("");
  const context = await browser.newContext();
  const user = await context.newPage();
  await arm(user, USER.email);
  await signIn(user, USER.email, made.otp);
  await expect(user).toHaveURL(/\/account$/);
  await hydrated(user);
  await user.getByLabel("One-time password").fill(made.otp);
  await user.getByLabel("New password", { exact: true }).fill(USER.password);
  await user.getByLabel("Repeat new password").fill(USER.password);
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user).toHaveURL(/\/$/);
  await expect(user.getByTestId("current-user")).toHaveText(USER.name);

  await user.goto("/account/tokens");
  await hydrated(user);
  let token = "";
  for (const name of TOKEN_NAMES) {
    await user.locator("#token-name").fill(name);
    await user.getByRole("button", { name: "Create token" }).click();
    await expect(user.getByRole("row").filter({ hasText: name })).toBeVisible();
    token ||= await user.getByLabel("New API token").inputValue();
  }
  expect(token).toMatch(/^rk_[0-9a-f]{64}$/);

  // CI reports the plan's gate; a javascript: link to the run is refused.
  const auth = { Authorization: `Bearer ${token}` };
  const gates = `/api/v1/releases/${made.release}/gates`;
  const refused = await user.request.post(gates, {
    headers: auth,
    data: { environment: "qa", name: GATE, status: "failed", url: "javascript:window.__xss=1" },
  });
  expect(refused.status(), await refused.text()).toBeGreaterThanOrEqual(400);
  expect(refused.status()).toBeLessThan(500);
  const reported = await user.request.post(gates, {
    headers: auth,
    data: { environment: "qa", name: GATE, status: "failed", url: GATE_URL },
  });
  expect(reported.status(), await reported.text()).toBe(201);

  await openFromList(user, "/changes");
  await user.locator("#cr-comment").fill(`${TEXT}\n${TAG} comment`);
  await user.getByRole("button", { name: "Comment" }).click();
  await expect(user.locator("ul.comments")).toContainText(`${TAG} comment`);
  await expect(user.locator("ul.comments")).toContainText(USER.name);
  await expectClean(user, "new person: change request with comment (client-side)");

  await openFromList(user, "/incidents");
  await user.locator("#update-status").selectOption("monitoring");
  await user.locator("#update-body").fill(`${TEXT}\n\n${TAG} monitoring`);
  await user.getByTestId("post-update").click();
  await expect(user.getByTestId("incident-timeline")).toContainText(`${TAG} monitoring`);
  await expectClean(user, "new person: incident update (client-side)");

  // The failed gate blocks a deployment; the refusal names it.
  await openFromList(user, `/releases?service=${KEY}`);
  await user.getByRole("button", { name: "Deploy…" }).click();
  await user.locator("#deploy-env").selectOption("qa");
  const panel = user.getByTestId("deploy-panel");
  await expect(panel).toContainText(GATE);
  await expect(panel.getByRole("link", { name: "run" })).toHaveAttribute("href", GATE_URL);
  await user.getByRole("button", { name: "Start deployment" }).click();
  await expect(user.getByTestId("deploy-refusals")).toContainText(GATE);
  await expectClean(user, "new person: deploy panel with refusals (client-side)");

  await close(user);
});

// ---------------------------------------------------------------------------
// Reading them back

test("internal pages show every payload as text to an administrator", async ({ browser }) => {
  test.setTimeout(300_000);
  const admin = await session(browser, ADMIN);
  const cr = `/changes/${made.cr}`;
  const release = `/releases/${made.release}`;

  await visit(admin, "/", { text: TAG });
  await visit(admin, "/changes", { text: TAG });
  await visit(admin, `/changes?q=${encodeURIComponent(P.svg)}`);
  await visit(admin, cr, { text: `${TAG} comment`, title: TITLES.cr });
  await expect.soft(admin.getByTestId("schedule-warning")).toContainText(TAG);
  await expectClean(admin, `admin: ${cr} (clash warning)`);
  await visit(admin, "/changes/new", { text: ENV.name });
  await admin.locator("#cr-class").selectOption("standard");
  await expect.soft(admin.getByTestId("template-picker")).toContainText(TEMPLATE.name);
  await expectClean(admin, "admin: /changes/new (standard-change templates)");

  await visit(admin, "/releases", { text: TAG });
  await visit(admin, `/releases?service=${KEY}`, { text: TAG });
  await visit(admin, "/releases/new");
  await expect.soft(admin.locator("#rel-service")).toContainText(SERVICE.name);
  await visit(admin, release, { text: GATE, title: TITLES.release });
  await admin.getByRole("button", { name: "Deploy…" }).click();
  await expect.soft(admin.getByTestId("deploy-panel")).toContainText(GATE);
  await expectClean(admin, `admin: ${release} (deploy panel)`);
  await admin.getByRole("button", { name: "Edit plan" }).click();
  await expect.soft(admin.locator("#pre-0-description")).toHaveValue(LINE);
  await expectClean(admin, `admin: ${release} (plan editor)`);
  await visit(admin, `${release}/notes`, { text: TAG });
  await admin.getByTestId("compare").click();
  await expect.soft(admin.getByTestId("note-diff")).toContainText(P.textarea);
  await expectClean(admin, `admin: ${release}/notes (diff)`);

  await visit(admin, "/calendar?month=2031-01", { text: TAG });
  await visit(admin, "/calendar?month=2031-01&env=qa", { text: TAG });
  await visit(admin, `/calendar?month=2031-01&service=${KEY}`, { text: TAG });
  await visit(admin, "/calendar?view=week&day=2031-01-15", { text: TAG });

  await visit(admin, "/incidents", { text: TAG });
  await visit(admin, `/incidents?q=${encodeURIComponent(P.svg)}`);
  await visit(admin, `/incidents/${made.incident}`, { text: `${TAG} monitoring`, title: TITLES.incident });
  await visit(admin, "/maintenance", { text: TAG });
  await visit(admin, `/maintenance?cr=${made.cr}`, { text: TAG });

  await visit(admin, "/admin/components", { text: COMPONENT.name });
  await admin.getByTestId("components").locator("tr").filter({ hasText: TAG }).getByRole("button", { name: "Edit" }).click();
  await expect.soft(admin.locator("#component-name")).toHaveValue(COMPONENT.name);
  await expectClean(admin, "admin: /admin/components (editor)");
  await visit(admin, "/admin/environments", { text: ENV.name });
  await admin.getByTestId("environments").locator("article").filter({ hasText: TAG }).getByRole("button", { name: "Edit", exact: true }).click();
  await expect.soft(admin.locator("#env-name")).toHaveValue(ENV.name);
  await expectClean(admin, "admin: /admin/environments (editor)");
  await visit(admin, "/admin/templates", { text: TEMPLATE.name });
  await admin.getByTestId("templates").locator("article").filter({ hasText: TAG }).getByRole("button", { name: "Edit" }).click();
  await expect.soft(admin.locator("#tpl-name")).toHaveValue(TEMPLATE.name);
  await expectClean(admin, "admin: /admin/templates (editor)");
  await visit(admin, "/admin/users", { text: USER.name });
  await visit(admin, "/admin/targets");
  await visit(admin, "/deployments");
  // The trail's first page holds the newest events of every spec; the
  // services filter brings this file's service (and its payload) onto it.
  await visit(admin, "/audit?entity=service");
  // The stored values are in each event's closed "Before / after".
  for (const summary of await admin.locator("details summary").all()) await summary.click();
  await expect.soft(admin.locator("body"), "admin: /audit (before / after)").toContainText(TAG);
  await expectClean(admin, "admin: /audit (before / after)");
  await visit(admin, "/audit");
  await visit(admin, "/notifications");

  await close(admin);
});

test("internal pages show every payload as text to support, engineers and the person named with one", async ({ browser }) => {
  test.setTimeout(300_000);
  const cr = `/changes/${made.cr}`;
  const release = `/releases/${made.release}`;

  const support = await session(browser, SUPPORT);
  await visit(support, "/");
  await visit(support, "/changes", { text: TAG });
  await visit(support, cr, { text: `${TAG} comment`, title: TITLES.cr });
  await visit(support, release, { text: GATE, title: TITLES.release });
  await visit(support, `${release}/notes`, { text: TAG });
  await visit(support, "/incidents", { text: TAG });
  await visit(support, `/incidents/${made.incident}`, { text: `${TAG} monitoring`, title: TITLES.incident });
  await visit(support, "/maintenance", { text: TAG });
  await visit(support, "/calendar?month=2031-01", { text: TAG });
  await visit(support, "/notifications");
  await close(support);

  const eng = await session(browser, ENGINEER.email);
  await visit(eng, "/", { text: TAG });
  await visit(eng, cr, { text: `${TAG} comment`, title: TITLES.cr });
  await visit(eng, release, { text: GATE, title: TITLES.release });
  await visit(eng, "/notifications");
  await close(eng);

  const reviewer = await session(browser, REVIEWER);
  await visit(reviewer, "/notifications", { text: TAG });
  await close(reviewer);

  const user = await session(browser, USER.email, USER.password);
  await visit(user, "/", { text: USER.name });
  await visit(user, "/account", { text: USER.name });
  await visit(user, "/account/tokens", { text: TOKEN_NAMES[2] });
  await visit(user, "/notifications", { text: TAG });
  await visit(user, `/incidents/${made.incident}`, { text: `${TAG} monitoring`, title: TITLES.incident });
  await close(user);
});

// ---------------------------------------------------------------------------
// The public pages

async function publicPages(browser: Browser, open: boolean) {
  const context = await browser.newContext();
  const pub = await context.newPage();
  await arm(pub, open ? "visitor (incident open)" : "visitor (incident resolved)");
  const incident = `/status/incidents/${made.incident}`;

  await visit(pub, "/status", { text: TAG });
  if (open) await expect.soft(pub.locator("#active-incidents")).toContainText(TAG);
  else await expect.soft(pub.locator("#past-incidents")).toContainText(TAG);
  await expect.soft(pub.locator("#upcoming-maintenance")).toContainText(TAG);
  made.component = (await pub.locator(".component").filter({ hasText: TAG }).getAttribute("data-component")) ?? "";
  expect(made.component, "the component is on the public page").toMatch(/^[0-9a-f-]{36}$/);
  await visit(pub, incident, { text: `${TAG} monitoring`, title: TITLES.incident });
  await visit(pub, `/status/maintenance/${made.maintenance}`, { text: `${TAG} text`, title: TITLES.maintenance });
  await visit(pub, "/status/history", { text: TAG });
  await visit(pub, `/status/components/${made.component}/uptime`, { text: COMPONENT.description });
  await visit(pub, `/status/components/${made.component}.svg`, { svg: true, text: COMPONENT.name });
  await visit(pub, "/status/badge.svg", { svg: true });
  await visit(pub, "/status/subscribe", { text: COMPONENT.name });
  await visit(pub, "/changelog", { text: `${TAG} text` });
  await visit(pub, `/changelog/${made.release}`, { text: `${TAG} text`, title: SERVICE.name });

  await checkFeed(pub, "/history.atom", /^application\/atom\+xml/, TITLES.incident);
  await checkFeed(pub, "/history.rss", /^application\/rss\+xml/, TITLES.incident);
  await checkFeed(pub, "/changelog.atom", /^application\/atom\+xml/, TITLES.release);
  await checkJson(pub.request, "/api/v2/summary.json", TAG);
  await checkJson(pub.request, "/api/v2/incidents.json", TAG);
  await close(pub);
}

test("the public status page, incident and maintenance pages, changelog, badges and feeds show the payloads as text", async ({ browser, request }) => {
  test.setTimeout(240_000);
  // The public pages are served from a snapshot that follows the database.
  await waitForPublic(request, "/status", TAG);
  await waitForPublic(request, `/status/incidents/${made.incident}`, `${TAG} monitoring`);
  await waitForPublic(request, "/changelog", TAG);
  await publicPages(browser, true);
});

test("once the incident is resolved, the public history and feeds still show the payloads as text", async ({ browser, request }) => {
  test.setTimeout(240_000);
  const admin = await session(browser, ADMIN);
  await openFromList(admin, "/incidents");
  await admin.locator("#update-status").selectOption("resolved");
  await admin.locator("#update-body").fill(`${TEXT}\n\n${TAG} resolved`);
  await admin.getByTestId("post-update").click();
  await expect(admin.getByTestId("incident-timeline")).toContainText(`${TAG} resolved`);
  await close(admin);

  await waitForPublic(request, `/status/incidents/${made.incident}`, `${TAG} resolved`);
  await publicPages(browser, false);
});
