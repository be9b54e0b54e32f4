#!/usr/bin/env bash
# The engine benchmark and scikit-learn side by side, on the same data, in one run.
#
#   bench/run-bench.sh [bench options]      e.g. bench/run-bench.sh --cases W1,W2,W3
#
# Builds target/streamkmeans.jar if it is missing or older than the sources (JAR=path runs that
# jar as it is instead), runs `bench --data-dir bench/out/data`, then bench/sklearn_bench.py on the files it
# wrote when /usr/bin/python3 can import scikit-learn (Debian: apt-get install python3-sklearn),
# and prints the combined table. Results stay in bench/out/ (git-ignored; BENCH_OUT=dir elsewhere): java.md, java.json,
# sklearn.json, combined.md. Both sides use the same thread count: --threads N if given, else
# every processor. The load average before and after each side is printed and kept in
# combined.md: on a shared machine it says how far to trust the run.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${BENCH_OUT:-bench/out}
data=$out/data
python=/usr/bin/python3

if [[ -n ${JAR:-} ]]; then
    jar=$JAR
else
    jar=target/streamkmeans.jar
    if [[ ! -f $jar || -n $(find src pom.xml -newer "$jar" -print -quit) ]]; then
        echo "run-bench: building $jar" >&2
        mvn -B -q -o -DskipTests package || mvn -B -q -DskipTests package
    fi
fi

threads=$(nproc)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
        --threads) threads=${args[i + 1]:-$threads} ;;
        --threads=*) threads=${args[i]#--threads=} ;;
    esac
done

load() { echo "$(date -u +%H:%M:%S) load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

mkdir -p "$data"
loads=("java start: $(load)")
java --add-modules jdk.incubator.vector -jar "$jar" bench \
    --data-dir "$data" --out "$out/java.md" --json "$@" >"$out/java.json"
loads+=("java end: $(load)")
echo
cat "$out/java.md"
echo

if ! "$python" -c 'import sklearn, threadpoolctl' 2>/dev/null; then
    echo "run-bench: $python cannot import scikit-learn and threadpoolctl" \
        "(apt-get install python3-sklearn): Java results only" >&2
    exit 0
fi

# Debian's OpenBLAS 0.3.21 does not recognise AVX-512 CPUs newer than it (Zen 4) and falls back to
# generic kernels; SkylakeX kernels are the right ones there. Elsewhere let it detect the CPU
# itself, and drop machine-wide overrides that would slow it. BENCH_OPENBLAS_CORETYPE overrides.
blas_env=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
if [[ -n ${BENCH_OPENBLAS_CORETYPE:-} ]]; then
    blas_env+=(OPENBLAS_CORETYPE="$BENCH_OPENBLAS_CORETYPE")
elif grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    blas_env+=(OPENBLAS_CORETYPE=SkylakeX)
fi

echo "scikit-learn on the same data, $threads threads:"
loads+=("scikit-learn start: $(load)")
env "${blas_env[@]}" "$python" bench/sklearn_bench.py --data-dir "$data" --threads "$threads" \
    --java "$out/java.json" --json-out "$out/sklearn.json" --out "$out/combined.md"
loads+=("scikit-learn end: $(load)")
{
    echo
    printf -- '- %s\n' "${loads[@]}"
} | tee -a "$out/combined.md"
