// Signs in to the demo studio through /docs, authorizes, lists clients, and keeps a
// screenshot: what a developer does in their first minutes with the API.
//
// usage: node docs-check.mjs <base url> <screenshot path>
import { chromium } from "playwright-core";

const [base, screenshot] = process.argv.slice(2);
const TENANT = "demo";
const LOGIN = { email: "admin@demo.pe", password: "demo-admin-2024" };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
page.setDefaultTimeout(20_000);

/** The operation block of `method path`, expanded, with "Try it out" pressed. */
async function open(method, path) {
  const block = page.locator(`.opblock.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  await block.locator(".opblock-summary").first().click();
  await block.locator(".try-out__btn").click();
  await block.locator('input[placeholder="X-Tenant"]').fill(TENANT);
  return block;
}

/** Executes an opened operation and returns [status, body text]. */
async function execute(block) {
  await block.locator("button.execute").click();
  const live = block.locator(".live-responses-table .response");
  await live.first().waitFor();
  const status = (await live.locator(".response-col_status").first().innerText()).trim();
  const body = await live.locator(".response-col_description pre").first().innerText();
  return [status, body];
}

await page.goto(`${base}/docs`);
await page.locator(".opblock").first().waitFor();

// 1. Sign in as the demo admin through the UI.
const login = await open("post", "/api/auth/login");
await login.locator("textarea.body-param__text").fill(JSON.stringify(LOGIN));
const [loginStatus, loginBody] = await execute(login);
if (loginStatus !== "200") throw new Error(`sign-in answered ${loginStatus}: ${loginBody}`);
const token = JSON.parse(loginBody).access_token;
if (!token) throw new Error(`no access token in ${loginBody}`);

// 2. Authorize with the studio's token.
await page.locator(".auth-wrapper .btn.authorize").first().click();
const scheme = page.locator(".modal-ux .auth-container", { hasText: "TenantToken" });
await scheme.locator("input").first().fill(token);
await scheme.locator("button.authorize").click();
await page.locator(".modal-ux button.btn-done").first().click();

// 3. List the studio's clients.
const clients = await open("get", "/api/clients");
const [status, body] = await execute(clients);
if (status !== "200") throw new Error(`the client list answered ${status}: ${body}`);
const list = JSON.parse(body);
if (!(list.count > 0)) throw new Error(`the demo studio has no clients: ${body}`);
// The request and its live answer: from the operation's header to the end of the response.
// (Bounding boxes are relative to the viewport; a full-page clip wants page coordinates.)
const top = await clients.boundingBox();
const answer = await clients.locator(".live-responses-table").first().boundingBox();
const scrolled = await page.evaluate(() => window.scrollY);
await page.screenshot({
  path: screenshot,
  fullPage: true,
  clip: { x: top.x, y: top.y + scrolled, width: top.width, height: answer.y + answer.height - top.y },
});
console.log(`signed in, authorized, listed ${list.count} clients; screenshot: ${screenshot}`);
await browser.close();
