// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for mmlab's error paths: allocations made to fail by mmlab's
 * fault points (fail_page_alloc, failslab, fail_vmalloc) must give back
 * everything they took, and leave every invariant of the checker holding.
 *
 * Each case measures the pool's free pages (per-CPU lists drained, lazy
 * vmalloc areas purged) before and after the failing call, runs the
 * invariant checker, and counts the failures the fault point injected, so
 * that a case fails when the fault did not happen where it was aimed as
 * well as when the error path leaks.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "buddy.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"
#include "slab.h"
#include "validate.h"
#include "vmalloc.h"

/* === Helpers === */

/**
 * struct fault_saved - a fault point's knobs, to put back after a case.
 * @attr:	the point.
 * @probability: its probability.
 * @interval:	its interval.
 * @times:	its times.
 * @space:	its space.
 * @verbose:	its verbose.
 */
struct fault_saved {
	struct mmlab_fault_attr *attr;
	unsigned long probability, interval, verbose;
	int times, space;
};

static struct fault_saved saved[] = {
	{ .attr = &mmlab_fail_page_alloc },
	{ .attr = &mmlab_failslab },
	{ .attr = &mmlab_fail_vmalloc },
};

/*
 * Arm @attr: the next eligible call after @space bytes of requests fails,
 * @times times (-1: every one).
 */
static void arm(struct mmlab_fault_attr *attr, int space, int times)
{
	WRITE_ONCE(attr->verbose, 0);
	WRITE_ONCE(attr->interval, 1);
	atomic_set(&attr->space, space);
	atomic_set(&attr->times, times);
	WRITE_ONCE(attr->probability, 100);
}

static void disarm(struct mmlab_fault_attr *attr)
{
	WRITE_ONCE(attr->probability, 0);
}

/*
 * The pool's free pages once nothing is in flight: every cache shrunk
 * (per-CPU arrays drained, free slabs back in the buddy), lazy vmalloc
 * areas purged (their pages and empty page tables too) and every CPU's
 * lists drained into the free lists.
 */
static unsigned long settled_free_pages(void)
{
	struct mmlab_zone *zone;
	unsigned long sum = 0;

	mmlab_kmem_cache_shrink_all();
	mmlab_vmalloc_purge();
	mmlab_drain_all_pages();
	for_each_populated_mmlab_zone(zone)
		sum += READ_ONCE(zone->nr_free_pages);
	return sum;
}

static void expect_valid(struct kunit *test)
{
	struct mmlab_validate *v;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ_MSG(test, mmlab_validate(v), 0, "checker: %s", v->msg);
}

static int fault_test_init(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saved); i++) {
		struct mmlab_fault_attr *a = saved[i].attr;

		saved[i].probability = READ_ONCE(a->probability);
		saved[i].interval = READ_ONCE(a->interval);
		saved[i].verbose = READ_ONCE(a->verbose);
		saved[i].times = atomic_read(&a->times);
		saved[i].space = atomic_read(&a->space);
	}
	return 0;
}

static void fault_test_exit(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saved); i++) {
		struct mmlab_fault_attr *a = saved[i].attr;

		WRITE_ONCE(a->probability, 0);
		WRITE_ONCE(a->interval, saved[i].interval);
		WRITE_ONCE(a->verbose, saved[i].verbose);
		atomic_set(&a->times, saved[i].times);
		atomic_set(&a->space, saved[i].space);
		WRITE_ONCE(a->probability, saved[i].probability);
	}
}

/* === vmalloc === */

/* Pages of the area the vmalloc cases ask for: past one PTE table's 2 MiB. */
#define AREA_PAGES	600

/*
 * A vmalloc area whose page allocation fails after @param pages: 0 (the
 * first page), some pages, all pages but the first page table, and all
 * pages and the first page table but the second, when 512 PTEs are already
 * written. Whatever was allocated and mapped must be gone.
 */
