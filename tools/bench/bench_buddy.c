// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: the buddy allocator's benchmarks, mmlab_alloc_pages() and
 * mmlab_free_pages() against alloc_pages() and __free_pages() with the same
 * GFP flags: the round trip per order, the per-CPU hot and cold paths and
 * the batch pattern.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/sched.h>

#include "bench.h"
#include "buddy.h"
#include "mmlab.h"

/* === The two sides === */

/*
 * Allocate and free through mmlab or the kernel; @mm is a constant at every
 * call site, so each loop below is compiled twice with no branch and no
 * indirect call inside.
 */
static __always_inline struct page *side_alloc(bool mm, unsigned int order)
{
	return mm ? mmlab_alloc_pages(BENCH_GFP, order) : alloc_pages(BENCH_GFP, order);
}

static __always_inline void side_free(bool mm, struct page *page, unsigned int order)
{
	if (mm)
		mmlab_free_pages(page, order);
	else
		__free_pages(page, order);
}

/* === Buddy bodies === */

static __always_inline void round_trip(struct bench_ctx *c, struct bench_time *t,
				       bool mm)
{
	unsigned int order = c->param;
	unsigned long i, failed = 0;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < c->loops; i++) {
		struct page *page = side_alloc(mm, order);

		if (unlikely(!page)) {
			failed++;
			continue;
		}
		side_free(mm, page, order);
	}
	bench_stop(t, &st);
	t->ops += c->loops;
	t->failed += failed;
}

/* alloc + free of one block of order @param, again and again. */
static void body_round_trip(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		round_trip(c, t, true);
	else
		round_trip(c, t, false);
}

static __always_inline void batch(struct bench_ctx *c, struct bench_time *t,
				  bool mm)
{
	unsigned long n = c->param, rounds = max(c->loops / n, 1UL);
	unsigned long i, j, failed = 0;
	struct page **pages = c->pages;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < rounds; i++) {
		for (j = 0; j < n; j++) {
			pages[j] = side_alloc(mm, 0);
			failed += !pages[j];
		}
		for (j = 0; j < n; j++) {
			if (likely(pages[j]))
				side_free(mm, pages[j], 0);
		}
	}
	bench_stop(t, &st);
	t->ops += rounds * n;
	t->failed += failed;
}

/* Allocate @param order-0 pages, then free them all; cost per page. */
static void body_batch(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		batch(c, t, true);
	else
		batch(c, t, false);
}

/*
 * Empty this CPU's order-0 list of the kernel's zone that serves
 * BENCH_GFP: allocate until the list is empty (the kernel exports no
 * drain_all_pages()). The pages are held in @c->pages; returns how many.
 */
static unsigned long native_empty_pcp(struct bench_ctx *c, unsigned long *failed)
{
	struct per_cpu_pages *pcp = NULL;
	unsigned long n = 0;

	while (n < BENCH_COLD_HOLD) {
		struct page *page = alloc_pages(BENCH_GFP, 0);

		if (!page) {
			(*failed)++;
			break;
		}
		c->pages[n++] = page;
		if (!pcp)
			pcp = per_cpu_ptr(page_zone(page)->per_cpu_pageset, c->cpu);
		/* Order 0, MIGRATE_UNMOVABLE: the first list (order_to_pindex()). */
		if (list_empty(&pcp->lists[MIGRATE_UNMOVABLE]))
			break;
	}
	return n;
}

/* Give this CPU's per-CPU pages of every mmlab zone back to the free lists. */
static void mmlab_empty_pcp(int cpu)
{
	struct mmlab_zone *zone;

	for_each_populated_mmlab_zone(zone)
		mmlab_drain_zone_pages(zone, cpu);
}

/*
 * The cold per-CPU path: each operation is an order-0 alloc + free right
 * after this CPU's list was emptied, so the allocation refills the list
 * from the free lists. Only the alloc + free are timed, one at a time (the
 * timer's own cost is in both sides alike).
 */
static void body_cold(struct bench_ctx *c, struct bench_time *t)
{
	unsigned long i, j, held, failed = 0;
	struct bench_stamp st;
	struct page *page;

	for (i = 0; i < c->loops; i++) {
		held = 0;
		if (c->mmlab)
			mmlab_empty_pcp(c->cpu);
		else
			held = native_empty_pcp(c, &failed);

		if (c->mmlab) {
			bench_start(&st);
			page = side_alloc(true, 0);
			if (page)
				side_free(true, page, 0);
			bench_stop(t, &st);
		} else {
			bench_start(&st);
			page = side_alloc(false, 0);
			if (page)
				side_free(false, page, 0);
			bench_stop(t, &st);
		}
		failed += !page;
		for (j = 0; j < held; j++)
			__free_pages(c->pages[j], 0);
		cond_resched();
	}
	t->ops += c->loops;
	t->failed += failed;
}

/* === Scenarios === */

static const int orders[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const int batch_sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
static const int one[] = { 0 };

static const char *const hot_label[] = { "hot" };
static const char *const cold_label[] = { "cold" };

const struct bench_scenario bench_buddy_scenarios[] = {
	{ "buddy_order", "alloc+free round trip per order", "order",
	  orders, ARRAY_SIZE(orders), NULL, body_round_trip },
	{ "buddy_pcp_hot", "order-0 alloc+free, per-CPU list warm", "path",
	  one, 1, hot_label, body_round_trip },
	{ "buddy_pcp_cold", "order-0 alloc+free after emptying the per-CPU list", "path",
	  one, 1, cold_label, body_cold, .cold = true },
	{ "buddy_batch", "allocate N order-0 pages, then free N; per page", "n",
	  batch_sizes, ARRAY_SIZE(batch_sizes), NULL, body_batch },
};

const unsigned int bench_buddy_nr_scenarios = ARRAY_SIZE(bench_buddy_scenarios);
