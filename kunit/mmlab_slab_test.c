// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for mmlab's slab allocator and kmalloc, checked against the
 * kernel's own kmalloc() and kmem_cache (SLUB in the test kernel), the rules
 * of mm/slab.c, and the scenarios of lib/slub_kunit.c and lib/test_meminit.c.
 *
 * Every case creates the caches it needs and destroys them, and frees what
 * it allocated, so the suites run in any order.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/workqueue.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "buddy.h"
#include "console_reports.h"
#include "mmlab.h"
#include "pool.h"
#include "slab.h"
#include "validate.h"

/* Largest size the kmalloc sweep tries: beyond two pages. */
#define SWEEP_MAX	(3 * PAGE_SIZE + 1)

/* === Console reports === */

static int slab_suite_init(struct kunit_suite *suite)
{
	console_reports_start("BUG mmlab-");
	return 0;
}

static void slab_suite_exit(struct kunit_suite *suite)
{
	console_reports_stop();
}

/* === Helpers === */

/* The alignment the native kmalloc() guarantees for @size bytes. */
static unsigned long kmalloc_guarantee(size_t size)
{
	if (is_power_of_2(size))
		return min_t(size_t, size, PAGE_SIZE);
	return ARCH_KMALLOC_MINALIGN;
}

static struct mmlab_kmem_cache *create_cache(struct kunit *test,
					     const char *name, unsigned int size,
					     unsigned int align, slab_flags_t flags,
					     void (*ctor)(void *))
{
	struct mmlab_kmem_cache *c = mmlab_kmem_cache_create(name, size, align,
							     flags, ctor);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

static unsigned long slabs_on(struct mmlab_kmem_cache *c, enum mmlab_slab_list l)
{
	unsigned long flags, n;

	spin_lock_irqsave(&c->list_lock, flags);
	n = c->nr_slabs[l];
	spin_unlock_irqrestore(&c->list_lock, flags);
	return n;
}

static void expect_lists(struct kunit *test, struct mmlab_kmem_cache *c,
			 unsigned long full, unsigned long partial,
			 unsigned long free, int step)
{
	KUNIT_EXPECT_EQ_MSG(test, slabs_on(c, MMLAB_SLABS_FULL), full, "step %d", step);
	KUNIT_EXPECT_EQ_MSG(test, slabs_on(c, MMLAB_SLABS_PARTIAL), partial,
			    "step %d", step);
	KUNIT_EXPECT_EQ_MSG(test, slabs_on(c, MMLAB_SLABS_FREE), free, "step %d", step);
}

static void expect_valid(struct kunit *test)
{
	struct mmlab_validate *v = kzalloc(sizeof(*v), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ_MSG(test, mmlab_validate(v), 0, "%s", v->msg);
	kfree(v);
}

static unsigned long errors_of(struct mmlab_kmem_cache *c)
{
	return mmlab_slab_stat(c, MMLAB_SLAB_ERRORS);
}

/* === kmalloc compared with the native one === */

/* ksize() of every size equals the native kmalloc_size_roundup(). */
static void kmalloc_ksize_test(struct kunit *test)
{
	size_t n;

	for (n = 1; n <= SWEEP_MAX; n++) {
		void *p = mmlab_kmalloc(n, GFP_KERNEL);
		void *q = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_ASSERT_NOT_NULL(test, q);
		KUNIT_EXPECT_EQ_MSG(test, mmlab_ksize(p), kmalloc_size_roundup(n),
				    "size %zu", n);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p,
						       kmalloc_guarantee(n)),
				      "size %zu: %p", n, p);
		/* The guarantee is the native one: kmalloc() keeps it too. */
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)q,
						       kmalloc_guarantee(n)),
				      "native size %zu: %p", n, q);
		/* The whole usable size is ours to write. */
		memset(p, 0x5a, mmlab_ksize(p));
		kfree(q);
		mmlab_kfree(p);
		if (test->status == KUNIT_FAILURE)
			break;
		/* Thousands of rounds: let others run (no RCU stall under TCG). */
		cond_resched();
	}
}

