import { expect, Page, test } from "@playwright/test";
import { ENGINEER, signIn, signOut } from "./helpers";

// The administration pages and the account's own forms with JavaScript off:
// each form posts its named fields, a refusal comes back with what was typed
// (passwords and secrets excepted) and every message beside its field, and a
// secret to be seen once (a one-time password, a new token) is shown once
// after the post without ever being put in the address.

const ADMIN = "platform@example.com";
const PASSWORD = ENGINEER.password;

async function asAdmin(page: Page, path: string) {
  await signIn(page, ADMIN, PASSWORD);
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(path);
}

test.describe("administration with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("a service, an environment, a deploy target and a template are refused as typed, then saved", async ({ page }) => {
    test.setTimeout(120_000);
    const n = Date.now() % 1_000_000;
    const service = `nojs${n}`;
    const env = `nojsenv${n}`;
    await asAdmin(page, "/admin/environments");
    await expect(page.locator("body[data-hydrated]")).toHaveCount(0);

    // A service with a key that is not one: said beside the key, the name kept.
    await page.locator("#service-key").fill("Not A Key");
    await page.locator("#service-name").fill(`No-script service ${n}`);
    await page.getByRole("button", { name: "Add service" }).click();
    await expect(page).toHaveURL(/\/admin\/environments\?kept=[0-9a-f]+$/);
    await expect(page.locator('.field-error[data-field="key"]')).toContainText("lowercase letters");
    await expect(page.locator("#service-key")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#service-key")).toHaveValue("Not A Key");
    await expect(page.locator("#service-name")).toHaveValue(`No-script service ${n}`);
    await page.locator("#service-key").fill(service);
    await page.getByRole("button", { name: "Add service" }).click();
    await expect(page).toHaveURL(/\/admin\/environments$/);
    await expect(page.getByTestId("services")).toContainText(`No-script service ${n}`);

    // An environment: protected without an approval is refused, the box
    // stays ticked; then saved, and edited.
    await page.getByRole("button", { name: "New environment" }).click();
    await expect(page).toHaveURL(/\/admin\/environments\?edit=$/);
    const editor = page.getByTestId("environment-editor");
    await page.locator("#env-key").fill(env);
    await page.locator("#env-name").fill(`No-script ${n}`);
    await page.locator("#env-purpose").fill("Made without JavaScript");
    await page.locator("#env-infrastructure").fill("- One VPS\n- One database");
    await page.locator("#env-protected").check();
    await page.locator("#env-approvals").fill("0");
    await page.getByRole("button", { name: "Save environment" }).click();
    await expect(page).toHaveURL(/\/admin\/environments\?kept=/);
    await expect(editor.locator('.field-error[data-field="required_approvals"]')).toContainText("at least one approval");
    await expect(page.locator("#env-key")).toHaveValue(env);
    await expect(page.locator("#env-purpose")).toHaveValue("Made without JavaScript");
    await expect(page.locator("#env-infrastructure")).toHaveValue("- One VPS\n- One database");
    await expect(page.locator("#env-protected")).toBeChecked();
    await page.locator("#env-approvals").fill("1");
    await page.getByRole("button", { name: "Save environment" }).click();
    await expect(page).toHaveURL(/\/admin\/environments$/);
    const card = page.locator(`article[data-environment="${env}"]`);
    await expect(card).toContainText("Protected · 1 approval");
    await card.getByRole("button", { name: "Edit", exact: true }).click();
    await expect(page.locator("#env-name")).toHaveValue(`No-script ${n}`);
    await expect(page.locator("#env-key")).toBeDisabled();
    await page.locator("#env-purpose").fill("Edited without JavaScript");
    await page.getByRole("button", { name: "Save environment" }).click();
    await expect(page).toHaveURL(/\/admin\/environments$/);
    await expect(card).toContainText("Edited without JavaScript");

    // A deploy target: every kind's fields show without the script. No
    // service and a bad URL: each message beside its field, the values kept
    // but not the secret.
    await page.goto("/admin/targets");
    await page.getByRole("button", { name: "New target" }).click();
    await expect(page).toHaveURL(/\/admin\/targets\?edit=new$/);
    await expect(page.locator("#target-program")).toBeVisible();
    await expect(page.locator("#target-url")).toBeVisible();
    await page.locator("#target-env").selectOption(env);
    await page.locator("#target-kind").selectOption("webhook");
    await page.locator("#target-url").fill("ftp://deployer.internal/hook");
    await page.locator("#target-secret").fill("a-signing-secret-long-enough");
    await page.locator("#target-timeout").fill("soon");
    await page.getByRole("button", { name: "Save target" }).click();
    await expect(page).toHaveURL(/\/admin\/targets\?kept=[0-9a-f]+$/);
    await expect(page.locator('.field-error[data-field="service"]')).toHaveText("Choose a service.");
    await expect(page.locator('.field-error[data-field="url"]')).toContainText("http(s) URL");
    await expect(page.locator('.field-error[data-field="timeout_seconds"]')).toContainText("86,400");
    await expect(page.locator("#target-url")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#target-env")).toHaveValue(env);
    await expect(page.locator("#target-kind")).toHaveValue("webhook");
    await expect(page.locator("#target-url")).toHaveValue("ftp://deployer.internal/hook");
    await expect(page.locator("#target-timeout")).toHaveValue("soon");
    await expect(page.locator("#target-secret")).toHaveValue("");
    await expect(page.locator("body")).not.toContainText("a-signing-secret-long-enough");

    await page.locator("#target-service").selectOption(service);
    await page.locator("#target-url").fill("https://deployer.internal/hooks/nojs");
    await page.locator("#target-secret").fill("a-signing-secret-long-enough");
    await page.locator("#target-timeout").fill("120");
    await page.getByRole("button", { name: "Save target" }).click();
    await expect(page).toHaveURL(/\/admin\/targets$/);
    const target = page.getByTestId("targets").locator("tr").filter({ hasText: service });
    await expect(target).toContainText("https://deployer.internal/hooks/nojs");
    // Editing shows what it says now; an empty secret keeps the stored one.
    await target.getByRole("button", { name: "Edit" }).click();
    await expect(page.locator("#target-service")).toHaveValue(service);
    await expect(page.locator("#target-timeout")).toHaveValue("120");
    await page.locator("#target-kind").selectOption("simulated");
    await page.getByRole("button", { name: "Save target" }).click();
    await expect(page).toHaveURL(/\/admin\/targets$/);
    await expect(target).toContainText("simulated");

    // A standard-change template: refused without its rollback plan, the
    // rest kept; then saved, archived and restored.
    const name = `No-script template ${n}`;
    await page.goto("/admin/templates");
    await page.getByRole("button", { name: "New template" }).click();
    await expect(page.getByTestId("template-editor")).toBeVisible();
    await page.locator("#tpl-name").fill(name);
    await page.locator("#tpl-title").fill("Rotate the no-script keys");
    await page.locator("#tpl-risk").selectOption("medium");
    await page.locator(`#tpl-env-${env}`).check();
    await page.locator("#tpl-implementation").fill("Rotate them.");
    await page.getByRole("button", { name: "Save template" }).click();
    await expect(page).toHaveURL(/\/admin\/templates\?kept=/);
    const tpl = page.getByTestId("template-editor");
    await expect(tpl.locator('.field-error[data-field="rollback_plan"]')).not.toBeEmpty();
    await expect(page.locator("#tpl-rollback")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#tpl-name")).toHaveValue(name);
    await expect(page.locator("#tpl-risk")).toHaveValue("medium");
    await expect(page.locator(`#tpl-env-${env}`)).toBeChecked();
    await expect(page.locator("#tpl-implementation")).toHaveValue("Rotate them.");
    await page.locator("#tpl-rollback").fill("Put the old keys back.");
    await page.getByRole("button", { name: "Save template" }).click();
    await expect(page).toHaveURL(/\/admin\/templates$/);
    const article = page.getByTestId("templates").locator("article").filter({ hasText: name });
    await expect(article).toContainText("Rotate the no-script keys");
    await article.getByRole("button", { name: "Archive" }).click();
    await expect(page).toHaveURL(/\/admin\/templates$/);
    await expect(article.locator(".badge").filter({ hasText: "Archived" })).toBeVisible();
    await article.getByRole("button", { name: "Restore" }).click();
    await expect(article.locator(".badge").filter({ hasText: "Archived" })).toHaveCount(0);
  });

  test("a person is added, shown their one-time password once, given roles, and changes their password", async ({ page }) => {
    test.setTimeout(120_000);
    const n = Date.now() % 1_000_000;
    const email = `nojs${n}@example.com`;
    const person = `No-script Person ${n}`;
    await asAdmin(page, "/admin/users");

    // An email in use: said beside it, the name and the ticks kept.
    await page.locator("#new-email").fill(ENGINEER.email);
    await page.locator("#new-name").fill(person);
    await page.locator("#new-role-approver").check();
    await page.getByRole("button", { name: "Add person" }).click();
    await expect(page).toHaveURL(/\/admin\/users\?kept=[0-9a-f]+$/);
    await expect(page.locator('.field-error[data-field="email"]')).toHaveText("An account with this email already exists.");
    await expect(page.locator("#new-email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#new-name")).toHaveValue(person);
    await expect(page.locator("#new-role-approver")).toBeChecked();
    await expect(page.locator("#new-role-engineer")).toBeChecked();
    await expect(page.getByTestId("one-time-password")).toHaveCount(0);

    await page.locator("#new-email").fill(email);
    await page.getByRole("button", { name: "Add person" }).click();
    // The address names where the password waits, not the password.
    await expect(page).toHaveURL(/\/admin\/users\?shown=[0-9a-f]+$/);
    const oneTime = page.getByLabel("One-time password");
    await expect(oneTime).toHaveValue(/^[a-z0-9]{5}(-[a-z0-9]{5}){3}$/);
    const password = await oneTime.inputValue();
    expect(page.url()).not.toContain(password);
    const row = page.getByRole("row", { name: new RegExp(person) });
    await expect(row.locator(".chip")).toHaveText(["Approver", "Engineer"]);
    // Shown once: a reload no longer has it.
    await page.reload();
    await expect(page.getByTestId("one-time-password")).toHaveCount(0);

    // Roles: none is refused in the row, which stays open as ticked.
    await row.getByRole("button", { name: "Edit roles" }).click();
    await row.getByRole("checkbox", { name: "Approver" }).uncheck();
    await row.getByRole("checkbox", { name: "Engineer" }).uncheck();
    await row.getByRole("button", { name: "Save roles" }).click();
    await expect(page).toHaveURL(/\/admin\/users\?kept=/);
    await expect(row.locator('.field-error[data-field="roles"]')).not.toBeEmpty();
    await expect(row.getByRole("checkbox", { name: "Approver" })).not.toBeChecked();
    await row.getByRole("checkbox", { name: "Support" }).check();
    await row.getByRole("button", { name: "Save roles" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(row.locator(".chip")).toHaveText(["Support"]);

    // Disabled and enabled again.
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row.getByText("Disabled")).toBeVisible();
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row.getByText("Invited")).toBeVisible();

    // The person signs in with the one-time password and chooses their own:
    // a wrong one-time password is said beside it, and nothing typed is
    // sent back.
    await signOut(page);
    await signIn(page, email, password);
    await expect(page).toHaveURL(/\/account$/);
    await page.getByLabel("One-time password").fill("not-the-password");
    await page.getByLabel("New password", { exact: true }).fill("no-script-passphrase-42");
    await page.getByLabel("Repeat new password").fill("no-script-passphrase-42");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/account\?kept=/);
    await expect(page.locator('.field-error[data-field="current_password"]')).toContainText("not right");
    await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");
    await page.getByLabel("One-time password").fill(password);
    await page.getByLabel("New password", { exact: true }).fill("no-script-passphrase-42");
    await page.getByLabel("Repeat new password").fill("no-script-passphrase-42");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/account\?changed=1$/);
    await expect(page.locator(".alert-success")).toContainText("Password changed.");
    await signOut(page);
    await signIn(page, email, "no-script-passphrase-42");
    await expect(page).not.toHaveURL(/\/login|\/account/);
  });

  test("a token is refused without a name, shown once when made, and revoked; notifications are marked read", async ({ page }) => {
    await signIn(page, ENGINEER.email, PASSWORD);
    await expect(page).not.toHaveURL(/\/login/);
    await page.goto("/account/tokens");
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page).toHaveURL(/\/account\/tokens\?kept=/);
    await expect(page.locator('.field-error[data-field="name"]')).not.toBeEmpty();
    await expect(page.locator("#token-name")).toHaveAttribute("aria-invalid", "true");

    const name = `No-script CI ${Date.now() % 1_000_000}`;
    await page.locator("#token-name").fill(name);
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page).toHaveURL(/\/account\/tokens\?shown=[0-9a-f]+$/);
    const token = await page.getByLabel("New API token").inputValue();
    expect(token).toMatch(/^rk_/);
    expect(page.url()).not.toContain(token);
    await page.reload();
    await expect(page.getByTestId("new-token")).toHaveCount(0);

    const row = page.getByRole("row", { name: new RegExp(name) });
    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    await expect(page).toHaveURL(/\/account\/tokens$/);
    await expect(row.getByText("Revoked")).toBeVisible();

    await page.goto("/notifications");
    await page.getByRole("button", { name: "Mark all read" }).click();
    await expect(page).toHaveURL(/\/notifications$/);
    await expect(page.locator("li.unread")).toHaveCount(0);
  });
});
