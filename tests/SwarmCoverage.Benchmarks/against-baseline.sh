#!/usr/bin/env bash
# The speed table of docs/speed.md, run by turns against a baseline commit built beside this checkout, each figure
# read as a ratio timed in the same minutes (these machines drift by tens of percent within an hour).
#
#   tests/SwarmCoverage.Benchmarks/against-baseline.sh [--base COMMIT] [--rounds N] [--rows LIST]
#
#   --base    the commit to compare with (default a703683, the main branch when the speed work began); it is
#             checked out with `git worktree add` into ../baseline-<commit> beside this checkout and built there once
#   --rounds  how many times each command runs, new and baseline alternating (default 3); medians are printed
#   --rows    comma-separated subset of: blob,sim100,sim1000,ros1000,metrics (default all)
#
# Needs what the README's install line installs (python3-numpy for the numpy anchor, cyclonedds-tools for ddsperf,
# util-linux and iproute2 for the private network namespace of the DDS rows); run it as root for `unshare -n`.
# Prints one line per figure and, per row, `ratio <name>=<x> target <t> <met|NOT met>`; the raw outputs are kept
# in the work directory it prints.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
base=a703683
rounds=3
rows=blob,sim100,sim1000,ros1000,metrics
while (( $# )); do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "against-baseline: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "against-baseline: --rounds must be a positive integer, not '$rounds'" >&2; exit 2; }
for r in ${rows//,/ }; do
  case "$r" in blob|sim100|sim1000|ros1000|metrics) ;; *) echo "against-baseline: unknown row '$r' in --rows" >&2; exit 2 ;; esac
done
want() { [[ ",$rows," == *",$1,"* ]]; }

basedir="$(dirname "$root")/baseline-$base"
if [[ ! -d "$basedir" ]]; then
  echo "against-baseline: checking out $base into $basedir"
  git -C "$root" worktree add --detach "$basedir" "$base" >/dev/null
fi
echo "against-baseline: building this checkout ($(git -C "$root" rev-parse --short HEAD)) and $base in Release"
dotnet build "$root/src/SwarmCoverage.App" -c Release -v q -nologo >/dev/null
dotnet build "$basedir/src/SwarmCoverage.App" -c Release -v q -nologo >/dev/null
new="$root/src/SwarmCoverage.App/bin/Release/net10.0/swarm-coverage"
old="$basedir/src/SwarmCoverage.App/bin/Release/net10.0/swarm-coverage"
work="$(mktemp -d /tmp/against-baseline.XXXXXX)"
echo "against-baseline: raw outputs in $work; $rounds round(s), new and $base by turns"

# The same scenario files for both builds; the baseline gets them without the keys it predates (output.record).
for f in bench_100 bench_1000 bench_10000; do
  cp "$root/launch/$f.yaml" "$work/$f.new.yaml"
  grep -v '^ *record:' "$root/launch/$f.yaml" > "$work/$f.old.yaml"
done

median() { python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.6g}")' "$@"; }
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
ratio() {  # name value target(>=) : prints the verdict line
  python3 -c 'import sys; n,x,t=sys.argv[1],float(sys.argv[2]),float(sys.argv[3]); v="met" if x >= t else "NOT met"; print(f"ratio {n}={x:.3g} target >= {t:g} {v}")' "$@"
}
netns() { unshare -n sh -c 'ip link set lo up; exec "$@"' sh "$@"; }

if want blob; then
  echo "== blob field, 2-D, N = 100000, eps = 0.01: bench median against the numpy anchor"
  np=() ms=() oms=()
  for ((i = 1; i <= rounds; i++)); do
    np+=("$(/usr/bin/python3 "$root/tests/SwarmCoverage.Benchmarks/anchor/blob_np_fast.py" 100000 0.01)")
    "$new" bench --n 100000 --dim 2 --epsilon 0.01 > "$work/blob.new.$i" && ms+=("$(sed -n 's/^median_ms=//p' "$work/blob.new.$i")")
    "$old" bench --n 100000 --dim 2 --epsilon 0.01 > "$work/blob.old.$i" && oms+=("$(sed -n 's/^median_ms=//p' "$work/blob.old.$i")")
  done
  npm=$(median "${np[@]}"); newm=$(median "${ms[@]}"); oldm=$(median "${oms[@]}")
  echo "numpy ${np[*]} s; new ${ms[*]} ms; $base ${oms[*]} ms"
  ratio blob_vs_numpy "$(python3 -c "print($npm*1000/$newm)")" 250
  echo "($base against numpy: $(python3 -c "print(round($npm*1000/$oldm,1))")x; new against $base: $(python3 -c "print(round($oldm/$newm,2))")x)"
fi

sim_row() {  # name yaml target
  local name="$1" yaml="$2" target="$3" rn=() ro=()
  echo "== simulate --params launch/$yaml.yaml: realtime_factor"
  for ((i = 1; i <= rounds; i++)); do
    "$new" simulate --params "$work/$yaml.new.yaml" --out "$work/$name.new.$i" > "$work/$name.new.$i.log" 2>&1
    rn+=("$(json "$work/$name.new.$i/summary.json" realtime_factor)")
    "$old" simulate --params "$work/$yaml.old.yaml" --out "$work/$name.old.$i" > "$work/$name.old.$i.log" 2>&1
    ro+=("$(json "$work/$name.old.$i/summary.json" realtime_factor)")
  done
  echo "new ${rn[*]}; $base ${ro[*]}"
  ratio "$name" "$(python3 -c "print($(median "${rn[@]}")/$(median "${ro[@]}"))")" "$target"
}
want sim100 && sim_row sim100 bench_100 2.5
want sim1000 && sim_row sim1000 bench_1000 2.5

if want ros1000; then
  echo "== bench ros --robots 1000 --spacing 0.7 --rate-hz 20 (loopback, private network namespace), ddsperf, and Cyclone from C"
  # Cyclone's C API in the controller's shape (fanout/fanout.c: 1,000 reliable writers, one sample each a tick).
  (cd "$work" && idlc "$root/tests/SwarmCoverage.Benchmarks/fanout/Twist.idl" 2>/dev/null \
    && gcc -O2 -o fanout "$root/tests/SwarmCoverage.Benchmarks/fanout/fanout.c" Twist.c -I. -lddsc)
  sn=() so=() pn=() ln=() lo=() dd=() fc=()
  for ((i = 1; i <= rounds; i++)); do
    netns "$new" bench ros --robots 1000 --spacing 0.7 --rate-hz 20 --duration 20 --warmup 5 --loopback > "$work/ros.new.$i"
    netns "$old" bench ros --robots 1000 --spacing 0.7 --rate-hz 20 --duration 20 --warmup 5 --loopback > "$work/ros.old.$i"
    # ddsperf: one publisher of 48-byte samples against one subscriber, 10 s, in its own namespace.
    netns sh -c 'ddsperf -D 12 sub > "$1" 2>&1 & sleep 0.5; ddsperf -D 10 pub size 48 > /dev/null 2>&1; wait' sh "$work/ddsperf.$i"
    sn+=("$(sed -n 's/.*controller step: *p50 \([0-9.]*\) ms.*/\1/p' "$work/ros.new.$i")")
    so+=("$(sed -n 's/.*controller step: *p50 \([0-9.]*\) ms.*/\1/p' "$work/ros.old.$i")")
    pn+=("$(sed -n 's/.*publish every command: *p50 \([0-9.]*\) ms.*/\1/p' "$work/ros.new.$i")")
    ln+=("$(sed -n 's/^p99_ms=//p' "$work/ros.new.$i")")
    lo+=("$(sed -n 's/^p99_ms=//p' "$work/ros.old.$i")")
    dd+=("$(python3 "$root/tests/SwarmCoverage.Benchmarks/ddsperf_rate.py" "$work/ddsperf.$i")")
    netns sh -c '"$1"/fanout sub 1000 30 > /dev/null 2>&1 & sleep 1; "$1"/fanout pub 1000 20 200; wait' sh "$work" > "$work/fanout.$i" 2>&1
    fc+=("$(sed -n 's/^us_per_sample=//p' "$work/fanout.$i")")
  done
  echo "step p50 ms: new ${sn[*]}; $base ${so[*]}"
  ratio controller_step_1000 "$(python3 -c "print($(median "${so[@]}")/$(median "${sn[@]}"))")" 2
  us_new=$(python3 -c "print($(median "${pn[@]}")*1000/1000)")
  us_dds=$(python3 -c "print(1e6/$(median "${dd[@]}"))")
  echo "publish p50 per sample: new ${us_new} us; ddsperf ${dd[*]} samples/s = ${us_dds} us a sample"
  ratio publish_within_ddsperf "$(python3 -c "print(1.5*$us_dds/$us_new)")" 1
  echo "Cyclone from C, 1,000 reliable writers, one sample each a tick (fanout): ${fc[*]} us a sample; ours against it: $(python3 -c "print(round($(median "${fc[@]}")/$us_new, 2))")x as fast"
  echo "latency p99 ms: new ${ln[*]}; $base ${lo[*]}"
  ratio latency_p99_1000 "$(python3 -c "print($(median "${lo[@]}")/$(median "${ln[@]}"))")" 2
fi

if want metrics; then
  echo "== metrics rows at 10,000 robots (launch/bench_10000.yaml): metrics_time_s per row"
  # A row's cost two ways, the same for both builds: all rows of the 10 s run (11 rows, the first of them cold: the
  # field's first use and the code still compiling on the second core), and a steady row, the difference between a
  # 20 s run (21 rows) and the 10 s run over the 10 rows it adds.
  sed 's/^\( *duration_s:\).*/\1 20.0/' "$work/bench_10000.new.yaml" > "$work/bench_10000_20.new.yaml"
  sed 's/^\( *duration_s:\).*/\1 20.0/' "$work/bench_10000.old.yaml" > "$work/bench_10000_20.old.yaml"
  mn=() mo=() sn=() so=()
  for ((i = 1; i <= rounds; i++)); do
    for b in new old; do
      bin=$new; [[ $b == old ]] && bin=$old
      "$bin" simulate --params "$work/bench_10000.$b.yaml" --out "$work/m.$b.$i" > "$work/m.$b.$i.log" 2>&1
      "$bin" simulate --params "$work/bench_10000_20.$b.yaml" --out "$work/m20.$b.$i" > "$work/m20.$b.$i.log" 2>&1
      r10=$(($(wc -l < "$work/m.$b.$i/metrics.csv") - 1)); r20=$(($(wc -l < "$work/m20.$b.$i/metrics.csv") - 1))
      t10=$(json "$work/m.$b.$i/summary.json" metrics_time_s); t20=$(json "$work/m20.$b.$i/summary.json" metrics_time_s)
      all=$(python3 -c "print($t10*1000/$r10)"); steady=$(python3 -c "print(($t20-$t10)*1000/($r20-$r10))")
      if [[ $b == new ]]; then mn+=("$all"); sn+=("$steady"); else mo+=("$all"); so+=("$steady"); fi
    done
  done
  echo "ms a row, all rows of 10 s: new ${mn[*]}; $base ${mo[*]}"
  echo "ms a steady row (20 s run - 10 s run): new ${sn[*]}; $base ${so[*]}"
  ratio metrics_row "$(python3 -c "print($(median "${mo[@]}")/$(median "${mn[@]}"))")" 10
  ratio metrics_steady_row "$(python3 -c "print($(median "${so[@]}")/$(median "${sn[@]}"))")" 10
  python3 -c "m=$(median "${mn[@]}"); s=$(median "${sn[@]}"); v='met' if m < 50 else 'NOT met'; print(f'metrics row {m:.1f} ms (steady {s:.1f} ms), target < 50 ms: {v}')"
fi
