// The three charts, drawn with uPlot. Colours come from the page's CSS variables, so the charts
// follow prefers-color-scheme; main.js rebuilds them when the scheme changes.
import uPlot from "uplot";
import { clock, shortMicros } from "./format.js";

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function axis(extra) {
  const fg = css("--muted");
  const grid = css("--line");
  return { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra };
}

/** A time axis labelled hh:mm:ss (the default adds a date line that crowds small charts). */
function timeAxis() {
  // whole seconds only: frames come once a second, and sub-second ticks repeat the same label
  const incrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  return axis({ values: (u, vals) => vals.map((v) => clock(v * 1000)), space: 70, incrs });
}

function msLabel(v) {
  return v >= 1000 ? `${+(v / 1000).toFixed(2)} s` : `${v} ms`;
}

function width(el) {
  return Math.max(260, Math.floor(el.clientWidth || el.getBoundingClientRect().width || 300));
}

/** Keeps a chart as wide as its container. */
function fit(chart, el, height) {
  const ro = new ResizeObserver(() => chart.setSize({ width: width(el), height }));
  ro.observe(el);
  return () => ro.disconnect();
}

function make(el, opts, data, height) {
  el.textContent = "";
  const chart = new uPlot({ width: width(el), height, ...opts }, data, el);
  const unfit = fit(chart, el, height);
  return {
    chart,
    destroy() {
      unfit();
      chart.destroy();
    },
  };
}

/** p50 and p99 per pool over time, in milliseconds. data: [t, s50, s99, c50, c99]. */
export function latencyChart(el, data) {
  const stable = css("--stable");
  const canary = css("--canary");
  const ms = (u, v) => (v == null ? "–" : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
  return make(
    el,
    {
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [timeAxis(), axis({ values: (u, vals) => vals.map(msLabel), size: 70 })],
      series: [
        { label: "time" },
        { label: "stable p50", stroke: stable, width: 1.5, dash: [6, 4], value: ms, spanGaps: false },
        { label: "stable p99", stroke: stable, width: 2, value: ms },
        { label: "canary p50", stroke: canary, width: 1.5, dash: [6, 4], value: ms },
        { label: "canary p99", stroke: canary, width: 2, value: ms },
      ],
    },
    data,
    240,
  );
}

/** Share of requests per latency bucket, stable and canary side by side. data: [idx, s%, c%]. */
export function histogramChart(el, data, bounds) {
  const stable = css("--stable");
  const canary = css("--canary");
  const label = (i) => (bounds[i] === undefined ? "" : `≤${shortMicros(bounds[i])}`);
  const pct = (u, v) => (v == null ? "–" : `${v.toFixed(1)} %`);
  return make(
    el,
    {
      scales: {
        x: { time: false, range: (u, min, max) => [min - 0.6, max + 0.6] },
        y: { range: (u, min, max) => [0, Math.max(5, max * 1.1)] },
      },
      axes: [
        axis({ values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? label(v) : "")), size: 40 }),
        axis({ values: (u, vals) => vals.map((v) => `${v}%`), size: 50 }),
      ],
      legend: { live: true },
      cursor: { points: { show: false } },
      series: [
        { label: "bucket", value: (u, v) => (v == null ? "–" : label(v)) },
        {
          label: "stable",
          stroke: stable,
          fill: stable + "cc",
          value: pct,
          paths: uPlot.paths.bars({ size: [0.42, 60], align: -1 }),
          points: { show: false },
        },
        {
          label: "canary",
          stroke: canary,
          fill: canary + "cc",
          value: pct,
          paths: uPlot.paths.bars({ size: [0.42, 60], align: 1 }),
          points: { show: false },
        },
      ],
    },
    data,
    240,
  );
}

/** Desired and ready replicas of the stable pool over time. data: [t, desired, ready]. */
export function scaleChart(el, data) {
  const accent = css("--accent");
  const ok = css("--ok");
  return make(
    el,
    {
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(2, max + 1)] } },
      axes: [timeAxis(), axis({ size: 40, incrs: [1, 2, 5, 10] })],
      series: [
        { label: "time" },
        { label: "desired", stroke: accent, width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "ready", stroke: ok, width: 2, dash: [5, 3], paths: uPlot.paths.stepped({ align: 1 }) },
      ],
    },
    data,
    170,
  );
}
