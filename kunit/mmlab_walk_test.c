// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for mmlab's page-table walker, checked against the kernel's
 * own answers: vmalloc_to_pfn() on native vmalloc memory, lookup_address()
 * (level and PFN) and slow_virt_to_phys() on kernel text, data, direct-map
 * and module addresses, follow_pte() on a user task's pages.
 */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <asm/cpu_entry_area.h>
#include <asm/fixmap.h>
#include <asm/pgtable_types.h>
#include <asm/set_memory.h>

#include "mmlab.h"
#include "vmalloc.h"
#include "walk.h"

/* Data of this module: a module address that is data, not text. */
static unsigned long walk_test_data[PAGE_SIZE / sizeof(unsigned long)] = { 1 };

static noinline int walk_test_text(int x)
{
	return x + 1;
}

static int levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

/* === vmalloc_to_pfn() on native vmalloc memory === */

static void walk_native_vmalloc(struct kunit *test)
{
	const unsigned int nr = 13;
	struct mmlab_walk w;
	unsigned int i;
	u8 *p;

	p = vmalloc(nr * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		unsigned long addr = (unsigned long)p + i * PAGE_SIZE + 42;

		mmlab_walk_kernel(addr, &w);
		KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_MAPPED);
		KUNIT_EXPECT_EQ(test, w.levels, levels());
		KUNIT_EXPECT_EQ(test, w.phys >> PAGE_SHIFT, vmalloc_to_pfn((void *)addr));
		KUNIT_EXPECT_EQ(test, w.phys & ~PAGE_MASK, 42);
		KUNIT_EXPECT_STREQ(test, mmlab_addr_region(addr), "vmalloc");
	}
	/* The guard page after the area. */
	mmlab_walk_kernel((unsigned long)p + nr * PAGE_SIZE, &w);
	KUNIT_EXPECT_NE(test, w.result, MMLAB_WALK_MAPPED);
	vfree(p);
}

/* === lookup_address() and slow_virt_to_phys() === */

struct kaddr {
	const char *what;
	unsigned long addr;
	const char *region;
};

/* The level and PFN lookup_address() gives, and the walker's leaf agree. */
static bool check_kernel_addr(struct kunit *test, const struct kaddr *k)
{
	unsigned long size, pfn;
	struct mmlab_walk w;
	unsigned int level;
	pte_t *pte;

	pte = lookup_address(k->addr, &level);
	KUNIT_ASSERT_NOT_NULL_MSG(test, pte, "%s", k->what);
	mmlab_walk_kernel(k->addr, &w);
	KUNIT_ASSERT_EQ_MSG(test, w.result, MMLAB_WALK_MAPPED, "%s", k->what);
	switch (level) {
	case PG_LEVEL_4K:
		size = SZ_4K;
		pfn = pte_pfn(*pte);
		break;
	case PG_LEVEL_2M:
		size = SZ_2M;
		pfn = pmd_pfn(*(pmd_t *)pte);
		break;
	case PG_LEVEL_1G:
		size = SZ_1G;
		pfn = pud_pfn(*(pud_t *)pte);
		break;
	default:
		KUNIT_FAIL(test, "%s: lookup_address() level %u", k->what, level);
		return false;
	}
	KUNIT_EXPECT_EQ_MSG(test, w.page_size, size, "%s", k->what);
	KUNIT_EXPECT_EQ_MSG(test, (w.phys & ~(size - 1)) >> PAGE_SHIFT, pfn, "%s", k->what);
	KUNIT_EXPECT_EQ_MSG(test, w.phys, (u64)slow_virt_to_phys((void *)k->addr),
			    "%s", k->what);
	KUNIT_EXPECT_EQ_MSG(test, w.e[w.nr - 1].entry, (u64)pte_val(*pte), "%s", k->what);
	/* Levels read: down to the pte, one fewer per huge level. */
	KUNIT_EXPECT_EQ_MSG(test, w.nr, levels() - (int)(level - PG_LEVEL_4K),
			    "%s", k->what);
	KUNIT_EXPECT_STREQ_MSG(test, mmlab_addr_region(k->addr), k->region, "%s", k->what);
	kunit_info(test, "%s 0x%lx: %lu KiB leaf, %s\n", k->what, k->addr,
		   size >> 10, k->region);
	return size > SZ_4K;
}

