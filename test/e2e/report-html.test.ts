/**
 * The HTML report of a real scan (Django behind nginx that passes client forwarding headers on),
 * opened in headless Chromium: it renders, logs no error, loads nothing from the network, says what
 * the JSON report of the same run says, and escapes what came from the wire. A screenshot is
 * written to the temp directory for a person to look at.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { runCli } from "./run-cli.js";

/**
 * Chromium, in a network namespace of its own (unshare -n: loopback only, and down): the page is a
 * file, and the browser's own background traffic (secure-DNS probes and the like) reaches nothing.
 */
function isolatedChromium(): string {
  const wrapper = join(mkdtempSync(join(tmpdir(), "proxytrust-chromium-bin-")), "chromium");
  writeFileSync(wrapper, '#!/bin/sh\nexec unshare --net -- /usr/bin/chromium "$@"\n', { mode: 0o755 });
  return wrapper;
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Sent with every probe, so it comes back in the evidence of every clause. */
const MARKUP_HEADER = "<script>document.title='pwned'</script><b>bold</b>";

interface JsonReport {
  checks: { id: string; status: string }[];
}

let stack: RunningStack;
let context: BrowserContext;
let page: Page;
let json: JsonReport;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

before(async () => {
  stack = await startStack({ proxy: "nginx", variant: "passthrough" });
  const out = join(mkdtempSync(join(tmpdir(), "proxytrust-html-")), "report");
  const result = await runCli([
    "scan",
    ...stack.scanArgs,
    "-H",
    `X-Report-Markup: ${MARKUP_HEADER}`,
    "--format",
    "html,json",
    "--output",
    out,
  ]);
  assert.equal(result.code, 1, result.stderr);
  json = JSON.parse(readFileSync(`${out}.json`, "utf8")) as JsonReport;
  const pageUrl = pathToFileURL(`${out}.html`).href;
  // Playwright refuses --user-data-dir in args; a persistent context on a fresh directory is the same.
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "proxytrust-chromium-")), {
    executablePath: isolatedChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  page.on("request", (request) => {
    if (request.url() !== pageUrl) foreignRequests.push(request.url());
  });
  await page.goto(pageUrl, { waitUntil: "load" });
});

after(async () => {
  await context?.close();
  await stack?.stop();
});

test("renders with no console error and no request beyond the file itself", async () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(foreignRequests, []);
  assert.match(await page.title(), /^proxytrust scan: https:\/\//);
  const chart = await page.locator("#trust-chain svg").boundingBox();
  assert.ok(chart && chart.width > 500 && chart.height > 200, JSON.stringify(chart));
});

test("the summary agrees with the JSON report of the same run", async () => {
  const rows = page.locator("#summary tbody tr");
  assert.equal(await rows.count(), json.checks.length);
  for (const [i, check] of json.checks.entries()) {
    const cells = rows.nth(i).locator("td");
    assert.equal(await cells.nth(1).locator("a").innerText(), check.id);
    assert.equal(await cells.nth(0).locator(".badge").getAttribute("class"), `badge ${check.status}`);
    // Each row links to that clause's section, which exists.
    const href = await cells.nth(1).locator("a").getAttribute("href");
    assert.equal(await page.locator(href!).count(), 1);
  }
  const failing = json.checks.filter((c) => c.status === "fail").length;
  assert.ok(failing > 0);
  assert.match(await page.locator("#summary .tally").innerText(), new RegExp(`${failing} FAIL`));
});

test("the trust chain marks the headers this proxy passes through", async () => {
  const status = Object.fromEntries(json.checks.map((c) => [c.id, c.status]));
  // The passthrough stack was built to forward the client's X-Forwarded-* and any Host.
  assert.equal(status["spoofed-proto"], "fail");
  assert.equal(status["forwarded-host"], "fail");
  assert.equal(status["host-header"], "fail");
  for (const header of ["X-Forwarded-Proto", "X-Forwarded-Host", "Host"]) {
    const lane = page.locator(`#trust-chain svg g[data-header="${header}"]`);
    assert.equal(await lane.getAttribute("data-state"), "passed", header);
    assert.ok(await lane.isVisible());
  }
  assert.match(
    await page.locator('#trust-chain tr[data-header="X-Forwarded-Proto"]').innerText(),
    /client's value passed through/,
  );
});

test("per clause: what was sent, what came back and the fix; wire text shown as text", async () => {
  const spoof = page.locator("section", { has: page.locator("h3", { hasText: "spoofed-proto:" }) });
  const sent = await spoof.locator(".exchange pre").first().innerText();
  assert.match(sent, /^(GET|POST) http/);
  assert.match(await spoof.locator(".fix pre").innerText(), /proxy_set_header X-Forwarded-Proto \$scheme;/);
  // The header the probes carried comes back as text: no script ran, no element was made.
  assert.equal(await page.locator("script, b").count(), 0);
  assert.ok((await page.locator("body").innerText()).includes(MARKUP_HEADER));
  assert.doesNotMatch(await page.title(), /pwned/);
});

test("a screenshot is written for a person to look at", async () => {
  const file = join(tmpdir(), `proxytrust-report-html-${process.pid}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const png = readFileSync(file);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 20_000);
  console.log(`HTML report screenshot: ${file}`);
});
