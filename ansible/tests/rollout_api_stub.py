#!/usr/bin/env python3
"""A stand-in for the appliance's rollout endpoints (ARCHITECTURE.md contract), for exercising the
playbooks' control flow (wait, approve, promote, roll back and fail) until the real rollout
controller is in the tree; then scripts/checks/74-ansible-canary.sh should run against
./bankops demo instead. It checks the bearer token and the request shapes the playbooks send,
and writes every call to CALLS_LOG so the check can see what the playbook did.

    rollout_api_stub.py PORT TOKEN SCENARIO CALLS_LOG
    SCENARIO: promote | rollback | approval (awaits approval at 25 %, then promotes once approved)
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, TOKEN, SCENARIO, CALLS = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
state = {"rollout": None, "polls": 0, "approved": False}


def current():
    r = state["rollout"]
    if r is None:
        return None
    state["polls"] += 1
    if r["state"] == "running" and state["polls"] >= 3:
        if SCENARIO == "promote" or (SCENARIO == "approval" and state["approved"]):
            r.update(state="promoted", canaryPercent=0.0)
            r["timeline"].append({"step": 100, "analysis": "passed"})
        elif SCENARIO == "rollback":
            r.update(state="rolled_back", canaryPercent=0.0)
            r["timeline"].append({"step": 5, "analysis": "failed", "reason": "canary error rate 0.031 vs stable 0.002"})
        elif SCENARIO == "approval":
            r.update(state="awaiting_approval", canaryPercent=25.0)
    return r


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        with open(CALLS, "a") as f:
            f.write(f"{method} {self.path} {json.dumps(body, sort_keys=True)}\n")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.reply(401, {"error": "unauthorized"})
        r = state["rollout"]
        if method == "GET" and self.path == "/admin/rollouts/current":
            c = current()
            return self.reply(200, c) if c else self.reply(404, {"error": "no_rollout"})
        if method == "GET" and self.path == "/admin/status":
            return self.reply(200, {"canaryPercent": r["canaryPercent"] if r else 0.0, "pools": {}})
        if method == "POST" and self.path == "/admin/rollouts":
            if not isinstance(body.get("version"), str) or not body["version"]:
                return self.reply(400, {"error": "invalid", "field": "version"})
            if not all(isinstance(s, (int, float)) and 0 < s <= 100 for s in body.get("steps", [1])):
                return self.reply(400, {"error": "invalid", "field": "steps"})
            state["rollout"] = {"version": body["version"], "state": "running", "canaryPercent": 1.0,
                                "timeline": [{"step": body.get("steps", [1])[0], "state": "running"}]}
            state["polls"] = 0
            return self.reply(201, state["rollout"])
        if method == "POST" and self.path.startswith("/admin/rollouts/current/"):
            if r is None:
                return self.reply(404, {"error": "no_rollout"})
            action = self.path.rsplit("/", 1)[1]
            if action == "approve" and r["state"] == "awaiting_approval":
                state["approved"] = True
                r["state"] = "running"
                return self.reply(200, r)
            if action == "abort":
                if r["state"] in ("promoted", "rolled_back"):
                    return self.reply(409, {"error": "finished", "state": r["state"]})
                r.update(state="rolled_back", canaryPercent=0.0)
                return self.reply(200, r)
            return self.reply(409, {"error": "invalid_state", "state": r["state"]})
        return self.reply(404, {"error": "not_found"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
