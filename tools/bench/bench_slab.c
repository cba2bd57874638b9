// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: the slab allocator's benchmarks, mmlab's kmem_cache and
 * kmalloc against the kernel's (SLUB on the Debian kernel) with the same
 * sizes, alignment, flags and GFP flags: the fast path per object size, every
 * kmalloc class, the batch pattern, objects allocated on one CPU and freed on
 * the other, and the bytes each kmalloc class reserves per object.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/cache.h>
#include <linux/err.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "bench.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"
#include "slab.h"

/* Size of the objects of the batch and cross-CPU patterns. */
#define BENCH_SLAB_OBJ		64
/* Slots of the cross-CPU ring: more than an array cache of 64-byte objects. */
#define BENCH_RING_SLOTS	256
/* Objects the cross-CPU threads allocate or free between two waits. */
#define BENCH_PAIR_BURST	32

/* === The two sides === */

/*
 * @mm is a constant at every call site, so each loop below is compiled
 * twice with no branch and no indirect call inside; @cache is a
 * struct mmlab_kmem_cache for mmlab and a struct kmem_cache for the kernel.
 */
static __always_inline void *side_cache_alloc(bool mm, void *cache)
{
	return mm ? mmlab_kmem_cache_alloc(cache, BENCH_GFP) :
		    kmem_cache_alloc(cache, BENCH_GFP);
}

static __always_inline void side_cache_free(bool mm, void *cache, void *obj)
{
	if (mm)
		mmlab_kmem_cache_free(cache, obj);
	else
		kmem_cache_free(cache, obj);
}

static __always_inline void *side_kmalloc(bool mm, size_t size)
{
	return mm ? mmlab_kmalloc(size, BENCH_GFP) : kmalloc(size, BENCH_GFP);
}

static __always_inline void side_kfree(bool mm, void *obj)
{
	if (mm)
		mmlab_kfree(obj);
	else
		kfree(obj);
}

/* === Caches of the cases === */

/*
 * A cache of @size bytes on one side, with the same name, alignment (0: the
 * allocator's own, a word at least) and flags (none: mmlab's debug options
 * off, and no SLAB_HWCACHE_ALIGN) on both. The kernel may merge its cache
 * with another of the same size (slab_merge, on in Debian): that is how its
 * callers get it too.
 */
static void *cache_create(bool mm, unsigned int size)
{
	char name[24];
	void *cache;

	snprintf(name, sizeof(name), "mmlab_bench-%u", size);
	if (mm)
		cache = mmlab_kmem_cache_create(name, size, 0, 0, NULL);
	else
		cache = kmem_cache_create(name, size, 0, 0, NULL);
	return cache ? cache : ERR_PTR(-ENOMEM);
}

static void cache_destroy(bool mm, void *cache)
{
	if (mm)
		mmlab_kmem_cache_destroy(cache);
	else
		kmem_cache_destroy(cache);
}

/* prepare/finish of slab_cache: a cache of the case's object size. */
static void *prepare_size(bool mm, int param)
{
	return cache_create(mm, param);
}

/* prepare/finish of slab_batch: a cache of 64-byte objects whatever N. */
static void *prepare_batch(bool mm, int param)
{
	return cache_create(mm, BENCH_SLAB_OBJ);
}

static void finish_cache(bool mm, int param, void *priv)
{
	cache_destroy(mm, priv);
}

/* === Fast path bodies === */

static __always_inline void cache_round_trip(struct bench_ctx *c,
					     struct bench_time *t, bool mm)
{
	unsigned long i, failed = 0;
	void *cache = c->priv;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < c->loops; i++) {
		void *obj = side_cache_alloc(mm, cache);

		if (unlikely(!obj)) {
			failed++;
			continue;
		}
		side_cache_free(mm, cache, obj);
	}
	bench_stop(t, &st);
	t->ops += c->loops;
	t->failed += failed;
}

/* kmem_cache_alloc + kmem_cache_free of one object, again and again. */
static void body_cache(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		cache_round_trip(c, t, true);
	else
		cache_round_trip(c, t, false);
}

