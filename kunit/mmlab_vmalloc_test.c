// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for mmlab's vmalloc, checked against the native vmalloc()
 * (rounding, guard page, vmalloc_to_pfn()) and against a plain reference
 * model of the free space (lowest fit, coalescing), and the scenarios of the
 * kernel's lib/test_vmalloc.c run on mmlab's vmalloc.
 *
 * Each case frees what it allocated and purges the lazy areas in its exit,
 * so the window is back to the state it had before the case.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "mmlab.h"
#include "pool.h"
#include "validate.h"
#include "vmalloc.h"
#include "walk.h"

/* Seed of the random scenarios: fixed, so that a failure replays. */
#define TEST_SEED	0x766d616c6c6f63ULL
/* Free ranges a snapshot can hold. */
#define MAX_RANGES	2048

/* === Helpers === */

/**
 * struct free_snap - the free tree in address order, as the model sees it.
 * @start:	range starts.
 * @end:	range ends.
 * @nr:		ranges.
 */
struct free_snap {
	unsigned long start[MAX_RANGES];
	unsigned long end[MAX_RANGES];
	int nr;
};

static void snap_free(struct kunit *test, struct free_snap *s)
{
	s->nr = mmlab_vmalloc_free_ranges(s->start, s->end, MAX_RANGES);
	KUNIT_ASSERT_LE(test, s->nr, MAX_RANGES);
}

/* The model's lowest fit: the first range holding @size at @align, or 0. */
static unsigned long model_lowest_fit(const struct free_snap *s,
				      unsigned long size, unsigned long align)
{
	int i;

	for (i = 0; i < s->nr; i++) {
		unsigned long a = ALIGN(s->start[i], align);

		if (a >= s->start[i] && a + size > a && a + size <= s->end[i])
			return a;
	}
	return 0;
}

/* Adds [@start, @end) to @s and coalesces: the model's merge on free. */
static void model_free(struct free_snap *s, unsigned long start, unsigned long end)
{
	int i, j;

	for (i = 0; i < s->nr && s->start[i] < start; i++)
		;
	memmove(&s->start[i + 1], &s->start[i], (s->nr - i) * sizeof(s->start[0]));
	memmove(&s->end[i + 1], &s->end[i], (s->nr - i) * sizeof(s->end[0]));
	s->start[i] = start;
	s->end[i] = end;
	s->nr++;
	for (i = 0, j = 0; i < s->nr; i++) {
		if (j && s->end[j - 1] == s->start[i]) {
			s->end[j - 1] = s->end[i];
			continue;
		}
		s->start[j] = s->start[i];
		s->end[j] = s->end[i];
		j++;
	}
	s->nr = j;
}

static void expect_same_free(struct kunit *test, const struct free_snap *want,
			     const struct free_snap *got)
{
	int i;

	KUNIT_EXPECT_EQ(test, got->nr, want->nr);
	for (i = 0; i < min(got->nr, want->nr); i++) {
		KUNIT_EXPECT_EQ_MSG(test, got->start[i], want->start[i], "free range %d", i);
		KUNIT_EXPECT_EQ_MSG(test, got->end[i], want->end[i], "free range %d", i);
	}
}

static void expect_valid(struct kunit *test)
{
	struct mmlab_validate *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ_MSG(test, mmlab_validate(v), 0, "%s", v->msg);
}

/* Whether @pfn heads or is inside an allocated mmlab VMALLOC block. */
static bool pfn_is_vmalloc_page(unsigned long pfn)
{
	struct mmlab_page *mp;
	unsigned int order;

	for (order = 0; order < MMLAB_MAX_ORDER; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);

		mp = pfn_to_mpage(head);
		if (mp && mp->state == MMLAB_PAGE_ALLOC)
			return mp->owner == MMLAB_OWNER_VMALLOC &&
			       mp->order >= order;
	}
	return false;
}

/* Pages from @p that the native page tables map, up to an unmapped page. */
static unsigned long native_mapped_pages(const void *p, unsigned long max)
{
	unsigned long i;

	for (i = 0; i < max; i++)
		if (!vmalloc_to_page(p + i * PAGE_SIZE))
			break;
	return i;
}