static const unsigned int vmalloc_after[] = {
	0, 1, 100, AREA_PAGES - 1, AREA_PAGES, AREA_PAGES + 1,
};

static void vmalloc_after_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "fail after %u pages", *n);
}

KUNIT_ARRAY_PARAM(vmalloc_after, vmalloc_after, vmalloc_after_desc);

static void test_vmalloc_fails_after_n_pages(struct kunit *test)
{
	const unsigned int n = *(const unsigned int *)test->param_value;
	struct mmlab_fault_attr *attr = &mmlab_fail_page_alloc;
	unsigned long before, injected, fails, lazy_nr, lazy_max;
	unsigned long stats[MMLAB_NR_VSTATS];
	void *p;

	before = settled_free_pages();
	mmlab_vmalloc_stats(stats, &lazy_nr, &lazy_max);
	fails = stats[MMLAB_VSTAT_FAIL];
	injected = atomic_long_read(&attr->injected);

	/* n requests of one page pass: space must stay above PAGE_SIZE. */
	arm(attr, n * PAGE_SIZE + 1, 1);
	p = mmlab_vmalloc(AREA_PAGES * PAGE_SIZE);
	disarm(attr);
	if (p)
		mmlab_vfree(p);

	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&attr->injected), injected + 1);
	mmlab_vmalloc_stats(stats, &lazy_nr, &lazy_max);
	KUNIT_EXPECT_EQ(test, stats[MMLAB_VSTAT_FAIL], fails + 1);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
	expect_valid(test);

	/* And the window still works. */
	p = mmlab_vmalloc(AREA_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL(test, p);
	mmlab_vfree(p);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
}

/* fail_vmalloc refuses the area before anything is taken. */
static void test_vmalloc_area_fault(struct kunit *test)
{
	struct mmlab_fault_attr *attr = &mmlab_fail_vmalloc;
	unsigned long before, injected;
	void *p;

	before = settled_free_pages();
	injected = atomic_long_read(&attr->injected);
	arm(attr, 0, 1);
	p = mmlab_vzalloc(5 * PAGE_SIZE);
	disarm(attr);
	if (p)
		mmlab_vfree(p);
	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&attr->injected), injected + 1);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
	expect_valid(test);
}

/* === slab and kmalloc === */

/* A cache whose first slab cannot be grown returns NULL and stays empty. */
static void test_cache_grow_fails(struct kunit *test)
{
	struct mmlab_fault_attr *attr = &mmlab_fail_page_alloc;
	struct mmlab_kmem_cache *c;
	unsigned long before, injected;
	void *obj;

	c = mmlab_kmem_cache_create("fault_grow", 200, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	before = settled_free_pages();
	injected = atomic_long_read(&attr->injected);

	arm(attr, 0, -1);
	obj = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
	disarm(attr);
	KUNIT_EXPECT_NULL(test, obj);
	if (obj)
		mmlab_kmem_cache_free(c, obj);
	KUNIT_EXPECT_GE(test, atomic_long_read(&attr->injected), injected + 1);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
	expect_valid(test);

	obj = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	mmlab_kmem_cache_free(c, obj);
	mmlab_kmem_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
	expect_valid(test);
}

/* A kmalloc above the largest class goes to the buddy: its failure too. */
static void test_large_kmalloc_fails(struct kunit *test)
{
	struct mmlab_fault_attr *attr = &mmlab_fail_page_alloc;
	unsigned long before, injected;
	void *p;

	before = settled_free_pages();
	injected = atomic_long_read(&attr->injected);
	arm(attr, 0, 1);
	p = mmlab_kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	disarm(attr);
	KUNIT_EXPECT_NULL(test, p);
	mmlab_kfree(p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&attr->injected), injected + 1);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
	expect_valid(test);
}

/*
 * krealloc() that cannot get its new object keeps the old one, contents
 * and all, as the kernel's: a failure is no free.
 */
