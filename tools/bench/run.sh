#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: mmlab's allocators against the kernel's own, in one VM boot.
#
# Usage: tools/bench/run.sh [--docs] [--log CONSOLE.LOG]
#   --docs      also copy the run's CSVs, plots and info to Documentation/bench/
#   --log FILE  do not build or boot: make the results from the console log of
#               an earlier run (e.g. bench/results/RUN/console.log)
#
# Installs what is missing (apt-get, as `make run`; gnuplot-nox for the
# plots), builds mmlab.ko and tools/bench/mmlab_bench.ko against the Debian
# kernel headers (linux-headers-amd64) in build/bench/, boots the matching
# Debian kernel (its production config) with 2 vCPUs and 4-level paging
# (KVM where it really works, TCG otherwise: see tools/vm/boot.sh) and runs
# tools/vm/guest/bench.sh there. The kernel's init_on_alloc is switched off
# on the command line (Debian turns it on), so that neither side clears the
# pages it hands out. The results go to bench/results/DATE-KERNEL/: one CSV
# per benchmark, info.txt (kernel, accelerator, options, seed), goals.csv,
# the console log and gnuplot plots (PNG and SVG). A summary table is
# printed at the end.
#
# Environment:
#   MMLAB_ACCEL=kvm|tcg         the accelerator (see boot.sh)
#   MMLAB_BENCH_PARAMS="..."    mmlab_bench.ko parameters, e.g. "loops=5000
#                               repeats=5 run=buddy_order:frag" (see modinfo)
#   MMLAB_PARAMS="..."          mmlab.ko parameters (e.g. pool_mb=256)
#   MMLAB_BENCH_PCP=default     keep mmlab's own per-CPU batch and high (the
#                               default copies the kernel's Normal zone's)
#   MMLAB_BENCH_APPEND="..."    kernel arguments (default init_on_alloc=0)
#   MMLAB_BENCH_TIMEOUT=SEC     bound on the boot (default 1800)
set -euo pipefail
# shellcheck source=SCRIPTDIR/../vm/lib.sh
. "$(dirname "$0")/../vm/lib.sh"

docs=0 fromlog=""
while [ $# -gt 0 ]; do
	case "$1" in
	--docs) docs=1; shift ;;
	--log) fromlog=${2:?}; shift 2 ;;
	-h|--help) sed -n '3,32s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
done

MMLAB_DEPS="$MMLAB_DEPS
gnuplot gnuplot-nox"
start=$(date +%s)
install_deps
release=$(headers_release)
stamp=$(date -u +%Y%m%d-%H%M%S)
out=$MMLAB_TOP/bench/results/$stamp-$release
mkdir -p "$out"
console=$out/console.log

if [ -z "$fromlog" ]; then
	kdir=/usr/src/linux-headers-$release
	[ -d "$kdir" ] || die "no $kdir (linux-headers-amd64 points at $release)"
	vmlinuz=$("$MMLAB_TOP/tools/vm/debian-kernel.sh")
	bdir=$MMLAB_TOP/build/bench
	copy_sources "$bdir"
	log "building mmlab.ko and mmlab_bench.ko against $kdir"
	make -s -C "$kdir" M="$bdir" -j2 modules >"$MMLAB_TOP/build/bench-build.log" 2>&1 || {
		cat "$MMLAB_TOP/build/bench-build.log" >&2
		die "the modules do not build against $kdir (log: build/bench-build.log)"
	}

	args=(-k "$vmlinuz" -4 -q -g bench -l "$console" -t "${MMLAB_BENCH_TIMEOUT:-1800}"
	      -a "${MMLAB_BENCH_APPEND-init_on_alloc=0}")
	[ -n "${MMLAB_PARAMS:-}" ] &&
		args+=(-a "mmlab.modparams=$(echo "$MMLAB_PARAMS" | xargs | tr ' ' ',')")
	[ -n "${MMLAB_BENCH_PARAMS:-}" ] &&
		args+=(-a "mmlab.benchparams=$(echo "$MMLAB_BENCH_PARAMS" | xargs | tr ' ' ',')")
	[ "${MMLAB_BENCH_PCP:-native}" = default ] && args+=(-a "mmlab.pcp=default")
	log "running the benchmarks (a few minutes under TCG); console log: $console"
	rc=0
	"$MMLAB_TOP/tools/vm/boot.sh" "${args[@]}" \
		"$bdir/mmlab.ko" "$bdir/tools/bench/mmlab_bench.ko" 2> >(tee "$out/boot.txt" >&2) ||
		rc=$?
	wait
	accel=$(sed -n 's/^.*\] boot [^ ]* [0-9]-level \([a-z]*\) .*$/\1/p' "$out/boot.txt" | tail -n 1)