static int vmalloc_test_init(struct kunit *test)
{
	if (!mmlab_vwin.reserve)
		kunit_skip(test, "mmlab has no vmalloc window");
	return 0;
}

static void vmalloc_test_exit(struct kunit *test)
{
	mmlab_vmalloc_purge();
}

/* === Areas: rounding, alignment, guard, pages === */

static const unsigned long sizes[] = {
	1, 100, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 20480, 12345 * 8, SZ_1M + 1,
};

static void size_desc(const unsigned long *s, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size=%lu", *s);
}

KUNIT_ARRAY_PARAM(size, sizes, size_desc);

/*
 * An area of size N is page aligned, holds PAGE_ALIGN(N) mapped pages like
 * the native vmalloc(N), and its guard page after them is unmapped in both.
 */
static void vmalloc_rounding_guard(struct kunit *test)
{
	unsigned long size = *(const unsigned long *)test->param_value;
	unsigned long nr = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct mmlab_vm_struct *vm;
	struct mmlab_walk w;
	void *p, *n;

	p = mmlab_vmalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	n = vmalloc(size);
	if (!n) {
		mmlab_vfree(p);
		KUNIT_FAIL(test, "native vmalloc(%lu) failed", size);
		return;
	}
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(p));
	KUNIT_EXPECT_TRUE(test, mmlab_in_window((unsigned long)p));
	vm = mmlab_find_vm_area(p);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, nr);
	KUNIT_EXPECT_EQ(test, vm->size, (nr + 1) << PAGE_SHIFT);

	KUNIT_EXPECT_EQ(test, native_mapped_pages(n, nr + 1), nr);
	KUNIT_EXPECT_EQ(test, native_mapped_pages(p, nr + 1), nr);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc_to_page(p + nr * PAGE_SIZE));
	mmlab_walk_kernel((unsigned long)p + nr * PAGE_SIZE, &w);
	KUNIT_EXPECT_NE(test, w.result, MMLAB_WALK_MAPPED);
	vfree(n);
	mmlab_vfree(p);
}

static const unsigned long aligns[] = {
	PAGE_SIZE, 2 * PAGE_SIZE, SZ_64K, SZ_1M, SZ_2M, SZ_4M, SZ_16M,
};

static void align_desc(const unsigned long *a, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "align=%lu", *a);
}

KUNIT_ARRAY_PARAM(align, aligns, align_desc);

/* An alignment request is honoured, at the lowest aligned fit. */
static void vmalloc_alignment(struct kunit *test)
{
	unsigned long align = *(const unsigned long *)test->param_value;
	struct free_snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	void *pad, *p;

	KUNIT_ASSERT_NOT_NULL(test, s);
	/* A one-page area first, so that the next fit is not aligned anyway. */
	pad = mmlab_vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, pad);
	snap_free(test, s);
	p = __mmlab_vmalloc(3 * PAGE_SIZE, align, GFP_KERNEL, __builtin_return_address(0));
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, align));
	KUNIT_EXPECT_EQ(test, (unsigned long)p, model_lowest_fit(s, 4 * PAGE_SIZE, align));
	mmlab_vfree(p);
	mmlab_vfree(pad);
}

/* Bad sizes and alignments fail cleanly and change nothing. */
static void vmalloc_bad_requests(struct kunit *test)
{
	struct free_snap *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct free_snap *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	mmlab_vmalloc_purge();
	snap_free(test, a);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc(0));
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc(MMLAB_VMALLOC_WINDOW_SIZE));
	KUNIT_EXPECT_NULL(test, __mmlab_vmalloc(PAGE_SIZE, 3 * PAGE_SIZE, GFP_KERNEL, NULL));
	KUNIT_EXPECT_NULL(test, __mmlab_vmalloc(PAGE_SIZE, 2 * MMLAB_VMALLOC_WINDOW_SIZE,
						GFP_KERNEL, NULL));
	KUNIT_EXPECT_NULL(test, mmlab_vmap(NULL, 1));
	mmlab_vfree((void *)mmlab_vwin.start + 5 * PAGE_SIZE + 1);
	snap_free(test, b);
	expect_same_free(test, a, b);
	expect_valid(test);
}