static __always_inline void kmalloc_round_trip(struct bench_ctx *c,
					       struct bench_time *t, bool mm)
{
	unsigned long i, failed = 0;
	size_t size = c->param;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < c->loops; i++) {
		void *obj = side_kmalloc(mm, size);

		if (unlikely(!obj)) {
			failed++;
			continue;
		}
		side_kfree(mm, obj);
	}
	bench_stop(t, &st);
	t->ops += c->loops;
	t->failed += failed;
}

/*
 * kmalloc + kfree of @param bytes. The size is not a compile-time constant
 * on either side, so the kernel's kmalloc() finds the class at run time
 * (__kmalloc()) as mmlab_kmalloc() does.
 */
static void body_kmalloc(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		kmalloc_round_trip(c, t, true);
	else
		kmalloc_round_trip(c, t, false);
}

static __always_inline void cache_batch(struct bench_ctx *c, struct bench_time *t,
					bool mm)
{
	unsigned long n = c->param, rounds = max(c->loops / n, 1UL);
	unsigned long i, j, failed = 0;
	/* The scratch array of pages holds objects here. */
	void **objs = (void **)c->pages;
	void *cache = c->priv;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < rounds; i++) {
		for (j = 0; j < n; j++) {
			objs[j] = side_cache_alloc(mm, cache);
			failed += !objs[j];
		}
		for (j = 0; j < n; j++) {
			if (likely(objs[j]))
				side_cache_free(mm, cache, objs[j]);
		}
	}
	bench_stop(t, &st);
	t->ops += rounds * n;
	t->failed += failed;
}

/* Allocate @param 64-byte objects, then free them all; cost per object. */
static void body_batch(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		cache_batch(c, t, true);
	else
		cache_batch(c, t, false);
}

/* === Cross-CPU: allocated on one CPU, freed on the other === */

/**
 * struct bench_ring - objects passed from one CPU to another.
 * @slot:	the objects in flight; slot i % BENCH_RING_SLOTS.
 * @head:	objects put in so far (written by the producer only).
 * @tail:	objects taken out so far (written by the consumer only).
 *
 * A single-producer single-consumer ring: the producer publishes a slot
 * with a release store of @head, the consumer gives it back with a release
 * store of @tail. Each side of a run passes the same number of objects, so
 * the ring is empty between runs.
 */
struct bench_ring {
	void *slot[BENCH_RING_SLOTS];
	unsigned long head ____cacheline_aligned_in_smp;
	unsigned long tail ____cacheline_aligned_in_smp;
};

/**
 * struct bench_pair - what the two threads of a slab_cross_cpu run share.
 * @cache:	the cache of the case (mmlab's or the kernel's).
 * @ring:	the objects from thread 0 to thread 1.
 */
struct bench_pair {
	void *cache;
	struct bench_ring ring;
};

static void *prepare_pair(bool mm, int param)
{
	struct bench_pair *pair = kzalloc(sizeof(*pair), GFP_KERNEL);

	if (!pair)
		return ERR_PTR(-ENOMEM);
	pair->cache = cache_create(mm, param);
	if (IS_ERR(pair->cache)) {
		kfree(pair);
		return ERR_PTR(-ENOMEM);
	}
	return pair;
}

static void finish_pair(bool mm, int param, void *priv)
{
	struct bench_pair *pair = priv;

	cache_destroy(mm, pair->cache);
	kfree(pair);
}

/* Wait, untimed, until @cond holds (the other CPU's thread moves on). */
#define pair_wait(cond)				\
	do {					\
		while (!(cond)) {		\
			cpu_relax();		\
			cond_resched();		\
		}				\
	} while (0)

/*
 * Thread 0: allocate @loops objects into the ring, BENCH_PAIR_BURST at a
 * time; only the allocations are timed, not the wait for room in the ring.
 * A failed allocation goes in as NULL, so that both threads count alike.
 */
