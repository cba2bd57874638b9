#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Capture mmlab's debugfs files from a VM run as fixtures of the tool's tests.
#
# Usage: tools/mmlab/tests/capture.sh MMLAB.KO BZIMAGE [OUTDIR]
#        tools/mmlab/tests/capture.sh --log CONSOLE.LOG [OUTDIR]
#
# Boots BZIMAGE with tools/vm/boot.sh and the guest script mmlab-capture,
# which prints every file of /sys/kernel/debug/mmlab between
# "mmlab-capture: begin STATE/FILE" and "mmlab-capture: end STATE/FILE" in
# three states (load, alloc, freed); each file is written to
# OUTDIR/STATE/FILE (default tools/mmlab/tests/fixtures). With --log, the
# files a guest script printed between "mmlab-capture:" or "mmlab-tool:"
# begin and end markers are cut out of any console log (FILE.b64 decoded).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
if [ "${1:-}" = --log ]; then
	log=${2:?}
	out=${3:-$top/tools/mmlab/tests/fixtures}
else
	ko=${1:?usage: capture.sh MMLAB.KO BZIMAGE [OUTDIR]}
	kernel=${2:?}
	out=${3:-$top/tools/mmlab/tests/fixtures}
	log=$(mktemp /tmp/mmlab-capture.XXXXXX.log)
	"$top/tools/vm/boot.sh" -k "$kernel" -g mmlab-capture -q -t 300 -l "$log" "$ko"
fi
tr -d '\r' <"$log" | awk -v out="$out" '
	/^mmlab-(capture|tool): begin / { f = out "/" $3; d = f; sub(/\/[^\/]*$/, "", d);
		system("mkdir -p " d); printf "" > f; next }
	/^mmlab-(capture|tool): end / { close(f); f = ""; next }
	f != "" { print >> f }
'
# Binary files (the PNG of mmlab-tool) come base64-encoded.
find "$out" -name '*.b64' | while read -r f; do
	base64 -d "$f" >"${f%.b64}" && rm -f "$f"
done
echo "fixtures in $out"