/* 0 bytes gives ZERO_SIZE_PTR, more than KMALLOC_MAX_SIZE gives NULL. */
static void kmalloc_edges_test(struct kunit *test)
{
	void *p, *q;

	p = mmlab_kmalloc(0, GFP_KERNEL);
	q = kmalloc(0, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, p, q);
	KUNIT_EXPECT_PTR_EQ(test, p, ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, mmlab_ksize(p), ksize(q));
	mmlab_kfree(p);
	kfree(q);
	mmlab_kfree(NULL);

	q = kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL(test, q);
	p = mmlab_kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL(test, p);
	p = mmlab_kmalloc(SIZE_MAX, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL(test, p);

	/* Above the largest class: whole pages from the buddy allocator. */
	p = mmlab_kmalloc(2 * PAGE_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(p));
	KUNIT_EXPECT_TRUE(test, mmlab_pfn_in_pool(PHYS_PFN(__pa(p))));
	KUNIT_EXPECT_EQ(test, mmlab_ksize(p), 4 * PAGE_SIZE);
	mmlab_kfree(p);
}

/* krealloc keeps the contents, as the native one. */
static void krealloc_test(struct kunit *test)
{
	static const size_t sizes[] = { 24, 100, 1000, 5000, 20000, 10 };
	u8 *p = NULL, *q = NULL, *np, *nq;
	size_t i, j, have = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		np = mmlab_krealloc(p, sizes[i], GFP_KERNEL);
		nq = krealloc(q, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, np);
		KUNIT_ASSERT_NOT_NULL(test, nq);
		/* In place exactly when the native one is (same size classes). */
		KUNIT_EXPECT_EQ_MSG(test, np == p, nq == q, "to %zu", sizes[i]);
		for (j = 0; j < min(have, sizes[i]); j++)
			if (np[j] != (u8)(j * 7)) {
				KUNIT_FAIL(test, "to %zu: byte %zu lost", sizes[i], j);
				break;
			}
		for (j = 0; j < sizes[i]; j++) {
			np[j] = (u8)(j * 7);
			nq[j] = np[j];
		}
		have = sizes[i];
		p = np;
		q = nq;
	}
	KUNIT_EXPECT_PTR_EQ(test, mmlab_krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, krealloc(q, 0, GFP_KERNEL), ZERO_SIZE_PTR);
}

/* lib/test_meminit.c do_kmalloc_size(): kzalloc memory is zero, even reused. */
static void kzalloc_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < 20; i++) {
		size_t size = 1UL << i;
		u8 *p = mmlab_kmalloc(size, GFP_KERNEL);
		u8 *q;

		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, 0xa5, size);
		mmlab_kfree(p);
		q = mmlab_kzalloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(q, 0, size), "size %zu", size);
		mmlab_kfree(q);
		p = kzalloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(p, 0, size), "native %zu", size);
		kfree(p);
	}
}

/* === Caches compared with the native kmem_cache === */

#define CTOR_PATTERN	0x41414141
static atomic_t ctor_calls = ATOMIC_INIT(0);

static void test_ctor(void *obj)
{
	*(unsigned int *)obj = CTOR_PATTERN;
	atomic_inc(&ctor_calls);
}

static void native_ctor(void *obj)
{
	*(unsigned int *)obj = CTOR_PATTERN;
}

/*
 * lib/test_meminit.c do_kmem_cache_size(): with a constructor the first
 * word always holds its pattern; with __GFP_ZERO the object is zero. The
 * constructor runs when a slab is populated, never on an allocation.
 */
