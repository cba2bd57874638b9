#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: static checks, the KUnit test kernel, every suite in 5- and 4-level VMs, the Debian kernel.
#
# Usage: tools/vm/check.sh        (or: make check; .ci/run)
#
# Steps, each a pass or a fail in the totals:
#   test kernel      build (once, cached by config) the KUnit + KASAN +
#                    kmemleak + lockdep + UBSAN kernel (build-test-kernel.sh)
#   checkpatch       scripts/checkpatch.pl --no-tree --strict on every C/H file
#   build W=1        mmlab.ko and kunit/*.ko against the test kernel, W=1
#   sparse           sparse over the same objects (C=2: every file, no rebuild)
#   tool tests       mmlab(8)'s parsers and commands on the captured fixtures
#                    (make -C tools/mmlab check)
#   boot 5-level     guest/check.sh under -cpu max: every KUnit module, every
#   boot 4-level     debugfs file read, unload, kmemleak; the console judged
#                    by check-log.py (KTAP through the kernel's kunit.py parse)
#   reliability      guest/reliability.sh under -cpu max: the control corpus
#                    of bad writes, load/unload under failure, a short seeded
#                    stress run (MMLAB_STRESS_SECONDS, default 20; MMLAB_SEED)
#                    with CPU hotplug, mmlab(8) on the live files, kmemleak;
#                    summed up in a `reliability:` line (reliability.py)
#   Debian build     mmlab.ko against the Debian headers (linux-headers-amd64)
#   Debian boot      the Debian kernel with guest/distro.sh: load, read, unload
# The last line is `N passed, N failed`: KUnit test cases over both boots,
# the cases of the tool's tests and of the reliability scripts, plus the steps. Exits non-zero on any failure. Logs stay in build/check/.
#
# Boots do not use oops=panic: an oops in a test leaves the rest of the run
# going, so one boot reports everything it can; the console scan fails the
# step on any report, and a hang ends at the timeout (MMLAB_BOOT_TIMEOUT,
# default 900 s a boot).
# Environment: MMLAB_ACCEL=kvm|tcg (see boot.sh), MMLAB_CACHE,
# MMLAB_KMEMLEAK_SCANS (default 1: a kmemleak scan takes minutes under TCG),
# MMLAB_TEST_KERNEL=DIR to use that kernel build directory instead of
# building the test kernel (for debugging the checks).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# The whole script is one compound command: bash reads it completely
# before running it, so editing this file during a run is harmless.
{

vm=$MMLAB_TOP/tools/vm
out=$MMLAB_TOP/build/check
bdir=$out/test
ddir=$out/distro
boot_timeout=${MMLAB_BOOT_TIMEOUT:-900}
mkdir -p "$out"
exec 8>"$out/.lock"
flock -n 8 || { log "another make check runs in this tree: waiting"; flock 8; }

t0=$(date +%s)
steps_passed=0
steps_failed=0
kunit_passed=0
kunit_failed=0
tests_passed=0
tests_failed=0
summary=()

# step_start NAME / step_end NAME STATUS [NOTE] - time and record one step.
step_start() {
	step_t0=$(date +%s)
	printf '\n==== %s ====\n' "$1"
}

step_end() {
	local name=$1 ok=$2 note=${3:-} dt
	dt=$(( $(date +%s) - step_t0 ))
	if [ "$ok" = 0 ]; then
		steps_passed=$((steps_passed + 1))
		summary+=("$(printf 'PASS  %-14s %4ss  %s' "$name" "$dt" "$note")")
	else
		steps_failed=$((steps_failed + 1))
		summary+=("$(printf 'FAIL  %-14s %4ss  %s' "$name" "$dt" "$note")")
	fi
	printf -- '---- %s: %s in %ss %s\n' "$name" "$([ "$ok" = 0 ] && echo PASS || echo FAIL)" "$dt" "$note"
}

# project_warnings LOG - the warning/error lines of a kbuild log that come
# from the project's own files (not from the kernel's headers).
project_warnings() {
	grep -E "((^|/)(module|kunit|tools)/[^: ]+:[0-9]+(:[0-9]+)?: (warning|error)|^WARNING: modpost:|^ERROR: modpost:)" "$1" |
		grep -v '^/usr/src/\|^/root/' || true
}

# build_modules KDIR DIR LOG [make args] - build the copy of the sources in DIR.
build_modules() {
	local kdir=$1 dir=$2 logf=$3
	shift 3
	copy_sources "$dir"
	make -C "$kdir" M="$dir" clean >/dev/null 2>&1 || true
	make -C "$kdir" M="$dir" -j2 "$@" modules >"$logf" 2>&1
}

install_deps

# === test kernel ===
step_start "test kernel"
rc=0
if [ -n "${MMLAB_TEST_KERNEL:-}" ]; then
	kdir=$MMLAB_TEST_KERNEL
else
	kdir=$("$vm/build-test-kernel.sh") || rc=$?
fi
step_end "test kernel" "$rc" "${kdir:-}"
[ "$rc" = 0 ] || die "no test kernel: nothing else can run"
ksrc=$(readlink -f "$kdir/source")
[ -f "$ksrc/scripts/checkpatch.pl" ] || die "no kernel source at $ksrc"

# === checkpatch ===
step_start "checkpatch"
mapfile -t cfiles < <(cd "$MMLAB_TOP" && git ls-files -co --exclude-standard -- \
	'module/*.[ch]' 'kunit/*.[ch]' 'tools/*.[ch]')
: >"$out/checkpatch.log"
for f in "${cfiles[@]}"; do
	[ -f "$MMLAB_TOP/$f" ] || continue
	(cd "$MMLAB_TOP" && perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse \
		--no-summary --show-types -f "$f") >>"$out/checkpatch.log" 2>&1 || true
done
if grep -E ': (ERROR|WARNING|CHECK):' "$out/checkpatch.log"; then
	step_end checkpatch 1 "$(grep -cE ': (ERROR|WARNING|CHECK):' "$out/checkpatch.log") findings in ${#cfiles[@]} files"
else
	step_end checkpatch 0 "${#cfiles[@]} files clean"
fi

# === build W=1 against the test kernel ===
step_start "build W=1"
have_modules=0
rc=0
build_modules "$kdir" "$bdir" "$out/build-w1.log" W=1 || rc=$?
warn=$(project_warnings "$out/build-w1.log")
if [ "$rc" != 0 ]; then
	tail -n 40 "$out/build-w1.log"
	step_end "build W=1" 1 "build failed: $out/build-w1.log"
else
	have_modules=1
	kos=$(cd "$bdir" && shopt -s nullglob && echo ./*.ko kunit/*.ko)
	if [ -n "$warn" ]; then
		echo "$warn"
		step_end "build W=1" 1 "$(echo "$warn" | wc -l) warnings: $out/build-w1.log"
	else
		step_end "build W=1" 0 "$kos"
	fi
fi

# === sparse ===
step_start "sparse"
if [ "$have_modules" = 1 ]; then
	rc=0
	make -C "$kdir" M="$bdir" C=2 modules >"$out/sparse.log" 2>&1 || rc=$?
	warn=$(project_warnings "$out/sparse.log")
	if [ "$rc" != 0 ] || [ -n "$warn" ]; then
		echo "$warn"
		step_end sparse 1 "$(echo "$warn" | grep -c . || true) findings: $out/sparse.log"
	else
		step_end sparse 0 "clean"
	fi
else
	step_end sparse 1 "skipped: the modules do not build"
fi

# === mmlab(8) on the captured fixtures ===
step_start "tool tests"
rc=0
make -C "$MMLAB_TOP/tools/mmlab" check >"$out/tool-tests.log" 2>&1 || rc=$?
counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/tool-tests.log" | tail -n 1)
p=$(echo "$counts" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
f=$(echo "$counts" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
tests_passed=$((tests_passed + ${p:-0}))
tests_failed=$((tests_failed + ${f:-0}))
if [ "$rc" != 0 ] || [ -z "$counts" ] || [ "${f:-1}" != 0 ]; then
	grep -E 'FAIL|error' "$out/tool-tests.log" | head -n 20
	step_end "tool tests" 1 "${counts:-no result}; log $out/tool-tests.log"
else
	step_end "tool tests" 0 "$counts"
fi

# === boots of the test kernel ===
# The suites expected: the .name of every struct kunit_suite in kunit/*.c.
expected=$(cd "$MMLAB_TOP"; perl -0777 -ne \
	'while (/struct\s+kunit_suite\s+\w+\s*=\s*\{(.*?)\};/gs) {
		my $b = $1; print "$1\n" if $b =~ /\.name\s*=\s*"([^"]+)"/; }' \
	kunit/*.c 2>/dev/null | sort -u | xargs || true)
echo
log "expected suites: ${expected:-none}"

for level in 5 4; do
	name="boot ${level}-level"
	step_start "$name"
	if [ "$have_modules" != 1 ]; then
		step_end "$name" 1 "skipped: the modules do not build"
		continue
	fi
	lvl_args=()
	[ "$level" = 4 ] && lvl_args=(-4)
	logf=$out/boot-${level}l.log
	rc=0
	# shellcheck disable=SC2086 # one word per module
	(cd "$bdir" && "$vm/boot.sh" -q -k "$kdir/arch/x86/boot/bzImage" "${lvl_args[@]}" \
		-g check -t "$boot_timeout" -l "$logf" \
		-a "mmlab.kmemleak_scans=${MMLAB_KMEMLEAK_SCANS:-1}" $kos) || rc=$?
	res=0
	# shellcheck disable=SC2086 # one word per suite
	python3 "$vm/check-log.py" --log "$logf" --ksrc "$ksrc" --level "$level" \
		--out "$out/ktap-${level}l" --expect $expected | tee "$out/result-${level}l.txt" || res=$?
	counts=$(tail -n 1 "$out/result-${level}l.txt")
	p=$(echo "$counts" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
	f=$(echo "$counts" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
	kunit_passed=$((kunit_passed + ${p:-0}))
	kunit_failed=$((kunit_failed + ${f:-0}))
	note="KUnit ${p:-0} passed, ${f:-0} failed; log $logf"
	case "$rc" in
	0) ;;
	124) note="TIMEOUT after ${boot_timeout}s; $note"; res=1 ;;
	125) note="died (panic?); $note"; res=1 ;;
	*) res=1 ;;
	esac
	step_end "$name" "$res" "$note"
done

# === reliability: hostile input, load/unload, stress, mmlab(8) in the VM ===
step_start "reliability"
if [ "$have_modules" = 1 ] && [ -x "$MMLAB_TOP/tools/mmlab/mmlab" ]; then
	logf=$out/boot-reliability.log
	rc=0
	"$vm/boot.sh" -q -k "$kdir/arch/x86/boot/bzImage" -g reliability \
		-t "$boot_timeout" -l "$logf" \
		-a "mmlab.seconds=${MMLAB_STRESS_SECONDS:-20} mmlab.seed=${MMLAB_SEED:-0}" \
		"$bdir/mmlab.ko" "$bdir/tools/stress/mmlab_stress.ko" \
		"$MMLAB_TOP/tools/mmlab/mmlab" || rc=$?
	res=0
	python3 "$vm/check-log.py" --log "$logf" --ksrc "$ksrc" --level 5 \
		--out "$out/ktap-reliability" >"$out/result-reliability.txt" || res=$?
	cat "$out/result-reliability.txt"
	grep -a '^mmlab-check: \(result\|stress\|kmemleak scan\|FAIL\)' "$logf" || true
	while read -r _ _ name p _ f _; do
		tests_passed=$((tests_passed + ${p:-0}))
		tests_failed=$((tests_failed + ${f:-0}))
	done < <(grep -a '^mmlab-check: result ' "$logf" | sed 's/,//')
	reliability=$(python3 "$vm/reliability.py" --log "$logf" \
		--findings "$(sed -n 's/.*findings=\([0-9]*\).*/\1/p' "$out/result-reliability.txt")")
	case "$rc" in
	0) ;;
	124) res=1; reliability="TIMEOUT after ${boot_timeout}s; $reliability" ;;
	*) res=1 ;;
	esac
	step_end "reliability" "$res" "rc $rc; log $logf"
