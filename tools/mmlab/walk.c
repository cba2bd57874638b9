// SPDX-License-Identifier: GPL-2.0
/*
 * `mmlab walk [--pid N] ADDR`: asks mmlab's walker (the `walk` file) for the
 * page-table walk of an address and draws it as the paging diagrams do: the
 * address split into its index fields, then each level's entry.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmlab.h"

/**
 * walk_split() - the index of each level and the page offset of an address.
 * @addr: the virtual address.
 * @levels: 4 or 5.
 * @idx: out: idx[0] for the top level (pgd) down to the pte's.
 * @offset: out: the 12-bit offset in a 4K page.
 */
void walk_split(unsigned long long addr, int levels, unsigned int idx[MM_WALK_LEVELS],
		unsigned long long *offset)
{
	int i;

	if (levels < 1 || levels > MM_WALK_LEVELS)
		levels = 4;
	for (i = 0; i < MM_WALK_LEVELS; i++)
		idx[i] = 0;
	for (i = 0; i < levels; i++)
		idx[i] = (addr >> (12 + 9 * (levels - 1 - i))) & 511;
	*offset = addr & 0xfff;
}

static const char *const names5[] = { "pgd", "p4d", "pud", "pmd", "pte" };
static const char *const names4[] = { "pgd", "pud", "pmd", "pte" };

static unsigned long long size_of(const char *s)
{
	if (!strcmp(s, "1G"))
		return 1ULL << 30;
	if (!strcmp(s, "2M"))
		return 1ULL << 21;
	return 4096;
}

static void draw(const struct mm_walk *w)
{
	const char *const *names = w->levels == 5 ? names5 : names4;
	unsigned int idx[MM_WALK_LEVELS];
	unsigned long long off;
	int i, top = 12 + 9 * w->levels - 1;

	walk_split(w->addr, w->levels, idx, &off);
	printf("virtual address 0x%016llx, ", w->addr);
	if (w->pid)
		printf("pid %d", w->pid);
	else
		printf("kernel");
	printf(", %d-level paging, root (%s) 0x%llx\n\n", w->levels,
	       w->pid ? "mm->pgd" : "CR3", w->root);

	printf("  | %-8s", "sign");
	for (i = 0; i < w->levels; i++)
		printf("| %-7s", names[i]);
	printf("| %-8s|\n", "offset");
	printf("  | 63..%-4d", top + 1);
	for (i = 0; i < w->levels; i++)
		printf("| %2d..%-3d", top - 9 * i, top - 9 * i - 8);
	printf("| 11..0   |\n");
	printf("  | %-8s", (w->addr >> 63) ? "1...1" : "0...0");
	for (i = 0; i < w->levels; i++)
		printf("| %-7u", idx[i]);
	printf("| 0x%03llx   |\n", off);
	if (w->mapped && w->nr && size_of(w->page_size) > 4096) {
		unsigned long long ps = size_of(w->page_size);

		printf("  a %s page: the walk ends at the %s,", w->page_size,
		       w->e[w->nr - 1].level);
		printf(" the fields after it are all offset: bits %d..0 = 0x%llx\n",
		       ps == 1ULL << 21 ? 20 : 29, w->addr & (ps - 1));
	}
	printf("\n");

	printf("  %s 0x%llx\n", w->pid ? "mm->pgd" : "CR3", w->root);
	for (i = 0; i < w->nr; i++) {
		const struct mm_walk_entry *e = &w->e[i];
		int lvl = -1, k;
		bool leaf;

		for (k = 0; k < w->levels; k++)
			if (!strcmp(names[k], e->level))
				lvl = k;
		leaf = w->mapped && i == w->nr - 1;
		printf("  %*s`-> %s[%3u] = 0x%016llx ", 2 * i, "", e->level, e->index, e->entry);
		if (leaf)
			printf("=> %s page at 0x%llx", w->page_size, e->next);
		else if (e->next)
			printf("-> table at 0x%llx", e->next);
		printf("  %s", e->flags[0] ? e->flags : "(empty)");
		if (lvl >= 0 && e->index != idx[lvl])
			printf("  [!] index differs from the address's %u", idx[lvl]);
		printf("\n");
	}
	printf("\n  result: %s", w->result);
	if (w->stop_level[0])
		printf(" (the walk stopped at the %s)", w->stop_level);
	printf("\n");
	if (w->mapped) {
		unsigned long long ps = size_of(w->page_size);

		printf("  physical address 0x%llx (pfn 0x%lx), page size %s:", w->phys, w->pfn,
		       w->page_size);
		printf(" the low %d bits (0x%llx) are the offset in the page\n",
		       ps == 4096 ? 12 : ps == 1ULL << 21 ? 21 : 30, w->addr & (ps - 1));
		printf("  access: %s\n", w->access);
	}
	printf("  region: %s\n", w->region);
}

int cmd_walk(const struct mm_opts *o, const char *arg)
{
	unsigned long long addr;
	char cmd[64], *text, *end;
	struct mm_walk w;
	int err;

	errno = 0;
	addr = strtoull(arg, &end, 0);
	if (errno || *end || end == arg) {
		errno = 0;
		addr = strtoull(arg, &end, 16);
		if (errno || *end || end == arg) {
			fprintf(stderr, "mmlab: walk: '%s' is not an address\n", arg);
			return 2;
		}
	}
	if (mm_check_access())
		return 1;
	if (!mm_exists("walk")) {
		fprintf(stderr, "mmlab: this mmlab.ko has no page-table walker (no %s/walk)\n",
			mm_dir);
		return 1;
	}
	/* With --dir the captured walk is only read: nothing is written there. */
	if (!strcmp(mm_dir, MM_DIR)) {
		if (o->pid)
			snprintf(cmd, sizeof(cmd), "pid=%d 0x%llx\n", o->pid, addr);
		else
			snprintf(cmd, sizeof(cmd), "0x%llx\n", addr);
		err = mm_write("walk", cmd);
		if (err) {
			fprintf(stderr, "mmlab: walk: writing '%.*s': %s%s\n",
				(int)strlen(cmd) - 1, cmd, strerror(-err),
				err == -EINVAL ? " (a bad address, or no such pid)" : "");
			return 1;
		}
	}
	text = mm_read("walk");
	if (!text) {
		fprintf(stderr, "mmlab: walk of 0x%llx: %s\n", addr, strerror(errno));
		return 1;
	}
	if (mm_parse_walk(text, &w)) {
		free(text);
		return mm_bad("walk");
	}
	free(text);
	if (w.addr != addr)
		fprintf(stderr, "mmlab: walk: %s/walk is the walk of 0x%llx, not of 0x%llx\n",
			mm_dir, w.addr, addr);
	if (o->json) {
		struct mm_json j;

		json_init(&j, stdout);
		json_walk(&j, NULL, &w);
		json_end(&j);
	} else {
		draw(&w);
	}
	return 0;
}
