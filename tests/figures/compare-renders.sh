#!/usr/bin/env bash
# Renders every SVG under BEFORE and the file of the same path under AFTER to PNG, with
# rsvg-convert and (with a third argument `chromium`) Chromium headless, and counts the pixels
# that differ (ImageMagick's `compare -metric AE`). Used to check that a change to the SVG
# writer changes bytes but not what is drawn (issue 17); needs rsvg-convert and ImageMagick.
#
#   revmark build reviews --out /tmp/before      # with the old binary
#   revmark build reviews --out /tmp/after       # with the new one
#   tests/figures/compare-renders.sh /tmp/before /tmp/after chromium
#
# Prints one line per figure that differs and a count; add `-fuzz 1%` by hand to `compare` to
# ignore differences of one level in anti-aliasing.
set -u
before=$(realpath "$1") after=$(realpath "$2") chrome=${3:-}
tmp=$(mktemp -d /tmp/compare-renders.XXXX)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
while IFS= read -r f; do
  rel=${f#"$before"/}
  a=$after/$rel
  [ -f "$a" ] || { echo "missing in $after: $rel"; bad=$((bad+1)); continue; }
  n=$((n+1))
  rsvg-convert "$f" -o "$tmp/b.png" && rsvg-convert "$a" -o "$tmp/a.png"
  line="rsvg $(compare -metric AE "$tmp/b.png" "$tmp/a.png" null: 2>&1)"
  if [ "$chrome" = chromium ]; then
    w=$(grep -o 'width="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
    h=$(grep -o 'height="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
    for x in b a; do
      src=$f; [ $x = a ] && src=$a
      chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$w,$h" \
        --screenshot="$tmp/c$x.png" "file://$src" >/dev/null 2>&1
    done
    line="$line chromium $(compare -metric AE "$tmp/cb.png" "$tmp/ca.png" null: 2>&1)"
  fi
  case "$line" in "rsvg 0" | "rsvg 0 chromium 0") ;; *) bad=$((bad+1)); echo "$rel: $line" ;; esac
done < <(find "$before" -name '*.svg' | sort)
echo "$n figures compared, $bad differ"
[ "$bad" = 0 ]