else
	reliability="not run"
	step_end "reliability" 1 "skipped: the modules or tools/mmlab/mmlab did not build"
fi

# === the Debian kernel ===
step_start "Debian build"
release=$(headers_release)
dkdir=/usr/src/linux-headers-$release
rc=0
build_modules "$dkdir" "$ddir" "$out/build-distro.log" || rc=$?
warn=$(project_warnings "$out/build-distro.log")
if [ "$rc" != 0 ] || [ ! -f "$ddir/mmlab.ko" ]; then
	tail -n 40 "$out/build-distro.log"
	step_end "Debian build" 1 "build failed: $out/build-distro.log"
elif [ -n "$warn" ]; then
	echo "$warn"
	step_end "Debian build" 1 "warnings: $out/build-distro.log"
else
	step_end "Debian build" 0 "against $dkdir"
fi

step_start "Debian boot"
if [ -f "$ddir/mmlab.ko" ]; then
	rc=0
	vmlinuz=$("$vm/debian-kernel.sh") || rc=$?
	logf=$out/boot-distro.log
	if [ "$rc" = 0 ]; then
		"$vm/boot.sh" -q -k "$vmlinuz" -g distro -t "$boot_timeout" -l "$logf" \
			"$ddir/mmlab.ko" || rc=$?
	fi
	res=0
	python3 "$vm/check-log.py" --log "$logf" --ksrc "$ksrc" --level 5 \
			--out "$out/ktap-distro" || res=$?
	[ "$rc" = 0 ] || res=1
	step_end "Debian boot" "$res" "$release, rc $rc; log $logf"
else
	step_end "Debian boot" 1 "skipped: mmlab.ko does not build against $dkdir"
fi

# === totals ===
elapsed=$(( $(date +%s) - t0 ))
echo
echo "==== summary ===="
printf '%s\n' "${summary[@]}"
echo "steps: $steps_passed passed, $steps_failed failed; KUnit test cases: $kunit_passed passed, $kunit_failed failed; other tests: $tests_passed passed, $tests_failed failed"
echo "reliability: ${reliability:-not run}"
echo "elapsed: $((elapsed / 60)) min $((elapsed % 60)) s; logs in $out"
echo "$((kunit_passed + steps_passed + tests_passed)) passed, $((kunit_failed + steps_failed + tests_failed)) failed"
[ $((kunit_failed + steps_failed + tests_failed)) = 0 ]
exit
}
