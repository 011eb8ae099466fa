// Talks to the admin API with the bearer token. The token lives only in this tab's
// sessionStorage and only ever travels in the Authorization header (never in a URL).
const TOKEN_KEY = "bankops.adminToken";

export class ApiError extends Error {
  constructor(status, body, fallback) {
    super(body && body.message ? body.message : fallback);
    this.status = status;
    this.field = body && body.field;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

function headers(json) {
  const h = { Authorization: `Bearer ${token.get()}` };
  if (json) h["Content-Type"] = "application/json";
  return h;
}

export async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, json, `${method} ${path} answered ${res.status}`);
  return json;
}

/** Whether the published contract has the rollout operations. */
export async function hasRolloutApi() {
  const res = await fetch("/admin/openapi.yaml", { cache: "no-store" });
  if (!res.ok) return false;
  return /^\s{2}\/admin\/rollouts\/current:/m.test(await res.text());
}

/**
 * Reads the Server-Sent Events stream with fetch (EventSource cannot send headers) and calls
 * onFrame with each JSON frame; reconnects after a drop. Returns a function that stops it.
 * onState receives "live", "reconnecting" or "unauthorized".
 */
export function openStream(onFrame, onState) {
  let stopped = false;
  let controller = null;
  async function once() {
    controller = new AbortController();
    const res = await fetch("/admin/console/stream", {
      headers: headers(false),
      cache: "no-store",
      signal: controller.signal,
    });
    if (res.status === 401) {
      onState("unauthorized");
      stopped = true;
      return;
    }
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    onState("live");
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        if (data) onFrame(JSON.parse(data));
      }
    }
  }
  (async () => {
    let delay = 1000;
    while (!stopped) {
      try {
        await once();
        delay = 1000;
      } catch (e) {
        if (stopped) return;
      }
      if (stopped) return;
      onState("reconnecting");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 8000);
    }
  })();
  return () => {
    stopped = true;
    if (controller) controller.abort();
  };
}
