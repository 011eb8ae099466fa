// The rollout view and controls, against the admin contract:
//   POST /admin/rollouts  {"version", "env"?, "steps"?, "stepSeconds"?, "analysis"?, "approvalBefore"?}
//   GET  /admin/rollouts/current -> {"version", "state", "canaryPercent", "timeline": [...]} (404: none)
//   POST /admin/rollouts/current/{pause|resume|approve|promote|abort}
// Fields beyond those (steps, analysis) are shown when present, whatever their exact shape.
import { call } from "./api.js";
import { clock } from "./format.js";

const $ = (id) => document.getElementById(id);
const ACTIVE = new Set(["running", "paused", "awaiting_approval", "rolling_back"]);
const ALLOWED = {
  running: ["pause", "promote", "abort"],
  paused: ["resume", "promote", "abort"],
  awaiting_approval: ["approve", "promote", "abort"],
  rolling_back: [],
  rolled_back: [],
  promoted: [],
};
const CONFIRM = {
  promote: {
    title: "Promote the canary?",
    text: "The canary becomes the new stable version and the old stable instances are drained.",
    confirm: "Promote",
  },
  abort: {
    title: "Abort the rollout?",
    text: "All traffic returns to stable at once and the canary instances are drained.",
    confirm: "Abort",
  },
};

let current = null;
let apiPresent = false;

export function renderRollout(r, hasApi, pools) {
  current = r;
  apiPresent = hasApi;
  const none = $("rollout-none");
  const view = $("rollout-view");
  if (!hasApi) {
    none.textContent = "This appliance has no rollout API (no /admin/rollouts in its /admin/openapi.yaml).";
  } else if (r && r.error) {
    none.textContent = `Could not read the current rollout: ${r.error}`;
  } else {
    none.textContent = "No rollout. Start one below.";
  }
  const show = Boolean(hasApi && r && !r.error);
  none.hidden = show;
  view.hidden = !show;
  const allowed = show ? ALLOWED[r.state] || [] : [];
  document.querySelectorAll("#rollout-controls button").forEach((b) => {
    b.disabled = !allowed.includes(b.dataset.ro);
  });
  $("rollout-controls").hidden = !hasApi;
  $("rollout-start").hidden = !hasApi;
  $("ro-start").disabled = !hasApi || Boolean(show && ACTIVE.has(r.state));
  if (!show) return;
  $("ro-version").textContent = r.version ?? "–";
  const st = $("ro-state");
  st.textContent = String(r.state ?? "–").replace("_", " ");
  st.className = `badge ${r.state}`;
  $("ro-percent").textContent = `${r.canaryPercent ?? 0} %`;
  renderSteps(r);
  renderAnalysis(r, pools);
  renderTimeline(r.timeline || []);
}

function renderSteps(r) {
  const ol = $("ro-steps");
  const steps = Array.isArray(r.steps) ? r.steps.map((s) => (typeof s === "object" ? s.percent ?? s.canaryPercent : s)) : [];
  const gates = new Set(Array.isArray(r.approvalBefore) ? r.approvalBefore : []);
  const key = `${steps.join(",")}@${r.canaryPercent}/${[...gates].join(",")}`;
  if (ol.dataset.key === key) return;
  ol.dataset.key = key;
  ol.textContent = "";
  if (!steps.length) {
    ol.innerHTML = "<li class='muted'>not reported</li>";
    return;
  }
  for (const s of steps) {
    const li = document.createElement("li");
    li.textContent = gates.has(s) ? `${s} % (approval first)` : `${s} %`;
    if (s < r.canaryPercent) li.className = "done";
    if (s === r.canaryPercent) {
      li.className = "current";
      li.setAttribute("aria-current", "step");
    }
    ol.appendChild(li);
  }
}

/**
 * The analysis: the figures of the latest analysis on the timeline (else the live 10 s window of
 * this frame) against the plan's thresholds, the way the controller judges them:
 *   canary requests >= minRequests (else inconclusive: the step holds)
 *   canary error rate - stable error rate <= maxErrorRateIncrease
 *   canary p99 <= maxP99Ratio x stable p99, or within p99SlackMs of it
 * Shapes other than that are listed as they come.
 */
