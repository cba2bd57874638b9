// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's page-table walker: from CR3 (kernel) or an mm's pgd (user), through
 * pgd, p4d, pud, pmd and pte as the running kernel uses them (p4d folded
 * under 4-level paging), stopping at huge leaves (1G at the pud, 2M at the
 * pmd). Shared by the `walk` and `mm` debugfs files and the KUnit suites.
 *
 * The walker only reads page-table entries, through the direct map of the
 * table pages, and only when their PFN is RAM (pfn_valid()); it never
 * touches the walked address itself, so a bad address gets an answer (where
 * the walk stopped), never a fault.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

#include <asm/cpu_entry_area.h>
#include <asm/fixmap.h>
#include <asm/processor.h>
#ifdef CONFIG_KASAN
#include <asm/kasan.h>
#endif

#include "vmalloc.h"
#include "walk.h"

/* === Regions === */

/**
 * mmlab_addr_canonical() - whether @addr is canonical for the paging in use.
 * @addr: any address.
 *
 * Bits 63 down to 47 (4-level) or 56 (5-level) must all be equal.
 */
bool mmlab_addr_canonical(unsigned long addr)
{
	unsigned int bits = pgtable_l5_enabled() ? 57 : 48;

	return (unsigned long)((long)(addr << (64 - bits)) >> (64 - bits)) == addr;
}
EXPORT_SYMBOL_NS_GPL(mmlab_addr_canonical, MMLAB_INTERNAL);

static bool in(unsigned long addr, unsigned long start, unsigned long size)
{
	return addr >= start && addr - start < size;
}

/**
 * mmlab_addr_region() - which region of the x86_64 memory map holds @addr.
 * @addr: any address.
 *
 * The regions of Documentation/x86/x86_64/mm.rst, with the randomised bases
 * (page_offset_base, vmalloc_base, vmemmap_base) of the running kernel, and
 * mmlab's own window.
 *
 * Return: a constant string ("user", "direct map", "vmalloc", ...).
 */
const char *mmlab_addr_region(unsigned long addr)
{
	unsigned long physmem = 1UL << MAX_PHYSMEM_BITS;

	if (!mmlab_addr_canonical(addr))
		return "non-canonical";
	if (mmlab_in_window(addr))
		return "mmlab vmalloc window";
	if (!(addr >> 63))
		return "user";
	if (in(addr, LDT_BASE_ADDR, PGDIR_SIZE))
		return "ldt remap";
	if (in(addr, page_offset_base, physmem))
		return "direct map";
	if (addr >= VMALLOC_START && addr <= VMALLOC_END)
		return "vmalloc";
	if (in(addr, vmemmap_base, (physmem >> PAGE_SHIFT) * sizeof(struct page)))
		return "vmemmap";
#ifdef CONFIG_KASAN
	if (addr >= KASAN_SHADOW_START && addr < KASAN_SHADOW_END)
		return "kasan shadow";
#endif
	if (in(addr, CPU_ENTRY_AREA_BASE, P4D_SIZE))
		return "cpu entry area";
	if (in(addr, ESPFIX_BASE_ADDR, P4D_SIZE))
		return "espfix";
	if (addr >= EFI_VA_END && addr < EFI_VA_START)
		return "efi";
	if (addr >= __START_KERNEL_map && addr < MODULES_VADDR)
		return "kernel text";
	if (addr >= MODULES_VADDR && addr < MODULES_END)
		return "modules";
	if (addr >= FIXADDR_START && addr < FIXADDR_TOP)
		return "fixmap";
	return "unused hole";
}
EXPORT_SYMBOL_NS_GPL(mmlab_addr_region, MMLAB_INTERNAL);

/* === The walk === */

static const char *const level_names[] = { "pgd", "p4d", "pud", "pmd", "pte" };
static const unsigned int level_shifts[] = { 48, 39, 30, 21, 12 };

/**
 * mmlab_walk_pgd() - walk the tables under a top-level table.
 * @root: physical address of the pgd.
 * @addr: the address.
 * @w: the result; @w->addr, @w->pid set by the caller or here.
 *
 * Reads one entry per level; stops at the first entry that is not present
 * or is a leaf, and at a table that is not RAM.
 */