static __always_inline void pair_produce(struct bench_ctx *c, struct bench_time *t,
					 bool mm)
{
	struct bench_pair *pair = c->priv;
	struct bench_ring *r = &pair->ring;
	unsigned long i, j, n, head = r->head, failed = 0;
	struct bench_stamp st;

	for (i = 0; i < c->loops; i += n) {
		n = min(c->loops - i, (unsigned long)BENCH_PAIR_BURST);
		/* Pairs with the consumer's release: its frees of those slots are done. */
		pair_wait(head + n - smp_load_acquire(&r->tail) <= BENCH_RING_SLOTS);
		bench_start(&st);
		for (j = 0; j < n; j++) {
			void *obj = side_cache_alloc(mm, pair->cache);

			failed += !obj;
			r->slot[(head + j) % BENCH_RING_SLOTS] = obj;
		}
		bench_stop(t, &st);
		head += n;
		/* Publish the slots: pairs with the consumer's acquire of head. */
		smp_store_release(&r->head, head);
	}
	/* Half the pair's operations: see body_cross_cpu(). */
	t->ops += c->loops / 2;
	t->failed += failed;
}

/* Thread 1: take @loops objects out of the ring, in the same bursts, and free them. */
static __always_inline void pair_consume(struct bench_ctx *c, struct bench_time *t,
					 bool mm)
{
	struct bench_pair *pair = c->priv;
	struct bench_ring *r = &pair->ring;
	unsigned long i, j, n, tail = r->tail;
	struct bench_stamp st;

	for (i = 0; i < c->loops; i += n) {
		n = min(c->loops - i, (unsigned long)BENCH_PAIR_BURST);
		/* Pairs with the producer's release: the slots hold its objects. */
		pair_wait(smp_load_acquire(&r->head) - tail >= n);
		bench_start(&st);
		for (j = 0; j < n; j++) {
			void *obj = r->slot[(tail + j) % BENCH_RING_SLOTS];

			if (likely(obj))
				side_cache_free(mm, pair->cache, obj);
		}
		bench_stop(t, &st);
		tail += n;
		/* Give the slots back: pairs with the producer's acquire of tail. */
		smp_store_release(&r->tail, tail);
	}
	t->ops += c->loops / 2;
}

/*
 * The two threads of a run (.nr_threads = 2): thread 0 allocates, thread 1
 * frees what thread 0 allocated, at once on their two CPUs, in bursts
 * through the ring. Each times only its own bursts, not its waits for the
 * other (on a loaded host a vCPU may wait for the other to be scheduled at
 * all), and counts half of the @loops objects as its operations: the
 * per-operation cost, averaged over the two threads by the runner, is then
 * the sum, one allocation on CPU 0 plus one free on CPU 1 per object.
 */
static void body_cross_cpu(struct bench_ctx *c, struct bench_time *t)
{
	if (c->thread == 0) {
		if (c->mmlab)
			pair_produce(c, t, true);
		else
			pair_produce(c, t, false);
	} else {
		if (c->mmlab)
			pair_consume(c, t, true);
		else
			pair_consume(c, t, false);
	}
}

/* === Memory: bytes reserved per object of each kmalloc class === */

static const int kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192
};

/*
 * mmlab's real layout of each kmalloc class, read from the cache that an
 * mmlab_kmalloc() of the class's size comes from: its slabs' pages and
 * objects, and what each slab costs besides its pages (the descriptor from
 * the kernel's kmalloc, plus an off-slab freelist from mmlab's own). The
 * native figures come from /proc/slabinfo, joined by tools/bench/run.sh.
 */
static int report_slab_memory(const struct bench_scenario *s)
{
	unsigned int i;

	pr_info("header %s class,mmlab_objsize,mmlab_stride,mmlab_objperslab,mmlab_pagesperslab,mmlab_freelist,mmlab_desc_bytes,mmlab_bytes_per_obj\n",
		s->name);
	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		struct mmlab_kmem_cache *cachep;
		struct mmlab_slab *slab;
		size_t desc, slab_bytes;
		bool off;
		u64 milli;
		void *obj;

		obj = mmlab_kmalloc(kmalloc_sizes[i], BENCH_GFP);
		if (!obj)
			return -ENOMEM;
		slab = mmlab_virt_to_slab(obj, NULL);
		if (!slab) {
			mmlab_kfree(obj);
			return -ENOENT;
		}
		cachep = slab->cache;
		off = cachep->flags & MMLAB_CFLGS_OFF_SLAB;
		desc = ksize(slab) + (off ? mmlab_ksize(slab->freelist) : 0);
		slab_bytes = PAGE_SIZE << cachep->gfporder;
		milli = div_u64((u64)(slab_bytes + desc) * 1000, cachep->num);
		pr_info("csv %s %s,%u,%u,%u,%u,%s,%zu,%s\n", s->name, cachep->name,
			cachep->object_size, cachep->size, cachep->num,
			1U << cachep->gfporder, off ? "off" : "on", desc,
			bench_milli(0, milli));
		mmlab_kfree(obj);
	}
	return 0;
}

