#!/bin/sh
# Runs the whole test suite (bazel test //...) and prints the plain closing line
# "N passed, N failed", counting test cases from each test target's XML report; a target that
# fails to build or crashes before writing its report counts as one failure.
#   tools/test.sh [extra bazel flags, e.g. --config=asan]
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
rc=$(mktemp)
trap 'rm -f "$log" "$rc"' EXIT
{ bazel test //... --test_summary=short "$@"; echo $? > "$rc"; } 2>&1 | tee "$log"
status=$(cat "$rc")
passed=0
failed=0
for target in $(sed -n 's#^\(//[^ ]*\) .*\(PASSED\|FAILED\|TIMEOUT\|NO STATUS\|FAILED TO BUILD\|FLAKY\).*#\1 \2#p' "$log" | awk '{print $1 "|" $2}'); do
  name=${target%%|*}
  verdict=${target#*|}
  xml="bazel-testlogs/$(echo "${name#//}" | tr ':' '/')/test.xml"
  if [ "$verdict" = PASSED ] && [ -f "$xml" ]; then
    tests=$(sed -n 's/.*<testsuites[^>]* tests="\([0-9]*\)".*/\1/p' "$xml" | head -n 1)
    fails=$(sed -n 's/.*<testsuites[^>]* failures="\([0-9]*\)".*/\1/p' "$xml" | head -n 1)
    errors=$(sed -n 's/.*<testsuites[^>]* errors="\([0-9]*\)".*/\1/p' "$xml" | head -n 1)
    passed=$((passed + ${tests:-1} - ${fails:-0} - ${errors:-0}))
    failed=$((failed + ${fails:-0} + ${errors:-0}))
  elif [ "$verdict" = PASSED ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
# A build failure can stop bazel before any summary: count it.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
