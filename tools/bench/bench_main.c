// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: mmlab's allocators timed against the kernel's own, in the
 * same boot, as ratios (`make bench`).
 *
 * Shaped like lib/test_vmalloc.c: a table of named scenarios, module
 * parameters that pick which run and how many times, worker threads bound
 * to CPUs and released together, and one summary line per case. Loading the
 * module runs the benchmarks; it then stays loaded doing nothing.
 *
 * Method, as test_vmalloc.c and the time_bench loops: every case runs
 * mmlab (A) and native (B) interleaved, A B A B ..., @repeats times; each
 * run is a warm-up of loops / 8 operations, then @loops timed operations
 * with get_cycles() and ktime_get_ns() around the whole loop. Preemption
 * and interrupts are left as they are. A case prints the median, minimum
 * and maximum of the per-repetition ratio mmlab / native, with the median
 * per-operation ns and cycles of both sides beside it.
 *
 * The output is machine-readable lines on the console, which
 * tools/bench/run.sh cuts out into CSV files:
 *   mmlab-bench: info KEY=VALUE ...
 *   mmlab-bench: header BENCH COL,COL,...
 *   mmlab-bench: csv BENCH VAL,VAL,...
 *   mmlab-bench: done result=ok|FAIL scenarios=N
 *
 * To add a benchmark: write a body (one side of one case, see
 * struct bench_ctx in bench.h; a side_*() pair per allocator keeps it free
 * of branches and indirect calls), with a prepare/finish pair if each case
 * needs an object of its own (a kmem_cache of the case's size), and add
 * one line to the scenario table of its file. The runner, the
 * interleaving, the scaling runs and the CSV lines are the same for all.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "bench.h"
#include "buddy.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"

/* === Parameters === */

static char *run = "all";
module_param(run, charp, 0444);
MODULE_PARM_DESC(run,
		 "Scenarios to run: \"all\" or names separated by ',' or ':' (see the scenario table)");

unsigned int bench_loops = 20000;
module_param_named(loops, bench_loops, uint, 0444);
MODULE_PARM_DESC(loops, "Timed operations per run of a case (default 20000)");

unsigned int bench_cold_loops = 200;
module_param_named(cold_loops, bench_cold_loops, uint, 0444);
MODULE_PARM_DESC(cold_loops,
		 "Timed operations per run of the cold per-CPU path, each after emptying the list (default 200)");

unsigned int bench_repeats = 11;
module_param_named(repeats, bench_repeats, uint, 0444);
MODULE_PARM_DESC(repeats, "Interleaved mmlab/native repetitions per case (default 11, at most 64)");

static bool scaling = true;
module_param(scaling, bool, 0444);
MODULE_PARM_DESC(scaling,
		 "Also run the timed cases on every online CPU at once, against one thread (default on)");

unsigned long bench_seed;
module_param_named(seed, bench_seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the fragmentation workload (default 0: a random one, printed)");

unsigned int bench_frag_ops = 200000;
module_param_named(frag_ops, bench_frag_ops, uint, 0444);
MODULE_PARM_DESC(frag_ops, "Operations of the fragmentation workload (default 200000)");

unsigned int bench_frag_samples = 20;
module_param_named(frag_samples, bench_frag_samples, uint, 0444);
MODULE_PARM_DESC(frag_samples, "Samples of the fragmentation indices per workload (default 20)");

unsigned int bench_frag_fill = 90;
module_param_named(frag_fill, bench_frag_fill, uint, 0444);
MODULE_PARM_DESC(frag_fill,
		 "Highest share of the Normal zone the workload keeps allocated, percent (default 90)");

/* === The runner === */

/**
 * struct bench_worker - one thread of a run.
 * @task:	the kthread, bound to @ctx.cpu.
 * @s:		the scenario.
 * @ctx:	the side and case.
 * @t:		what its timed part measured.
 * @done:	completed when the timed part is over.
 */
struct bench_worker {
	struct task_struct *task;
	const struct bench_scenario *s;
	struct bench_ctx ctx;
	struct bench_time t;
	struct completion done;
};

/* Timed operations of one run of @s. */
static unsigned long side_loops(const struct bench_scenario *s)
{
	if (s->cold)
		return bench_cold_loops;
	return max(bench_loops / (s->loops_div ? s->loops_div : 1), 1U);
}

/* Threads of one run of @s, besides the scaling run: 1 or its nr_threads. */
static unsigned int side_threads(const struct bench_scenario *s)
{
	return s->nr_threads ? s->nr_threads : 1;
}

static atomic_t nr_warm;	/* workers past their warm-up */
static unsigned int nr_threads;	/* workers of the current run */

static int bench_worker_fn(void *data)
{
	struct bench_worker *w = data;
	struct bench_ctx warm = w->ctx;
	struct bench_time unused = {};

	warm.loops = max(w->ctx.loops / 8, 1UL);
	w->s->body(&warm, &unused);
	/* Released together: the timed parts of all workers overlap. */
	atomic_inc(&nr_warm);
	while (atomic_read(&nr_warm) < READ_ONCE(nr_threads))
		cond_resched();
	w->s->body(&w->ctx, &w->t);
	complete(&w->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static struct bench_worker workers[NR_CPUS > 64 ? 64 : NR_CPUS];

/*
 * Run one side of one case on @threads CPUs at once (the first online
 * CPUs); the per-operation cost in 1/1000 ns and cycles, averaged over the
 * threads, goes to *@ps and *@pc. Return: 0, or -ENOMEM if an allocation
 * failed (the figure would be meaningless).
 */
static int run_side(const struct bench_scenario *s, int param, bool mm,
		    void *priv, unsigned int threads, u64 *ps, u64 *pc)
{
	unsigned long nloops = side_loops(s);
	u64 ns = 0, cyc = 0, failed = 0;
	unsigned int i = 0;
	int cpu, err = 0;

	nr_threads = threads;
	atomic_set(&nr_warm, 0);
	for_each_online_cpu(cpu) {
		struct bench_worker *w = &workers[i];

		if (i == threads)
			break;
		memset(&w->t, 0, sizeof(w->t));
		w->s = s;
		w->ctx.mmlab = mm;
		w->ctx.param = param;
		w->ctx.loops = max(nloops, 1UL);
		w->ctx.cpu = cpu;
		w->ctx.thread = i;
		w->ctx.nr_threads = threads;
		w->ctx.priv = priv;
		init_completion(&w->done);
		w->task = kthread_create_on_cpu(bench_worker_fn, w, cpu, "mmlab_bench/%u");
		if (IS_ERR(w->task)) {
			err = PTR_ERR(w->task);
			w->task = NULL;
			/* Let the others through the start line. */
			nr_threads = i;
			break;
		}
		i++;
	}
	threads = i;
	for (i = 0; i < threads; i++)
		wake_up_process(workers[i].task);
	for (i = 0; i < threads; i++) {
		wait_for_completion(&workers[i].done);
		kthread_stop(workers[i].task);
		ns += div64_u64(workers[i].t.ns * 1000, max(workers[i].t.ops, 1ULL));
		cyc += div64_u64(workers[i].t.cycles * 1000, max(workers[i].t.ops, 1ULL));
		failed += workers[i].t.failed;
	}
	if (err)
		return err;
	if (failed) {
		pr_warn("%s %d %s: %llu allocations failed\n", s->name, param,
			mm ? "mmlab" : "native", failed);
		return -ENOMEM;
	}
	*ps = div64_u64(ns, max(threads, 1U));
	*pc = div64_u64(cyc, max(threads, 1U));
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max of @n values (sorted in place). */
static void stats(u64 *v, unsigned int n, u64 *med, u64 *min, u64 *max)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	*min = v[0];
	*max = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/**
 * bench_milli() - a figure in thousandths as "X.YYY".
 * @slot:	which of 16 static buffers to print into: the figures of one
 *		pr_info() each need their own.
 * @v:		the figure, times 1000.
 *
 * Only for the benchmark thread (module_init): the buffers are not locked.
 *
 * Return: the text, valid until @slot is used again.
 */
const char *bench_milli(unsigned int slot, u64 v)
{
	static char buf[16][24];

	slot %= ARRAY_SIZE(buf);
	snprintf(buf[slot], sizeof(buf[slot]), "%llu.%03llu", v / 1000, v % 1000);
	return buf[slot];
}

/**
 * struct side_runs - the repetitions of one side at one thread count.
 * @ns:		per-op cost of each repetition, 1/1000 ns.
 * @cyc:	per-op cost of each repetition, 1/1000 cycles.
 */
struct side_runs {
	u64 ns[BENCH_MAX_REPEATS];
	u64 cyc[BENCH_MAX_REPEATS];
};

/* 1000 * @a / @b for each repetition into @out. */
static void ratios(const u64 *a, const u64 *b, u64 *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = div64_u64(a[i] * 1000, max(b[i], 1ULL));
}

/* The runs of a case: mmlab and native, one thread and every CPU. */
enum { MM_1T, NAT_1T, MM_NT, NAT_NT, NR_RUNS };

static void case_label(const struct bench_scenario *s, unsigned int p,
		       char *buf, size_t len)
{
	if (s->labels)
		strscpy(buf, s->labels[p], len);
	else
		snprintf(buf, len, "%d", s->params[p]);
}

/* Median of @n values, without disturbing them. */
static u64 median(const u64 *v, unsigned int n)
{
	u64 tmp[BENCH_MAX_REPEATS], med, lo, hi;

	memcpy(tmp, v, n * sizeof(*v));
	stats(tmp, n, &med, &lo, &hi);
	return med;
}

/* The row of the scaling CSV: every CPU at once against one thread. */
static void print_scaling_row(const struct bench_scenario *s, const char *label,
			      unsigned int threads, struct side_runs *r)
{
	u64 tmp[BENCH_MAX_REPEATS], m[3], lo[3], hi[3];

	ratios(r[MM_NT].ns, r[MM_1T].ns, tmp, bench_repeats);
	stats(tmp, bench_repeats, &m[0], &lo[0], &hi[0]);
	ratios(r[NAT_NT].ns, r[NAT_1T].ns, tmp, bench_repeats);
	stats(tmp, bench_repeats, &m[1], &lo[1], &hi[1]);
	ratios(r[MM_NT].ns, r[NAT_NT].ns, tmp, bench_repeats);
	stats(tmp, bench_repeats, &m[2], &lo[2], &hi[2]);
	pr_info("csv %s_scaling %s,%u,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
		s->name, label, threads,
		bench_milli(0, median(r[MM_1T].ns, bench_repeats)),
		bench_milli(1, median(r[MM_NT].ns, bench_repeats)),
		bench_milli(2, median(r[NAT_1T].ns, bench_repeats)),
		bench_milli(3, median(r[NAT_NT].ns, bench_repeats)),
		bench_milli(4, m[0]), bench_milli(5, lo[0]), bench_milli(6, hi[0]),
		bench_milli(7, m[1]), bench_milli(8, lo[1]), bench_milli(9, hi[1]),
		bench_milli(10, m[2]), bench_milli(11, lo[2]), bench_milli(12, hi[2]));
}

/*
 * Run case @p of @s: per repetition mmlab then native on one thread, and,
 * with @threads > 1, mmlab then native on @threads CPUs at once; then
 * print its rows.
 */
static int run_case(const struct bench_scenario *s, unsigned int p,
		    struct side_runs *r, unsigned int threads)
{
	u64 tmp[BENCH_MAX_REPEATS], med, lo, hi;
	unsigned int rep, k;
	char label[32];
	int err = 0;
	void *priv[2] = { NULL, NULL };	/* native, mmlab */

	if (s->prepare) {
		for (k = 0; k < 2; k++) {
			priv[k] = s->prepare(k, s->params[p]);
			if (IS_ERR(priv[k])) {
				err = PTR_ERR(priv[k]);
				priv[k] = NULL;
				goto out;
			}
		}
	}
	for (rep = 0; rep < bench_repeats; rep++) {
		for (k = 0; k < NR_RUNS; k++) {
			bool mm = k == MM_1T || k == MM_NT;

			if (k >= MM_NT && threads < 2)
				break;
			err = run_side(s, s->params[p], mm, priv[mm],
				       k >= MM_NT ? threads : side_threads(s),
				       &r[k].ns[rep], &r[k].cyc[rep]);
			if (err)
				goto out;
			cond_resched();
		}
	}

	case_label(s, p, label, sizeof(label));
	ratios(r[MM_1T].ns, r[NAT_1T].ns, tmp, bench_repeats);
	stats(tmp, bench_repeats, &med, &lo, &hi);
	pr_info("csv %s %s,%lu,%u,%s,%s,%s,%s,%s,%s,%s\n", s->name, label,
		side_loops(s), bench_repeats,
		bench_milli(0, median(r[MM_1T].ns, bench_repeats)),
		bench_milli(1, median(r[NAT_1T].ns, bench_repeats)),
		bench_milli(2, median(r[MM_1T].cyc, bench_repeats)),
		bench_milli(3, median(r[NAT_1T].cyc, bench_repeats)),
		bench_milli(4, med), bench_milli(5, lo), bench_milli(6, hi));
	if (threads > 1)
		print_scaling_row(s, label, threads, r);
out:
	for (k = 0; k < 2; k++) {
		if (s->finish && priv[k])
			s->finish(k, s->params[p], priv[k]);
	}
	return err;
}

static int run_timed(const struct bench_scenario *s)
{
	unsigned int threads = min_t(unsigned int, num_online_cpus(),
				     ARRAY_SIZE(workers));
	struct side_runs *r;
	unsigned int p;
	int err = 0;

	if (side_threads(s) > threads) {
		pr_warn("%s needs %u CPUs\n", s->name, side_threads(s));
		return -ENODEV;
	}
	if (!scaling || s->no_scaling || s->nr_threads)
		threads = 1;
	r = kcalloc(NR_RUNS, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for (p = 0; p < max(threads, side_threads(s)); p++) {
		workers[p].ctx.pages = kvmalloc_array(BENCH_COLD_HOLD, sizeof(struct page *),
						      GFP_KERNEL);
		if (!workers[p].ctx.pages) {
			err = -ENOMEM;
			goto out;
		}
	}

	pr_info("header %s %s,loops,repeats,mmlab_ns,native_ns,mmlab_cycles,native_cycles,ratio,ratio_min,ratio_max\n",
		s->name, s->param_name);
	if (threads > 1)
		pr_info("header %s_scaling %s,threads,mmlab_1t_ns,mmlab_nt_ns,native_1t_ns,native_nt_ns,mmlab_scale,mmlab_scale_min,mmlab_scale_max,native_scale,native_scale_min,native_scale_max,ratio_nt,ratio_nt_min,ratio_nt_max\n",
			s->name, s->param_name);
	for (p = 0; p < s->nr_params && !err; p++) {
		memset(r, 0, NR_RUNS * sizeof(*r));
		err = run_case(s, p, r, threads);
	}
out:
	for (p = 0; p < ARRAY_SIZE(workers); p++) {
		kvfree(workers[p].ctx.pages);
		workers[p].ctx.pages = NULL;
	}
	kfree(r);
	return err;
}

/* Whether the `run` parameter selects @name (names split by ',' or ':'). */
static bool selected(const char *name)
{
	size_t len = strlen(name);
	const char *p = run;

	if (!strcmp(run, "all"))
		return true;
	while (*p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == ':' || !p[len]))
			return true;
		p += strcspn(p, ",:");
		if (*p)
			p++;
	}
	return false;
}

/* === Options in effect === */

/*
 * What could make the timed runs slower than the allocators themselves:
 * printed once, so that the report says which options were on. mmlab's
 * tracepoints are checked by the guest script (tracefs); new debug options
 * (red zones, poisoning, owner tracking) add one line here.
 */
static void print_options(void)
{
	struct mmlab_zone *zone;

	pr_info("info options mmlab_fail_page_alloc=%lu mmlab_failslab=%lu mmlab_fail_vmalloc=%lu native_init_on_alloc=%d native_init_on_free=%d\n",
		READ_ONCE(mmlab_fail_page_alloc.probability),
		READ_ONCE(mmlab_failslab.probability),
		READ_ONCE(mmlab_fail_vmalloc.probability),
		want_init_on_alloc(GFP_KERNEL), want_init_on_free());
	for_each_populated_mmlab_zone(zone) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, 0);

		pr_info("info pcp zone=%s mmlab_batch=%d mmlab_high=%d\n",
			zone->name, READ_ONCE(pcp->batch), READ_ONCE(pcp->high));
	}
	bench_slab_print_options();
}

/**
 * struct bench_group - the scenario table of one file (see bench.h).
 * @scenarios:	the table.
 * @nr:		its entries.
 */
struct bench_group {
	const struct bench_scenario *scenarios;
	const unsigned int *nr;
};

/*
 * The order the benchmarks run in. The untimed reports first: the
 * fragmentation workload starts from the pageblocks of the load.
 */
static const struct bench_group bench_groups[] = {
	{ bench_memory_scenarios, &bench_memory_nr_scenarios },
	{ bench_frag_scenarios, &bench_frag_nr_scenarios },
	{ bench_buddy_scenarios, &bench_buddy_nr_scenarios },
	{ bench_slab_scenarios, &bench_slab_nr_scenarios },
	{ bench_vmalloc_scenarios, &bench_vmalloc_nr_scenarios },
};

/* Run one scenario between its "begin" and "end" lines; its result. */
static int run_scenario(const struct bench_scenario *s)
{
	u64 t0 = ktime_get_ns();
	int ret;

	pr_info("info begin %s: %s\n", s->name, s->desc);
	ret = s->body ? run_timed(s) : s->report(s);
	pr_info("info end %s ret=%d ms=%llu\n", s->name, ret,
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	mmlab_drain_all_pages();
	return ret;
}

static int __init mmlab_bench_init(void)
{
	unsigned int i, j, nr = 0;
	int err = 0, ret;

	if (!bench_loops || !bench_repeats || bench_repeats > BENCH_MAX_REPEATS ||
	    !bench_cold_loops || bench_frag_fill > 95 || !bench_frag_ops) {
		pr_err("loops, cold_loops, frag_ops > 0, repeats 1..%d, frag_fill <= 95\n",
		       BENCH_MAX_REPEATS);
		return -EINVAL;
	}
	if (!bench_seed)
		bench_seed = get_random_u64();
	pr_info("info run=%s loops=%u cold_loops=%u repeats=%u scaling=%d cpus=%u seed=%#lx frag_ops=%u frag_fill=%u pool_pages=%lu\n",
		run, bench_loops, bench_cold_loops, bench_repeats, scaling,
		num_online_cpus(), bench_seed, bench_frag_ops, bench_frag_fill,
		mmlab_pool.nr_pages);
	print_options();

	for (i = 0; i < ARRAY_SIZE(bench_groups); i++) {
		for (j = 0; j < *bench_groups[i].nr; j++) {
			const struct bench_scenario *s = &bench_groups[i].scenarios[j];

			if (!selected(s->name))
				continue;
			ret = run_scenario(s);
			if (ret && !err)
				err = ret;
			nr++;
		}
	}
	pr_info("done result=%s scenarios=%u\n", err ? "FAIL" : "ok", nr);
	return err;
}

static void __exit mmlab_bench_exit(void)
{
}

module_init(mmlab_bench_init);
module_exit(mmlab_bench_exit);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmlab: its allocators timed against the kernel's, as ratios");
