// Drives the operator console in Debian's Chromium (playwright-core, no downloaded browser)
// against a running `./bankops demo`. Prints "PASS <case>" / "FAIL <case>: why" lines and exits
// non-zero when any case failed. Environment: ADMIN_URL, DATA_URL, TOKEN, SHOTS (directory),
// CANARY_ID (a canary backend the caller added), ROLLOUT (1: the rollout API exists), CHROMIUM.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const env = (k, d) => process.env[k] ?? d;
const ADMIN = env("ADMIN_URL");
const DATA = env("DATA_URL");
const TOKEN = env("TOKEN");
const SHOTS = env("SHOTS", "target-checks/screenshots");
const CANARY_ID = env("CANARY_ID", "");
const ROLLOUT = env("ROLLOUT", "0") === "1";
mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`PASS ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e && e.message ? e.message : e).split("\n")[0]}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
async function admin(method, path, body) {
  const res = await fetch(ADMIN + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
async function until(what, fn, timeoutMs, everyMs = 500) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${JSON.stringify(String(last))})`);
}

// ---- bounded load on the data plane: about 40 requests a second from 4 workers, 127.0.0.1 only ----
let loadRunning = true;
let sent = 0;
const LOAD_MAX_MS = 8 * 60 * 1000;
const loadStart = Date.now();
async function worker(n) {
  const res = await fetch(`${DATA}/accounts`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Client-Id": `setup-${n}` },
    body: JSON.stringify({ owner: `console-load-${n}`, initialBalance: 100000 }),
  });
  const account = (await res.json()).id;
  let i = 0;
  while (loadRunning && Date.now() - loadStart < LOAD_MAX_MS) {
    i++;
    const client = `c${n}-${i % 500}`; // 2000 client keys spread over the canary buckets
    try {
      const r =
        i % 5 === 0
          ? await fetch(`${DATA}/accounts/${account}/deposits`, {
              method: "POST",
              headers: { "Content-Type": "application/json", "X-Client-Id": client, "Idempotency-Key": `k-${n}-${i}-${loadStart}` },
              body: JSON.stringify({ amount: 1 }),
            })
          : await fetch(`${DATA}/accounts/${account}`, { headers: { "X-Client-Id": client } });
      await r.arrayBuffer();
      sent++;
    } catch {
      // the data plane may refuse while instances change; keep the pace
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
const load = Promise.all([0, 1, 2, 3].map((n) => worker(n).catch((e) => console.log(`load worker ${n}: ${e.message}`))));

const browser = await chromium.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function signIn(page, token) {
  await page.goto(`${ADMIN}/ui/`);
  await page.fill("#token", token);
  await page.keyboard.press("Enter");
}

const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, colorScheme: "light" });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(e.message));

