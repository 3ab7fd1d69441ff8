#!/usr/bin/env bash
# Installs what the tests need when it is missing, then restores, checks formatting, builds and tests everything.
# Ends with the line "N passed, N failed" (", N skipped" when nonzero), read from the TRX files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium (browser tests)..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if [ -f package.json ] && [ ! -f node_modules/dynalite/cli.js ]; then
  echo "Installing dynalite (DynamoDB tests)..."
  npm ci --no-audit --no-fund
fi

if ! python3 -c "import moto.server, flask, boto3, requests, cryptography" >/dev/null 2>&1; then
  echo "Installing moto (KMS and IAM tests) and the Python client libraries (compatibility tests)..."
  python3 -m pip install 'moto[server]' boto3 requests cryptography
fi

dotnet restore Confidant.sln
dotnet format Confidant.sln --verify-no-changes --no-restore
dotnet build Confidant.sln -c Release --no-restore

rm -rf TestResults
# Browser tests save their screenshots here, next to the TRX files.
export CONFIDANT_TEST_ARTIFACTS="$PWD/TestResults"
test_status=0
# A test that stops making progress fails the run within minutes, naming itself, instead of stalling CI.
dotnet test Confidant.sln --no-build -c Release \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  --logger "trx;LogFileName=results.trx" --results-directory TestResults || test_status=$?

# Reads one attribute of the <Counters> element in $counters; 0 when absent.
counter() {
  local value
  value=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters")
  echo "${value:-0}"
}

passed=0
failed=0
skipped=0
shopt -s nullglob globstar
for trx in TestResults/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  passed=$((passed + $(counter passed)))
  failed=$((failed + $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted)))
  skipped=$((skipped + $(counter notExecuted)))
done

summary="$passed passed, $failed failed"
if [ "$skipped" -ne 0 ]; then summary="$summary, $skipped skipped"; fi
echo "$summary"

if [ "$test_status" -ne 0 ] || [ "$failed" -ne 0 ] || [ $((passed + failed)) -eq 0 ]; then
  exit 1
fi
