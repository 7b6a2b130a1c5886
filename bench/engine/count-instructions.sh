#!/usr/bin/env bash
# Instructions executed by one impl on a fixed workload, under valgrind: a load-independent figure for
# comparing engine changes on a shared machine, where wall-clock rates swing with other jobs.
#   bash bench/engine/count-instructions.sh [impl] [count] [warmup]
# Prints the whole process's instructions, the same without the measured run's commands (--skip: the
# fresh instance is set up and closed, nothing more), and their difference per command, split into
# V8's optimising compiler, the garbage collector, builtins/runtime, and JIT code (the engine and
# harness themselves). V8 runs with --predictable (no concurrent compiler or GC threads) and fixed
# seeds, so repeated runs agree to a fraction of a percent. The compiler share is optimising
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
  local tag=$1
  shift
  valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file="$out/$tag.cg" \
    node --predictable --hash-seed=1 --random-seed=1 "$out/count.mjs" "$impl" --count "$count" \
    --warmup "$warmup" "$@" >/dev/null 2>&1
}
# Instructions per category from a cachegrind file: functions are named by the node binary's symbols,
# JIT code has none ("???").
split() {
  awk '/^fn=/ { fn = substr($0, 4); next }
       /^[0-9]+ [0-9]+$/ {
         c = "runtime"
         if (fn ~ /^\?\?\?/) c = "jit"
         else if (fn ~ /compiler::|[Mm]aglev|[Tt]urboshaft/) c = "compiler"
         else if (fn ~ /Scaveng|Mark|Sweep|Evacuat|heap::|Heap::|[Gg]arbage/) c = "gc"
         n[c] += $2
       }
       END { printf "%d %d %d %d\n", n["jit"], n["compiler"], n["gc"], n["runtime"] }' "$1"
}
run full
run skip --skip
read -r fj fc fg fr < <(split "$out/full.cg")
read -r sj sc sg sr < <(split "$out/skip.cg")
full=$((fj + fc + fg + fr))
skip=$((sj + sc + sg + sr))
per() { echo $((($1 - $2) / count)); }
echo "impl=$impl count=$count warmup=$warmup full=$full skip=$skip per_command=$(per "$full" "$skip")" \
  "(jit $(per "$fj" "$sj"), compiler $(per "$fc" "$sc"), gc $(per "$fg" "$sg"), builtins+runtime $(per "$fr" "$sr");" \
  "excluding the compiler $(per $((full - fc)) $((skip - sc))))"