try {
  await check("a wrong token shows an error, not a blank page", async () => {
    await signIn(page, "not-the-admin-token-0000");
    await page.waitForSelector("#login-error:not([hidden])", { timeout: 10000 });
    const text = await page.textContent("#login-error");
    assert(/401/.test(text) && /refused/i.test(text), `error text: ${text}`);
    assert(await page.isHidden("#dashboard"), "dashboard shown with a wrong token");
    assert((await page.evaluate(() => sessionStorage.length)) === 0, "a refused token was kept");
    await page.screenshot({ path: join(SHOTS, "console-wrong-token.png") });
  });

  await check("log in with the token; the charts fill with live data", async () => {
    await signIn(page, TOKEN);
    await page.waitForSelector("#dashboard:not([hidden])", { timeout: 10000 });
    // ten frames: ten points per line, and the pushed rates have caught up with the load
    await page.waitForFunction(() => Number(document.body.dataset.frames || 0) >= 10, null, { timeout: 30000 });
    const rps = Number(await page.textContent("#rps-stable"));
    assert(rps > 5, `stable rps shown: ${rps}`);
    const label = await page.getAttribute("#latency-chart", "aria-label");
    assert(/stable p50 [\d.]+ m?s, p99 [\d.]+ m?s/.test(label), `latency chart: ${label}`);
    const points = await page.evaluate(() => document.querySelectorAll("#latency-chart canvas").length);
    assert(points === 1, "latency chart not drawn");
    const hist = await page.getAttribute("#hist-chart", "aria-label");
    const stableCount = Number((/: (\d+) stable/.exec(hist) || [])[1]);
    assert(stableCount > 50, `histogram: ${hist}`);
    const rows = await page.$$eval("#instances tbody tr", (trs) => trs.map((t) => t.dataset.id));
    const api = (await admin("GET", "/admin/backends")).json.backends.map((b) => b.id);
    assert(api.every((id) => rows.includes(id)), `instances table ${rows} vs admin API ${api}`);
    const summary = await page.textContent("#as-summary");
    assert(/desired \d+, ready \d+/.test(summary), `autoscaler: ${summary}`);
    await page.screenshot({ path: join(SHOTS, "console-live.png"), fullPage: true });
  });

  await check("moving the canary share in the console changes it in the admin API", async () => {
    await page.fill("#share-number", "25");
    await page.focus("#share-number");
    await page.keyboard.press("Enter");
    await until("canaryPercent 25 in GET /admin/status", async () => (await admin("GET", "/admin/status")).json.canaryPercent === 25, 10000);
    await page.waitForFunction(() => document.getElementById("share-now").textContent === "25 %", null, { timeout: 10000 });
    // the keyboard on the slider: one step right
    await page.focus("#share-range");
    await page.keyboard.press("ArrowRight");
    await page.click("#share-apply");
    await until("canaryPercent 26", async () => (await admin("GET", "/admin/status")).json.canaryPercent === 26, 10000);
  });

  if (CANARY_ID) {
    await check("stable and canary latency distributions side by side", async () => {
      await page.waitForFunction(
        () => Number((/ (\d+) canary/.exec(document.getElementById("hist-chart").getAttribute("aria-label")) || [])[1]) > 20,
        null,
        { timeout: 40000 },
      );
      const rps = Number(await page.textContent("#rps-canary"));
      assert(rps > 0, `canary rps: ${rps}`);
      await page.screenshot({ path: join(SHOTS, "console-canary.png"), fullPage: true });
    });

    await check("drain an instance: cancel keeps it, confirm drains it", async () => {
      const drain = page.locator(`#instances tr[data-id="${CANARY_ID}"] button`);
      await drain.click();
      await page.waitForSelector("dialog#confirm[open]");
      await page.keyboard.press("Escape");
      await page.waitForSelector("dialog#confirm", { state: "hidden" });
      let b = (await admin("GET", "/admin/backends")).json.backends.find((x) => x.id === CANARY_ID);
      assert(b && b.state !== "draining", `cancelled drain changed state: ${JSON.stringify(b)}`);
      await drain.click();
      await page.waitForSelector("dialog#confirm[open]");
      await page.screenshot({ path: join(SHOTS, "console-confirm-drain.png") });
      await page.click("#confirm-ok");
      await until(
        "the canary backend draining or removed",
        async () => {
          const x = (await admin("GET", "/admin/backends")).json.backends.find((y) => y.id === CANARY_ID);
          return !x || x.state === "draining";
        },
        10000,
      );
      await page.waitForFunction((id) => !document.querySelector(`#instances tr[data-id="${id}"]`) || /draining/.test(document.querySelector(`#instances tr[data-id="${id}"]`).textContent), CANARY_ID, { timeout: 15000 });
    });
  }

  await check("phone width: no sideways scrolling, controls reachable", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SHOTS, "console-phone.png"), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap"))
        .slice(0, 4)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`),
    );
    assert(overflow <= 1, `page is ${overflow}px wider than the phone: ${wide.join(", ")}`);
    assert(await page.isVisible("#share-apply"), "share control hidden at phone width");
    await page.setViewportSize({ width: 1366, height: 1000 });
  });

  await check("dark colour scheme is honoured", async () => {
    const dark = await browser.newContext({ viewport: { width: 1366, height: 1000 }, colorScheme: "dark" });
    const p = await dark.newPage();
    await signIn(p, TOKEN);
    await p.waitForFunction(() => Number(document.body.dataset.frames || 0) >= 3, null, { timeout: 20000 });
    const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert(r + g + b < 120, `background in dark mode: ${bg}`);
    await p.screenshot({ path: join(SHOTS, "console-dark.png"), fullPage: true });
    await dark.close();
  });

  if (ROLLOUT) {
    await check("a faulty canary is rolled back and the rollback shows on the timeline", async () => {
      await admin("PUT", "/admin/canary", { percent: 0 });
      await page.click("#rollout-start summary");
      await page.fill("#ro-in-version", "1.1.0-faulty");
      await page.fill("#ro-in-steps", "20, 50, 100");
      await page.fill("#ro-in-seconds", "20");
      await page.fill("#ro-in-env", "BANK_FAULT_ERROR_RATE=0.5");
      await page.click("#ro-start");
      await until("a rollout in GET /admin/rollouts/current", async () => (await admin("GET", "/admin/rollouts/current")).status === 200, 15000);
      await page.waitForSelector("#rollout-view:not([hidden])", { timeout: 15000 });
      await page.screenshot({ path: join(SHOTS, "console-rollout-running.png"), fullPage: true });
      const r = await until(
        "state rolled_back",
        async () => {
          const x = await admin("GET", "/admin/rollouts/current");
          return x.status === 200 && x.json.state === "rolled_back" ? x.json : null;
        },
        180000,
        1000,
      );
      await page.waitForFunction(() => /rolled back/.test(document.getElementById("ro-state").textContent), null, { timeout: 10000 });
      const entries = await page.$$eval("#ro-timeline li.bad", (lis) => lis.map((l) => l.textContent));
      assert(entries.some((t) => /roll(ed|ing)?[ _-]?back/i.test(t)), `timeline: ${JSON.stringify(entries)} (API: ${JSON.stringify(r.timeline)})`);
      await page.screenshot({ path: join(SHOTS, "console-rollout.png"), fullPage: true });
    });
  } else {
    console.log("SKIP rollout scenario: /admin/openapi.yaml declares no /admin/rollouts/current (the rollout API is not in this build)");
  }

  await check("no script errors on the page", async () => {
    assert(pageErrors.length === 0, pageErrors.join("; "));
  });
} finally {
  loadRunning = false;
  await load;
  await browser.close();
  console.log(`load: ${sent} requests sent to ${DATA}`);
}
console.log(`browser cases: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
