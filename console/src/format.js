export function ms(micros) {
  if (micros === null || micros === undefined || Number.isNaN(micros)) return "–";
  const v = micros / 1000;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function shortMicros(micros) {
  if (micros >= 1_000_000) return `${+(micros / 1_000_000).toPrecision(2)}s`;
  if (micros >= 1000) return `${+(micros / 1000).toPrecision(2)}ms`;
  return `${micros}µs`;
}

export function rate(x) {
  return x === undefined || x === null ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

export function percent(fraction) {
  if (fraction === undefined || fraction === null) return "–";
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.01 ? 2 : 1)} %`;
}

export function clock(value) {
  const d = typeof value === "number" ? new Date(value) : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value ?? "");
  return d.toLocaleTimeString([], { hour12: false });
}
