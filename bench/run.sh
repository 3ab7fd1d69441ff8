#!/usr/bin/env bash
# Runs every benchmark scenario side by side in one Release run and prints the Markdown results table.
# Arguments go to the harness: --iterations N, --rounds N, --workers N, --duration S, --warmup S, --quick.
# Needs what ./test.sh installs (dynalite via npm, moto via pip); installs the same when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -f package.json ] && [ ! -f node_modules/dynalite/cli.js ]; then
  echo "Installing dynalite (DynamoDB scenario)..." >&2
  npm ci --no-audit --no-fund >&2
fi

if ! python3 -c "import moto.server, flask" >/dev/null 2>&1; then
  echo "Installing moto (KMS scenarios)..." >&2
  python3 -m pip install 'moto[server]' >&2
fi

exec dotnet run -c Release --project bench/Confidant.Bench -- "$@"