/*
 * Every page of an area maps, through mmlab's walker and through the
 * native vmalloc_to_pfn(), to the PFN mmlab allocated for it, a VMALLOC
 * page of mmlab's pool; a vzalloc area reads zero and its writes land in
 * those pages.
 */
static void vmalloc_pages_agree(struct kunit *test)
{
	const unsigned int nr = 19;
	struct mmlab_vm_struct *vm;
	struct mmlab_walk w;
	unsigned int i;
	u8 *p;

	p = mmlab_vzalloc(nr * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	vm = mmlab_find_vm_area(p);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, nr * PAGE_SIZE));
	for (i = 0; i < nr; i++) {
		unsigned long addr = (unsigned long)p + i * PAGE_SIZE + 123;
		unsigned long pfn = page_to_pfn(vm->pages[i]);

		mmlab_walk_kernel(addr, &w);
		KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_MAPPED);
		KUNIT_EXPECT_EQ(test, w.page_size, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, w.phys, PFN_PHYS(pfn) + 123);
		KUNIT_EXPECT_EQ(test, w.nr, w.levels);
		KUNIT_EXPECT_FALSE(test, w.user);
		KUNIT_EXPECT_TRUE(test, w.write);
		KUNIT_EXPECT_TRUE(test, w.nx);
		KUNIT_EXPECT_EQ(test, vmalloc_to_pfn((void *)addr), pfn);
		KUNIT_EXPECT_PTR_EQ(test, mmlab_vmalloc_to_page((void *)addr), vm->pages[i]);
		KUNIT_EXPECT_TRUE(test, mmlab_pfn_in_pool(pfn));
		KUNIT_EXPECT_TRUE(test, pfn_is_vmalloc_page(pfn));
		memset(p + i * PAGE_SIZE, i + 1, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, *(u8 *)page_address(vm->pages[i]), i + 1);
	}
	expect_valid(test);
	mmlab_vfree(p);
}

/*
 * With vmalloc_high_order, an area of 13 pages is backed by blocks of
 * order 3, 2 and 0 (the largest that fit what is left), each mapped page
 * by page in order, each freed as one block at the purge.
 */
static void vmalloc_high_order_blocks(struct kunit *test)
{
	static const unsigned int want[] = { 3, 2, 0 };
	bool old = READ_ONCE(mmlab_vmalloc_high_order);
	struct mmlab_vm_struct *vm;
	unsigned int i, b = 0;
	struct mmlab_walk w;
	void *p;

	WRITE_ONCE(mmlab_vmalloc_high_order, true);
	p = mmlab_vmalloc(13 * PAGE_SIZE);
	WRITE_ONCE(mmlab_vmalloc_high_order, old);
	KUNIT_ASSERT_NOT_NULL(test, p);
	vm = mmlab_find_vm_area(p);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	for (i = 0; i < vm->nr_pages; i++) {
		unsigned long pfn = page_to_pfn(vm->pages[i]);

		mmlab_walk_kernel((unsigned long)p + i * PAGE_SIZE, &w);
		KUNIT_EXPECT_EQ(test, w.phys, PFN_PHYS(pfn));
		if (vm->orders[i] == 0xff) {
			KUNIT_EXPECT_EQ(test, pfn, page_to_pfn(vm->pages[i - 1]) + 1);
			continue;
		}
		KUNIT_ASSERT_LT(test, b, ARRAY_SIZE(want));
		KUNIT_EXPECT_EQ(test, vm->orders[i], want[b]);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pfn, 1UL << vm->orders[i]));
		b++;
	}
	KUNIT_EXPECT_EQ(test, b, ARRAY_SIZE(want));
	expect_valid(test);
	mmlab_vfree(p);
	mmlab_vmalloc_purge();
	expect_valid(test);
}