else
	[ -f "$fromlog" ] || die "no console log $fromlog"
	cp "$fromlog" "$console"
	rc=0
	accel=$(sed -n 's/^accelerator=//p' "$(dirname "$fromlog")/info.txt" 2>/dev/null | head -n 1 || true)
fi

# === CSV files out of the console log ===
# Lines "mmlab-bench: header NAME COLS" and "mmlab-bench: csv NAME ROW".
lines=$out/.lines
tr -d '\r' <"$console" | sed -n 's/^.*mmlab-bench: //p' >"$lines"
names=$(sed -n 's/^header \([^ ]*\) .*$/\1/p' "$lines")
for name in $names; do
	{
		sed -n "s/^header $name //p" "$lines" | head -n 1
		sed -n "s/^csv $name //p" "$lines"
	} >"$out/$name.csv"
done
tr -d '\r' <"$console" | sed -n '/mmlab-bench: begin slabinfo/,/mmlab-bench: end slabinfo/p' |
	sed '1d;$d' >"$out/native-slabinfo.txt"

# === slab_memory: mmlab's kmalloc classes beside the kernel's ===
# The module prints mmlab's layout of each class (bench_slab.c); the kernel's
# cache of the same name comes from the guest's /proc/slabinfo. SLUB keeps
# its slab descriptor in struct page: its bytes per object are
# pagesperslab * 4096 / objperslab. ratio = mmlab's over the kernel's.
if [ -s "$out/slab_memory.csv" ] && [ -s "$out/native-slabinfo.txt" ]; then
	awk '
		FNR == NR {
			if ($1 !~ /^#/ && NF >= 6 && $5 + 0 > 0) {
				osz[$1] = $4; per[$1] = $5; pps[$1] = $6
			}
			next
		}
		{ n = split($0, f, ",") }
		FNR == 1 {
			for (i = 1; i <= n; i++) if (f[i] == "mmlab_bytes_per_obj") c = i
			print $0 ",native_objsize,native_objperslab,native_pagesperslab,native_bytes_per_obj,ratio"
			next
		}
		!(f[1] in per) || !c { print $0 ",,,,,"; next }
		{
			nb = pps[f[1]] * 4096 / per[f[1]]
			printf "%s,%s,%s,%s,%.3f,%.3f\n", $0, osz[f[1]], per[f[1]], pps[f[1]], nb, f[c] / nb
		}' "$out/native-slabinfo.txt" "$out/slab_memory.csv" >"$out/slab_memory.csv.new"
	mv "$out/slab_memory.csv.new" "$out/slab_memory.csv"
