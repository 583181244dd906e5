#!/usr/bin/env bash
# The project's commands. `./build.sh test` is the README's test command, and all that .ci/run does.
set -euo pipefail
cd "$(dirname "$0")"

# Prints the tests each module ran in this build and fails when a module with tests reports none: a runner that
# finds no test (JUnit 5.12+ under the bnd tester, a misnamed class) must not pass as green.
count_tests() {
  local since="$1" total=0 empty=()
  for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
    [ -d "$module/src/test/java" ] || continue
    grep -rqE '@(Test|ParameterizedTest|RepeatedTest|TestFactory)\b' "$module/src/test/java" || continue
    local n=0
    while IFS= read -r report; do
      local t
      t=$(grep -o -m1 '<testsuite [^>]*' "$report" | grep -o ' tests="[0-9]*"' | grep -o '[0-9]\+' || true)
      n=$((n + ${t:-0}))
    done < <(find "$module/target" \( -path '*/surefire-reports/*' -o -path '*/failsafe-reports/*' -o -path '*/test-reports/*' \) \
               -name 'TEST-*.xml' -newer "$since" 2>/dev/null)
    printf '%7d  %s\n' "$n" "$module"
    total=$((total + n))
    [ "$n" -gt 0 ] || empty+=("$module")
  done
  printf '%7d  tests in total\n' "$total"
  if [ "${#empty[@]}" -gt 0 ]; then
    echo "error: no test ran in: ${empty[*]}" >&2
    return 1
  fi
}

case "${1:-}" in
  test)
    # The browser tests (e2e/) drive Debian's chromium through playwright-core, which brings no browser of its own.
    if ! command -v chromium >/dev/null 2>&1; then
      sudo=""
      [ "$(id -u)" -eq 0 ] || sudo="sudo"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
    fi
    started=$(mktemp)
    trap 'rm -f "$started"' EXIT
    mvn -B -ntp verify
    count_tests "$started"
    ;;
  *)
    echo "usage: ./build.sh test" >&2
    exit 2
    ;;
esac