/* === The parts of mmlab's fast path, timed one by one === */

/* A lock of the kind that guards an array cache, for slab_parts. */
static DEFINE_SPINLOCK(part_lock);

/* Print the row @part of slab_parts: @n steps since @t0. */
static void part_print(const struct bench_scenario *s, const char *part,
		       u64 t0, unsigned long n)
{
	u64 ns = ktime_get_ns() - t0;

	pr_info("csv %s %s,%s\n", s->name, part,
		bench_milli(0, div64_u64(ns * 1000, n)));
}

/* Time @loops runs of @stmt and print the row @part of slab_parts. */
#define PART_TIME(s, part, loops, stmt)			\
	do {						\
		unsigned long __i, __n = (loops);	\
		u64 __t0 = ktime_get_ns();		\
							\
		for (__i = 0; __i < __n; __i++) {	\
			stmt;				\
			barrier();			\
		}					\
		part_print(s, part, __t0, __n);		\
	} while (0)

/*
 * Allocations and frees of @cache in bursts of 32, each burst timed: the
 * per-object cost of an allocation and of a free apart.
 */
static __always_inline void split_round_trip(const struct bench_scenario *s,
					     bool mm, void *cache, unsigned long rounds)
{
	u64 ta = 0, tf = 0, t0;
	unsigned long r, k;
	void *v[32];

	for (r = 0; r < rounds; r++) {
		t0 = ktime_get_ns();
		for (k = 0; k < ARRAY_SIZE(v); k++)
			v[k] = side_cache_alloc(mm, cache);
		ta += ktime_get_ns() - t0;
		t0 = ktime_get_ns();
		for (k = 0; k < ARRAY_SIZE(v); k++)
			if (v[k])
				side_cache_free(mm, cache, v[k]);
		tf += ktime_get_ns() - t0;
	}
	rounds *= ARRAY_SIZE(v);
	pr_info("csv %s %s_alloc,%s\n", s->name, mm ? "mmlab" : "native",
		bench_milli(0, div64_u64(ta * 1000, rounds)));
	pr_info("csv %s %s_free,%s\n", s->name, mm ? "mmlab" : "native",
		bench_milli(0, div64_u64(tf * 1000, rounds)));
}

/*
 * What mmlab's kmem_cache_alloc() and kmem_cache_free() of a 64-byte
 * object spend their time on: the two halves of the round trip on each
 * side, then each step of mmlab's fast path alone, in a loop of `loops`
 * (ns per step, the loop and a compiler barrier included): the full slab
 * lookup of an untrusted pointer, its two parts (virt_addr_valid() and the
 * pool's section lookup in its flat table), the interrupts-off
 * array cache lock, the object map's atomic bit operations, the index
 * division and the failslab test. Where the goal is missed, this says why.
 */
