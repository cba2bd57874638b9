/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_bench: what the benchmark files share (`make bench`).
 *
 * bench_main.c holds the parameters and the runner (interleaving, scaling
 * runs, medians, CSV lines); each other file holds the bodies of one
 * allocator's benchmarks and its table of scenarios, which bench_main.c
 * runs in the order of bench_groups[]: bench_memory.c (metadata, kmalloc
 * classes, page tables), bench_frag.c, bench_buddy.c, bench_slab.c,
 * bench_vmalloc.c.
 */
#ifndef _MMLAB_BENCH_H
#define _MMLAB_BENCH_H

#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/timex.h>
#include <linux/types.h>

#define BENCH_MAX_REPEATS	64
#define BENCH_BATCH_MAX		1024
#define BENCH_COLD_HOLD		32768	/* pages the native cold path may hold */

/* Both sides of a case use these flags, as the issue asks. */
#define BENCH_GFP		(GFP_KERNEL | __GFP_NOWARN)

/* The module's parameters (bench_main.c). */
extern unsigned int bench_loops;
extern unsigned int bench_cold_loops;
extern unsigned int bench_repeats;
extern unsigned long bench_seed;
extern unsigned int bench_frag_ops;
extern unsigned int bench_frag_samples;
extern unsigned int bench_frag_fill;

/**
 * struct bench_time - what one run of one side measured.
 * @ns:		ktime_get_ns() over the timed operations.
 * @cycles:	get_cycles() over the timed operations.
 * @ops:	operations timed.
 * @failed:	allocations that returned NULL (the run is then invalid).
 */
struct bench_time {
	u64 ns;
	u64 cycles;
	u64 ops;
	u64 failed;
};

/**
 * struct bench_ctx - one side of one case on one CPU.
 * @mmlab:	true for mmlab's allocator, false for the kernel's.
 * @param:	the case's parameter (order, batch size, ...).
 * @loops:	operations to time.
 * @cpu:	the CPU the worker is bound to.
 * @thread:	index of this worker among the run's, 0 .. @nr_threads - 1.
 * @nr_threads:	workers of the run (1, the scenario's nr_threads, or every online
 *		CPU for scaling).
 * @pages:	scratch for bodies that hold pages or objects
 *		(BENCH_COLD_HOLD pointers).
 * @priv:	what the scenario's @prepare returned for this case and side
 *		(e.g. a kmem_cache of the case's size), shared by the workers.
 */
struct bench_ctx {
	bool mmlab;
	int param;
	unsigned long loops;
	int cpu;
	unsigned int thread;
	unsigned int nr_threads;
	struct page **pages;
	void *priv;
};

struct bench_scenario;

/**
 * struct bench_scenario - one benchmark: a table entry.
 * @name:	name for the `run` parameter and of the CSV file.
 * @desc:	what it measures, one line.
 * @param_name:	name of the parameter column ("order", "n", ...).
 * @params:	the cases, one value each.
 * @nr_params:	entries in @params.
 * @labels:	optional names of the cases (else the value is printed).
 * @body:	a timed benchmark: do @ctx->loops operations of one side and
 *		add to @t (bench_start() and bench_stop() around the timed
 *		part); NULL for a report.
 * @report:	an untimed benchmark that prints its own CSV; NULL if timed.
 * @prepare:	optional: set up one side of one case before its runs
 *		(create a cache, an area ...); its result is @ctx->priv, an
 *		ERR_PTR() fails the scenario.
 * @finish:	optional: undo @prepare after the case's last run.
 * @no_scaling:	do not run it on every CPU at once.
 * @cold:	time `cold_loops` operations per run, not `loops`.
 * @loops_div:	divide `loops` by this for this scenario (0: 1).
 * @nr_threads:	run every side of every case on exactly this many CPUs at
 *		once, threads 0 .. @nr_threads - 1 sharing @ctx->priv (2: e.g.
 *		a producer and a consumer, as slab_cross_cpu); the cost is
 *		still per operation, averaged over the threads. 0: one thread,
 *		and the scaling run unless @no_scaling. A scenario with
 *		@nr_threads has no scaling run, and fails with -ENODEV when
 *		fewer CPUs are online.
 */
struct bench_scenario {
	const char *name;
	const char *desc;
	const char *param_name;
	const int *params;
	unsigned int nr_params;
	const char *const *labels;
	void (*body)(struct bench_ctx *ctx, struct bench_time *t);
	int (*report)(const struct bench_scenario *s);
	void *(*prepare)(bool mmlab, int param);
	void (*finish)(bool mmlab, int param, void *priv);
	bool no_scaling;
	bool cold;
	unsigned int loops_div;
	unsigned int nr_threads;
};

/* The start of a timed part; bench_stop() adds what passed since to a bench_time. */
struct bench_stamp {
	u64 ns;
	cycles_t cycles;
};

static __always_inline void bench_start(struct bench_stamp *st)
{
	st->ns = ktime_get_ns();
	st->cycles = get_cycles();
}

static __always_inline void bench_stop(struct bench_time *t,
				       const struct bench_stamp *st)
{
	t->cycles += get_cycles() - st->cycles;
	t->ns += ktime_get_ns() - st->ns;
}

const char *bench_milli(unsigned int slot, u64 v);

/* The scenario tables, one per file, run in this order. */
extern const struct bench_scenario bench_memory_scenarios[];
extern const unsigned int bench_memory_nr_scenarios;
extern const struct bench_scenario bench_frag_scenarios[];
extern const unsigned int bench_frag_nr_scenarios;
extern const struct bench_scenario bench_buddy_scenarios[];
extern const unsigned int bench_buddy_nr_scenarios;
extern const struct bench_scenario bench_slab_scenarios[];
extern const unsigned int bench_slab_nr_scenarios;

void bench_slab_print_options(void);
extern const struct bench_scenario bench_vmalloc_scenarios[];
extern const unsigned int bench_vmalloc_nr_scenarios;

#endif /* _MMLAB_BENCH_H */
