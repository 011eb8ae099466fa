// The operator console: sign in with the admin token, then one live frame per second from
// GET /admin/console/stream drives every view; controls call the admin API.
import { ApiError, call, hasRolloutApi, openStream, token } from "./api.js";
import { histogramChart, latencyChart, scaleChart } from "./charts.js";
import { clock, ms, percent, rate } from "./format.js";
import { renderRollout, rolloutActions } from "./rollout.js";

const HISTORY_SECONDS = 300;
const $ = (id) => document.getElementById(id);

const state = {
  stop: null,
  lastFrameAt: 0,
  rolloutApi: false,
  rollout: null,
  shareDirty: false,
  // [t, stable p50, stable p99, canary p50, canary p99] in ms; [t, desired, ready]
  latency: [[], [], [], [], []],
  scale: [[], [], []],
  hist: { bounds: [], data: [[], [], []] },
  charts: {},
};

// ---- sign in / out ----

async function signIn(candidate) {
  const err = $("login-error");
  err.hidden = true;
  token.set(candidate);
  try {
    await call("GET", "/admin/status");
  } catch (e) {
    token.clear();
    err.textContent =
      e instanceof ApiError && e.status === 401
        ? `The admin API refused this token (401: ${e.message}). Check .bankops/admin-token.`
        : `Could not reach the admin API: ${e.message}`;
    err.hidden = false;
    $("token").focus();
    return;
  }
  state.rolloutApi = await hasRolloutApi().catch(() => false);
  showDashboard();
}

function showDashboard() {
  $("login").hidden = true;
  $("dashboard").hidden = false;
  $("logout").hidden = false;
  buildCharts();
  state.stop = openStream(onFrame, onStreamState);
  $("main").focus();
}

function signOut(message) {
  if (state.stop) state.stop();
  state.stop = null;
  token.clear();
  $("dashboard").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  setConn("signed out", "");
  const err = $("login-error");
  err.hidden = !message;
  err.textContent = message || "";
  $("token").value = "";
  $("token").focus();
}

function setConn(text, cls) {
  const c = $("conn");
  c.textContent = text;
  c.className = `pill ${cls}`;
}

function onStreamState(s) {
  if (s === "unauthorized") signOut("The admin API no longer accepts this token (401). Sign in again.");
  else if (s === "reconnecting") setConn("reconnecting…", "down");
}

setInterval(() => {
  if (state.stop && state.lastFrameAt && Date.now() - state.lastFrameAt > 5000) {
    setConn(`stale since ${clock(state.lastFrameAt)}`, "stale");
  }
}, 1000);

// ---- frames ----

function onFrame(f) {
  state.lastFrameAt = Date.now();
  setConn(`live · ${clock(f.atMillis)}`, "live");
  const pools = (f.stats && f.stats.pools) || {};
  pushHistory(f, pools);
  renderSplit(f.status || {}, pools);
  renderHistogram(pools);
  renderInstances((f.stats && f.stats.backends) || []);
  renderAutoscaler(f.autoscaler || {});
  state.rollout = f.rollout;
  renderRollout(f.rollout, state.rolloutApi, pools);
  document.body.dataset.frames = String(Number(document.body.dataset.frames || 0) + 1);
}

function pushHistory(f, pools) {
  const t = f.atMillis / 1000;
  const w = (p) => (pools[p] && pools[p]["10s"]) || { count: 0 };
  const v = (win, key) => (win.count > 0 ? win[key] / 1000 : null);
  const s = w("stable");
  const c = w("canary");
  push(state.latency, [t, v(s, "p50Micros"), v(s, "p99Micros"), v(c, "p50Micros"), v(c, "p99Micros")]);
  const as = (f.autoscaler && f.autoscaler.pools && f.autoscaler.pools.stable) || null;
  push(state.scale, [t, as ? as.desired : null, as ? as.ready : null]);
  state.charts.latency.chart.setData(state.latency);
  state.charts.scale.chart.setData(state.scale);
  const last = (k) => (s.count > 0 ? ms(s[k]) : "–");
  $("latency-chart").setAttribute(
    "aria-label",
    `Latest 10 s: stable p50 ${last("p50Micros")}, p99 ${last("p99Micros")}; canary p50 ${
      c.count > 0 ? ms(c.p50Micros) : "–"
    }, p99 ${c.count > 0 ? ms(c.p99Micros) : "–"}`,
  );
}