void mmlab_walk_pgd(u64 root, unsigned long addr, struct mmlab_walk *w)
{
	unsigned int first = pgtable_l5_enabled() ? 0 : 1, l;
	u64 table = root, val, mask;
	struct mmlab_walk_entry *e;

	w->addr = addr;
	w->root = root;
	w->levels = 5 - first;
	w->nr = 0;
	w->user = true;
	w->write = true;
	w->nx = false;
	w->phys = 0;
	w->page_size = 0;
	if (!mmlab_addr_canonical(addr)) {
		w->result = MMLAB_WALK_NONCANONICAL;
		return;
	}
	for (l = first; l < ARRAY_SIZE(level_names); l++) {
		unsigned int shift = level_shifts[l];

		if (!pfn_valid(PHYS_PFN(table))) {
			w->result = MMLAB_WALK_BAD_TABLE;
			return;
		}
		e = &w->e[w->nr++];
		e->level = level_names[l];
		e->shift = shift;
		e->index = (addr >> shift) & (PTRS_PER_PTE - 1);
		/* A 4-level pgd entry is the level that covers bit 39 up. */
		if (l == 1 && first == 1)
			e->level = "pgd";
		val = READ_ONCE(((u64 *)__va(table))[e->index]);
		e->entry = val;
		e->next = 0;
		e->leaf = false;
		if (!(val & _PAGE_PRESENT)) {
			w->result = val ? MMLAB_WALK_NOT_PRESENT : MMLAB_WALK_NONE;
			return;
		}
		w->user &= !!(val & _PAGE_USER);
		w->write &= !!(val & _PAGE_RW);
		w->nx |= !!(val & _PAGE_NX);
		if (shift == PAGE_SHIFT ||
		    ((shift == PUD_SHIFT || shift == PMD_SHIFT) && (val & _PAGE_PSE))) {
			mask = shift == PAGE_SHIFT ? PTE_PFN_MASK :
			       shift == PMD_SHIFT ? PHYSICAL_PMD_PAGE_MASK :
						    PHYSICAL_PUD_PAGE_MASK;
			e->leaf = true;
			e->next = val & mask;
			w->page_size = 1UL << shift;
			w->phys = e->next + (addr & (w->page_size - 1));
			w->result = MMLAB_WALK_MAPPED;
			return;
		}
		e->next = val & PTE_PFN_MASK;
		table = e->next;
	}
}
EXPORT_SYMBOL_NS_GPL(mmlab_walk_pgd, MMLAB_INTERNAL);

/**
 * mmlab_walk_kernel() - walk an address from this CPU's CR3.
 * @addr: the address (kernel or the current task's user address).
 * @w: the result.
 */
void mmlab_walk_kernel(unsigned long addr, struct mmlab_walk *w)
{
	w->pid = 0;
	mmlab_walk_pgd(read_cr3_pa(), addr, w);
}
EXPORT_SYMBOL_NS_GPL(mmlab_walk_kernel, MMLAB_INTERNAL);

/* A reference to the task of @pid and its mm, or NULL (task put). */
static struct mm_struct *get_pid_mm(int pid, struct task_struct **taskp)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;

	p = find_get_pid(pid);
	task = p ? get_pid_task(p, PIDTYPE_PID) : NULL;
	put_pid(p);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	if (!mm) {
		put_task_struct(task);
		return NULL;
	}
	*taskp = task;
	return mm;
}

/**
 * mmlab_walk_user() - walk a user address of a task.
 * @pid: the task's pid (in the caller's pid namespace).
 * @addr: the address.
 * @w: the result.
 *
 * Holds a reference to the task and its mm and the mm's mmap lock (read)
 * for the walk. An address no VMA holds is not walked (MMLAB_WALK_NO_VMA).
 *
 * Return: 0, -ESRCH if there is no such task or it has no mm, -EINTR if
 * the wait for the lock was interrupted.
 */
int mmlab_walk_user(int pid, unsigned long addr, struct mmlab_walk *w)
{
	struct vm_area_struct *vma;
	struct task_struct *task;
	struct mm_struct *mm;

	memset(w, 0, sizeof(*w));
	w->addr = addr;
	w->pid = pid;
	w->levels = pgtable_l5_enabled() ? 5 : 4;
	mm = get_pid_mm(pid, &task);
	if (!mm) {
		w->result = MMLAB_WALK_NO_TASK;
		return -ESRCH;
	}
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		put_task_struct(task);
		return -EINTR;
	}
	w->root = __pa(mm->pgd);
	vma = mmlab_addr_canonical(addr) ? find_vma(mm, addr) : NULL;
	if (!mmlab_addr_canonical(addr))
		w->result = MMLAB_WALK_NONCANONICAL;
	else if (!vma || vma->vm_start > addr)
		w->result = MMLAB_WALK_NO_VMA;
	else
		mmlab_walk_pgd(__pa(mm->pgd), addr, w);
	w->pid = pid;
	mmap_read_unlock(mm);
	mmput(mm);
	put_task_struct(task);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(mmlab_walk_user, MMLAB_INTERNAL);

/**
 * mmlab_walk_count_present() - pages of [@start, @end) present in @mm.
 * @mm: the mm; its mmap lock held by the caller.
 * @start: page-aligned start.
 * @end: end.
 *
 * Walks the range, skipping whole tables where an upper entry is empty;
 * a huge leaf counts as its 4K pages.
 *
 * Return: the number of 4K pages mapped by a present entry.
 */
