#!/usr/bin/env bash
# Checks generated/openapi.json with openapi-spec-validator, then runs Schemathesis 4 with it
# against `dwdi mock`: every generated request signed with the mock's published test keys
# (scripts/schemathesis/hooks.py), checked with not_a_server_error, status_code_conformance,
# content_type_conformance, response_headers_conformance, response_schema_conformance and
# negative_data_rejection. Not part of CI: it installs from PyPI and takes minutes.
#
# Usage: scripts/schemathesis.sh [more `schemathesis run` options]
#   DWDI_SCHEMATHESIS_VENV  the scratch virtualenv, created when missing
#                           (default: target/schemathesis-venv)
#   MAX_EXAMPLES            test cases per operation and phase (default 250: ~1,800 requests)
#   SEED                    Schemathesis's seed (default 1), to repeat a run
# Exit status: Schemathesis's (0 when every check passed), 2 when the setup failed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${DWDI_SCHEMATHESIS_VENV:-$root/target/schemathesis-venv}
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection

if [ ! -x "$venv/bin/schemathesis" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"
fi

"$venv/bin/openapi-spec-validator" generated/openapi.json

cargo build --quiet -p dwdi
logs=$(mktemp -d)
# The mock's first stdout line names its address; reading it waits until it listens.
exec {mock_out}< <(exec target/debug/dwdi mock 2>"$logs/mock.err")
mock=$!
trap 'kill "$mock" 2>/dev/null || true; rm -rf "$logs"' EXIT
if ! read -r -t 60 line <&"$mock_out" || [[ $line != "listening on "* ]]; then
  echo "schemathesis.sh: dwdi mock did not start:" >&2
  cat "$logs/mock.err" >&2
  exit 2
fi
url=${line#listening on }
echo "dwdi mock at $url"

# Schemathesis and Hypothesis keep caches in the working directory: give them the scratch one.
cd "$logs"
export PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$root/scripts/schemathesis"
SCHEMATHESIS_HOOKS=hooks "$venv/bin/schemathesis" \
  --config-file "$root/scripts/schemathesis/schemathesis.toml" \
  run "$root/generated/openapi.json" \
  --url "$url" \
  --checks "$checks" \
  --max-examples "${MAX_EXAMPLES:-250}" \
  --seed "${SEED:-1}" \
  "$@"
