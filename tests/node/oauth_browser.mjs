// Drives the /authorize pages in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core), as a person would: sign in, allow, land on the host's loopback redirect.
// Then, in the same browser, a second authorization started from a link on the host's page
// (another port: a same-site navigation): the browser is signed in, so only the consent page.
//
// Input: one JSON argument {first_url, second_link_page, callback_prefix, username, password,
// screenshots, chromium}. Output: one JSON line on stdout: the two redirect URLs, what the
// pages showed, every Content-Security-Policy violation the pages reported and every console
// message.
import { chromium } from "playwright-core";

const input = JSON.parse(process.argv[2]);
const report = { violations: [], console: [], pages: [] };

let page = null;
const browser = await chromium.launch({
  executablePath: input.chromium || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
try {
  const context = await browser.newContext({ viewport: { width: 720, height: 560 } });
  // A binding and an init script come from the browser itself, not from the page, so the
  // page's CSP does not govern them; they report what the CSP refused on the page.
  await context.exposeBinding("bmcpViolation", (_source, violation) => {
    report.violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.bmcpViolation({
        directive: e.violatedDirective, blocked: e.blockedURI, url: document.location.href,
      });
    });
  });
  page = await context.newPage();
  page.on("console", (msg) => report.console.push({ type: msg.type(), text: msg.text() }));
  page.on("pageerror", (err) => report.console.push({ type: "pageerror", text: String(err) }));

  const describe = async (name) => {
    const style = await page.evaluate(() => ({
      bodyMaxWidth: getComputedStyle(document.body).maxWidth,
      clientWeight: getComputedStyle(document.querySelector(".client") || document.body).fontWeight,
    }));
    report.pages.push({
      name,
      url: page.url(),
      title: await page.title(),
      heading: await page.textContent("h1"),
      text: await page.textContent("body"),
      hasPassword: (await page.$("input[type=password]")) !== null,
      style,
    });
  };

  // 1. Sign in and allow.
  await page.goto(input.first_url);
  await page.waitForSelector("input[name=username]");
  await describe("login");
  await page.screenshot({ path: `${input.screenshots}/login.png` });
  await page.fill("input[name=username]", input.username);
  await page.fill("input[name=password]", input.password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  await page.waitForSelector("button[value=allow]");
  await describe("consent");
  await page.screenshot({ path: `${input.screenshots}/consent.png` });
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(input.callback_prefix)),
    page.click("button[value=allow]"),
  ]);
  report.first_redirect = page.url();

  // 2. From a link on the host's own page: the browser is signed in, only the consent page.
  await page.goto(input.second_link_page);
  await Promise.all([page.waitForURL(/\/authorize\?/), page.click("a#authorize")]);
  await page.waitForSelector("button[value=allow]");
  await describe("consent-again");
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(input.callback_prefix)),
    page.click("button[value=allow]"),
  ]);
  report.second_redirect = page.url();
  await context.close();
} catch (error) {
  // Where the browser was and what it showed, for the failure report.
  const where = page ? `${page.url()}\n${await page.content().catch(() => "")}` : "";
  process.stderr.write(`${error.stack || error}\n--- page ---\n${where}\n`);
  process.stderr.write(`--- report ---\n${JSON.stringify(report)}\n`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + "\n");
