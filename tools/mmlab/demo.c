// SPDX-License-Identifier: GPL-2.0
/*
 * `mmlab demo`: guided scenarios that run commands through `control` and
 * show, after each, what changed in the debugfs files: a split of an
 * order-10 block down to order 2 and the merges that undo it; a slab cache
 * filling up; a vmalloc area walked to its pages.
 */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmlab.h"

/* === Snapshots and their differences === */

struct snap {
	struct mm_zone_rows bi;
	struct mm_zoneinfo zi;
	struct mm_blocks fl, pcp;
	struct mm_handles h;
};

static bool step_mode;
/* With --json: the writer, and whether a step's object is open. */
static struct mm_json *dj;
static bool step_open;

static int snap_take(struct snap *s)
{
	static const char * const files[] = {
		"buddyinfo", "zoneinfo", "free_lists", "pcp_lists", "handles"
	};
	char *t[5];
	int i, rc = 0;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < 5; i++)
		t[i] = mm_need(files[i]);
	for (i = 0; i < 5; i++)
		if (!t[i])
			rc = 1;
	if (!rc && mm_parse_zone_rows(t[0], &s->bi, false))
		rc = mm_bad(files[0]);
	if (!rc && mm_parse_zoneinfo(t[1], &s->zi))
		rc = mm_bad(files[1]);
	if (!rc && mm_parse_free_lists(t[2], &s->fl))
		rc = mm_bad(files[2]);
	if (!rc && mm_parse_pcp_lists(t[3], &s->pcp))
		rc = mm_bad(files[3]);
	if (!rc && mm_parse_handles(t[4], &s->h))
		rc = mm_bad(files[4]);
	for (i = 0; i < 5; i++)
		free(t[i]);
	return rc;
}

static void snap_free(struct snap *s)
{
	mm_blocks_free(&s->fl);
	mm_blocks_free(&s->pcp);
	mm_handles_free(&s->h);
}

static bool same_block(const struct mm_block *a, const struct mm_block *b)
{
	return a->start == b->start && a->order == b->order && a->cpu == b->cpu &&
	       !strcmp(a->zone, b->zone);
}

static bool has_block(const struct mm_blocks *bs, const struct mm_block *b)
{
	size_t i;

	for (i = 0; i < bs->nr; i++)
		if (same_block(&bs->v[i], b))
			return true;
	return false;
}

/* Blocks of @a missing from @b, printed with @sign. Return: how many. */
static int diff_blocks(const struct mm_blocks *a, const struct mm_blocks *b, char sign,
		       const char *what)
{
	int n = 0, order;
	size_t i;

	for (order = MM_MAX_ORDER - 1; order >= 0; order--)
		for (i = 0; i < a->nr; i++) {
			const struct mm_block *k = &a->v[i];

			if (k->order != order || has_block(b, k))
				continue;
			printf("    %c %s %-6s order %2d %-11s pfn %#lx-%#lx", sign, what, k->zone,
			       k->order, k->type, k->start, k->end);
			if (k->cpu >= 0)
				printf(" (cpu %d)", k->cpu);
			printf("\n");
			n++;
		}
	return n;
}

/* Blocks of @a missing from @b, as a JSON array. */
static void json_missing(const struct mm_blocks *a, const struct mm_blocks *b, const char *key)
{
	struct mm_blocks m = { .v = xcalloc(a->nr + 1, sizeof(*a->v)), .nr = 0 };
	size_t i;

	for (i = 0; i < a->nr; i++)
		if (!has_block(b, &a->v[i]))
			m.v[m.nr++] = a->v[i];
	json_blocks(dj, key, &m);
	free(m.v);
}