/* mmlab_vmap() maps the caller's pages in order and leaves them to it. */
static void vmap_pages(struct kunit *test)
{
	struct page *pages[6];
	struct mmlab_walk w;
	unsigned int i;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = mmlab_alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	/* Reverse order: the mapping need not follow physical order. */
	swap(pages[0], pages[5]);
	p = mmlab_vmap(pages, ARRAY_SIZE(pages));
	KUNIT_EXPECT_NOT_NULL(test, p);
	if (p) {
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			p[i * PAGE_SIZE + 7] = 0xa0 + i;
			KUNIT_EXPECT_EQ(test, ((u8 *)page_address(pages[i]))[7], 0xa0 + i);
			mmlab_walk_kernel((unsigned long)p + i * PAGE_SIZE, &w);
			KUNIT_EXPECT_EQ(test, w.phys, PFN_PHYS(page_to_pfn(pages[i])));
			KUNIT_EXPECT_EQ(test, vmalloc_to_pfn(p + i * PAGE_SIZE),
					page_to_pfn(pages[i]));
		}
		expect_valid(test);
		mmlab_vunmap(p);
		mmlab_vmalloc_purge();
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		mmlab_free_page(pages[i]);
}

/* === The trees: lowest fit and coalescing, against the model === */

static const struct {
	unsigned long pages;
	unsigned long align;
} fit_steps[] = {
	{ 1, PAGE_SIZE }, { 3, PAGE_SIZE }, { 2, SZ_64K }, { 1, PAGE_SIZE },
	{ 7, SZ_2M }, { 1, PAGE_SIZE }, { 16, PAGE_SIZE }, { 2, SZ_32K },
	{ 1, PAGE_SIZE }, { 5, SZ_1M },
};

/*
 * Each allocation lands exactly at the model's lowest fit; frees merge
 * with their neighbours exactly as the model's coalescing; a hole left by
 * a free is the lowest fit of a request that fits it.
 */
static void tree_lowest_fit_coalesce(struct kunit *test)
{
	struct free_snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct free_snap *got = kunit_kzalloc(test, sizeof(*got), GFP_KERNEL);
	struct free_snap *start = kunit_kzalloc(test, sizeof(*start), GFP_KERNEL);
	void *p[ARRAY_SIZE(fit_steps)], *q;
	unsigned long want;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, start);
	mmlab_vmalloc_purge();
	snap_free(test, start);

	for (i = 0; i < ARRAY_SIZE(fit_steps); i++) {
		unsigned long size = fit_steps[i].pages << PAGE_SHIFT;

		snap_free(test, s);
		want = model_lowest_fit(s, size + PAGE_SIZE, fit_steps[i].align);
		p[i] = __mmlab_vmalloc(size, fit_steps[i].align, GFP_KERNEL, NULL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned long)p[i], want, "step %u", i);
	}
	expect_valid(test);

	/* Free every other area, purge: the free ranges are the model's. */
	snap_free(test, s);
	for (i = 1; i < ARRAY_SIZE(fit_steps); i += 2) {
		mmlab_vfree(p[i]);
		model_free(s, (unsigned long)p[i],
			   (unsigned long)p[i] + ((fit_steps[i].pages + 1) << PAGE_SHIFT));
	}
	mmlab_vmalloc_purge();
	snap_free(test, got);
	expect_same_free(test, s, got);

	/* The hole of step 1 (3 pages + guard) is the lowest fit of 3 pages. */
	want = model_lowest_fit(got, 4 * PAGE_SIZE, PAGE_SIZE);
	q = mmlab_vmalloc(3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, (unsigned long)q, want);
	KUNIT_EXPECT_LE(test, (unsigned long)q, (unsigned long)p[1]);
	mmlab_vfree(q);

	for (i = 0; i < ARRAY_SIZE(fit_steps); i += 2)
		mmlab_vfree(p[i]);
	mmlab_vmalloc_purge();
	snap_free(test, got);
	expect_same_free(test, start, got);
	expect_valid(test);
}

/* === Lazy purge === */

/*
 * A free unmaps at once but flushes nothing; the purge flushes every CPU
 * once, frees the pages and the empty PTE tables and returns the range;
 * past lazy_max_pages a free purges by itself.
 */