fi
orig=""
[ -n "$fromlog" ] && orig=$(dirname "$fromlog")/info.txt
{
	if [ -f "$orig" ]; then
		# The run's own header: when and where it ran, not this remake.
		sed -n '1,5p' "$orig"
	else
		echo "date=$stamp"
		echo "kernel=$release"
		echo "accelerator=${accel:-unknown}"
		echo "host=$(uname -n) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "source=$(git -C "$MMLAB_TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	fi
	sed -n 's/^info //p' "$lines"
} >"$out/info.txt.new"
mv "$out/info.txt.new" "$out/info.txt"
rm -f "$lines"

done_line=$(tr -d '\r' <"$console" | sed -n 's/^.*mmlab-bench: done //p' | tail -n 1)
if [ -z "$done_line" ]; then
	log "the benchmark did not finish (boot status $rc); log: $console"
	[ "$rc" != 0 ] || rc=1
fi

# === Goals of issue 8, as measured ===
# col FILE ROWKEY COLNAME - the value of COLNAME in the row whose first field is ROWKEY.
col() {
	[ -f "$1" ] || return 0
	awk -F, -v key="$2" -v name="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		$1 == key && c { print $c; exit }' "$1"
}
# worst FILE COLNAME FROM - the largest COLNAME over rows whose key is >= FROM.
worst() {
	[ -f "$1" ] || return 0
	awk -F, -v name="$2" -v from="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		$1 + 0 >= from && c { if (m == "" || $c + 0 > m + 0) { m = $c; k = $1 } }
		END { if (m != "") print m " (" k ")" }' "$1"
}
goal() {	# NAME TARGET MEASURED [NATIVE'S OWN FIGURE]
	local met=missed v=${3%% *}
	if [ -z "$v" ]; then
		met="not measured"
	elif awk -v v="$v" -v t="$2" 'BEGIN { exit !(v + 0 <= t + 0) }'; then
		met=met
	fi
	echo "$1,$2,${3:-},${4:-},$met"
}
# The worst ratio of the slab and kmalloc fast paths: "RATIO (BENCH SIZE)".
slab_fast=$(for b in slab_cache kmalloc; do
	worst "$out/$b.csv" ratio 0 | sed "s/(/($b /"
done | sort -g | tail -n 1)
{
	echo "goal,target,measured,native,result"
	goal "order-0 per-CPU round trip / native" 1.0 "$(col "$out/buddy_pcp_hot.csv" hot ratio)"
	goal "orders 1-10 round trip / native (worst order)" 1.2 "$(worst "$out/buddy_order.csv" ratio 1)"
	goal "metadata bytes per page" 16 "$(col "$out/memory.csv" metadata_per_page mmlab)" \
		"$(col "$out/memory.csv" metadata_per_page native)"
	goal "2-thread / 1-thread per-op: order-0 per-CPU path" 1.1 \
		"$(col "$out/buddy_pcp_hot_scaling.csv" hot mmlab_scale)" \
		"$(col "$out/buddy_pcp_hot_scaling.csv" hot native_scale)"
	goal "2-thread / 1-thread per-op: batch of 64 (per-CPU)" 1.1 \
		"$(col "$out/buddy_batch_scaling.csv" 64 mmlab_scale)" \
		"$(col "$out/buddy_batch_scaling.csv" 64 native_scale)"
	goal "slab and kmalloc fast paths / native (worst size)" 1.2 "$slab_fast"
	goal "2-thread / 1-thread per-op: slab per-CPU path (64-byte objects)" 1.1 \
		"$(col "$out/slab_cache_scaling.csv" 64 mmlab_scale)" \
		"$(col "$out/slab_cache_scaling.csv" 64 native_scale)"
	goal "vmalloc / native at every size" 1.0 "$(worst "$out/vmalloc_size.csv" ratio 1)"
	goal "vmalloc / native at every size (vmalloc_high_order=1)" 1.0 \
		"$(worst "$out/vmalloc_size_high_order.csv" ratio 1)"
} >"$out/goals.csv"

# === Plots ===
# plot_cost NAME XLABEL LOGX - cost per operation of both sides, and the ratio.
plot_cost() {
	local f=$out/$1.csv logx=""
	[ -f "$f" ] || return 0
	[ "$3" = 1 ] && logx="set logscale x 2"
	for term in png svg; do
		gnuplot <<-EOF
		set terminal $( [ $term = png ] && echo "pngcairo size 900,540" || echo "svg size 900,540 dynamic") noenhanced font "sans,11"
		set output "$out/$1.$term"
		set datafile separator ","
		set title "$1: ns per operation (median of the repetitions), mmlab / native on the right"
		set xlabel "$2"
		set ylabel "ns per operation"
		set logscale y
		$logx
		set y2label "mmlab / native (median, min-max)"
		set y2range [0:*]
		set ytics nomirror
		set y2tics
		set key outside bottom center horizontal
		set grid
		plot "$f" skip 1 using 1:4 with linespoints lw 2 title "mmlab", \
		     "" skip 1 using 1:5 with linespoints lw 2 title "native", \
		     "" skip 1 using 1:8:9:10 axes x1y2 with yerrorlines dt 2 title "ratio", \
		     1 axes x1y2 with lines lc "gray" dt 3 notitle
		EOF
	done
}
# plot_scaling NAME XLABEL LOGX - per-op cost on every CPU over one thread.
plot_scaling() {
	local f=$out/$1.csv logx=""
	[ -f "$f" ] || return 0
	[ "$3" = 1 ] && logx="set logscale x 2"
	for term in png svg; do
		gnuplot <<-EOF
		set terminal $( [ $term = png ] && echo "pngcairo size 900,540" || echo "svg size 900,540 dynamic") noenhanced font "sans,11"
		set output "$out/$1.$term"
		set datafile separator ","
		set title "$1: per-op cost with 2 threads / 1 thread (median, min-max)"
		set xlabel "$2"
		set ylabel "2-thread / 1-thread"
		set yrange [0:*]
		$logx
		set key outside bottom center horizontal
		set grid
		plot "$f" skip 1 using 1:7:8:9 with yerrorlines lw 2 title "mmlab", \
		     "" skip 1 using 1:10:11:12 with yerrorlines lw 2 title "native", \
		     1.1 with lines lc "gray" dt 3 title "goal 1.1"
		EOF
	done
}
plot_frag() {
	local f=$out/frag.csv
	[ -f "$f" ] || return 0
	for term in png svg; do
		gnuplot <<-EOF
		set terminal $( [ $term = png ] && echo "pngcairo size 900,540" || echo "svg size 900,540 dynamic") noenhanced font "sans,11"
		set output "$out/frag.$term"
		set datafile separator ","
		set title "frag: Normal zone under the seeded workload"
		set xlabel "operations"
		set ylabel "unusable_index (order 9)"
		set y2label "highest free order"
		set yrange [0:1.05]
		set y2range [0:10.5]
		set ytics nomirror
		set y2tics 1
		set key outside bottom center horizontal
		set grid
		plot "$f" skip 1 using 2:(strcol(1) eq "nogroup" ? column(7) : NaN) with linespoints lw 2 title "unusable, no grouping", \
		     "" skip 1 using 2:(strcol(1) eq "group" ? column(7) : NaN) with linespoints lw 2 title "unusable, grouping", \
		     "" skip 1 using 2:(strcol(1) eq "nogroup" ? column(10) : NaN) axes x1y2 with steps dt 2 title "highest order, no grouping", \
		     "" skip 1 using 2:(strcol(1) eq "group" ? column(10) : NaN) axes x1y2 with steps dt 2 title "highest order, grouping"
		EOF
	done
}
if command -v gnuplot >/dev/null 2>&1; then
	plot_cost buddy_order "order" 0
	plot_cost buddy_batch "N (pages allocated, then freed)" 1
	plot_scaling buddy_order_scaling "order" 0
	plot_scaling buddy_batch_scaling "N" 1
	plot_frag
	# slab and kmalloc (bench_slab.c)
	plot_cost slab_cache "object size (bytes)" 1
	plot_cost kmalloc "size class (bytes)" 1
	plot_cost slab_batch "N (64-byte objects allocated, then freed)" 1
	plot_scaling slab_cache_scaling "object size (bytes)" 1
	plot_scaling kmalloc_scaling "size class (bytes)" 1
	plot_scaling slab_batch_scaling "N" 1
	# vmalloc: cost against the size of the area, and its scaling.
	plot_cost vmalloc_size "pages per area (vmalloc + vfree)" 1
	plot_scaling vmalloc_size_scaling "pages per area" 1
	plot_cost vmalloc_size_high_order "pages per area (vmalloc + vfree), mmlab vmalloc_high_order=1" 1
	plot_scaling vmalloc_size_high_order_scaling "pages per area" 1
else
	log "no gnuplot: no plots"
fi

# === The table ===
# show FILE COLS... - the named columns of FILE, aligned.
show() {
	local f=$1
	shift
	[ -f "$f" ] || return 0
	echo
	echo "== $(basename "$f" .csv)"
	awk -F, -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i }
		{ line = ""
		  for (j = 1; j <= n; j++) {
			v = (j == 1) ? $1 : (NR == 1 ? w[j] : $(idx[w[j]]))
			line = line (j > 1 ? "," : "") v
		  }
		  print line }' "$f" | column -t -s,
}
{
	echo "mmlab / native on $(sed -n 's/^kernel=//p' "$out/info.txt"), ${accel:-unknown accelerator}," \
		"$(sed -n 's/^options //p' "$out/info.txt" | xargs)"
	echo "ns per operation (median), ratio = mmlab / native: median [min, max] of the repetitions"
	for b in buddy_order buddy_pcp_hot buddy_pcp_cold buddy_batch; do
		show "$out/$b.csv" key mmlab_ns native_ns mmlab_cycles native_cycles ratio ratio_min ratio_max
	done
	for b in buddy_order buddy_pcp_hot buddy_pcp_cold buddy_batch; do
		show "$out/${b}_scaling.csv" key mmlab_1t_ns mmlab_nt_ns mmlab_scale native_1t_ns \
			native_nt_ns native_scale ratio_nt
	done
	show "$out/memory.csv" item mmlab native ratio unit
	# slab and kmalloc (bench_slab.c)
	for b in slab_cache kmalloc slab_batch slab_cross_cpu; do
		show "$out/$b.csv" key mmlab_ns native_ns mmlab_cycles native_cycles ratio ratio_min ratio_max
	done
	for b in slab_cache kmalloc slab_batch; do
		show "$out/${b}_scaling.csv" key mmlab_1t_ns mmlab_nt_ns mmlab_scale native_1t_ns \
			native_nt_ns native_scale ratio_nt
	done
	show "$out/slab_memory.csv" class mmlab_objperslab mmlab_pagesperslab mmlab_desc_bytes \
		mmlab_bytes_per_obj native_objperslab native_pagesperslab native_bytes_per_obj ratio
	show "$out/slab_parts.csv" part ns_per_op
	# vmalloc: sizes, test_vmalloc's scenarios, lookups and walks, their scaling, memory.
	for b in vmalloc_size vmalloc_size_high_order vmalloc_scenario vmalloc_to_page vmalloc_walk; do
		show "$out/$b.csv" key mmlab_ns native_ns mmlab_cycles native_cycles ratio ratio_min ratio_max
	done
	for b in vmalloc_size vmalloc_size_high_order vmalloc_scenario vmalloc_to_page vmalloc_walk; do
		show "$out/${b}_scaling.csv" key mmlab_1t_ns mmlab_nt_ns mmlab_scale native_1t_ns \
			native_nt_ns native_scale ratio_nt
	done
	show "$out/vmalloc_memory.csv" item mmlab native ratio unit
	if [ -f "$out/frag.csv" ]; then
		echo
		echo "== frag (first and last sample of each mode; all in frag.csv)"
		awk -F, 'NR == 1 { print; next }
			 $1 != m { if (last) print last; print; m = $1 } { last = $0 }
			 END { print last }' "$out/frag.csv" |
			cut -d, -f1-3,5,7,10-12 | column -t -s,
	fi
	echo
	echo "== goals"
	column -t -s, "$out/goals.csv"
} | tee "$out/summary.txt"

if [ "$docs" = 1 ]; then
	d=$MMLAB_TOP/Documentation/bench
	rm -rf "$d"
	mkdir -p "$d"
	cp "$out"/*.csv "$out"/info.txt "$out"/summary.txt "$d/"
	cp "$out"/*.png "$out"/*.svg "$d/" 2>/dev/null || true
	log "copied the results to $d"
fi
log "results in $out ($(( $(date +%s) - start )) s; ${accel:-unknown} accelerator)"
[ "$rc" = 0 ] || exit "$rc"
case "$done_line" in result=ok*) exit 0 ;; *) exit 1 ;; esac