static void cache_ctor_zero_test(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 64, 200, 1000, 4096 };
	unsigned int i, iter;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int size = sizes[i];
		struct mmlab_kmem_cache *c, *z;
		struct kmem_cache *nc, *nz;
		u8 *p, *q;

		atomic_set(&ctor_calls, 0);
		c = create_cache(test, "test_ctor", size, 1, 0, test_ctor);
		z = create_cache(test, "test_zero", size, 1, 0, NULL);
		nc = kmem_cache_create("test_ctor_native", size, 1, 0, native_ctor);
		nz = kmem_cache_create("test_zero_native", size, 1, 0, NULL);
		KUNIT_ASSERT_NOT_NULL(test, nc);
		KUNIT_ASSERT_NOT_NULL(test, nz);
		for (iter = 0; iter < 10; iter++) {
			p = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
			q = kmem_cache_alloc(nc, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, p);
			KUNIT_ASSERT_NOT_NULL(test, q);
			KUNIT_EXPECT_EQ(test, *(unsigned int *)p, CTOR_PATTERN);
			KUNIT_EXPECT_EQ(test, *(unsigned int *)q, CTOR_PATTERN);
			memset(p + 4, 0xa5, size - 4);
			memset(q + 4, 0xa5, size - 4);
			mmlab_kmem_cache_free(c, p);
			kmem_cache_free(nc, q);

			p = mmlab_kmem_cache_alloc(z, GFP_KERNEL | __GFP_ZERO);
			q = kmem_cache_alloc(nz, GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, p);
			KUNIT_ASSERT_NOT_NULL(test, q);
			KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, size));
			KUNIT_EXPECT_NULL(test, memchr_inv(q, 0, size));
			memset(p, 0xa5, size);
			memset(q, 0xa5, size);
			mmlab_kmem_cache_free(z, p);
			kmem_cache_free(nz, q);
		}
		/* One slab populated, for the first allocation only. */
		KUNIT_EXPECT_EQ(test, mmlab_slab_stat(c, MMLAB_SLAB_GROW), 1UL);
		KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)c->num);
		mmlab_kmem_cache_destroy(c);
		mmlab_kmem_cache_destroy(z);
		kmem_cache_destroy(nc);
		kmem_cache_destroy(nz);
	}
}

/* === The slab layer === */

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Objects never overlap and stay inside their slab (and off its freelist). */
static void no_overlap_test(struct kunit *test)
{
	static const struct {
		unsigned int size, align;
		slab_flags_t flags;
	} shapes[] = {
		{ 8, 0, 0 }, { 24, 0, 0 }, { 100, 0, SLAB_HWCACHE_ALIGN },
		{ 200, 0, 0 }, { 300, 64, 0 }, { 1100, 0, 0 }, { 3000, 0, 0 },
		{ 64, 0, SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER },
	};
	unsigned int s;

	for (s = 0; s < ARRAY_SIZE(shapes); s++) {
		struct mmlab_kmem_cache *c;
		unsigned long *objs;
		unsigned int i, nr;

		c = create_cache(test, "test_overlap", shapes[s].size,
				 shapes[s].align, shapes[s].flags, NULL);
		nr = 3 * c->num + 1;
		objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs);
		for (i = 0; i < nr; i++) {
			struct mmlab_slab *slab;
			unsigned long start, end;
			void *p = mmlab_kmem_cache_alloc(c, GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, p);
			objs[i] = (unsigned long)p;
			slab = mmlab_virt_to_slab(p, NULL);
			KUNIT_ASSERT_NOT_NULL(test, slab);
			KUNIT_EXPECT_PTR_EQ(test, slab->cache, c);
			start = (unsigned long)page_address(slab->page);
			end = start + (PAGE_SIZE << c->gfporder);
			if (!(c->flags & MMLAB_CFLGS_OFF_SLAB))
				end = (unsigned long)slab->freelist;
			KUNIT_EXPECT_GE(test, objs[i] - c->red_left_pad, start);
			KUNIT_EXPECT_LE(test, objs[i] + c->size - c->red_left_pad, end);
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED(objs[i], c->align));
			memset(p, 0x3c, c->object_size);
			cond_resched();
		}
		sort(objs, nr, sizeof(*objs), cmp_ptr, NULL);
		for (i = 1; i < nr; i++)
			KUNIT_EXPECT_GE_MSG(test, objs[i] - objs[i - 1],
					    (unsigned long)c->size, "shape %u", s);
		expect_valid(test);
		for (i = 0; i < nr; i++)
			mmlab_kmem_cache_free(c, (void *)objs[i]);
		KUNIT_EXPECT_EQ(test, errors_of(c), 0UL);
		mmlab_kmem_cache_destroy(c);
	}
}