static void lazy_purge(struct kunit *test)
{
	unsigned long st0[MMLAB_NR_VSTATS], st1[MMLAB_NR_VSTATS];
	unsigned long lazy0, lazy1, lazy_max, pfns[4], tables0;
	struct mmlab_vm_struct *vm;
	struct mmlab_walk w;
	unsigned int i, frees;
	void *p;

	mmlab_vmalloc_purge();
	mmlab_vmalloc_stats(st0, &lazy0, &lazy_max);
	KUNIT_EXPECT_EQ(test, lazy0, 0);
	tables0 = mmlab_vwin.pte_tables;

	/* 2M alignment: the area has a PTE table of its own. */
	p = __mmlab_vmalloc(4 * PAGE_SIZE, SZ_2M, GFP_KERNEL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, mmlab_vwin.pte_tables, tables0 + 1);
	vm = mmlab_find_vm_area(p);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	for (i = 0; i < 4; i++) {
		pfns[i] = page_to_pfn(vm->pages[i]);
		*(u8 *)(p + i * PAGE_SIZE) = i;	/* the TLB now holds the entries */
	}
	mmlab_vfree(p);
	mmlab_vmalloc_stats(st1, &lazy1, &lazy_max);
	KUNIT_EXPECT_EQ(test, lazy1, 5);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_FLUSH], st0[MMLAB_VSTAT_FLUSH]);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_FREE], st0[MMLAB_VSTAT_FREE] + 1);
	for (i = 0; i < 4; i++) {
		mmlab_walk_kernel((unsigned long)p + i * PAGE_SIZE, &w);
		KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONE);
		/* Not given back yet: a stale TLB entry may still reach them. */
		KUNIT_EXPECT_TRUE(test, pfn_is_vmalloc_page(pfns[i]));
	}
	KUNIT_EXPECT_NULL(test, mmlab_find_vm_area(p));
	expect_valid(test);

	mmlab_vmalloc_purge();
	mmlab_vmalloc_stats(st1, &lazy1, &lazy_max);
	KUNIT_EXPECT_EQ(test, lazy1, 0);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_FLUSH], st0[MMLAB_VSTAT_FLUSH] + 1);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_PURGE], st0[MMLAB_VSTAT_PURGE] + 1);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_PURGED], st0[MMLAB_VSTAT_PURGED] + 1);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_PTE_FREED], st0[MMLAB_VSTAT_PTE_FREED] + 1);
	KUNIT_EXPECT_EQ(test, mmlab_vwin.pte_tables, tables0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_FALSE(test, pfn_is_vmalloc_page(pfns[i]));
	mmlab_walk_kernel((unsigned long)p, &w);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONE);
	KUNIT_EXPECT_STREQ(test, w.e[w.nr - 1].level, "pmd");

	/* Past the threshold a free purges by itself, with one flush. */
	mmlab_vmalloc_stats(st0, &lazy0, &lazy_max);
	for (frees = 0; frees <= lazy_max / 64 + 1; frees++) {
		p = mmlab_vmalloc(63 * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, p);
		mmlab_vfree(p);
		mmlab_vmalloc_stats(st1, &lazy1, &lazy_max);
		KUNIT_EXPECT_LE(test, lazy1, lazy_max);
		if (st1[MMLAB_VSTAT_PURGE] != st0[MMLAB_VSTAT_PURGE])
			break;
	}
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_PURGE], st0[MMLAB_VSTAT_PURGE] + 1);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_FLUSH], st0[MMLAB_VSTAT_FLUSH] + 1);
	KUNIT_EXPECT_EQ(test, st1[MMLAB_VSTAT_PURGED], st0[MMLAB_VSTAT_PURGED] + frees + 1);
	KUNIT_EXPECT_EQ(test, (frees + 1) * 64, lazy_max / 64 * 64 + 64);
	KUNIT_EXPECT_EQ(test, lazy1, 0);
}

static struct kunit_case vmalloc_cases[] = {
	KUNIT_CASE_PARAM(vmalloc_rounding_guard, size_gen_params),
	KUNIT_CASE_PARAM(vmalloc_alignment, align_gen_params),
	KUNIT_CASE(vmalloc_bad_requests),
	KUNIT_CASE(vmalloc_pages_agree),
	KUNIT_CASE(vmalloc_high_order_blocks),
	KUNIT_CASE(vmap_pages),
	KUNIT_CASE(tree_lowest_fit_coalesce),
	KUNIT_CASE(lazy_purge),
	{}
};

static struct kunit_suite vmalloc_suite = {
	.name = "mmlab_vmalloc",
	.init = vmalloc_test_init,
	.exit = vmalloc_test_exit,
	.test_cases = vmalloc_cases,
};