function push(series, row) {
  row.forEach((x, i) => series[i].push(x));
  const cutoff = row[0] - HISTORY_SECONDS;
  while (series[0].length && series[0][0] < cutoff) series.forEach((s) => s.shift());
}

function renderSplit(status, pools) {
  const share = Number(status.canaryPercent || 0);
  $("split-stable").style.width = `${100 - share}%`;
  $("split-canary").style.width = `${share}%`;
  $("share-now").textContent = `${share} %`;
  const rps = (p) => (pools[p] && pools[p]["10s"] ? rate(pools[p]["10s"].rps) : "–");
  $("rps-stable").textContent = rps("stable");
  $("rps-canary").textContent = rps("canary");
  const ps = status.pools || {};
  const n = (p) => (ps[p] ? `${ps[p].routable}/${ps[p].backends}` : "–");
  $("backend-counts").textContent = `${n("stable")} · ${n("canary")}`;
  if (!state.shareDirty) {
    $("share-range").value = String(Math.round(share));
    $("share-number").value = String(share);
  }
}

function renderHistogram(pools) {
  const h = (p) => (pools[p] && pools[p].histogram60s) || { counts: [], upperBoundsMicros: [], totalCount: 0 };
  const s = h("stable");
  const c = h("canary");
  const bounds = s.upperBoundsMicros.length >= c.upperBoundsMicros.length ? s.upperBoundsMicros : c.upperBoundsMicros;
  // from the first bucket either pool uses, so the bars fill the chart
  let first = bounds.length;
  [s, c].forEach((x) => {
    const i = x.counts.findIndex((n) => n > 0);
    if (i >= 0) first = Math.min(first, i);
  });
  if (first >= bounds.length) first = 0;
  const share = (x, i) => (x.totalCount > 0 && i < x.counts.length ? (100 * x.counts[i]) / x.totalCount : x.totalCount > 0 ? 0 : null);
  const xs = [];
  const ss = [];
  const cs = [];
  for (let i = first; i < bounds.length; i++) {
    xs.push(i - first);
    ss.push(share(s, i));
    cs.push(share(c, i));
  }
  state.hist.bounds = bounds.slice(first);
  state.hist.data = [xs, ss, cs];
  const key = state.hist.bounds.join(",");
  if (key !== state.hist.key) {
    state.hist.key = key; // new bucket range: the axis labels change with it
    rebuild("hist");
  } else {
    state.charts.hist.chart.setData(state.hist.data);
  }
  $("hist-chart").setAttribute(
    "aria-label",
    `Last 60 s: ${s.totalCount} stable and ${c.totalCount} canary requests over ${bounds.length - first} latency buckets`,
  );
}

// ---- instances ----

const rows = new Map();

function renderInstances(backends) {
  const tbody = document.querySelector("#instances tbody");
  const seen = new Set();
  for (const b of backends) {
    seen.add(b.id);
    let row = rows.get(b.id);
    if (!row) {
      row = instanceRow(b.id);
      rows.set(b.id, row);
      tbody.appendChild(row.tr);
    }
    const w = (b.windows && b.windows["10s"]) || {};
    row.set("pool", b.pool, `pool-${b.pool}`);
    row.set("version", b.version);
    row.set("state", b.state, `state-${b.state}`);
    row.set("inFlight", String(b.inFlight ?? "–"));
    row.set("rps", rate(w.rps));
    row.set("p99", w.count > 0 ? ms(w.p99Micros) : "–");
    row.set("errors", w.count > 0 ? percent(w.errorRate) : "–");
    row.set("ejections", String(b.ejections ?? 0));
    row.drain.disabled = b.state === "draining";
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.tr.remove();
      rows.delete(id);
    }
  }
}