/*
 * slabs_full, slabs_partial and slabs_free as objects come and go one by
 * one: after each step the array caches are drained, so each slab's in-use
 * count is exactly the objects allocated from it.
 */
static void list_transitions_test(struct kunit *test)
{
	struct mmlab_kmem_cache *c = create_cache(test, "test_lists", 64, 0, 0, NULL);
	unsigned int n = c->num, i;
	void **objs;

	objs = kunit_kcalloc(test, 2 * n + 1, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	expect_lists(test, c, 0, 0, 0, 0);

	/* The first allocation moves a batch (or the whole slab) out of it. */
	objs[0] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	KUNIT_EXPECT_EQ(test, mmlab_virt_to_slab(objs[0], NULL)->active,
			min(c->batchcount, n));
	mmlab_kmem_cache_drain(c);
	expect_lists(test, c, 0, 1, 0, 1);

	for (i = 1; i < 2 * n + 1; i++) {
		objs[i] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		mmlab_kmem_cache_drain(c);
		expect_lists(test, c, (i + 1) / n, (i + 1) % n ? 1 : 0, 0, i + 1);
	}
	expect_valid(test);
	/* Freed newest first: the third slab empties, then the second. */
	for (i = 2 * n + 1; i-- > 0;) {
		unsigned int held = i;	/* objects still allocated after this free */

		mmlab_kmem_cache_free(c, objs[i]);
		mmlab_kmem_cache_drain(c);
		expect_lists(test, c, held / n, held % n ? 1 : 0,
			     3 - held / n - (held % n ? 1 : 0), 1000 + i);
	}
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_shrink(c), 0);
	expect_lists(test, c, 0, 0, 0, 2000);
	KUNIT_EXPECT_EQ(test, errors_of(c), 0UL);
	mmlab_kmem_cache_destroy(c);
}

/*
 * Successive slabs start their first object colour_off bytes further, up
 * to colour - 1 steps, then again from 0 (cache_grow_begin()); the number
 * of colours is the slab's leftover / colour_off.
 */
static void colour_test(struct kunit *test)
{
	struct mmlab_kmem_cache *c = create_cache(test, "test_colour", 1100, 0, 0, NULL);
	unsigned int i, grown = 0, want = 0;
	size_t left;
	void **objs;

	left = (PAGE_SIZE << c->gfporder) - c->num * c->size -
	       (c->flags & MMLAB_CFLGS_OFF_SLAB ? 0 : c->freelist_size);
	KUNIT_EXPECT_EQ(test, c->colour, (unsigned int)(left / c->colour_off));
	KUNIT_ASSERT_GE(test, c->colour, 2U);
	objs = kunit_kcalloc(test, (c->colour + 2) * c->num, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < (c->colour + 2) * c->num; i++) {
		unsigned long before = mmlab_slab_stat(c, MMLAB_SLAB_GROW);
		struct mmlab_slab *slab;

		objs[i] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		if (mmlab_slab_stat(c, MMLAB_SLAB_GROW) == before)
			continue;
		slab = mmlab_virt_to_slab(objs[i], NULL);
		KUNIT_EXPECT_EQ_MSG(test, slab->colour_off, want * c->colour_off,
				    "slab %u", grown);
		KUNIT_EXPECT_PTR_EQ(test, slab->s_mem,
				    page_address(slab->page) + slab->colour_off);
		want = (want + 1) % c->colour;
		grown++;
	}
	KUNIT_EXPECT_GE(test, grown, c->colour + 1);
	for (i = 0; i < (c->colour + 2) * c->num; i++)
		mmlab_kmem_cache_free(c, objs[i]);
	mmlab_kmem_cache_destroy(c);
}

/* Free pages of the pool: on the free lists and the per-CPU lists. */
static unsigned long pool_free_pages(void)
{
	struct mmlab_zone *zone;
	unsigned long n = 0, flags;

	for_each_populated_mmlab_zone(zone) {
		spin_lock_irqsave(&zone->lock, flags);
		n += zone->nr_free_pages;
		spin_unlock_irqrestore(&zone->lock, flags);
		n += mmlab_pcp_count(zone);
	}
	return n;
}

