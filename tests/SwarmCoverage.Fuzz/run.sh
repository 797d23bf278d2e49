#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder and file reader under AFL++ (docs/fuzzing.md). Not part of .ci/run.
#
#   tests/SwarmCoverage.Fuzz/run.sh [seconds per target, default 300] [target...]
#
# Builds the harness, instruments the project's assemblies with SharpFuzz, runs afl-fuzz on each target for the
# given time from corpus/<target>, then copies what AFL++ found: new corpus entries to findings/<target>/queue (kept
# out of git; merge the interesting ones into corpus/ by hand) and every crash or hang to crashes/<target>/, where
# the xunit suite (FuzzRegressionTests) replays it. Needs afl++ (apt) and the sharpfuzz tool
# (dotnet tool install --global SharpFuzz.CommandLine); installs both when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-300}"
shift || true
out="$here/bin/fuzz"
findings="${FUZZ_FINDINGS:-/tmp/swarm-coverage-fuzz}"

command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++; }
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0

echo "== building the harness into $out"
rm -rf "$out"
dotnet publish "$here/SwarmCoverage.Fuzz.csproj" -c Release -o "$out" --nologo -v quiet
for dll in SwarmCoverage.Core SwarmCoverage.Control SwarmCoverage.Ros2 SwarmCoverage.Mcap SwarmCoverage.Foxglove SwarmCoverage.Sim SwarmCoverage.Nodes; do
  sharpfuzz "$out/$dll.dll" >/dev/null
done

if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(ls "$here/corpus"); fi
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
summary=()
for t in "${targets[@]}"; do
  echo "== $t: ${seconds} s"
  rm -rf "${findings:?}/$t"
  mkdir -p "$findings/$t"
  # -t: a run may take a second (the replay target runs a session); -m none: .NET reserves far more than it uses.
  afl-fuzz -i "$here/corpus/$t" -o "$findings/$t" -t 5000+ -m none -V "$seconds" -- "$out/SwarmCoverage.Fuzz" "$t" \
    > "$findings/$t/afl.log" 2>&1 || { echo "afl-fuzz failed for $t; see $findings/$t/afl.log"; tail -20 "$findings/$t/afl.log"; exit 1; }
  stats="$findings/$t/default/fuzzer_stats"
  execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats")
  paths=$(awk -F' *: *' '$1=="corpus_count"{print $2}' "$stats")
  crashes=$(awk -F' *: *' '$1=="saved_crashes"{print $2}' "$stats")
  hangs=$(awk -F' *: *' '$1=="saved_hangs"{print $2}' "$stats")
  for kind in crashes hangs; do
    for f in "$findings/$t/default/$kind"/id:*; do
      [ -e "$f" ] || continue
      mkdir -p "$here/crashes/$t"
      cp "$f" "$here/crashes/$t/$kind-$(sha256sum "$f" | cut -c1-16)"
    done
  done
  summary+=("$t: ${seconds} s, $execs runs, $paths corpus entries, $crashes crashes, $hangs hangs")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
