// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs interface of mmlab's vmalloc: vmallocinfo, vmap_areas, pagetables,
 * and the vmalloc and vfree commands of `control`.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "buddy.h"
#include "control.h"
#include "debugfs.h"
#include "mmlab.h"
#include "pool.h"
#include "vmalloc.h"

/* === vmallocinfo === */

static struct mmlab_vmap_area *rb_va(struct rb_node *n)
{
	return n ? rb_entry(n, struct mmlab_vmap_area, rb_node) : NULL;
}

/*
 * /proc/vmallocinfo's rows for mmlab's areas: busy and lazy (unpurged)
 * areas merged in address order, as the kernel's vmap_area_list.
 */
static int vmallocinfo_show(struct seq_file *m, void *v)
{
	struct rb_node *b, *l;

	mutex_lock(&mmlab_vmap_lock);
	b = rb_first(&mmlab_vmap_area_root);
	l = rb_first(&mmlab_purge_vmap_area_root);
	while (b || l) {
		struct mmlab_vmap_area *va;

		if (b && (!l || rb_va(b)->va_start < rb_va(l)->va_start)) {
			struct mmlab_vm_struct *vm;

			va = rb_va(b);
			vm = va->vm;
			b = rb_next(b);
			seq_printf(m, "0x%016lx-0x%016lx %7ld %pS pages=%u %s\n",
				   va->va_start, va->va_end, vm->size, vm->caller,
				   vm->nr_pages,
				   vm->flags & MMLAB_VM_ALLOC ? "vmalloc" : "vmap");
		} else {
			va = rb_va(l);
			l = rb_next(l);
			seq_printf(m, "0x%016lx-0x%016lx %7ld unpurged vm_area\n",
				   va->va_start, va->va_end,
				   va->va_end - va->va_start);
		}
	}
	mutex_unlock(&mmlab_vmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmallocinfo);

/* === vmap_areas === */

static int vmap_areas_show(struct seq_file *m, void *v)
{
	struct mmlab_vmap_area *va;
	struct rb_node *n;
	unsigned int i;

	mutex_lock(&mmlab_vmap_lock);
	seq_printf(m, "window 0x%lx-0x%lx (%lu pages), reserved by vmap() at 0x%lx\n",
		   mmlab_vwin.start, mmlab_vwin.end, MMLAB_VMALLOC_WINDOW_PAGES,
		   (unsigned long)mmlab_vwin.reserve);
	seq_printf(m, "lazy pages %lu, lazy_max_pages %lu, pte tables %lu\n",
		   mmlab_vwin.lazy_nr, mmlab_vwin.lazy_max, mmlab_vwin.pte_tables);
	for (i = 0; i < MMLAB_NR_VSTATS; i++)
		seq_printf(m, "%s %lu\n", mmlab_vmalloc_stat_names[i],
			   mmlab_vwin.stats[i]);

	seq_puts(m, "\nfree start            end                  pages subtree_max_pages\n");
	for (n = rb_first(&mmlab_free_vmap_area_root); n; n = rb_next(n)) {
		va = rb_va(n);
		seq_printf(m, "free 0x%016lx 0x%016lx %8lu %8lu\n", va->va_start,
			   va->va_end, (va->va_end - va->va_start) >> PAGE_SHIFT,
			   mmlab_va_subtree_max(va) >> PAGE_SHIFT);
	}
	seq_puts(m, "\nbusy start            end                  pages caller\n");
	for (n = rb_first(&mmlab_vmap_area_root); n; n = rb_next(n)) {
		va = rb_va(n);
		seq_printf(m, "busy 0x%016lx 0x%016lx %8lu %pS\n", va->va_start,
			   va->va_end, (va->va_end - va->va_start) >> PAGE_SHIFT,
			   va->vm->caller);
	}
	seq_puts(m, "\nlazy start            end                  pages\n");
	for (n = rb_first(&mmlab_purge_vmap_area_root); n; n = rb_next(n)) {
		va = rb_va(n);
		seq_printf(m, "lazy 0x%016lx 0x%016lx %8lu\n", va->va_start,
			   va->va_end, (va->va_end - va->va_start) >> PAGE_SHIFT);
	}
	mutex_unlock(&mmlab_vmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmap_areas);

/* === pagetables: the window in the format of the kernel's ptdump === */

/* One range of equal entries, as ptdump's struct pg_state. */
struct pt_range {
	unsigned long start;
	pteval_t prot;
	int level;		/* 3 pmd, 4 pte: ptdump's level numbers */
	bool open;
};

/* ptdump's printk_prot() for the levels of the window (pmd and pte). */
static void show_prot(struct seq_file *m, pteval_t pr, int level)
{
	static const char *const level_name[] = { "pgd", "p4d", "pud", "pmd", "pte" };

	if (!(pr & _PAGE_PRESENT)) {
		seq_puts(m, "                              ");
	} else {
		seq_puts(m, pr & _PAGE_USER ? "USR " : "    ");
		seq_puts(m, pr & _PAGE_RW ? "RW " : "ro ");
		seq_puts(m, pr & _PAGE_PWT ? "PWT " : "    ");
		seq_puts(m, pr & _PAGE_PCD ? "PCD " : "    ");
		seq_puts(m, level <= 3 && (pr & _PAGE_PSE) ? "PSE " : "    ");
		seq_puts(m, (level == 4 && (pr & _PAGE_PAT)) ||
			 ((level == 3 || level == 2) && (pr & _PAGE_PAT_LARGE)) ?
			 "PAT " : "    ");
		seq_puts(m, pr & _PAGE_GLOBAL ? "GLB " : "    ");
		seq_puts(m, pr & _PAGE_NX ? "NX " : "x  ");
	}
	seq_printf(m, "%s\n", level_name[level]);
}

static void close_range(struct seq_file *m, struct pt_range *st, unsigned long addr)
{
	static const char units[] = "BKMGTPE";
	unsigned long delta = addr - st->start;
	const char *unit = units;

	if (!st->open)
		return;
	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	seq_printf(m, "0x%016lx-0x%016lx   %9lu%c ", st->start, addr, delta, *unit);
	show_prot(m, st->prot, st->level);
	st->open = false;
}

/* ptdump's note_page(): a new range when the level or the flags change. */
static void note_page(struct seq_file *m, struct pt_range *st,
		      unsigned long addr, int level, pteval_t prot)
{
	if (st->open && st->level == level && st->prot == prot)
		return;
	close_range(m, st, addr);
	st->start = addr;
	st->level = level;
	st->prot = prot;
	st->open = true;
}

static int pagetables_show(struct seq_file *m, void *v)
{
	struct pt_range st = { 0 };
	unsigned long addr, a;
	unsigned int i;
	pmd_t *pmd, pmdv;
	pte_t *pte;

	seq_puts(m, "---[ mmlab vmalloc window ]---\n");
	mutex_lock(&mmlab_vmap_lock);
	for (addr = mmlab_vwin.start; addr < mmlab_vwin.end; addr += PMD_SIZE) {
		pmd = mmlab_kernel_pmd(addr);
		pmdv = pmd ? READ_ONCE(*pmd) : __pmd(0);
		if (!pmd_present(pmdv) || pmd_large(pmdv)) {
			note_page(m, &st, addr, 3,
				  pmd_present(pmdv) ? pmd_flags(pmdv) & PTE_FLAGS_MASK : 0);
			continue;
		}
		pte = pte_offset_kernel(pmd, addr);
		for (i = 0, a = addr; i < PTRS_PER_PTE; i++, a += PAGE_SIZE) {
			pte_t e = READ_ONCE(pte[i]);

			note_page(m, &st, a, 4, pte_present(e) ?
				  pte_flags(e) & PTE_FLAGS_MASK : 0);
		}
		cond_resched();
	}
	close_range(m, &st, mmlab_vwin.end);
	mutex_unlock(&mmlab_vmap_lock);
	seq_puts(m, "---[ end of mmlab vmalloc window ]---\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetables);

/* === vmalloc commands of control === */

/**
 * struct vmalloc_handle - an area allocated with `vmalloc`.
 * @h:		its handle (kind vmalloc_kind).
 * @addr:	the area.
 * @size:	bytes asked for.
 * @pfn:	PFN of its first page.
 * @order:	order of the block holding the first page.
 * @zone:	enum mmlab_zone_type of that block.
 * @mt:		migrate type of its pageblock at allocation.
 */
struct vmalloc_handle {
	struct mmlab_ctl_handle h;
	void *addr;
	unsigned long size;
	unsigned long pfn;
	unsigned int order;
	unsigned int zone;
	unsigned int mt;
};

static void vmalloc_handle_show(struct seq_file *m,
				const struct mmlab_ctl_handle *h)
{
	const struct vmalloc_handle *vh = container_of(h, struct vmalloc_handle, h);

	mmlab_seq_block(m, vh->pfn, vh->order, vh->zone, vh->mt);
	seq_printf(m, " vmalloc addr=0x%lx size=%lu", (unsigned long)vh->addr,
		   vh->size);
}

static void vmalloc_handle_free(struct mmlab_ctl_handle *h)
{
	struct vmalloc_handle *vh = container_of(h, struct vmalloc_handle, h);

	mmlab_vfree(vh->addr);
	kfree(vh);
}

static const struct mmlab_ctl_kind vmalloc_kind = {
	.name = "vmalloc",
	.show = vmalloc_handle_show,
	.free = vmalloc_handle_free,
};

enum { VMALLOC_SIZE, VMALLOC_ALIGN };

static const struct mmlab_ctl_key vmalloc_keys[] = {
	[VMALLOC_SIZE] = MMLAB_CTL_KEY_NUM("size", true, 1,
					   MMLAB_VMALLOC_WINDOW_SIZE - PAGE_SIZE),
	[VMALLOC_ALIGN] = MMLAB_CTL_KEY_NUM("align", false, 1,
					    MMLAB_VMALLOC_WINDOW_SIZE),
};

static int vmalloc_run(const struct mmlab_ctl_args *args)
{
	unsigned long align = PAGE_SIZE;
	struct mmlab_vm_struct *vm;
	struct vmalloc_handle *vh;
	int err;

	if (mmlab_ctl_has(args, VMALLOC_ALIGN)) {
		align = args->num[VMALLOC_ALIGN];
		if (!is_power_of_2(align)) {
			pr_info_ratelimited("control: vmalloc: align=%lu: not a power of two\n",
					    align);
			return -EINVAL;
		}
	}
	vh = kzalloc(sizeof(*vh), GFP_KERNEL);
	if (!vh)
		return -ENOMEM;
	vh->size = args->num[VMALLOC_SIZE];
	vh->addr = __mmlab_vmalloc(vh->size, align, GFP_KERNEL,
				   (void *)_RET_IP_);
	if (!vh->addr) {
		kfree(vh);
		return -ENOMEM;
	}
	vm = mmlab_find_vm_area(vh->addr);
	vh->pfn = page_to_pfn(vm->pages[0]);
	vh->order = vm->orders[0];
	vh->zone = pfn_to_section(vh->pfn)->zone->idx;
	vh->mt = mmlab_pageblock_mt(vh->pfn);
	err = mmlab_ctl_handle_add(&vh->h, &vmalloc_kind);
	if (err) {
		vmalloc_handle_free(&vh->h);
		return err;
	}
	return 0;
}

enum { VFREE_ID };

static const struct mmlab_ctl_key vfree_keys[] = {
	[VFREE_ID] = MMLAB_CTL_KEY_NUM("id", true, 1, INT_MAX),
};

static int vfree_run(const struct mmlab_ctl_args *args)
{
	struct mmlab_ctl_handle *h;

	h = mmlab_ctl_handle_find(args->num[VFREE_ID], &vmalloc_kind);
	if (!h) {
		pr_info_ratelimited("control: vfree: no vmalloc handle %lu\n",
				    args->num[VFREE_ID]);
		return -EINVAL;
	}
	mmlab_ctl_handle_destroy(h);
	return 0;
}

static const struct mmlab_ctl_cmd vmalloc_cmds[] = {
	{
		.verb = "vmalloc",
		.help = "allocate an area of N bytes from mmlab's vmalloc",
		.keys = vmalloc_keys,
		.nr_keys = ARRAY_SIZE(vmalloc_keys),
		.run = vmalloc_run,
	},
	{
		.verb = "vfree",
		.help = "free a vmalloc area by its handle",
		.keys = vfree_keys,
		.nr_keys = ARRAY_SIZE(vfree_keys),
		.run = vfree_run,
	},
};

const struct mmlab_ctl_table mmlab_vmalloc_ctl_table = {
	.cmds = vmalloc_cmds,
	.nr_cmds = ARRAY_SIZE(vmalloc_cmds),
};

/* === Public interface === */

/**
 * mmlab_vmalloc_debugfs_init() - create vmallocinfo, vmap_areas, pagetables.
 * @root: mmlab's debugfs directory.
 *
 * Read-only and for root (0400): they show kernel addresses.
 */
void mmlab_vmalloc_debugfs_init(struct dentry *root)
{
	debugfs_create_file("vmallocinfo", 0400, root, NULL, &vmallocinfo_fops);
	debugfs_create_file("vmap_areas", 0400, root, NULL, &vmap_areas_fops);
	debugfs_create_file("pagetables", 0400, root, NULL, &pagetables_fops);
}