unsigned long mmlab_walk_count_present(struct mm_struct *mm, unsigned long start,
				       unsigned long end)
{
	unsigned long addr = start, next, nr = 0;
	struct mmlab_walk w;
	unsigned int shift;

	lockdep_assert_held(&mm->mmap_lock);
	while (addr < end) {
		mmlab_walk_pgd(__pa(mm->pgd), addr, &w);
		if (!w.nr)
			break;
		shift = w.e[w.nr - 1].shift;
		next = (addr | ((1UL << shift) - 1)) + 1;
		if (!next || next > end)
			next = end;
		if (w.result == MMLAB_WALK_MAPPED)
			nr += (next - addr) >> PAGE_SHIFT;
		addr = next;
		cond_resched();
	}
	return nr;
}
EXPORT_SYMBOL_NS_GPL(mmlab_walk_count_present, MMLAB_INTERNAL);

/* === Formatting === */

static const char *const result_names[] = {
	[MMLAB_WALK_MAPPED]		= "mapped",
	[MMLAB_WALK_NONE]		= "none",
	[MMLAB_WALK_NOT_PRESENT]	= "not present",
	[MMLAB_WALK_BAD_TABLE]		= "bad table",
	[MMLAB_WALK_NONCANONICAL]	= "non-canonical",
	[MMLAB_WALK_NO_VMA]		= "no vma",
	[MMLAB_WALK_NO_TASK]		= "no such task",
};

/* The flags of one entry, decoded: bit 7 is PSE above the pte, PAT in it. */
static void show_flags(struct seq_file *m, const struct mmlab_walk_entry *e)
{
	u64 v = e->entry;

	if (!(v & _PAGE_PRESENT))
		return;
	seq_puts(m, " present");
	if (v & _PAGE_RW)
		seq_puts(m, " RW");
	if (v & _PAGE_USER)
		seq_puts(m, " user");
	if (v & _PAGE_PWT)
		seq_puts(m, " PWT");
	if (v & _PAGE_PCD)
		seq_puts(m, " PCD");
	if (v & _PAGE_ACCESSED)
		seq_puts(m, " accessed");
	if (v & _PAGE_DIRTY)
		seq_puts(m, " dirty");
	if (v & _PAGE_PSE)
		seq_puts(m, e->shift == PAGE_SHIFT ? " PAT" : " PSE");
	if (e->leaf && e->shift != PAGE_SHIFT && (v & _PAGE_PAT_LARGE))
		seq_puts(m, " PAT");
	if (v & _PAGE_GLOBAL)
		seq_puts(m, " global");
	if (v & _PAGE_NX)
		seq_puts(m, " NX");
}

/**
 * mmlab_walk_show() - print a walk in the format of the `walk` file.
 * @m: the seq_file.
 * @w: the walk.
 *
 * The address line, the root, one line per level (name, index, raw entry,
 * next physical address, flags), then the summary: result (and where the
 * walk stopped), physical address, page size, access, levels, region.
 */
void mmlab_walk_show(struct seq_file *m, const struct mmlab_walk *w)
{
	const char *region;
	int i;

	if (w->pid)
		seq_printf(m, "address 0x%016lx, pid %d\n", w->addr, w->pid);
	else
		seq_printf(m, "address 0x%016lx, kernel (cr3)\n", w->addr);
	seq_printf(m, "root 0x%016llx, %d levels\n", w->root, w->levels);
	if (w->nr)
		seq_puts(m, "level index entry              next\n");
	for (i = 0; i < w->nr; i++) {
		const struct mmlab_walk_entry *e = &w->e[i];

		seq_printf(m, "%-5s %5u 0x%016llx 0x%016llx", e->level, e->index,
			   e->entry, e->next);
		show_flags(m, e);
		seq_putc(m, '\n');
	}
	seq_printf(m, "result    %s", result_names[w->result]);
	if (w->result == MMLAB_WALK_NONE || w->result == MMLAB_WALK_NOT_PRESENT)
		seq_printf(m, " at %s", w->e[w->nr - 1].level);
	else if (w->result == MMLAB_WALK_BAD_TABLE)
		seq_printf(m, " at %s", w->nr ? w->e[w->nr - 1].level : "root");
	seq_putc(m, '\n');
	if (w->result == MMLAB_WALK_MAPPED) {
		seq_printf(m, "phys      0x%016llx (pfn 0x%llx)\n", w->phys,
			   w->phys >> PAGE_SHIFT);
		seq_printf(m, "page size %s\n", w->page_size == SZ_1G ? "1G" :
			   w->page_size == SZ_2M ? "2M" : "4K");
		seq_printf(m, "access    %s %s %s\n", w->user ? "user" : "kernel",
			   w->write ? "RW" : "ro", w->nx ? "NX" : "x");
	}
	seq_printf(m, "levels    %d\n", w->levels);
	region = mmlab_addr_region(w->addr);
	if (w->pid && mmlab_addr_canonical(w->addr) && !(w->addr >> 63))
		region = "user";
	seq_printf(m, "region    %s\n", region);
}
EXPORT_SYMBOL_NS_GPL(mmlab_walk_show, MMLAB_INTERNAL);
