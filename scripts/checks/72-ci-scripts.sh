#!/usr/bin/env bash
# The CI scripts' own logic on small fixtures made here: failed tests become annotations on the
# test's line; the coverage threshold passes above it and fails below it (unit and integration
# reports merged); the pull request summary shows every section and says "missing" for absent ones.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
passed=0
failed=0
check() { # NAME COMMAND...
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok   $name"
  else
    failed=$((failed + 1))
    echo "  FAIL $name"
  fi
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# a module with one passing and one failing test, as surefire reports them
mkdir -p "$tmp/repo/mod/src/test/java/com/acme" "$tmp/repo/mod/target/surefire-reports" "$tmp/repo/mod/target/failsafe-reports"
printf 'package com.acme;\nclass FooTest {}\n' >"$tmp/repo/mod/src/test/java/com/acme/FooTest.java"
cat >"$tmp/repo/mod/target/surefire-reports/TEST-com.acme.FooTest.xml" <<'XML'
<testsuite name="com.acme.FooTest" tests="3">
  <testcase name="adds" classname="com.acme.FooTest"/>
  <testcase name="skips" classname="com.acme.FooTest"><skipped/></testcase>
  <testcase name="splits" classname="com.acme.FooTest$Nested">
    <failure message="expected: 3 but was: 4" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: 3 but was: 4
	at org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:38)
	at com.acme.FooTest$Nested.splits(FooTest.java:42)
</failure>
  </testcase>
</testsuite>
XML
cat >"$tmp/repo/mod/target/failsafe-reports/TEST-com.acme.BarIT.xml" <<'XML'
<testsuite name="com.acme.BarIT" tests="1"><testcase name="runs" classname="com.acme.BarIT"/></testsuite>
XML
python3 scripts/ci/test_report.py annotate "$tmp/repo" >"$tmp/annotations.txt" 2>/dev/null
check "a failed test is annotated on its file and line" \
  grep -qxF '::error file=mod/src/test/java/com/acme/FooTest.java,line=42,title=FooTest.splits::expected: 3 but was: 4' "$tmp/annotations.txt"
check "only failed tests are annotated" test "$(wc -l <"$tmp/annotations.txt")" = 1
python3 scripts/ci/test_report.py summary "$tmp/repo" "$tmp/out/tests/unit.json" >"$tmp/summary.txt"
check "test counts: unit 1 passed 1 failed 1 skipped, integration 1 passed" bash -c \
  "grep -qx 'unit: 1 passed, 1 failed, 1 skipped' '$tmp/summary.txt' && grep -qx 'integration: 1 passed, 0 failed, 0 skipped' '$tmp/summary.txt'"

# coverage: line 1 covered only by the unit run, line 2 only by the integration run, line 3 by none
for kind in jacoco jacoco-it; do
  mkdir -p "$tmp/repo/mod/target/site/$kind"
  [[ "$kind" == jacoco ]] && c=(1 0) || c=(0 1)
  cat >"$tmp/repo/mod/target/site/$kind/jacoco.xml" <<XML
<report name="mod"><package name="com/acme"><sourcefile name="Foo.java">
<line nr="1" mi="0" ci="${c[0]}" mb="0" cb="0"/><line nr="2" mi="0" ci="${c[1]}" mb="0" cb="0"/>
<line nr="3" mi="2" ci="0" mb="0" cb="0"/></sourcefile></package></report>
XML
done
check "coverage merges unit and integration runs (2 of 3 lines) and passes at 66%" \
  python3 scripts/ci/coverage.py --min-line 66 --out "$tmp/out/coverage" "$tmp/repo"
check "coverage fails below the threshold (67%)" bash -c \
  "! python3 scripts/ci/coverage.py --min-line 67 --out '$tmp/cov2' '$tmp/repo' >/dev/null"
check "coverage refuses a threshold out of range naming the flag" bash -c \
  "! python3 scripts/ci/coverage.py --min-line 101 --out '$tmp/cov3' '$tmp/repo' >'$tmp/err' 2>&1 && grep -q -- '--min-line: 101' '$tmp/err'"

mkdir -p "$tmp/out/lint" "$tmp/out/security"
echo "workflow-lint: 25 passed, 0 failed" >"$tmp/out/lint/summary.txt"
echo '{"runs":[{"results":[{"level":"error"},{"level":"warning"},{"level":"error"}]}]}' >"$tmp/out/security/dependencies.sarif"
JOB_RESULTS='{"lint":{"result":"success"},"surge":{"result":"failure"}}' \
  scripts/ci/pr-summary.sh "$tmp/out" "$tmp/comment.md" >/dev/null
check "PR summary: marker, job results, tests, lint, security counts, coverage" bash -c "
  grep -qF '<!-- bankops-ci-summary -->' '$tmp/comment.md' &&
  grep -qF '✅ lint · ❌ surge' '$tmp/comment.md' &&
  grep -qF '| unit | 1 | 1 | 1 |' '$tmp/comment.md' &&
  grep -qF '| integration | missing |' '$tmp/comment.md' &&
  grep -qF -- '- workflow-lint: 25 passed, 0 failed' '$tmp/comment.md' &&
  grep -qF '| dependencies | 2 | 1 | 0 |' '$tmp/comment.md' &&
  grep -qF '66.7%' '$tmp/comment.md'"
check "PR summary says the surge figures are missing rather than inventing them" \
  bash -c "grep -A1 'Gatling surge' '$tmp/comment.md' | grep -qx missing"
echo "ci-scripts: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
