#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel with mmlab's busybox initramfs under qemu-system-x86_64.
#
# Usage: tools/vm/boot.sh -k BZIMAGE [options] [FILE.ko...]
#   -k, --kernel FILE     kernel image (bzImage/vmlinuz) to boot (required)
#   -g, --guest NAME      guest script tools/vm/guest/NAME.sh to run (default: none)
#   -i, --initrd FILE     use this initramfs; otherwise one is built with
#                         mkinitramfs.sh from the FILEs given (e.g. mmlab.ko)
#   -4, --4level          4-level paging (kernel argument no5lvl); default 5-level (-cpu max)
#   -a, --append ARGS     extra kernel command line (mmlab.KEY=VAL reaches the
#                         guest script as $MMLAB_KEY)
#   -l, --log FILE        console log (default build/vm/NAME-5l|4l-TIME.log)
#   -t, --timeout SEC     host-side timeout; qemu is killed on expiry
#                         (default 600, interactive 14400)
#   -q, --quiet           do not echo the console (it is still logged)
#   -I, --interactive     console on this terminal (-serial mon:stdio; Ctrl-A x
#                         quits qemu), a shell after the guest script
#   -m, --mem SIZE        guest memory (default 4G: DMA, DMA32 and a 1 GiB Normal zone)
#   -s, --smp N           vCPUs (default 2)
#
# Environment: MMLAB_ACCEL=kvm|tcg forces the accelerator. Otherwise TCG is
# used unless KVM really works: a short probe boot (20 s) decides once and the
# verdict is cached in $MMLAB_CACHE/accel-*. 5-level paging under KVM needs
# la57 on the host CPU; without it the 5-level boot falls back to TCG.
#
# Exit status: the guest script's exit status (from the marker
# "mmlab-init: guest NAME exit RC"), 124 on timeout, 125 if the guest died
# before reporting (panic, hang in reboot, crash). The log path is printed.
#
# Example: tools/vm/boot.sh -k bzImage -g tour mmlab.ko
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '3,32s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

initrd_tmp="" kernel="" guest=none initrd="" level=5 append="" logf="" timeout_s="" quiet=0
interactive=0 mem=4G smp=2
while [ $# -gt 0 ]; do
	case "$1" in
	-k|--kernel) kernel=${2:?}; shift 2 ;;
	-g|--guest) guest=${2:?}; shift 2 ;;
	-i|--initrd) initrd=${2:?}; shift 2 ;;
	-4|--4level) level=4; shift ;;
	-5|--5level) level=5; shift ;;
	-a|--append) append="$append ${2:?}"; shift 2 ;;
	-l|--log) logf=${2:?}; shift 2 ;;
	-t|--timeout) timeout_s=${2:?}; shift 2 ;;
	-q|--quiet) quiet=1; shift ;;
	-I|--interactive) interactive=1; shift ;;
	-m|--mem) mem=${2:?}; shift 2 ;;
	-s|--smp) smp=${2:?}; shift 2 ;;
	-h|--help) usage 0 ;;
	--) shift; break ;;
	-*) echo "unknown option $1" >&2; usage 2 >&2 ;;
	*) break ;;
	esac
done
[ -n "$kernel" ] || { echo "missing -k BZIMAGE" >&2; usage 2 >&2; }
[ -f "$kernel" ] || die "no kernel image $kernel"
command -v qemu-system-x86_64 >/dev/null 2>&1 || install_deps

vmdir=$MMLAB_TOP/build/vm
mkdir -p "$vmdir"
if [ -z "$timeout_s" ]; then
	if [ "$interactive" = 1 ]; then timeout_s=14400; else timeout_s=600; fi
fi

# A fresh initramfs from the files given, unless one was passed.
if [ -z "$initrd" ]; then
	initrd=$vmdir/initramfs-$$.cpio.gz
	initrd_tmp=$initrd
	trap 'rm -f "$initrd_tmp"' EXIT
	"$MMLAB_TOP/tools/vm/mkinitramfs.sh" -o "$initrd" "$@" 2>/dev/null ||
		"$MMLAB_TOP/tools/vm/mkinitramfs.sh" -o "$initrd" "$@"