static void walk_lookup_address(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *buf = kmalloc(100, GFP_KERNEL);
	bool huge = false;
	unsigned int i;
	struct kaddr k[] = {
		{ "kernel text (vfree)", (unsigned long)vfree, "kernel text" },
		{ "kernel data (jiffies)", (unsigned long)&jiffies, "kernel text" },
		{ "direct map (kmalloc)", (unsigned long)buf, "direct map" },
		{ "direct map (page)", (unsigned long)(page ? page_address(page) : NULL),
		  "direct map" },
		{ "direct map (2 MiB)", page_offset_base + SZ_2M + 0x123, "direct map" },
		{ "module text", (unsigned long)walk_test_text, "modules" },
		{ "module data", (unsigned long)&walk_test_data[3], "modules" },
	};

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, walk_test_text(1), 2);
	for (i = 0; i < ARRAY_SIZE(k); i++)
		huge |= check_kernel_addr(test, &k[i]);
	/* Kernel text and the direct map are mapped with huge pages. */
	KUNIT_EXPECT_TRUE(test, huge);
	kfree(buf);
	__free_page(page);
}

/* === Regions, bad addresses === */

static void walk_regions(struct kunit *test)
{
	void *buf = kmalloc(64, GFP_KERNEL);
	void *v = vmalloc(PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region(0x400000), "user");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region((unsigned long)buf), "direct map");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region((unsigned long)v), "vmalloc");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region((unsigned long)virt_to_page(buf)),
			   "vmemmap");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region((unsigned long)vfree), "kernel text");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region((unsigned long)walk_test_text), "modules");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region(FIXADDR_START), "fixmap");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region(CPU_ENTRY_AREA_BASE), "cpu entry area");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region(mmlab_vwin.start), "mmlab vmalloc window");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region(mmlab_vwin.end - 1), "mmlab vmalloc window");
	KUNIT_EXPECT_STREQ(test, mmlab_addr_region(0x8000000000000000UL), "non-canonical");
	vfree(v);
	kfree(buf);
}

static void walk_bad_addresses(struct kunit *test)
{
	unsigned long noncanon = pgtable_l5_enabled() ? 0x0100000000000000UL :
							 0x0000800000000000UL;
	struct mmlab_walk w;
	void *p;

	mmlab_walk_kernel(noncanon, &w);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONCANONICAL);
	KUNIT_EXPECT_EQ(test, w.nr, 0);
	KUNIT_EXPECT_FALSE(test, mmlab_addr_canonical(noncanon));
	KUNIT_EXPECT_TRUE(test, mmlab_addr_canonical(noncanon - 1));
	KUNIT_EXPECT_TRUE(test, mmlab_addr_canonical(-noncanon));
	mmlab_walk_kernel(0xdead000000000000UL, &w);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONCANONICAL);

	/* An empty PMD entry: the last 2 MiB of the window (nothing there). */
	mmlab_walk_kernel(mmlab_vwin.end - PAGE_SIZE, &w);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONE);
	KUNIT_EXPECT_STREQ(test, w.e[w.nr - 1].level, "pmd");
	KUNIT_EXPECT_EQ(test, w.e[w.nr - 1].entry, 0);

	/* An empty PTE: the guard page of an mmlab area. */
	p = mmlab_vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	mmlab_walk_kernel((unsigned long)p + PAGE_SIZE, &w);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONE);
	KUNIT_EXPECT_STREQ(test, w.e[w.nr - 1].level, "pte");
	KUNIT_EXPECT_EQ(test, w.nr, levels());
	mmlab_vfree(p);

	/* No such task; no VMA at 0; a kernel thread has no mm. */
	KUNIT_EXPECT_EQ(test, mmlab_walk_user(0x7ffffff, 0x400000, &w), -ESRCH);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NO_TASK);
	KUNIT_EXPECT_EQ(test, mmlab_walk_user(2, 0x400000, &w), -ESRCH);
	KUNIT_EXPECT_EQ(test, mmlab_walk_user(1, 0, &w), 0);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NO_VMA);
	KUNIT_EXPECT_EQ(test, mmlab_walk_user(1, noncanon, &w), 0);
	KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_NONCANONICAL);
}

/* === User walks against follow_pte() === */