/* shrink gives free slabs back to the buddy; its free lists show them. */
static void shrink_test(struct kunit *test)
{
	struct mmlab_kmem_cache *c = create_cache(test, "test_shrink", 512, 0, 0, NULL);
	unsigned long *pfns, before, slabs;
	unsigned int i, nr = 4 * c->num;
	void **objs;

	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	pfns = kunit_kcalloc(test, nr, sizeof(*pfns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_NOT_NULL(test, pfns);
	for (i = 0; i < nr; i++) {
		objs[i] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		pfns[i] = mmlab_virt_to_slab(objs[i], NULL)->pfn;
	}
	for (i = 0; i < nr; i++)
		mmlab_kmem_cache_free(c, objs[i]);
	mmlab_kmem_cache_drain(c);
	slabs = slabs_on(c, MMLAB_SLABS_FREE);
	KUNIT_EXPECT_EQ(test, slabs_on(c, MMLAB_SLABS_FULL) + slabs_on(c, MMLAB_SLABS_PARTIAL),
			0UL);
	KUNIT_EXPECT_GT(test, slabs, 0UL);
	before = pool_free_pages();
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_shrink(c), 0);
	KUNIT_EXPECT_EQ(test, slabs_on(c, MMLAB_SLABS_FREE), 0UL);
	KUNIT_EXPECT_EQ(test, pool_free_pages() - before, slabs << c->gfporder);
	mmlab_drain_all_pages();
	for (i = 0; i < nr; i++) {
		struct mmlab_page *mp = pfn_to_mpage_any(pfns[i]);

		/* The head of a free block, or inside one it merged into. */
		KUNIT_EXPECT_TRUE_MSG(test, mp->state == MMLAB_PAGE_BUDDY ||
				      mp->state == MMLAB_PAGE_TAIL,
				      "pfn 0x%lx: state %u", pfns[i], mp->state);
	}
	KUNIT_EXPECT_EQ(test, mmlab_slab_stat(c, MMLAB_SLAB_REAP),
			mmlab_slab_stat(c, MMLAB_SLAB_GROW));
	mmlab_kmem_cache_destroy(c);
}

/* The array cache is filled and flushed in batches, and holds at most limit. */
static void array_cache_test(struct kunit *test)
{
	struct mmlab_kmem_cache *c = create_cache(test, "test_array", 32, 0, 0, NULL);
	unsigned int nr = c->limit + c->batchcount, i, cpu;
	struct mmlab_array_cache *ac;
	void **objs;

	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < nr; i++) {
		objs[i] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	mmlab_kmem_cache_drain(c);
	/* Frees on one CPU: the array fills to limit, then flushes a batch. */
	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < nr; i++)
		mmlab_kmem_cache_free(c, objs[i]);
	ac = per_cpu_ptr(c->cpu_cache, cpu);
	KUNIT_EXPECT_EQ(test, ac->avail, nr - c->batchcount);
	KUNIT_EXPECT_EQ(test, mmlab_slab_stat(c, MMLAB_SLAB_FLUSH), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_slab_stat(c, MMLAB_SLAB_FREE_HIT),
			(unsigned long)nr - 1);
	/* The newest free is the next allocation. */
	objs[0] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, objs[0], objs[nr - 1]);
	migrate_enable();
	expect_valid(test);
	mmlab_kmem_cache_free(c, objs[0]);
	mmlab_kmem_cache_destroy(c);
}

/* Allocates and frees a few objects on the CPU it runs on (work_on_cpu()). */
static long fill_array_here(void *arg)
{
	struct mmlab_kmem_cache *c = arg;
	void *objs[5];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
		if (!objs[i])
			break;
	}
	while (i-- > 0)
		mmlab_kmem_cache_free(c, objs[i]);
	return 0;
}

