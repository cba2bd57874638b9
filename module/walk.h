/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab's page-table walker: any kernel or user address, through the live
 * tables, 4 or 5 levels as the running kernel uses them.
 */
#ifndef _MMLAB_WALK_H
#define _MMLAB_WALK_H

#include <linux/types.h>

struct dentry;
struct mm_struct;
struct seq_file;

#define MMLAB_WALK_MAX_LEVELS	5

/* How a walk ended. */
enum mmlab_walk_result {
	MMLAB_WALK_MAPPED,		/* a present leaf: @phys is valid */
	MMLAB_WALK_NONE,		/* an empty entry at @stop */
	MMLAB_WALK_NOT_PRESENT,		/* a non-zero entry without P at @stop */
	MMLAB_WALK_BAD_TABLE,		/* an entry pointing outside RAM at @stop */
	MMLAB_WALK_NONCANONICAL,	/* the address is not canonical */
	MMLAB_WALK_NO_VMA,		/* user walk: no VMA holds the address */
	MMLAB_WALK_NO_TASK,		/* user walk: no such task, or no mm */
};

/**
 * struct mmlab_walk_entry - one level of a walk.
 * @level:	"pgd", "p4d", "pud", "pmd" or "pte".
 * @index:	index of the entry in its table.
 * @entry:	the raw entry.
 * @next:	physical address it points to: the next table, or the page of
 *		a leaf.
 * @shift:	address bits one entry of this level covers (12 to 48).
 * @leaf:	a present leaf (pte, or PSE at pud/pmd).
 */
struct mmlab_walk_entry {
	const char *level;
	unsigned int shift;
	unsigned int index;
	u64 entry;
	u64 next;
	bool leaf;
};

/**
 * struct mmlab_walk - the result of a walk.
 * @addr:	the address walked.
 * @pid:	0 for a kernel walk (from CR3), else the task's pid.
 * @root:	physical address of the top table.
 * @levels:	paging levels in use, 4 or 5.
 * @nr:		entries in @e.
 * @e:		the entries read, top first.
 * @result:	enum mmlab_walk_result.
 * @phys:	physical address of @addr when mapped.
 * @page_size:	size of the leaf: 4K, 2M or 1G.
 * @user:	every level allows user access.
 * @write:	every level allows writes.
 * @nx:		some level forbids execution.
 */
struct mmlab_walk {
	unsigned long addr;
	int pid;
	u64 root;
	int levels;
	int nr;
	struct mmlab_walk_entry e[MMLAB_WALK_MAX_LEVELS];
	enum mmlab_walk_result result;
	u64 phys;
	unsigned long page_size;
	bool user;
	bool write;
	bool nx;
};

bool mmlab_addr_canonical(unsigned long addr);
const char *mmlab_addr_region(unsigned long addr);
void mmlab_walk_pgd(u64 root, unsigned long addr, struct mmlab_walk *w);
void mmlab_walk_kernel(unsigned long addr, struct mmlab_walk *w);
int mmlab_walk_user(int pid, unsigned long addr, struct mmlab_walk *w);
unsigned long mmlab_walk_count_present(struct mm_struct *mm, unsigned long start,
				       unsigned long end);
void mmlab_walk_show(struct seq_file *m, const struct mmlab_walk *w);

/* walk_debugfs.c */
void mmlab_walk_debugfs_init(struct dentry *root);

#endif /* _MMLAB_WALK_H */