elif [ $# -gt 0 ]; then
	die "FILEs and --initrd exclude each other"
fi

# probe_kvm - print "kvm" if a KVM guest boots to userspace within 20 s.
probe_kvm() {
	local plog pinit rc=0
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo tcg
		return
	fi
	plog=$vmdir/kvm-probe.log
	pinit=$vmdir/kvm-probe-$$.cpio.gz
	"$MMLAB_TOP/tools/vm/mkinitramfs.sh" -o "$pinit" 2>/dev/null
	timeout -k 5 20 qemu-system-x86_64 -enable-kvm -cpu host -smp 2 -m 512M \
		-nographic -no-reboot -monitor none -serial "file:$plog" \
		-kernel "$kernel" -initrd "$pinit" \
		-append "console=ttyS0 panic=-1 mmlab.guest=none" \
		</dev/null >/dev/null 2>&1 || rc=$?
	rm -f "$pinit"
	if grep -q '^mmlab-init: up' "$plog" 2>/dev/null; then
		echo kvm
	else
		log "KVM probe failed (rc $rc, see $plog): using TCG"
		echo tcg
	fi
}

# choose_accel - kvm or tcg, from MMLAB_ACCEL or the cached probe verdict.
choose_accel() {
	local key cachef verdict
	case "${MMLAB_ACCEL:-}" in
	kvm|tcg) echo "$MMLAB_ACCEL"; return ;;
	"") ;;
	*) die "MMLAB_ACCEL must be kvm or tcg" ;;
	esac
	key=$( (uname -r; qemu-system-x86_64 --version | head -n 1; ls -l /dev/kvm 2>&1) |
		sha256sum | cut -c1-12)
	cachef=$MMLAB_CACHE/accel-$key
	if [ ! -s "$cachef" ]; then
		log "probing KVM with a 20 s boot (verdict cached in $cachef)"
		verdict=$(probe_kvm)
		echo "$verdict" >"$cachef"
	fi
	cat "$cachef"
}

accel=$(choose_accel)
if [ "$accel" = kvm ] && [ "$level" = 5 ] && ! grep -qw la57 /proc/cpuinfo; then
	log "host CPU has no la57: 5-level paging needs TCG"
	accel=tcg
fi
if [ "$accel" = kvm ]; then
	accel_args=(-enable-kvm -cpu host)
else
	accel_args=(-accel tcg -cpu max)
fi

cmdline="console=ttyS0 panic=-1 mmlab.guest=$guest"
[ "$level" = 4 ] && cmdline="$cmdline no5lvl"
[ "$interactive" = 1 ] && cmdline="$cmdline mmlab.shell=1"
cmdline="$cmdline${append}"

[ -n "$logf" ] || logf=$vmdir/$guest-${level}l-$(date +%Y%m%d-%H%M%S)-$$.log
mkdir -p "$(dirname "$logf")"
: >"$logf"
log "boot $(basename "$kernel") ${level}-level $accel ${smp}cpu $mem, guest $guest, timeout ${timeout_s}s, log $logf"

qemu=(qemu-system-x86_64 "${accel_args[@]}" -smp "$smp" -m "$mem"
	-nographic -no-reboot -kernel "$kernel" -initrd "$initrd"
	-append "$cmdline")
start=$(date +%s)
rc=0
if [ "$interactive" = 1 ]; then
	# --foreground: qemu must be in the terminal's process group to read it.
	timeout --foreground -k 10 "$timeout_s" "${qemu[@]}" \
		-chardev "stdio,id=con,mux=on,signal=off,logfile=$logf" \
		-serial chardev:con -mon chardev=con,mode=readline || rc=$?
else
	# In the background, so that a signal to this script reaches qemu too
	# (timeout runs it in a process group of its own).
	if [ "$quiet" = 1 ]; then
		timeout -k 10 "$timeout_s" "${qemu[@]}" -monitor none \
			-serial "file:$logf" </dev/null >/dev/null &
	else
		timeout -k 10 "$timeout_s" "${qemu[@]}" -monitor none \
			-chardev "stdio,id=con,logfile=$logf" -serial chardev:con \
			</dev/null &
	fi
	qpid=$!
	trap 'kill -TERM "$qpid" 2>/dev/null; wait "$qpid"; rm -f "$initrd_tmp"; exit 130' INT TERM HUP
	wait "$qpid" || rc=$?
	trap - INT TERM HUP
fi
elapsed=$(( $(date +%s) - start ))

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	log "TIMEOUT after ${timeout_s}s: qemu killed; console log: $logf"
	exit 124
fi
[ "$rc" = 0 ] || log "qemu exited with status $rc"
status=$(sed -n 's/^.*mmlab-init: guest [^ ]* exit \([0-9][0-9]*\).*$/\1/p' "$logf" | tail -n 1)
if grep -q 'Kernel panic' "$logf"; then
	log "kernel panic after ${elapsed}s; console log: $logf"
	exit 125
fi
if [ "$guest" = none ]; then
	grep -q 'mmlab-init: up' "$logf" || { log "guest did not come up; log: $logf"; exit 125; }
	log "done in ${elapsed}s; log: $logf"
	exit 0
fi
if [ -z "$status" ]; then
	log "guest script did not finish (${elapsed}s); console log: $logf"
	exit 125
fi
log "guest $guest exit $status in ${elapsed}s; log: $logf"
exit "$status"