static void json_changes(const struct snap *a, const struct snap *b)
{
	int z, c, o;

	json_obj(dj, "changes");
	json_arr(dj, "buddyinfo");
	for (z = 0; z < b->bi.nr && z < a->bi.nr; z++) {
		if (!memcmp(a->bi.z[z].v, b->bi.z[z].v, sizeof(a->bi.z[z].v)))
			continue;
		json_obj(dj, NULL);
		json_str(dj, "zone", b->bi.z[z].zone);
		json_arr(dj, "before");
		for (o = 0; o < a->bi.nr_orders; o++)
			json_int(dj, NULL, a->bi.z[z].v[o]);
		json_arr_end(dj);
		json_arr(dj, "after");
		for (o = 0; o < b->bi.nr_orders; o++)
			json_int(dj, NULL, b->bi.z[z].v[o]);
		json_arr_end(dj);
		json_obj_end(dj);
	}
	json_arr_end(dj);
	json_missing(&a->fl, &b->fl, "free_lists_removed");
	json_missing(&b->fl, &a->fl, "free_lists_added");
	json_missing(&a->pcp, &b->pcp, "pcp_lists_removed");
	json_missing(&b->pcp, &a->pcp, "pcp_lists_added");
	json_obj(dj, "counters");
	for (z = 0; z < b->zi.nr; z++) {
		const struct mm_zone *za = mm_zone_find(&a->zi, b->zi.z[z].name);
		const struct mm_zone *zb = &b->zi.z[z];
		bool any = false;

		for (c = 0; za && c < zb->nr_stats; c++) {
			long dv = (long)zb->stats[c] - mm_zone_stat(za, zb->stat_names[c]);

			if (!dv)
				continue;
			if (!any)
				json_obj(dj, zb->name);
			any = true;
			json_int(dj, zb->stat_names[c], dv);
		}
		if (any)
			json_obj_end(dj);
	}
	json_obj_end(dj);
	json_obj_end(dj);
}

static void show_changes(const struct snap *a, const struct snap *b)
{
	int z, o, c, n = 0;

	if (dj) {
		json_changes(a, b);
		return;
	}

	printf("  buddyinfo (free blocks per order), the zones that changed:");
	for (z = 0; z < b->bi.nr && z < a->bi.nr; z++)
		n += !!memcmp(a->bi.z[z].v, b->bi.z[z].v, sizeof(a->bi.z[z].v));
	printf("%s\n", n ? "" : " none");
	for (z = 0; z < b->bi.nr && z < a->bi.nr; z++) {
		if (!memcmp(a->bi.z[z].v, b->bi.z[z].v, sizeof(a->bi.z[z].v)))
			continue;
		printf("    %-7s order ", b->bi.z[z].zone);
		for (o = 0; o < b->bi.nr_orders; o++)
			printf("%5d", o);
		printf("\n    %-7s before", "");
		for (o = 0; o < a->bi.nr_orders; o++)
			printf("%5ld", a->bi.z[z].v[o]);
		printf("\n    %-7s after ", "");
		for (o = 0; o < b->bi.nr_orders; o++) {
			long d = b->bi.z[z].v[o] - a->bi.z[z].v[o];

			if (d && isatty(STDOUT_FILENO))
				printf("\033[1;%sm%5ld\033[0m", d > 0 ? "32" : "31",
				       b->bi.z[z].v[o]);
			else
				printf("%5ld", b->bi.z[z].v[o]);
		}
		printf("\n");
	}
	printf("  free_lists: blocks taken off (-) and put on (+):\n");
	n = diff_blocks(&a->fl, &b->fl, '-', "free");
	n += diff_blocks(&b->fl, &a->fl, '+', "free");
	if (!n)
		printf("    (no change)\n");
	n = diff_blocks(&a->pcp, &b->pcp, '-', "pcp ");
	n += diff_blocks(&b->pcp, &a->pcp, '+', "pcp ");
	if (n)
		printf("  (pcp: the per-CPU lists, pcp_lists)\n");
	printf("  counters that moved (zoneinfo):");
	n = 0;
	for (z = 0; z < b->zi.nr; z++) {
		const struct mm_zone *za = mm_zone_find(&a->zi, b->zi.z[z].name);

		const struct mm_zone *zb = &b->zi.z[z];

		for (c = 0; za && c < zb->nr_stats; c++) {
			long d = (long)zb->stats[c] - mm_zone_stat(za, zb->stat_names[c]);

			if (d) {
				printf(" %s %s %+ld;", zb->name, zb->stat_names[c], d);
				n++;
			}
		}
	}
	printf("%s\n", n ? "" : " none");
}

/* === Steps === */

static __printf(1, 2) void say(const char *fmt, ...);