/* A CPU going offline gives its array caches back to the slabs. */
static void hotplug_drain_test(struct kunit *test)
{
	struct mmlab_kmem_cache *c;
	struct mmlab_array_cache *ac;
	unsigned int cpu = cpumask_last(cpu_online_mask);
	int ret;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU))
		kunit_skip(test, "needs CONFIG_HOTPLUG_CPU");
	if (!cpu || num_online_cpus() < 2)
		kunit_skip(test, "needs a second online CPU");
	c = create_cache(test, "test_hotplug", 128, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fill_array_here, c), 0L);
	ac = per_cpu_ptr(c->cpu_cache, cpu);
	KUNIT_EXPECT_EQ(test, ac->avail, min(c->batchcount, c->num));
	KUNIT_EXPECT_EQ(test, slabs_on(c, MMLAB_SLABS_FREE), 0UL);

#ifdef CONFIG_HOTPLUG_CPU
	ret = remove_cpu(cpu);
#else
	ret = -EOPNOTSUPP;
#endif
	if (ret) {
		mmlab_kmem_cache_destroy(c);
		kunit_skip(test, "cpu %u cannot go offline: %d", cpu, ret);
	}
	KUNIT_EXPECT_EQ(test, ac->avail, 0U);
	expect_lists(test, c, 0, 0, 1, 0);
#ifdef CONFIG_HOTPLUG_CPU
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
#endif
	expect_valid(test);
	mmlab_kmem_cache_destroy(c);
}

/* === lib/slub_kunit.c on mmlab caches === */

static void clobber_zone_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestSlub_RZ_alloc", 64, 0,
						  SLAB_RED_ZONE, NULL);
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);
	char line[192];

	KUNIT_ASSERT_NOT_NULL(test, p);
	take_reports(line, sizeof(line));
	p[64] = 0x12;
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 2L);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_STREQ(test, line, "BUG mmlab-TestSlub_RZ_alloc: Right Redzone overwritten");
	/* Restored: the free finds the red zone intact. */
	mmlab_kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	mmlab_kmem_cache_destroy(s);
}

/*
 * SLUB's test_next_pointer() clobbers the free pointer kept in a free
 * object; mmlab's SLAB-like slabs keep their free objects in the slab's
 * freelist array instead, so the same damage is to a freelist entry: one
 * "Freechain corrupt" report and one fix (the freelist rebuilt from the
 * object map), then nothing.
 */
static void next_pointer_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestSlub_next_ptr_free", 64, 0,
						  SLAB_POISON, NULL);
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);
	struct mmlab_slab *slab;
	char line[192];

	KUNIT_ASSERT_NOT_NULL(test, p);
	slab = mmlab_virt_to_slab(p, NULL);
	mmlab_kmem_cache_free(s, p);
	mmlab_kmem_cache_drain(s);
	take_reports(line, sizeof(line));
	slab->freelist[slab->active] = s->num + 0x12;
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 2L);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "Freechain corrupt"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "BUG mmlab-TestSlub_next_ptr_free: "));
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0L);
	expect_valid(test);
	mmlab_kmem_cache_destroy(s);
}

static void first_word_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestSlub_1th_word_free", 64, 0,
						  SLAB_POISON, NULL);
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);
	char line[192];

	KUNIT_ASSERT_NOT_NULL(test, p);
	mmlab_kmem_cache_free(s, p);
	take_reports(line, sizeof(line));
	*p = 0x78;
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 2L);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_STREQ(test, line, "BUG mmlab-TestSlub_1th_word_free: Poison overwritten");
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0L);
	mmlab_kmem_cache_destroy(s);
}

static void clobber_50th_byte_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestSlub_50th_word_free", 64, 0,
						  SLAB_POISON, NULL);
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	mmlab_kmem_cache_free(s, p);
	p[50] = 0x9a;
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 2L);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	mmlab_kmem_cache_destroy(s);
}

static void clobber_redzone_free_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestSlub_RZ_free", 64, 0,
						  SLAB_RED_ZONE, NULL);
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	mmlab_kmem_cache_free(s, p);
	p[64] = 0xab;
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 2L);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	mmlab_kmem_cache_destroy(s);
}

