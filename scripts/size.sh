#!/usr/bin/env bash
# Print the gzip -9 size of every file the page loads from dist/ and the total.
# Budget for all three screens together: 120 KB (docs/quality.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
DIST="${1:-$ROOT/dist}"
total=0
printf '%-48s %10s %10s\n' "file" "raw" "gzip -9"
while IFS= read -r file; do
  raw=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total=$((total + gz))
  printf '%-48s %10d %10d\n' "${file#"$DIST"/}" "$raw" "$gz"
done < <(find "$DIST" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.html' \) | sort)
printf '%-48s %10s %10d  (%d.%d KB; budget 120 KB)\n' "TOTAL" "" "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024))