function instanceRow(id) {
  const tr = document.createElement("tr");
  tr.dataset.id = id;
  const cells = {};
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = id;
  tr.appendChild(th);
  for (const k of ["pool", "version", "state", "inFlight", "rps", "p99", "errors", "ejections"]) {
    const td = document.createElement("td");
    if (!["pool", "version", "state"].includes(k)) td.className = "num";
    cells[k] = td;
    tr.appendChild(td);
  }
  const td = document.createElement("td");
  const drain = document.createElement("button");
  drain.type = "button";
  drain.className = "ghost";
  drain.textContent = "Drain";
  drain.setAttribute("aria-label", `Drain ${id}`);
  drain.addEventListener("click", () =>
    act(
      {
        title: `Drain ${id}?`,
        text: "It takes no new requests, finishes those in flight and is then removed from its pool. The autoscaler may start a replacement.",
        confirm: "Drain",
      },
      () => call("DELETE", `/admin/backends/${encodeURIComponent(id)}`),
      `${id} is draining`,
    ),
  );
  td.appendChild(drain);
  tr.appendChild(td);
  return {
    tr,
    drain,
    set(k, text, cls) {
      if (cells[k].textContent !== text) cells[k].textContent = text;
      if (cls !== undefined) cells[k].className = cls;
    },
  };
}

// ---- autoscaler ----

function renderAutoscaler(a) {
  const summary = $("as-summary");
  if (!a.available) {
    summary.textContent = "Not running on this appliance (it needs an instance runtime; ./bankops demo has one).";
  } else {
    const p = (a.pools && a.pools.stable) || {};
    summary.textContent = `${a.enabled ? "on" : "off"} · stable desired ${p.desired ?? "–"}, ready ${
      p.ready ?? "–"
    } (range ${a.minReplicas}–${a.maxReplicas}, target ${a.targetConcurrency} in flight each)`;
  }
  const list = $("decisions");
  const decisions = (a.decisions || []).slice(-5).reverse();
  const key = decisions.map((d) => d.at + d.pool).join("|");
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.textContent = "";
  for (const d of decisions) {
    const li = document.createElement("li");
    const t = document.createElement("time");
    t.dateTime = d.at;
    t.textContent = clock(d.at);
    li.appendChild(t);
    li.append(`${d.pool}: ${d.current}→${d.desired} (${d.action}) — ${d.reason}`);
    list.appendChild(li);
  }
  if (!decisions.length) list.innerHTML = "<li class='muted'>none yet</li>";
}

// ---- actions ----

function confirmAction({ title, text, confirm }) {
  const dialog = $("confirm");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = confirm;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

/** Runs an admin call (after a confirmation when `ask` is given) and reports the outcome. */
export async function act(ask, run, done) {
  if (ask && !(await confirmAction(ask))) return;
  try {
    await run();
    toast(done, false);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut("The admin API no longer accepts this token (401). Sign in again.");
      return;
    }
    toast(`Refused: ${e.message}${e.field ? ` (field: ${e.field})` : ""}`, true);
  }
}

let toastTimer = 0;
function toast(text, error) {
  const t = $("action-status");
  t.textContent = text;
  t.className = `toast${error ? " error" : ""}`;
  t.setAttribute("role", error ? "alert" : "status");
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), error ? 12000 : 5000);
}

// ---- charts ----

function rebuild(name) {
  const old = state.charts[name];
  if (old) old.destroy();
  if (name === "latency") state.charts.latency = latencyChart($("latency-chart"), state.latency);
  if (name === "hist") state.charts.hist = histogramChart($("hist-chart"), state.hist.data, state.hist.bounds);
  if (name === "scale") state.charts.scale = scaleChart($("scale-chart"), state.scale);
}

function buildCharts() {
  ["latency", "hist", "scale"].forEach(rebuild);
}

matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
  if (!$("dashboard").hidden) buildCharts();
});

// ---- wiring ----

$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const t = $("token").value.trim();
  if (!t) {
    $("login-error").textContent = "Enter the admin token.";
    $("login-error").hidden = false;
    return;
  }
  signIn(t);
});
$("logout").addEventListener("click", () => signOut(""));

$("share-range").addEventListener("input", () => {
  state.shareDirty = true;
  $("share-number").value = $("share-range").value;
});
$("share-number").addEventListener("input", () => {
  state.shareDirty = true;
  $("share-range").value = String(Math.round(Number($("share-number").value)));
});
$("share-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const percentValue = Number($("share-number").value);
  await act(null, () => call("PUT", "/admin/canary", { percent: percentValue }), `Canary share set to ${percentValue} %`);
  state.shareDirty = false;
});

rolloutActions(act);

if (token.get()) {
  // a reload in the same tab: check the stored token again before showing anything
  signIn(token.get());
} else {
  $("token").focus();
}