/* === lib/test_vmalloc.c's scenarios on mmlab's vmalloc === */

/* Loops of each scenario: test_vmalloc's 1000000 scaled for a TCG guest. */
#define TEST_LOOP_COUNT		400

static void *tv_alloc(unsigned long size, unsigned long align)
{
	return __mmlab_vmalloc(size, align, GFP_KERNEL | __GFP_ZERO,
			       __builtin_return_address(0));
}

/* Touch the first byte, as test_vmalloc does, and check the area. */
static bool tv_use(struct kunit *test, void *p, unsigned long size,
		   unsigned long align)
{
	if (!p)
		return false;
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, max(align, PAGE_SIZE)));
	*(u8 *)p = 1;
	*((u8 *)p + PAGE_ALIGN(size) - 1) = 1;
	return true;
}

static void fix_size_alloc_test(struct kunit *test)
{
	unsigned int i;
	void *p;

	for (i = 0; i < TEST_LOOP_COUNT; i++) {
		p = mmlab_vmalloc(3 * PAGE_SIZE);
		KUNIT_ASSERT_TRUE(test, tv_use(test, p, 3 * PAGE_SIZE, PAGE_SIZE));
		mmlab_vfree(p);
	}
	expect_valid(test);
}

/*
 * full_fit_alloc_test: fill a stretch of the window with one-page areas,
 * free every other one, then allocate one page again and again: each fits
 * a hole exactly (FL_FIT) once the holes are purged.
 */
static void full_fit_alloc_test(struct kunit *test)
{
	struct free_snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	const unsigned int junk_length = 500;
	void **ptr, **junk_ptr;
	unsigned long want;
	unsigned int i;
	void *tmp;

	KUNIT_ASSERT_NOT_NULL(test, s);
	ptr = kvcalloc(junk_length, sizeof(void *), GFP_KERNEL);
	junk_ptr = kvcalloc(junk_length, sizeof(void *), GFP_KERNEL);
	if (!ptr || !junk_ptr) {
		kvfree(ptr);
		kvfree(junk_ptr);
		KUNIT_FAIL(test, "no memory for the pointers");
		return;
	}
	for (i = 0; i < junk_length; i++) {
		ptr[i] = mmlab_vmalloc(PAGE_SIZE);
		junk_ptr[i] = mmlab_vmalloc(PAGE_SIZE);
		if (!ptr[i] || !junk_ptr[i])
			break;
	}
	KUNIT_EXPECT_EQ(test, i, junk_length);
	for (i = 0; i < junk_length; i++)
		mmlab_vfree(junk_ptr[i]);
	mmlab_vmalloc_purge();
	snap_free(test, s);
	want = model_lowest_fit(s, 2 * PAGE_SIZE, PAGE_SIZE);

	for (i = 0; i < TEST_LOOP_COUNT; i++) {
		tmp = mmlab_vmalloc(PAGE_SIZE);
		if (!tv_use(test, tmp, PAGE_SIZE, PAGE_SIZE))
			break;
		/* The lowest hole, the first junk area's if the window was empty. */
		if (i == 0)
			KUNIT_EXPECT_EQ(test, (unsigned long)tmp, want);
		mmlab_vfree(tmp);
	}
	KUNIT_EXPECT_EQ(test, i, TEST_LOOP_COUNT);
	expect_valid(test);
	for (i = 0; i < junk_length; i++)
		mmlab_vfree(ptr[i]);
	kvfree(ptr);
	kvfree(junk_ptr);
}

/* long_busy_list_alloc_test: many busy areas, then allocate and free. */
static void long_busy_list_alloc_test(struct kunit *test)
{
	const unsigned int nr = 3000;
	unsigned int i, got;
	void **ptr, *tmp;

	ptr = kvcalloc(nr, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ptr);
	for (got = 0; got < nr; got++) {
		ptr[got] = mmlab_vmalloc(PAGE_SIZE);
		if (!ptr[got])
			break;
	}
	KUNIT_EXPECT_EQ(test, got, nr);
	for (i = 0; i < TEST_LOOP_COUNT; i++) {
		tmp = mmlab_vmalloc(PAGE_SIZE);
		if (!tv_use(test, tmp, PAGE_SIZE, PAGE_SIZE))
			break;
		mmlab_vfree(tmp);
	}
	KUNIT_EXPECT_EQ(test, i, TEST_LOOP_COUNT);
	expect_valid(test);
	for (i = 0; i < got; i++)
		mmlab_vfree(ptr[i]);
	kvfree(ptr);
}