/*
 * The present PTE follow_pte() finds for @addr, in *@pte. Return: false if
 * there is none (no table, not present, or a huge leaf above the pte).
 */
static bool read_user_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte)
{
	spinlock_t *ptl;	/* the PTE table's lock, held on success */
	pte_t *ptep;

	if (follow_pte(mm, addr, &ptep, &ptl))
		return false;
	/* follow_pte() returns with ptl held: say so to sparse. */
	__acquire(ptl);
	*pte = *ptep;
	pte_unmap_unlock(ptep, ptl);
	return true;
}

/*
 * Every page of every VMA of init (pid 1): where follow_pte() finds a
 * present PTE the walker maps the same PFN through a 4K leaf, where it
 * finds none the walker finds no 4K mapping; the user walk and the count
 * of present pages agree with that.
 */
static void walk_user_follow_pte(struct kunit *test)
{
	unsigned long addr, present, agreed = 0, vma_present;
	struct vm_area_struct *vma;
	struct task_struct *task;
	struct mmlab_walk w;
	struct mm_struct *mm;
	struct pid *pid;
	pte_t pte;

	pid = find_get_pid(1);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	KUNIT_ASSERT_NOT_NULL(test, task);
	mm = get_task_mm(task);
	put_task_struct(task);
	KUNIT_ASSERT_NOT_NULL(test, mm);

	mmap_read_lock(mm);
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end)) {
		vma_present = 0;
		for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
			mmlab_walk_pgd(__pa(mm->pgd), addr, &w);
			if (read_user_pte(mm, addr, &pte)) {
				KUNIT_EXPECT_EQ(test, w.result, MMLAB_WALK_MAPPED);
				KUNIT_EXPECT_EQ(test, w.page_size, PAGE_SIZE);
				KUNIT_EXPECT_EQ(test, w.phys >> PAGE_SHIFT, pte_pfn(pte));
				KUNIT_EXPECT_EQ(test, w.e[w.nr - 1].entry, (u64)pte_val(pte));
				KUNIT_EXPECT_TRUE(test, w.user);
				KUNIT_EXPECT_EQ(test, w.write, !!pte_write(pte));
				agreed++;
				vma_present++;
			} else {
				KUNIT_EXPECT_TRUE(test, w.result != MMLAB_WALK_MAPPED ||
						  w.page_size != PAGE_SIZE);
				if (w.result == MMLAB_WALK_MAPPED)
					vma_present++;
			}
		}
		present = mmlab_walk_count_present(mm, vma->vm_start, vma->vm_end);
		KUNIT_EXPECT_EQ(test, present, vma_present);
	}
	mmap_read_unlock(mm);

	/* mmlab_walk_user() takes its own references and lock: same answer. */
	vma = NULL;
	mmap_read_lock(mm);
	vma = find_vma(mm, 0);
	addr = vma ? vma->vm_start : 0;
	if (vma)
		mmlab_walk_pgd(__pa(mm->pgd), addr, &w);
	mmap_read_unlock(mm);
	if (vma) {
		struct mmlab_walk u;

		KUNIT_EXPECT_EQ(test, mmlab_walk_user(1, addr, &u), 0);
		KUNIT_EXPECT_EQ(test, u.result, w.result);
		KUNIT_EXPECT_EQ(test, u.phys, w.phys);
		KUNIT_EXPECT_EQ(test, u.root, (u64)__pa(mm->pgd));
		KUNIT_EXPECT_EQ(test, u.pid, 1);
	}
	mmput(mm);
	KUNIT_EXPECT_GT(test, agreed, 0);
	kunit_info(test, "pid 1: %lu present pages agree with follow_pte()\n", agreed);
}

static int walk_test_init(struct kunit *test)
{
	if (!mmlab_vwin.reserve)
		kunit_skip(test, "mmlab has no vmalloc window");
	return 0;
}

static struct kunit_case walk_cases[] = {
	KUNIT_CASE(walk_native_vmalloc),
	KUNIT_CASE(walk_lookup_address),
	KUNIT_CASE(walk_regions),
	KUNIT_CASE(walk_bad_addresses),
	KUNIT_CASE(walk_user_follow_pte),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "mmlab_walk",
	.init = walk_test_init,
	.test_cases = walk_cases,
};

kunit_test_suite(walk_suite);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite for mmlab's page-table walker");
