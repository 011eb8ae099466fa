#!/usr/bin/env python3
"""Turns .github/branch-protection.yml into GitHub REST calls (repository rulesets, environments).
Pure: reads the settings and the current rulesets, returns the calls; the shell script sends them.

    branch_protection.py plan SETTINGS.yml EXISTING_RULESETS.json   -> JSON list of {method, path, body}
"""
import json
import sys

import yaml

RULESET_KEYS = {"name", "branches", "required_checks", "strict_checks", "required_approvals",
                "dismiss_stale_reviews", "require_last_push_approval",
                "require_conversation_resolution", "linear_history", "block_force_pushes",
                "block_deletion"}


def fail(message):
    raise SystemExit(f"branch-protection settings: {message}")


def ruleset_body(rs):
    unknown = set(rs) - RULESET_KEYS
    if unknown:
        fail(f"rulesets[{rs.get('name')}]: unknown key(s) {sorted(unknown)}")
    if not rs.get("name") or not rs.get("branches"):
        fail("every ruleset needs a name and branches")
    approvals = rs.get("required_approvals", 1)
    if not isinstance(approvals, int) or not 0 <= approvals <= 10:
        fail(f"rulesets[{rs['name']}].required_approvals: {approvals} (expected: 0..10)")
    rules = []
    if rs.get("block_deletion", True):
        rules.append({"type": "deletion"})
    if rs.get("block_force_pushes", True):
        rules.append({"type": "non_fast_forward"})
    if rs.get("linear_history", True):
        rules.append({"type": "required_linear_history"})
    rules.append({"type": "pull_request", "parameters": {
        "required_approving_review_count": approvals,
        "dismiss_stale_reviews_on_push": bool(rs.get("dismiss_stale_reviews", True)),
        "require_code_owner_review": False,
        "require_last_push_approval": bool(rs.get("require_last_push_approval", True)),
        "required_review_thread_resolution": bool(rs.get("require_conversation_resolution", True)),
    }})
    checks = rs.get("required_checks", [])
    if checks:
        rules.append({"type": "required_status_checks", "parameters": {
            "strict_required_status_checks_policy": bool(rs.get("strict_checks", True)),
            "required_status_checks": [{"context": c} for c in checks],
        }})
    return {
        "name": rs["name"],
        "target": "branch",
        "enforcement": "active",
        "conditions": {"ref_name": {"include": [f"refs/heads/{b}" for b in rs["branches"]], "exclude": []}},
        "rules": rules,
    }


def environment_calls(repo, env):
    name = env.get("name") or fail("every environment needs a name")
    reviewers = []
    for r in env.get("reviewers", []):
        if r.get("type") not in ("Team", "User"):
            fail(f"environments[{name}].reviewers: type {r.get('type')} (expected: Team | User)")
        # ids are resolved by the shell script (GET /orgs/{org}/teams/{slug}, GET /users/{login})
        reviewers.append({"type": r["type"], "id": f"<{r['type'].lower()}:{r.get('slug') or r.get('login')}>"})
    calls = [{"method": "PUT", "path": f"/repos/{repo}/environments/{name}", "body": {
        "wait_timer": int(env.get("wait_timer_minutes", 0)),
        "prevent_self_review": bool(env.get("prevent_self_review", True)),
        "reviewers": reviewers,
        "deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True},
    }}]
    for pattern in env.get("deployment_branches", []):
        kind = "tag" if pattern.startswith("v") else "branch"
        calls.append({"method": "POST", "path": f"/repos/{repo}/environments/{name}/deployment-branch-policies",
                      "body": {"name": pattern, "type": kind}, "ignore_status": [303, 409, 422]})
    return calls


def plan(repo, settings, existing):
    by_name = {r["name"]: r["id"] for r in existing}
    calls = []
    for rs in settings.get("rulesets", []):
        body = ruleset_body(rs)
        if rs["name"] in by_name:
            calls.append({"method": "PUT", "path": f"/repos/{repo}/rulesets/{by_name[rs['name']]}", "body": body})
        else:
            calls.append({"method": "POST", "path": f"/repos/{repo}/rulesets", "body": body})
    for env in settings.get("environments", []):
        calls += environment_calls(repo, env)
    return calls


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "plan":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[3], encoding="utf-8") as f:
        settings = yaml.safe_load(f)
    with open(sys.argv[4], encoding="utf-8") as f:
        existing = json.load(f)
    json.dump(plan(sys.argv[2], settings, existing), sys.stdout, indent=2)
    print()