function renderAnalysis(r, pools) {
  const tbody = document.querySelector("#ro-analysis tbody");
  const rows = [];
  const t = r.analysis;
  if (t && typeof t === "object" && "maxErrorRateIncrease" in t) {
    const analysed = [...(r.timeline || [])].reverse().find((e) => e && e.figures && e.figures.canary && e.figures.stable);
    let canary;
    let stable;
    let source;
    if (analysed) {
      canary = analysed.figures.canary;
      stable = analysed.figures.stable;
      source = `${String(analysed.event).replaceAll("_", " ")} at ${clock(analysed.at)}`;
    } else {
      const w = (p) => (pools && pools[p] && pools[p]["10s"]) || { count: 0, errorRate: 0, p99Micros: 0 };
      const c = w("canary");
      const s = w("stable");
      canary = { count: c.count, errorRate: c.errorRate, p99Ms: c.p99Micros / 1000 };
      stable = { count: s.count, errorRate: s.errorRate, p99Ms: s.p99Micros / 1000 };
      source = "live, last 10 s";
    }
    // a kill-switch entry carries figures too, judged by the kill switch's own thresholds below
    const judged = !analysed || analysed.event === "analysis";
    const enough = judged && canary.count >= t.minRequests;
    rows.push(["Figures from", source, "", null]);
    rows.push(["Canary requests", String(canary.count), `≥ ${t.minRequests}`, judged ? (enough ? true : "hold") : null]);
    const inc = (canary.errorRate - stable.errorRate) * 100;
    rows.push([
      "Error rate, canary − stable",
      `${(canary.errorRate * 100).toFixed(2)} % − ${(stable.errorRate * 100).toFixed(2)} % = ${inc.toFixed(2)} pts`,
      `≤ ${(t.maxErrorRateIncrease * 100).toFixed(2)} pts`,
      enough ? inc <= t.maxErrorRateIncrease * 100 + 1e-9 : null,
    ]);
    if (stable.count > 0 && stable.p99Ms > 0) {
      const ratio = canary.p99Ms / stable.p99Ms;
      const ok = ratio <= t.maxP99Ratio || canary.p99Ms - stable.p99Ms <= t.p99SlackMs;
      rows.push([
        "p99, canary ÷ stable",
        `${canary.p99Ms.toFixed(1)} ms ÷ ${stable.p99Ms.toFixed(1)} ms = ${ratio.toFixed(2)}`,
        `≤ ${t.maxP99Ratio} (or ≤ +${t.p99SlackMs} ms)`,
        enough ? ok : null,
      ]);
    }
    const k = r.killSwitch;
    if (k) {
      rows.push([
        "Kill switch",
        "checked every second",
        `error rate +${(k.errorRateIncrease * 100).toFixed(1)} pts over ${k.windowSeconds} s (≥ ${k.minRequests} requests)`,
        null,
      ]);
    }
  } else if (t && typeof t === "object") {
    for (const [name, v] of Object.entries(t)) rows.push([name, fmt(v), "", null]);
  }
  tbody.textContent = "";
  if (!rows.length) {
    tbody.innerHTML = "<tr><td class='muted'>no analysis yet</td></tr>";
    return;
  }
  for (const [name, value, limit, ok] of rows) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    const cells = [value, limit].map((x) => {
      const td = document.createElement("td");
      td.textContent = x;
      return td;
    });
    const verdict = document.createElement("td");
    if (ok === true || ok === false) {
      verdict.textContent = ok ? "pass" : "fail";
      verdict.className = ok ? "pass" : "fail";
    } else if (ok === "hold") {
      verdict.textContent = "too few: holds";
    }
    tr.append(th, ...cells, verdict);
    tbody.appendChild(tr);
  }
}

function fmt(v) {
  if (v === undefined || v === null) return "–";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function renderTimeline(timeline) {
  const ol = $("ro-timeline");
  const key = String(timeline.length) + JSON.stringify(timeline[timeline.length - 1] ?? "");
  if (ol.dataset.key === key) return;
  ol.dataset.key = key;
  ol.textContent = "";
  for (const e of timeline) {
    const li = document.createElement("li");
    if (e && typeof e === "object") {
      const when = e.at ?? e.time ?? e.timestamp ?? e.ts;
      if (when !== undefined) {
        const t = document.createElement("time");
        t.dateTime = String(when);
        t.textContent = clock(when);
        li.appendChild(t);
      }
      const what = e.event ?? e.type ?? e.state ?? e.action ?? "";
      const strong = document.createElement("strong");
      strong.textContent = String(what).replaceAll("_", " ");
      li.appendChild(strong);
      const skip = new Set(["at", "time", "timestamp", "ts", "event", "type", "state", "action", "message", "reason", "stepPercent"]);
      const text = e.message ?? e.reason;
      if (text) li.append(` — ${text}`);
      const rest = Object.entries(e)
        .filter(([k, v]) => !skip.has(k) && v !== null && typeof v !== "object")
        .map(([k, v]) => `${k}=${v}`);
      if (rest.length) li.append(` (${rest.join(", ")})`);
      if (typeof e.stepPercent === "number") {
        const step = document.createElement("span");
        step.className = "muted";
        step.textContent = ` · at ${e.stepPercent} %`;
        li.appendChild(step);
      }
    } else {
      li.textContent = String(e);
    }
    const text = li.textContent.toLowerCase();
    if (/roll(ed|ing)?[ _-]?back|abort|fail/.test(text)) li.classList.add("bad");
    else if (/promot|pass/.test(text)) li.classList.add("good");
    ol.appendChild(li);
  }
  ol.scrollTop = ol.scrollHeight;
}

function list(text, what) {
  const out = String(text || "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (out.some((n) => !Number.isFinite(n))) throw new Error(`${what}: numbers separated by commas`);
  return out;
}

function env(text) {
  const out = {};
  for (const line of String(text || "").split("\n")) {
    const l = line.trim();
    if (!l) continue;
    const i = l.indexOf("=");
    if (i <= 0) throw new Error(`env: "${l}" (expected: NAME=value)`);
    out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
  }
  return out;
}

export function rolloutActions(act) {
  document.querySelectorAll("#rollout-controls button").forEach((b) => {
    const op = b.dataset.ro;
    b.addEventListener("click", () =>
      act(CONFIRM[op] || null, () => call("POST", `/admin/rollouts/current/${op}`), `Rollout: ${op} accepted`),
    );
  });
  $("start-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = e.target.elements;
    act(
      null,
      async () => {
        const body = { version: f.version.value.trim() };
        const steps = list(f.steps.value, "steps");
        if (steps.length) body.steps = steps;
        if (f.stepSeconds.value) body.stepSeconds = Number(f.stepSeconds.value);
        const approval = list(f.approvalBefore.value, "approvalBefore");
        if (approval.length) body.approvalBefore = approval;
        const vars = env(f.env.value);
        if (Object.keys(vars).length) body.env = vars;
        if (!body.version) throw new Error("version: required");
        await call("POST", "/admin/rollouts", body);
      },
      `Rollout of ${f.version.value.trim()} started`,
    );
  });
  return { current: () => current, apiPresent: () => apiPresent };
}