/* random_size_alloc_test: 1 to 100 pages. */
static void random_size_alloc_test(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned long size;
	unsigned int i;
	void *p;

	prandom_seed_state(&rnd, TEST_SEED);
	for (i = 0; i < TEST_LOOP_COUNT; i++) {
		size = ((prandom_u32_state(&rnd) % 100) + 1) * PAGE_SIZE;
		p = mmlab_vmalloc(size);
		KUNIT_ASSERT_TRUE(test, tv_use(test, p, size, PAGE_SIZE));
		mmlab_vfree(p);
	}
	expect_valid(test);
}

/* fix_align_alloc_test: one page at THREAD_ALIGN, as a vmapped stack. */
static void fix_align_alloc_test(struct kunit *test)
{
	unsigned int i;
	void *p;

	for (i = 0; i < TEST_LOOP_COUNT; i++) {
		p = tv_alloc(PAGE_SIZE, THREAD_ALIGN);
		KUNIT_ASSERT_TRUE(test, tv_use(test, p, PAGE_SIZE, THREAD_ALIGN));
		mmlab_vfree(p);
	}
}

/* random_size_align_alloc_test: 1 to 10 pages at 2^3 to 2^22 bytes. */
static void random_size_align_alloc_test(struct kunit *test)
{
	unsigned long size, align;
	struct rnd_state rnd;
	unsigned int i;
	void *p;

	prandom_seed_state(&rnd, TEST_SEED + 1);
	for (i = 0; i < TEST_LOOP_COUNT; i++) {
		align = 1UL << ((prandom_u32_state(&rnd) % 20) + 3);
		size = ((prandom_u32_state(&rnd) % 10) + 1) * PAGE_SIZE;
		p = tv_alloc(size, align);
		KUNIT_ASSERT_TRUE(test, tv_use(test, p, size, align));
		mmlab_vfree(p);
	}
	expect_valid(test);
}

/*
 * align_shift_alloc_test: one page at 1 << i for every i. The kernel's test
 * expects failure once the alignment exceeds the space; here the model says
 * exactly which alignments the window can still give, and those must work.
 */
static void align_shift_alloc_test(struct kunit *test)
{
	struct free_snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned long align, want;
	unsigned int i, ok = 0;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < BITS_PER_LONG; i++) {
		align = 1UL << i;
		mmlab_vmalloc_purge();
		snap_free(test, s);
		want = align > MMLAB_VMALLOC_WINDOW_SIZE ? 0 :
		       model_lowest_fit(s, 2 * PAGE_SIZE, max(align, PAGE_SIZE));
		p = tv_alloc(PAGE_SIZE, align);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned long)p, want, "align 1 << %u", i);
		if (p) {
			tv_use(test, p, PAGE_SIZE, align);
			ok++;
		}
		mmlab_vfree(p);
	}
	/* Up to half the window (2^27 of a 2^28 window) always fits. */
	KUNIT_EXPECT_GE(test, ok, ilog2(MMLAB_VMALLOC_WINDOW_SIZE));
	expect_valid(test);
}

static struct kunit_case test_vmalloc_cases[] = {
	KUNIT_CASE(fix_size_alloc_test),
	KUNIT_CASE(full_fit_alloc_test),
	KUNIT_CASE(long_busy_list_alloc_test),
	KUNIT_CASE(random_size_alloc_test),
	KUNIT_CASE(fix_align_alloc_test),
	KUNIT_CASE(random_size_align_alloc_test),
	KUNIT_CASE(align_shift_alloc_test),
	{}
};

static struct kunit_suite test_vmalloc_suite = {
	.name = "mmlab_test_vmalloc",
	.init = vmalloc_test_init,
	.exit = vmalloc_test_exit,
	.test_cases = test_vmalloc_cases,
};

kunit_test_suites(&vmalloc_suite, &test_vmalloc_suite);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for mmlab's vmalloc");
