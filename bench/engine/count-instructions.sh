#!/usr/bin/env bash
# Instructions executed by one impl on a fixed workload, under valgrind: a load-independent figure for
# comparing engine changes on a shared machine, where wall-clock rates swing with other jobs.
#   bash bench/engine/count-instructions.sh [impl] [count] [warmup]
# Prints the whole process's instructions, the same without the measured run (--skip), and their
# difference per command. V8 runs with --predictable (no concurrent compiler or GC threads) and fixed
# seeds, so repeated runs agree to a fraction of a percent. The difference still includes optimising
# compilation of the fresh instance's code, which a 1,000,000-command run amortises better.
set -euo pipefail
cd "$(dirname "$0")/../.."
impl=${1:-tradeloom-memory}
count=${2:-200000}
warmup=${3:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_modules/.bin/esbuild bench/engine/count.ts --bundle --platform=node --format=esm \
  --outfile="$out/count.mjs" --log-level=warning
run() {
  valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null \
    node --predictable --hash-seed=1 --random-seed=1 "$out/count.mjs" "$impl" --count "$count" \
    --warmup "$warmup" "$@" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
full=$(run)
skip=$(run --skip)
echo "impl=$impl count=$count warmup=$warmup full=$full skip=$skip per_command=$(((full - skip) / count))"
