#!/bin/sh
# Runs fuzz targets one after another (one fuzzer process at a time), each
# for SECONDS seconds (default 600), growing a scratch corpus outside the
# repository (first corpus dir) from the committed seeds (second, read
# only), and writes one log per target to LOGS.
#
#   fuzz/run_all.sh [target...]        # default: every target
#   SECONDS_EACH=60 LOGS=/tmp/fuzz-logs fuzz/run_all.sh filter
# Defaults: logs in target/fuzz-logs, grown corpora in target/fuzz-corpus,
# builds in target/fuzz (CARGO_TARGET_DIR overrides).
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${SECONDS_EACH:-600}
LOGS=${LOGS:-target/fuzz-logs}
GROWN=${GROWN:-target/fuzz-corpus}
TARGET_DIR=${CARGO_TARGET_DIR:-target/fuzz}
TARGETS=${*:-"content_range filter model_decode huawei_verify ucloud_verify ucloud_form catalog_spec cli_config"}
mkdir -p "$LOGS" "$GROWN"
for t in $TARGETS; do
  mkdir -p "$GROWN/$t" "fuzz/artifacts/$t"
  echo "== $t start $(date -u +%FT%TZ)" >> "$LOGS/summary.txt"
  cargo +nightly fuzz run --target-dir "$TARGET_DIR" "$t" "$GROWN/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 > "$LOGS/$t.log" 2>&1
  rc=$?
  echo "== $t end $(date -u +%FT%TZ) rc=$rc corpus=$(ls "$GROWN/$t" | wc -l) $(grep -E '^#[0-9]+.*DONE' "$LOGS/$t.log" | tail -1)" >> "$LOGS/summary.txt"
done