static void say(const char *fmt, ...)
{
	va_list ap;

	if (dj)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void pause_step(void)
{
	char buf[16];

	if (!step_mode)
		return;
	say("  [Enter] ");
	if (!fgets(buf, sizeof(buf), stdin))
		step_mode = false;
}

/* A new step: the command as a shell line, or a JSON object. */
static void step(const char *cmd)
{
	say("\n# echo \"%s\" > %s/control\n", cmd, mm_dir);
	if (!dj)
		return;
	if (step_open)
		json_obj_end(dj);
	json_obj(dj, NULL);
	json_str(dj, "command", cmd);
	step_open = true;
}

static void steps_end(void)
{
	if (dj && step_open)
		json_obj_end(dj);
	step_open = false;
}

static int run(const char *cmd)
{
	int err;

	step(cmd);
	err = mm_control(cmd);
	if (dj && err)
		json_int(dj, "error", err);
	return err;
}

static void json_handle(const struct mm_handle *h)
{
	struct mm_handles one = { .v = (struct mm_handle *)h, .nr = 1 };

	if (dj)
		json_handles(dj, "handle", &one);
}

/* The handle a command just added: the last row, if it is new. */
static const struct mm_handle *new_handle(const struct snap *before, const struct snap *after)
{
	const struct mm_handle *h;
	size_t i;

	if (!after->h.nr)
		return NULL;
	h = &after->h.v[after->h.nr - 1];
	for (i = 0; i < before->h.nr; i++)
		if (before->h.v[i].id == h->id)
			return NULL;
	return h;
}

/* === Scenario: the buddy allocator === */

static int demo_buddy(void)
{
	struct snap a, b, c, d;
	const struct mm_handle *h;
	char cmd[64];
	unsigned long id;
	size_t i;
	int rc = 1;

	say("== The buddy allocator: split on allocation, merge on free ==\n"
	    "An allocation of order 2 (4 pages) takes the smallest free block of order 2 or\n"
	    "more; a larger block is split in halves again and again, each upper half going\n"
	    "to the free list one order below, until a block of order 2 is left. Freeing it\n"
	    "merges it with its buddy (the block whose PFN differs in bit 'order') as long\n"
	    "as the buddy is free, back up to the order-10 block.\n");
	say("\nFirst, the per-CPU lists go back to the free lists, so that the free lists\n"
	    "show everything:\n");
	if (run("drain"))
		return 1;
	if (snap_take(&a))
		return 1;
	pause_step();
	if (run("alloc order=2"))
		goto out_a;
	if (snap_take(&b))
		goto out_a;
	h = new_handle(&a, &b);
	if (!h) {
		fprintf(stderr, "mmlab: demo: no new handle after alloc\n");
		goto out_b;
	}
	id = h->id;
	json_handle(h);
	say("  handle %lu: pfn %#lx, order %d, zone %s, type %s\n", h->id, h->pfn, h->order,
	    h->zone, h->type);
	show_changes(&a, &b);
	for (i = 0; i < a.fl.nr; i++) {
		const struct mm_block *k = &a.fl.v[i];

		if (!has_block(&b.fl, k) && !strcmp(k->zone, h->zone) && k->order > 2) {
			say("  => the order-%d block %#lx-%#lx was split %d times: %d pages went\n"
			    "     back to the free lists in blocks of orders %d down to 2 (and to\n"
			    "     the per-CPU list if the allocation refilled it).\n",
			    k->order, k->start, k->end, k->order - 2, (1 << k->order) - 4,
			    k->order - 1);
			break;
		}
	}
	pause_step();
	snprintf(cmd, sizeof(cmd), "free id=%lu", id);
	if (run(cmd))
		goto out_b;
	if (snap_take(&c))
		goto out_b;
	show_changes(&b, &c);
	say("  => a freed block of a low order goes to this CPU's per-CPU list first (the\n"
	    "     hot path); the free lists see it when the list is drained.\n");
	pause_step();
	if (run("drain"))
		goto out_c;
	if (snap_take(&d))
		goto out_c;
	show_changes(&c, &d);
	if (a.bi.nr == d.bi.nr && !memcmp(a.bi.z, d.bi.z, sizeof(a.bi.z[0]) * a.bi.nr))
		say("  => buddyinfo is back to where it started: %s\n",
		    "each split was undone by a merge.");
	else
		say("  => buddyinfo differs from the start: other allocations ran meanwhile.\n");
	rc = 0;
	snap_free(&d);
out_c:
	snap_free(&c);
out_b:
	snap_free(&b);
out_a:
	snap_free(&a);
	return rc;
}

/* === Scenario: a slab cache (issue 4) === */

static void show_file(const char *file, const char *title)
{
	char *t = mm_read(file);

	if (dj) {
		json_str(dj, file, t ? t : "");
		free(t);
		return;
	}
	say("  %s (%s):\n", title, file);
	if (!t) {
		say("    (cannot read)\n");
		return;
	}
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
		say("    %s\n", line);
	free(t);
}

static int demo_slab(void)
{
	const char *name = "mmlab_demo";
	unsigned long ids[256], per_slab = 8;
	struct mm_slabinfo si;
	char cmd[96], file[96];
	int n = 0, k, rc = 1;
	char *t;
	size_t i;

	if (!mm_exists("slabinfo")) {
		say("\n(no slab allocator in this mmlab.ko: the slab scenario is skipped)\n");
		return 0;
	}
	say("\n== A slab cache: slabs move from free to partial to full ==\n"
	    "A cache of 64-byte objects is created; objects are allocated one by one and\n"
	    "the cache's slabs are shown as they fill (slab/%s/slabs).\n", name);
	snprintf(cmd, sizeof(cmd), "cache_create name=%s size=64", name);
	if (run(cmd))
		return 1;
	snprintf(file, sizeof(file), "slab/%s/slabs", name);
	t = mm_read("slabinfo");
	if (t && !mm_parse_slabinfo(t, &si)) {
		for (i = 0; i < si.nr; i++)
			if (!strcmp(si.v[i].name, name) && si.v[i].objperslab)
				per_slab = si.v[i].objperslab;
		mm_slabinfo_free(&si);
	}
	free(t);
	say("  %lu objects per slab\n", per_slab);
	for (k = 0; k < (int)per_slab + 1 && n < 256; k++) {
		struct mm_handles h = { 0 };

		snprintf(cmd, sizeof(cmd), "cache_alloc name=%s", name);
		if (mm_write("control", cmd)) {
			say("# echo \"%s\" > control: failed\n", cmd);
			goto out;
		}
		/* The new handle is the last row of handles. */
		t = mm_read("handles");
		if (t && !mm_parse_handles(t, &h) && h.nr)
			ids[n++] = h.v[h.nr - 1].id;
		mm_handles_free(&h);
		free(t);
		if (k == 0 || k == (int)per_slab - 2 || k == (int)per_slab) {
			say("\n# (%d x) echo \"%s\" > control\n", k + 1, cmd);
			if (dj) {
				step(cmd);
				json_int(dj, "times", k + 1);
			}
			show_file(file, "the cache's slabs");
			pause_step();
		}
	}
	say("  (map: A allocated to us, c waiting in this CPU's array cache, . free. The\n"
	    "  hot path hands out objects that the array cache took from the slabs in a\n"
	    "  batch: the first allocation made the slab partial with a batch in use, and\n"
	    "  the slab is full as soon as a batch takes its last objects.)\n");
	say("\nFreeing the objects:\n");
	if (dj) {
		step("free id=N (each object)");
		json_int(dj, "objects", n);
	}
	for (k = 0; k < n; k++) {
		snprintf(cmd, sizeof(cmd), "free id=%lu", ids[k]);
		if (mm_write("control", cmd))
			say("# echo \"%s\" > control: failed\n", cmd);
	}
	show_file(file, "the cache's slabs");
	say("  => freed objects go back to this CPU's array cache first (c), up to its\n"
	    "     limit; beyond it a batch goes back to the slabs. shrink drains the\n"
	    "     array caches, so the slabs become free, and gives the free slabs back\n"
	    "     to the buddy allocator.\n");
	pause_step();
	if (!run("shrink"))
		show_file(file, "the cache's slabs after shrink");
	rc = 0;
out:
	snprintf(cmd, sizeof(cmd), "cache_destroy name=%s", name);
	run(cmd);
	return rc;
}

/* === Scenario: vmalloc and the walk (issue 5) === */

static int demo_vmalloc(void)
{
	const struct mm_handle *h;
	struct mm_opts wo = { 0 };
	struct snap a, b;
	char cmd[64], addr[32] = "";
	const char *p;
	unsigned long id;
	int rc = 1;

	if (!mm_exists("vmallocinfo")) {
		say("\n(no vmalloc in this mmlab.ko: the vmalloc scenario is skipped)\n");
		return 0;
	}
	say("\n== vmalloc: 5 pages, virtually contiguous, physically anywhere ==\n");
	if (snap_take(&a))
		return 1;
	if (run("vmalloc size=20480"))
		goto out_a;
	if (snap_take(&b))
		goto out_a;
	h = new_handle(&a, &b);
	if (!h) {
		fprintf(stderr, "mmlab: demo: no new handle after vmalloc\n");
		goto out_b;
	}
	id = h->id;
	json_handle(h);
	p = strstr(h->detail, "addr=");
	if (p)
		sscanf(p + 5, "%31[0-9a-fA-Fx]", addr);
	say("  handle %lu: %s\n", id, h->detail);
	show_file("vmallocinfo", "mmlab's areas");
	show_changes(&a, &b);
	pause_step();
	if (addr[0] && mm_exists("walk")) {
		say("\nWalking its first page through the page tables:\n# mmlab walk %s\n", addr);
		if (dj) {
			struct mm_walk w;
			char wcmd[48], *t;

			snprintf(wcmd, sizeof(wcmd), "%s\n", addr);
			t = mm_write("walk", wcmd) ? NULL : mm_read("walk");
			if (t && !mm_parse_walk(t, &w))
				json_walk(dj, "walk", &w);
			free(t);
		} else {
			cmd_walk(&wo, addr);
		}
		pause_step();
	}
	snprintf(cmd, sizeof(cmd), "vfree id=%lu", id);
	if (run(cmd)) {
		snprintf(cmd, sizeof(cmd), "free id=%lu", id);
		run(cmd);
	}
	show_file("vmallocinfo", "the area waits for a lazy purge");
	rc = 0;
out_b:
	snap_free(&b);
out_a:
	snap_free(&a);
	return rc;
}

/* Runs one scenario, in JSON as {"scenario": NAME, "steps": [...]}. */
static int scenario(const char *name, int (*fn)(void))
{
	int rc;

	if (dj) {
		json_obj(dj, NULL);
		json_str(dj, "scenario", name);
		json_arr(dj, "steps");
	}
	rc = fn();
	steps_end();
	if (dj) {
		json_arr_end(dj);
		json_bool(dj, "ok", rc == 0);
		json_obj_end(dj);
	}
	return rc;
}

int cmd_demo(const struct mm_opts *o)
{
	const char *s = o->scenario;
	struct mm_json j;
	int rc = 0;

	if (strcmp(s, "all") && strcmp(s, "buddy") && strcmp(s, "slab") && strcmp(s, "vmalloc")) {
		fprintf(stderr, "mmlab: demo: unknown scenario '%s' (buddy, slab, vmalloc, all)\n",
			s);
		return 2;
	}
	if (mm_check_access())
		return 1;
	if (strcmp(mm_dir, MM_DIR)) {
		fprintf(stderr, "mmlab: demo writes to control: it runs on the live module only\n");
		return 1;
	}
	step_mode = o->step && isatty(STDIN_FILENO) && !o->json;
	if (o->json) {
		dj = &j;
		json_init(dj, stdout);
		json_obj(dj, NULL);
		json_arr(dj, "scenarios");
	}
	if (!strcmp(s, "all") || !strcmp(s, "buddy"))
		rc |= scenario("buddy", demo_buddy);
	if ((!strcmp(s, "all") || !strcmp(s, "slab")) && (mm_exists("slabinfo") || !dj))
		rc |= scenario("slab", demo_slab);
	if ((!strcmp(s, "all") || !strcmp(s, "vmalloc")) && (mm_exists("vmallocinfo") || !dj))
		rc |= scenario("vmalloc", demo_vmalloc);
	if (dj) {
		json_arr_end(dj);
		json_obj_end(dj);
		json_end(dj);
		dj = NULL;
	}
	return rc;
}