/* The red zone damaged while allocated is found by the free itself. */
static void redzone_at_free_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestRZ_at_free", 24, 0,
						  SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);
	char line[192];

	KUNIT_ASSERT_NOT_NULL(test, p);
	take_reports(line, sizeof(line));
	p[-1] = 0;
	mmlab_kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_STREQ(test, line, "BUG mmlab-TestRZ_at_free: Left Redzone overwritten");
	/* The owner track names this function as the allocator and freer. */
	KUNIT_EXPECT_EQ(test, mmlab_slab_track(s, p, MMLAB_TRACK_ALLOC)->addr != 0, true);
	KUNIT_EXPECT_EQ(test, mmlab_slab_track(s, p, MMLAB_TRACK_FREE)->pid,
			current->pid);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0L);
	mmlab_kmem_cache_destroy(s);
}

/* Double free, a foreign pointer, a pointer inside an object, a wrong cache. */
static void bad_free_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s = create_cache(test, "TestBadFree", 64, 0, 0, NULL);
	struct mmlab_kmem_cache *o = create_cache(test, "TestOther", 64, 0, 0, NULL);
	unsigned long foreign = mmlab_slab_foreign_frees();
	u8 *p = mmlab_kmem_cache_alloc(s, GFP_KERNEL);
	u8 *q = mmlab_kmem_cache_alloc(s, GFP_KERNEL);
	u8 *native = kmalloc(64, GFP_KERNEL);
	char line[192];

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_NOT_NULL(test, native);
	take_reports(line, sizeof(line));

	mmlab_kmem_cache_free(s, p);
	mmlab_kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, errors_of(s), 1UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "BUG mmlab-TestBadFree: Object already free"));

	mmlab_kfree(native);
	KUNIT_EXPECT_EQ(test, mmlab_slab_foreign_frees(), foreign + 1);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "BUG mmlab-kfree: Invalid free"));
	/* The native object is untouched and still ours. */
	memset(native, 1, 64);
	kfree(native);

	mmlab_kmem_cache_free(s, q + 8);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	mmlab_kmem_cache_free(o, q);
	KUNIT_EXPECT_EQ(test, errors_of(o), 1UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 2);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "Wrong slab cache"));
	expect_valid(test);

	mmlab_kmem_cache_free(s, q);
	KUNIT_EXPECT_EQ(test, errors_of(s), 2UL);
	mmlab_kmem_cache_destroy(s);
	mmlab_kmem_cache_destroy(o);
}

static struct kunit_case kmalloc_cases[] = {
	KUNIT_CASE(kmalloc_ksize_test),
	KUNIT_CASE(kmalloc_edges_test),
	KUNIT_CASE(krealloc_test),
	KUNIT_CASE(kzalloc_test),
	KUNIT_CASE(cache_ctor_zero_test),
	{}
};

static struct kunit_suite kmalloc_suite = {
	.name = "mmlab_kmalloc",
	.test_cases = kmalloc_cases,
};

static struct kunit_case slab_cases[] = {
	KUNIT_CASE(no_overlap_test),
	KUNIT_CASE(list_transitions_test),
	KUNIT_CASE(colour_test),
	KUNIT_CASE(shrink_test),
	KUNIT_CASE(array_cache_test),
	KUNIT_CASE(hotplug_drain_test),
	{}
};

static struct kunit_suite slab_suite = {
	.name = "mmlab_slab",
	.test_cases = slab_cases,
};

static struct kunit_case slab_debug_cases[] = {
	KUNIT_CASE(clobber_zone_test),
	KUNIT_CASE(next_pointer_test),
	KUNIT_CASE(first_word_test),
	KUNIT_CASE(clobber_50th_byte_test),
	KUNIT_CASE(clobber_redzone_free_test),
	KUNIT_CASE(redzone_at_free_test),
	KUNIT_CASE(bad_free_test),
	{}
};

static struct kunit_suite slab_debug_suite = {
	.name = "mmlab_slab_debug",
	.suite_init = slab_suite_init,
	.suite_exit = slab_suite_exit,
	.test_cases = slab_debug_cases,
};

kunit_test_suites(&kmalloc_suite, &slab_suite, &slab_debug_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of mmlab's slab allocator and kmalloc");
MODULE_IMPORT_NS(MMLAB_INTERNAL);
