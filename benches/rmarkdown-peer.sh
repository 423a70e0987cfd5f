#!/usr/bin/env bash
# The R Markdown peer: times `revmark build` and an R Markdown + metafor rendering of the same
# synthetic reviews (examples/synth.rs, seed 1, as examples/perf.rs writes them), and prints
# the ratios. benches/rmarkdown-peer.Rmd is the R side: it fits every analysis with metafor as
# the review's settings say and writes one HTML page with forest and funnel plots (SVG).
#
#   benches/rmarkdown-peer.sh                         # small, medium, large
#   benches/rmarkdown-peer.sh --sizes small --runs 11 --r-runs 3
#
# revmark: the median of --runs runs (default 11), each into an empty folder; R Markdown: the
# median of --r-runs renders (default 1; a large review takes minutes), each into an empty
# folder. Needs R with rmarkdown, knitr, metafor and yaml, and pandoc (Debian: r-base-core
# r-cran-rmarkdown r-cran-knitr r-cran-metafor r-cran-yaml pandoc); says so and exits 0
# without them. Run from anywhere; writes under target/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=small,medium,large
runs=11
r_runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --r-runs) r_runs=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes small,medium,large] [--runs N] [--r-runs N]" >&2; exit 2 ;;
  esac
done

missing=()
command -v Rscript >/dev/null || missing+=(R)
command -v pandoc >/dev/null || missing+=(pandoc)
if command -v Rscript >/dev/null; then
  for package in rmarkdown knitr metafor yaml; do
    Rscript -e "quit(status = !requireNamespace('$package', quietly = TRUE))" 2>/dev/null ||
      missing+=("R package $package")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "the R Markdown peer did not run: missing ${missing[*]}"
  exit 0
fi

cd "$root"
cargo build --release --quiet --bin revmark --example synth
target=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target=${target:-$root/target}
revmark=$target/release/revmark
synth=$target/release/examples/synth
work=$target/rmarkdown-peer
rm -rf "$work"
mkdir -p "$work"

# Milliseconds since the epoch.
now() { date +%s%3N; }
# The median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "revmark build (median of $runs runs) against R Markdown + metafor (median of $r_runs)"
echo "on the synthetic reviews of examples/synth.rs, seed 1; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| size | revmark | R Markdown + metafor | ratio |"
echo "|---|---:|---:|---:|"
for size in ${sizes//,/ }; do
  reviews=$target/bench-reviews/$size
  "$synth" --size "$size" --out "$reviews" --seed 1 2>/dev/null
  review=$(find "$reviews" -mindepth 1 -maxdepth 1 -type d | sort | head -1)
  # A warm-up run of each, untimed, so that both read the files from the page cache. revmark
  # runs in the scratch folder, as beside an author's reviews: in the repository it would
  # take templates/ (the built-in templates' sources) for the site's own.
  (cd "$work" && "$revmark" build "$reviews" --out "$work/$size-warm-up" >/dev/null 2>&1)
  revmark_ms=$(cd "$work" && for i in $(seq "$runs"); do
    start=$(now)
    "$revmark" build "$reviews" --out "$work/$size-revmark-$i" >/dev/null 2>&1
    echo $(($(now) - start))
  done | median)
  r_ms=$(for i in $(seq "$r_runs"); do
    render=$work/$size-r-$i
    mkdir -p "$render"
    cp "$root/benches/rmarkdown-peer.Rmd" "$render/"
    start=$(now)
    (cd "$render" && Rscript -e "rmarkdown::render('rmarkdown-peer.Rmd', params = list(review = '$review'), output_dir = 'out', quiet = TRUE)" >/dev/null 2>&1)
    echo $(($(now) - start))
  done | median)
  ratio=$(awk -v r="$r_ms" -v m="$revmark_ms" 'BEGIN { printf "%.0f", r / (m > 0 ? m : 1) }')
  echo "| $size | $revmark_ms ms | $r_ms ms | ${ratio}× |"
done
rm -rf "$work"
