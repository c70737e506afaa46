#!/usr/bin/env bash
# Folds what a fuzzing run found into the committed corpora: afl-cmin keeps, of the corpus and
# the run's queue, the fewest inputs that cover every path afl-fuzz saw, and those become
# fuzz/corpus/TARGET (the seeds written by hand, named without "id", are always kept).
# Usage: scripts/fuzz-merge.sh OUT TARGET...   (OUT: the LKG_FUZZ_OUT of the run; the merge itself
# is done in fuzz/out, since afl-cmin refuses to work under /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?give the output folder of the run, then the targets}"
shift
for target in "$@"; do
  merge="fuzz/out/merge-$target"
  rm -rf "$merge" "$merge.min" && mkdir -p "$merge"
  cp fuzz/corpus/"$target"/* "$out/$target"/default/queue/id* "$merge/"
  AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 afl-cmin -i "$merge" -o "$merge.min" -t 5000 -m none \
    -- "$(command -v dotnet | xargs readlink -f)" "$out/bin/LastKnownGood.Fuzz.dll" "$target" >/dev/null
  # What afl-fuzz found before is in the merge: the minimized set replaces it.
  find fuzz/corpus/"$target" -name 'found-*' -delete
  for file in "$merge.min"/*; do
    case "$(basename "$file")" in
      id*|found-*) cp "$file" "fuzz/corpus/$target/found-$(sha256sum "$file" | cut -c1-12)" ;;
    esac
  done
  echo "$target: $(ls fuzz/corpus/"$target" | wc -l) inputs in fuzz/corpus/$target"
done