static int report_slab_parts(const struct bench_scenario *s)
{
	struct mmlab_kmem_cache *mc;
	unsigned long flags, bits = 0;
	struct kmem_cache *nc;
	struct mmlab_slab *slab;
	unsigned long sink = 0;
	void *obj;
	int ret = 0;

	mc = cache_create(true, BENCH_SLAB_OBJ);
	if (IS_ERR(mc))
		return PTR_ERR(mc);
	nc = cache_create(false, BENCH_SLAB_OBJ);
	if (IS_ERR(nc)) {
		ret = PTR_ERR(nc);
		goto out_mc;
	}
	obj = mmlab_kmem_cache_alloc(mc, BENCH_GFP);
	slab = obj ? mmlab_virt_to_slab(obj, NULL) : NULL;
	if (!slab) {
		ret = -ENOMEM;
		goto out;
	}

	pr_info("header %s part,ns_per_op\n", s->name);
	split_round_trip(s, true, mc, max(bench_loops / 32, 1U));
	split_round_trip(s, false, nc, max(bench_loops / 32, 1U));
	PART_TIME(s, "mmlab_virt_to_slab", bench_loops,
		  sink += (unsigned long)mmlab_virt_to_slab(obj, NULL));
	PART_TIME(s, "virt_addr_valid", bench_loops, sink += virt_addr_valid(obj));
	PART_TIME(s, "pool_section_lookup", bench_loops,
		  sink += (unsigned long)pfn_to_section(PHYS_PFN(__pa(obj))));
	PART_TIME(s, "irq_off_spin_lock", bench_loops, {
		local_irq_save(flags);
		spin_lock(&part_lock);
		spin_unlock(&part_lock);
		local_irq_restore(flags);
	});
	PART_TIME(s, "set_bit_test_and_clear_bit", bench_loops, {
		set_bit(3, &bits);
		sink += test_and_clear_bit(3, &bits);
	});
	PART_TIME(s, "mmlab_obj_to_index", bench_loops,
		  sink += mmlab_obj_to_index(mc, slab, obj));
	PART_TIME(s, "mmlab_should_fail", bench_loops,
		  sink += mmlab_should_fail(&mmlab_failslab, BENCH_SLAB_OBJ));
	PART_TIME(s, "ktime_get_ns", bench_loops, sink += ktime_get_ns());
	pr_info("info %s sink=%lu\n", s->name, sink & 1);
out:
	mmlab_kmem_cache_free(mc, obj);
	cache_destroy(false, nc);
out_mc:
	cache_destroy(true, mc);
	return ret;
}

/**
 * bench_slab_print_options() - print mmlab's slab debug flags in effect.
 *
 * The flags of the kmalloc-64 cache: those the slab_debug parameter of
 * mmlab.ko adds to every cache (red zone, poison, owner track, consistency
 * checks), 0 when the timed runs are free of them.
 */
void bench_slab_print_options(void)
{
	struct mmlab_slab *slab;
	void *obj;

	obj = mmlab_kmalloc(BENCH_SLAB_OBJ, BENCH_GFP);
	slab = obj ? mmlab_virt_to_slab(obj, NULL) : NULL;
	if (slab)
		pr_info("info options mmlab_slab_debug=%#x\n",
			(__force unsigned int)(slab->cache->flags & MMLAB_SLAB_DEBUG_FLAGS));
	else
		pr_info("info options mmlab_slab_debug=unknown\n");
	mmlab_kfree(obj);
}

/* === Scenarios === */

static const int obj_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096
};

static const int batch_sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
static const int pair_sizes[] = { BENCH_SLAB_OBJ };

const struct bench_scenario bench_slab_scenarios[] = {
	{ "slab_cache", "kmem_cache_alloc+kmem_cache_free round trip per object size",
	  "size", obj_sizes, ARRAY_SIZE(obj_sizes), NULL, body_cache,
	  .prepare = prepare_size, .finish = finish_cache, .loops_div = 2 },
	{ "kmalloc", "kmalloc+kfree round trip per size class", "size",
	  kmalloc_sizes, ARRAY_SIZE(kmalloc_sizes), NULL, body_kmalloc,
	  .loops_div = 2 },
	{ "slab_batch", "allocate N 64-byte objects, then free N; per object", "n",
	  batch_sizes, ARRAY_SIZE(batch_sizes), NULL, body_batch,
	  .prepare = prepare_batch, .finish = finish_cache, .loops_div = 2 },
	{ "slab_cross_cpu", "allocated on CPU 0, freed on CPU 1; per object", "size",
	  pair_sizes, ARRAY_SIZE(pair_sizes), NULL, body_cross_cpu,
	  .prepare = prepare_pair, .finish = finish_pair, .nr_threads = 2 },
	{ "slab_memory", "bytes reserved per object of each kmalloc class", NULL,
	  NULL, 0, NULL, NULL, report_slab_memory },
	{ "slab_parts", "the steps of mmlab's slab fast path, timed one by one", NULL,
	  NULL, 0, NULL, NULL, report_slab_parts },
};

const unsigned int bench_slab_nr_scenarios = ARRAY_SIZE(bench_slab_scenarios);
