#!/usr/bin/env bash
# Side by side, on the same documents and the same schema:
#   1. in process: dwdi's criterion bench (bytes in → verdict out) and ajv 8 (JSON.parse +
#      validate) in a small Node harness, in the same run, with the ratio;
#   2. whole process: `dwdi validate task-param` against ajv-cli and check-jsonschema over
#      N realistic files (hyperfine when installed);
#   3. the three generated schemas compiled by ajv-cli in strict mode and checked by
#      check-jsonschema (`--check-metaschema`), as users would use them.
#
#   validate/benches/corpus.sh [N]        (N files, 10000 by default)
#
# Not part of `cargo test` or CI. Installs ajv, ajv-cli and check-jsonschema into a scratch
# folder ($DWDI_BENCH_TOOLS, default /tmp/dwdi-bench-tools) with npm and pip; needs node and
# python3. CARGO_TARGET_DIR is honoured (default: target).
set -euo pipefail

N="${1:-10000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
DWDI="$TARGET/release/dwdi"
TOOLS="${DWDI_BENCH_TOOLS:-/tmp/dwdi-bench-tools}"
SCHEMAS="$ROOT/generated/schemas"

echo "== tools into $TOOLS"
mkdir -p "$TOOLS"
if [ ! -x "$TOOLS/node_modules/.bin/ajv" ]; then
    (cd "$TOOLS" && npm init -y > /dev/null && npm install --silent ajv@8 ajv-cli@5 > /dev/null)
fi
if [ ! -x "$TOOLS/venv/bin/check-jsonschema" ]; then
    python3 -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/pip" install --quiet check-jsonschema
fi
AJV="$TOOLS/node_modules/.bin/ajv"
CHECK="$TOOLS/venv/bin/check-jsonschema"
echo "   ajv $(node -p "require('$TOOLS/node_modules/ajv/package.json').version"), ajv-cli $(node -p "require('$TOOLS/node_modules/ajv-cli/package.json').version"), $("$CHECK" --version 2>&1 | tail -1), node $(node --version)"