static void test_krealloc_fails_keeps_old(struct kunit *test)
{
	struct mmlab_fault_attr *attr = &mmlab_fail_page_alloc;
	unsigned long before;
	char *p, *q;

	before = settled_free_pages();
	p = mmlab_kmalloc(100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x5a, 100);
	arm(attr, 0, -1);
	q = mmlab_krealloc(p, 5 * PAGE_SIZE, GFP_KERNEL);
	disarm(attr);
	KUNIT_EXPECT_NULL(test, q);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0x5a, 100));
	mmlab_kfree(q ?: p);
	KUNIT_EXPECT_EQ(test, settled_free_pages(), before);
	expect_valid(test);
}

/* failslab fails an object allocation before the cache does any work. */
static void test_failslab_object(struct kunit *test)
{
	struct mmlab_fault_attr *attr = &mmlab_failslab;
	struct mmlab_kmem_cache *c;
	unsigned long injected;
	void *obj, *p;

	c = mmlab_kmem_cache_create("fault_obj", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	injected = atomic_long_read(&attr->injected);
	arm(attr, 0, 2);
	obj = mmlab_kmem_cache_alloc(c, GFP_KERNEL);
	p = mmlab_kmalloc(100, GFP_KERNEL);
	disarm(attr);
	KUNIT_EXPECT_NULL(test, obj);
	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&attr->injected), injected + 2);
	if (obj)
		mmlab_kmem_cache_free(c, obj);
	mmlab_kfree(p);
	mmlab_kmem_cache_destroy(c);
	expect_valid(test);
}

/*
 * A cache create whose @param-th allocation fails: the first (the cache
 * itself) or the second (its per-CPU arrays, half-way through) leaves no
 * cache behind, and the name is free for the next create; kmemleak, at the
 * end of the run, sees whether the half-built cache was freed.
 */
static const unsigned int create_fail_at[] = { 1, 2 };

static void create_fail_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "allocation %u fails", *n);
}

KUNIT_ARRAY_PARAM(create_fail, create_fail_at, create_fail_desc);

static void test_cache_create_fails(struct kunit *test)
{
	const unsigned int k = *(const unsigned int *)test->param_value;
	struct mmlab_fault_attr *attr = &mmlab_failslab;
	struct mmlab_kmem_cache *c;
	unsigned long injected;

	injected = atomic_long_read(&attr->injected);
	arm(attr, 0, 1);
	/* Only every k-th call is eligible: the k-th of this create fails. */
	WRITE_ONCE(attr->interval, k);
	atomic_long_set(&attr->count, 0);
	c = mmlab_kmem_cache_create("fault_create", 128, 0, 0, NULL);
	disarm(attr);
	KUNIT_EXPECT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&attr->injected), injected + 1);
	if (c)
		mmlab_kmem_cache_destroy(c);
	expect_valid(test);

	c = mmlab_kmem_cache_create("fault_create", 128, 0, 0, NULL);
	KUNIT_EXPECT_NOT_NULL(test, c);
	if (c)
		mmlab_kmem_cache_destroy(c);
}

static struct kunit_case fault_test_cases[] = {
	KUNIT_CASE_PARAM(test_vmalloc_fails_after_n_pages, vmalloc_after_gen_params),
	KUNIT_CASE(test_vmalloc_area_fault),
	KUNIT_CASE(test_cache_grow_fails),
	KUNIT_CASE(test_large_kmalloc_fails),
	KUNIT_CASE(test_krealloc_fails_keeps_old),
	KUNIT_CASE(test_failslab_object),
	KUNIT_CASE_PARAM(test_cache_create_fails, create_fail_gen_params),
	{}
};

static struct kunit_suite fault_test_suite = {
	.name = "mmlab_faults",
	.init = fault_test_init,
	.exit = fault_test_exit,
	.test_cases = fault_test_cases,
};

kunit_test_suite(fault_test_suite);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit: mmlab's error paths under injected faults");
