#!/usr/bin/env bash
# Whole-process measurement: `dwdi validate task-param` over a corpus of 10,000 TaskParam files,
# side by side with widely used validators given the same schema and files.
#
#   validate/benches/corpus.sh [N]        (N files, 10000 by default)
#
# Not part of `cargo test`. Needs python3 (to write the corpus). Uses hyperfine when installed
# (apt-get install -y hyperfine), else bash's `time`. Compares with ajv-cli
# (npm i -g ajv-cli ajv-formats) and check-jsonschema (pip install check-jsonschema) when they
# are installed. CARGO_TARGET_DIR is honoured (default: target).
set -euo pipefail

N="${1:-10000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
DWDI="$TARGET/release/dwdi"

echo "== building dwdi (release)"
(cd "$ROOT" && cargo build --release -p dwdi --quiet)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus"

echo "== writing $N TaskParam files into $WORK/corpus"
"$DWDI" schema task-param > "$WORK/task-param.schema.json"
python3 - "$WORK/corpus" "$N" <<'PY'
import json, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20240102)
def words(k, prefix):
    return [f"{prefix}{i}_{rng.randrange(10**6)}" for i in range(k)]
for i in range(n):
    shape = i % 4
    if shape == 0:  # the page's example, as printed (118 bytes)
        doc = '{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }'
    elif shape == 1:  # one database, a few tables
        doc = json.dumps({"steps": [{"category": "reader", "name": "Reader", "stepType": "mysql",
            "parameter": {"connection": [{"datasource": "mm", "datasourceType": "mysql",
                                          "table": words(rng.randrange(1, 20), "t")}]}}]})
    elif shape == 2:  # several databases (about 1-2 KB)
        doc = json.dumps({"steps": [{"category": "reader", "name": "Reader", "stepType": "mysql",
            "parameter": {"connection": [{"datasource": "mm", "datasourceType": "mysql",
                "selectedTables": [{"dbName": f"db{d}", "schema": [{"tableInfos": [
                    {"table": t, "tableName": t, "enable": True} for t in words(rng.randrange(1, 8), "m")]}]}
                    for d in range(rng.randrange(1, 4))]}]}}]}, indent=2)
    else:  # a reader and a writer, pretty-printed
        doc = json.dumps({"steps": [
            {"category": "reader", "name": "r", "stepType": "mysql",
             "parameter": {"connection": [{"table": words(rng.randrange(1, 6), "a")}]}},
            {"category": "writer", "name": "w", "stepType": "holo",
             "parameter": {"connection": [{"table": words(1, "b")}]}}]}, indent=2)
    with open(f"{out}/doc{i:05}.json", "w") as f:
        f.write(doc + "\n")
PY
cd "$WORK/corpus"
FILES=$(ls | sort | tr '\n' ' ')
BYTES=$(cat $FILES | wc -c)
ARGS=$(echo $FILES | wc -c)
echo "   $N files, $BYTES bytes in all; argv of the file list: $ARGS bytes (ARG_MAX $(getconf ARG_MAX))"

echo "== versions"
echo "   dwdi: $("$DWDI" --version 2>/dev/null || echo "dwdi (this tree)") @ $(cd "$ROOT" && git rev-parse --short HEAD)"
echo "   cores: $(nproc)"
COMMANDS=()
NAMES=()
COMMANDS+=("$DWDI validate task-param $FILES")
NAMES+=("dwdi validate task-param")
# Every file valid: each validator must say so, so that the comparison is like for like.
VALID=$("$DWDI" validate task-param $FILES | grep -c ': valid TaskParam' || true)
[ "$VALID" = "$N" ] || { echo "dwdi found $VALID of $N files valid" >&2; exit 1; }
if command -v ajv > /dev/null; then
    echo "   ajv-cli: $(npm ls -g ajv-cli 2>/dev/null | grep -o 'ajv-cli@[^ ]*' || echo unknown), $(npm ls -g ajv 2>/dev/null | grep -o 'ajv@[^ ]*' | head -1 || echo ajv)"
    # ajv rejects the custom x-dwdi-* keywords unless --strict=false; it reads one glob.
    ajv validate --spec=draft2020 --strict=false -s "$WORK/task-param.schema.json" -d "$WORK/corpus/*.json" > /dev/null 2>&1
    COMMANDS+=("ajv validate --spec=draft2020 --strict=false -s $WORK/task-param.schema.json -d '$WORK/corpus/*.json'")
    NAMES+=("ajv-cli")
fi
if command -v check-jsonschema > /dev/null; then
    echo "   check-jsonschema: $(check-jsonschema --version 2>&1 | tail -1)"
    check-jsonschema --schemafile "$WORK/task-param.schema.json" $FILES > /dev/null
    COMMANDS+=("check-jsonschema --schemafile $WORK/task-param.schema.json $FILES")
    NAMES+=("check-jsonschema")
fi

echo "== timing"
# Each command line holds 10,000 paths: more than one argument may hold (MAX_ARG_STRLEN, 128 KiB),
# though far less than ARG_MAX in all. So each runs from a one-line script (`exec`, so the shell
# costs only its start, about a millisecond, the same for every validator).
SCRIPTS=()
for i in "${!COMMANDS[@]}"; do
    printf '#!/bin/sh\nexec %s > /dev/null\n' "${COMMANDS[$i]}" > "$WORK/run$i.sh"
    [ "$(wc -l < "$WORK/run$i.sh")" = 2 ] || { echo "run$i.sh is not one command" >&2; exit 1; }
    chmod +x "$WORK/run$i.sh"
    SCRIPTS+=("$WORK/run$i.sh")
done
if command -v hyperfine > /dev/null; then
    echo "   $(hyperfine --version)"
    HF=()
    for i in "${!COMMANDS[@]}"; do
        HF+=(--command-name "${NAMES[$i]}" "${SCRIPTS[$i]}")
    done
    hyperfine --warmup 1 --min-runs 3 --max-runs 10 --style basic --export-markdown "$WORK/results.md" "${HF[@]}" 2>&1 \
        | grep -v '^ *$'
    echo
    cat "$WORK/results.md"
else
    for i in "${!COMMANDS[@]}"; do
        echo "-- ${NAMES[$i]}"
        time "${SCRIPTS[$i]}"
    done
fi