echo "== the generated schemas in other tools"
for schema in "$SCHEMAS"/*.schema.json; do
    # ajv-cli 5 in strict mode (all strict options on): unknown keywords, types, required.
    "$AJV" compile --spec=draft2020 --strict=true -s "$schema"
    "$CHECK" --check-metaschema "$schema"
done

echo "== building (release)"
(cd "$ROOT" && cargo build --release -p dwdi --quiet && cargo build --release -p dwdi-validate --example corpus --quiet)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$TARGET/release/examples/corpus" "$WORK/corpus" "$N"
cd "$WORK/corpus"
FILES=$(ls | sort | tr '\n' ' ')
BYTES=$(cat $FILES | wc -c)
echo "   $N files, $BYTES bytes; cores: $(nproc); dwdi @ $(cd "$ROOT" && git rev-parse --short HEAD)"

echo "== in process, one core: dwdi (criterion) and ajv 8 (Node), the same documents"
(cd "$ROOT" && DWDI_BENCH_DOCS=1000 cargo bench -p dwdi-validate --bench validate -- \
    --noplot 'realistic/check_bytes|page-example-118B' 2>/dev/null \
    | grep -E '^(realistic|check_bytes)/|thrpt:|time:' | tee "$WORK/rust.txt")
cat > "$WORK/ajv-harness.js" <<'JS'
// ajv 8 in process: JSON.parse + validate, over the first 1,000 files, for about 5 s.
const fs = require("fs");
const path = require("path");
const Ajv2020 = require(process.argv[2] + "/node_modules/ajv/dist/2020").default;
const ajv = new Ajv2020({ strict: true, allErrors: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[3], "utf8")));
const dir = process.argv[4];
const files = fs.readdirSync(dir).sort().slice(0, 1000);
const docs = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
for (const d of docs) if (!validate(JSON.parse(d))) throw new Error("ajv refuses a valid document");
const page = '{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }';
function run(label, list, size) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let t = t0;
  while (t - t0 < 5_000_000_000n) {
    for (const d of list) validate(JSON.parse(d));
    n += list.length;
    t = process.hrtime.bigint();
  }
  const s = Number(t - t0) / 1e9;
  console.log(`ajv8 ${label}: ${(n / s).toFixed(0)} docs/s, ${((size * n) / list.length / s / 1e6).toFixed(1)} MB/s`);
}
run("realistic", docs, bytes);
run("page-example-118B", [page], Buffer.byteLength(page));
JS
node "$WORK/ajv-harness.js" "$TOOLS" "$SCHEMAS/task-param.schema.json" "$WORK/corpus" | tee "$WORK/ajv.txt"
python3 - "$WORK/rust.txt" "$WORK/ajv.txt" <<'PY'
import re, sys
rust = open(sys.argv[1]).read()
ajv = open(sys.argv[2]).read()
def unit(v, u):
    return float(v) * {"B/s": 1e-6, "KiB/s": 1.024e-3, "MiB/s": 1.048576, "GiB/s": 1073.741824}[u]
m = re.search(r"realistic/check_bytes/task-param.*?thrpt:\s+\[\S+ \S+ (\S+) (\S+)", rust, re.S)
a = re.search(r"ajv8 realistic: \d+ docs/s, ([\d.]+) MB/s", ajv)
if m and a:
    ours = unit(m.group(1), m.group(2))
    print(f"ratio on realistic documents: dwdi {ours:.0f} MB/s / ajv {float(a.group(1)):.0f} MB/s = {ours / float(a.group(1)):.2f}x (target >= 2x and >= 330 MB/s)")
p = re.search(r"check_bytes/task-param/page-example-118B.*?thrpt:\s+\[\S+ \S+ (\S+) (\S+)", rust, re.S)
if p:
    k = {"elem/s": 1, "Kelem/s": 1e3, "Melem/s": 1e6, "Gelem/s": 1e9}[p.group(2)]
    print(f"page example: {float(p.group(1)) * k:,.0f} docs/s (target >= 1,000,000)")
PY

echo "== whole process over $N files"
COMMANDS=("$DWDI validate task-param $FILES")
NAMES=("dwdi validate task-param")
VALID=$("$DWDI" validate task-param $FILES | grep -c ': valid TaskParam' || true)
[ "$VALID" = "$N" ] || { echo "dwdi found $VALID of $N files valid" >&2; exit 1; }
"$AJV" validate --spec=draft2020 --strict=true -s "$SCHEMAS/task-param.schema.json" -d "$WORK/corpus/*.json" > /dev/null 2>&1
COMMANDS+=("$AJV validate --spec=draft2020 --strict=true -s $SCHEMAS/task-param.schema.json -d '$WORK/corpus/*.json'")
NAMES+=("ajv-cli")
"$CHECK" --schemafile "$SCHEMAS/task-param.schema.json" $FILES > /dev/null
COMMANDS+=("$CHECK --schemafile $SCHEMAS/task-param.schema.json $FILES")
NAMES+=("check-jsonschema")
# Each command line holds N paths: more than one argument may hold (MAX_ARG_STRLEN), so each
# runs from a one-line script (`exec`: the shell costs only its start, the same for all).
SCRIPTS=()
for i in "${!COMMANDS[@]}"; do
    printf '#!/bin/sh\nexec %s > /dev/null\n' "${COMMANDS[$i]}" > "$WORK/run$i.sh"
    chmod +x "$WORK/run$i.sh"
    SCRIPTS+=("$WORK/run$i.sh")
done
if command -v hyperfine > /dev/null; then
    HF=()
    for i in "${!COMMANDS[@]}"; do
        HF+=(--command-name "${NAMES[$i]}" "${SCRIPTS[$i]}")
    done
    hyperfine --warmup 1 --min-runs 3 --max-runs 10 --style basic --export-markdown "$WORK/results.md" "${HF[@]}" 2>&1 | grep -v '^ *$'
    cat "$WORK/results.md"
else
    for i in "${!COMMANDS[@]}"; do
        echo "-- ${NAMES[$i]}"
        time "${SCRIPTS[$i]}"
    done
fi
