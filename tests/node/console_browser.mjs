// Drives the web console in Debian's chromium (headless) for tests/blackbox/test_console_browser.py.
// Usage: node console_browser.mjs <base-url> <screenshot-dir> <admin-password> <peer-uuid>
// Line protocol with the test: this script prints "step <name>" when it reached a point where the test
// must act (or checks), and waits for one line on stdin before going on; "fail <message>" ends it.
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [baseUrl, outDir, adminPassword, peerUuid] = process.argv.slice(2);
const input = createInterface({ input: process.stdin });
const lines = input[Symbol.asyncIterator]();
const TIMEOUT = 8000;
// What the test's fake Blender reports when it registers (test_console_browser.py).
const PEER_VERSION = "4.2.3 LTS";
const PEER_HOST = "<b>studio-7</b>";

function say(text) { process.stdout.write(text + "\n"); }
async function step(name) {
  say("step " + name);
  const line = await lines.next();
  if (line.done || line.value.trim() !== "go") throw new Error("the test said " + JSON.stringify(line.value));
}
async function shot(page, name, fullPage = true) { await page.screenshot({ path: `${outDir}/${name}.png`, fullPage }); }

async function signIn(page, username, password) {
  await page.goto(baseUrl + "/console");
  await page.fill("#signin-username", username);
  await page.fill("#signin-password", password);
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#nav:not([hidden])", { timeout: TIMEOUT });
  await page.waitForSelector("#live.live", { timeout: TIMEOUT });
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });

  // Sign in (and the sign-in page first).
  await page.goto(baseUrl + "/console");
  await page.waitForSelector("#page-signin:not([hidden])", { timeout: TIMEOUT });
  await shot(page, "signin");
  await signIn(page, "admin", adminPassword);
  await step("signed-in");

  // A fake Blender connected meanwhile: it appears without a reload.
  await page.waitForSelector(`#clients-table tr[data-uuid="${peerUuid}"]`, { timeout: TIMEOUT });
  const state = await page.textContent(`#clients-table tr[data-uuid="${peerUuid}"] .badge`);
  if (state !== "online") throw new Error("the peer is " + state);
  // The Blender version and host it reported, and its queue depth, all as text (the host carries
  // markup that must not become an element).
  const row = `#clients-table tr[data-uuid="${peerUuid}"]`;
  const shown = {
    version: await page.textContent(`${row} td.blender-version`),
    host: await page.textContent(`${row} td.host`),
    queued: await page.textContent(`${row} td.queued`),
    held: await page.textContent(`${row} td.held`),
  };
  const wanted = { version: PEER_VERSION, host: PEER_HOST, queued: "0", held: "" };
  if (JSON.stringify(shown) !== JSON.stringify(wanted)) throw new Error("the peer's row shows " + JSON.stringify(shown));
  if (await page.$(`${row} td.host b`)) throw new Error("the reported host became HTML");
  await shot(page, "clients");
  await step("peer-seen");

  // A dispatch call from an MCP client: running with progress, then completed.
  await page.click('nav a[data-page="jobs"]');
  await page.waitForSelector('#jobs-table tr[data-status="running"] progress', { timeout: TIMEOUT });
  await shot(page, "jobs-running");
  await step("job-running");
  await page.waitForSelector('#jobs-table tr[data-status="completed"]', { timeout: TIMEOUT });
  await page.click('#jobs-table tr[data-status="completed"]');
  await page.waitForSelector("#jobs-table pre.job-result", { timeout: TIMEOUT });
  await shot(page, "jobs-completed");
  await page.click('nav a[data-page="images"]');
  await page.waitForSelector(`#images-list .card[data-client="${peerUuid}"] img`, { timeout: TIMEOUT });
  await page.waitForFunction(() => [...document.querySelectorAll("#images-list img")].every((img) => img.complete && img.naturalWidth > 0), null, { timeout: TIMEOUT });
  await shot(page, "images");
  await step("job-completed");

  // A broadcast with markup in its payload: shown in the tail as text, never run or rendered.
  await page.click('nav a[data-page="tail"]');
  await page.waitForFunction(() => [...document.querySelectorAll("#tail-table td.payload")].some((td) => td.textContent.includes("<script>")), null, { timeout: TIMEOUT });
  const injected = await page.evaluate(() => ({
    flag: window.__injected === undefined ? null : window.__injected,
    imgs: document.querySelectorAll("#tail-table img").length,
    scripts: document.querySelectorAll("#tail-table script").length,
    text: [...document.querySelectorAll("#tail-table td.payload")].map((td) => td.textContent).join("\n"),
  }));
  if (injected.flag !== null || injected.imgs || injected.scripts) throw new Error("markup ran: " + JSON.stringify(injected));
  if (!injected.text.includes("<img src=x onerror=")) throw new Error("the payload is not shown as text: " + injected.text);
  await shot(page, "tail");
  // Pausing holds new records back.
  await page.click("#tail-pause");
  await step("tail-paused");
  await page.waitForFunction(() => document.querySelector("#tail-waiting").textContent.startsWith("1 new"), null, { timeout: TIMEOUT });
  await page.click("#tail-pause");
  await page.click('nav a[data-page="run"]');
  await shot(page, "run");

  // Admin: add a user, who can then sign in and gets no admin page.
  await page.click('nav a[data-page="admin"]');
  await page.waitForSelector('#users-table tr[data-user="admin"]', { timeout: TIMEOUT });
  await page.fill("#add-username", "console-added");
  await page.fill("#add-password", "added-password-1");
  await page.fill("#add-roles", "user");
  await page.click("#add-user-form button[type=submit]");
  await page.waitForSelector('#users-table tr[data-user="console-added"]', { timeout: TIMEOUT });
  await shot(page, "admin", false);  // the counters table makes the full page very long

  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const second = await other.newPage();
  await signIn(second, "console-added", "added-password-1");
  const noAdmin = await second.evaluate(async () => ({
    link: document.querySelector("#admin-link") !== null,
    page: document.querySelector("#page-admin") !== null,
    status: (await fetch("/console/api/admin/users")).status,
  }));
  if (noAdmin.link || noAdmin.page || noAdmin.status !== 403) throw new Error("non-admin: " + JSON.stringify(noAdmin));
  await second.goto(baseUrl + "/console#admin");
  await second.waitForSelector("#page-clients:not([hidden])", { timeout: TIMEOUT });
  await shot(second, "non-admin");

  // Sign out: back to the sign-in page, and the session is gone.
  await second.click("#sign-out");
  await second.waitForSelector("#page-signin:not([hidden])", { timeout: TIMEOUT });
  const after = await second.evaluate(async () => (await fetch("/console/api/me")).status);
  if (after !== 401) throw new Error("signed out, /me answered " + after);

  // A sign-in through the authorization server that failed comes back with a word the page
  // turns into its message (the URL loses it, so a reload does not show it again).
  await second.goto(baseUrl + "/console?signin_error=account_gone");
  await second.waitForSelector("#page-signin:not([hidden])", { timeout: TIMEOUT });
  const failed = await second.textContent("#signin-error");
  if (failed !== "Your account no longer exists.") throw new Error("the failed sign-in shows " + JSON.stringify(failed));
  if (second.url() !== baseUrl + "/console") throw new Error("the message stays in the URL: " + second.url());

  // Sign in through the authorization server: the link leads to /authorize's sign-in form and
  // back into the console; signed out of the console, the link comes back without the form.
  const third = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  third.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
  await third.goto(baseUrl + "/console");
  await third.waitForSelector("#page-signin:not([hidden])", { timeout: TIMEOUT });
  await third.click("#signin-oauth");
  await third.waitForSelector("form[action='/authorize'] #password", { timeout: TIMEOUT });
  await shot(third, "oauth-signin");
  await third.fill("#username", "console-added");
  await third.fill("#password", "added-password-1");
  await third.click("form[action='/authorize'] button[type=submit]");
  await third.waitForSelector("#live.live", { timeout: TIMEOUT });
  const viaServer = await third.textContent("#who-name");
  if (viaServer !== "console-added") throw new Error("signed in through /authorize as " + viaServer);
  await third.click("#sign-out");
  await third.waitForSelector("#page-signin:not([hidden])", { timeout: TIMEOUT });
  await third.click("#signin-oauth");
  await third.waitForSelector("#live.live", { timeout: TIMEOUT });
  if (!third.url().endsWith("/console")) throw new Error("the second sign-in ended at " + third.url());
  const cspErrors = consoleErrors.filter((text) => text.includes("Content Security Policy"));
  if (cspErrors.length) throw new Error("CSP violations: " + cspErrors.join("; "));
  say("done");
} catch (error) {
  say("fail " + String(error && error.stack || error).replace(/\n/g, " | "));
  process.exitCode = 1;
} finally {
  await browser.close();
  input.close();  // stdin no longer keeps the process alive
}
