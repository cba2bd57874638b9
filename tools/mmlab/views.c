// SPDX-License-Identifier: GPL-2.0
/*
 * The table views: `mmlab pool`, `mmlab buddy`, `mmlab slab` and
 * `mmlab vmalloc`, each as readable text or, with --json, as one object.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmlab.h"

/* === Helpers === */

static void human(char *buf, size_t len, unsigned long long bytes)
{
	if (bytes >= 10ULL << 30)
		snprintf(buf, len, "%lluG", bytes >> 30);
	else if (bytes >= 10ULL << 20)
		snprintf(buf, len, "%lluM", bytes >> 20);
	else if (bytes >= 10ULL << 10)
		snprintf(buf, len, "%lluK", bytes >> 10);
	else
		snprintf(buf, len, "%llu", bytes);
}

static void print_thousandths(long v)
{
	printf(" %6.3f", v / 1000.0);
}

static const struct mm_zone_row *row_of(const struct mm_zone_rows *r, const char *zone)
{
	int i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->z[i].zone, zone))
			return &r->z[i];
	return NULL;
}

/* === pool === */

int cmd_pool(const struct mm_opts *o)
{
	char *tp, *th, *tv;
	struct mm_validate val;
	struct mm_handles h;
	struct mm_pool p;
	size_t i;
	int rc = 1;

	if (mm_check_access())
		return 1;
	tp = mm_need("pool");
	if (!tp)
		return 1;
	if (mm_parse_pool(tp, &p)) {
		free(tp);
		return mm_bad("pool");
	}
	th = mm_read("handles");
	tv = mm_read("validate");
	memset(&h, 0, sizeof(h));
	if (th && mm_parse_handles(th, &h)) {
		rc = mm_bad("handles");
		goto out;
	}
	if (tv && mm_parse_validate(tv, &val)) {
		rc = mm_bad("validate");
		goto out;
	}
	if (o->json) {
		struct mm_json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_pool(&j, "pool", &p);
		if (th)
			json_handles(&j, "handles", &h);
		if (tv) {
			json_obj(&j, "validate");
			json_bool(&j, "ok", val.ok);
			json_uint(&j, "checked", val.checked);
			if (!val.ok)
				json_str(&j, "violation", val.msg);
			json_obj_end(&j);
		}
		json_obj_end(&j);
		json_end(&j);
		rc = 0;
		goto out;
	}
	printf("Pool: %lu pages (%lu MiB) borrowed from the host in %lu blocks;\n",
	       p.pages, p.mib, p.blocks);
	printf("      mmlab's metadata: %lu bytes, %.2f bytes per page\n\n", p.meta_bytes,
	       p.bytes_per_page);
	printf("%-18s %-18s %5s %8s %-8s %4s\n", "start_pfn", "end_pfn", "order", "pages",
	       "host", "node");
	for (i = 0; i < p.nr; i++)
		printf("%#-18lx %#-18lx %5d %8lu %-8s %4d\n", p.v[i].start, p.v[i].end,
		       p.v[i].order, p.v[i].end - p.v[i].start, p.v[i].zone, p.v[i].node);
	if (th) {
		printf("\nHandles (allocated through control): %zu\n", h.nr);
		if (h.nr)
			printf("%6s %-12s %5s %-7s %-12s %s\n", "id", "pfn", "order", "zone",
			       "type", "kind detail");
		for (i = 0; i < h.nr; i++) {
			char pfn[24] = "-", order[16] = "-";

			if (h.v[i].has_pfn)
				snprintf(pfn, sizeof(pfn), "%#lx", h.v[i].pfn);
			if (h.v[i].order >= 0)
				snprintf(order, sizeof(order), "%d", h.v[i].order);
			printf("%6lu %-12s %5s %-7s %-12s %s %s\n", h.v[i].id, pfn, order,
			       h.v[i].zone, h.v[i].type, h.v[i].kind, h.v[i].detail);
		}
	}
	if (tv) {
		if (val.ok)
			printf("\nvalidate: ok, %lu objects checked\n", val.checked);
		else
			printf("\nvalidate: VIOLATION after %lu objects: %s\n", val.checked,
			       val.msg);
	}
	rc = 0;
out:
	mm_pool_free(&p);
	mm_handles_free(&h);
	free(tp);
	free(th);
	free(tv);
	return rc;
}

/* === buddy === */

struct buddy_data {
	char *text[7];
	struct mm_zone_rows buddyinfo, extfrag, unusable;
	struct mm_zoneinfo zi;
	struct mm_pagetypeinfo pt;
	struct mm_blocks fl, pcp;
};

static const char *const buddy_files[] = {
	"buddyinfo", "zoneinfo", "pagetypeinfo", "extfrag_index", "unusable_index",
	"free_lists", "pcp_lists",
};

static int buddy_load(struct buddy_data *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < 7; i++) {
		d->text[i] = mm_need(buddy_files[i]);
		if (!d->text[i])
			return 1;
	}
	if (mm_parse_zone_rows(d->text[0], &d->buddyinfo, false))
		return mm_bad(buddy_files[0]);
	if (mm_parse_zoneinfo(d->text[1], &d->zi))
		return mm_bad(buddy_files[1]);
	if (mm_parse_pagetypeinfo(d->text[2], &d->pt))
		return mm_bad(buddy_files[2]);
	if (mm_parse_zone_rows(d->text[3], &d->extfrag, true))
		return mm_bad(buddy_files[3]);
	if (mm_parse_zone_rows(d->text[4], &d->unusable, true))
		return mm_bad(buddy_files[4]);
	if (mm_parse_free_lists(d->text[5], &d->fl))
		return mm_bad(buddy_files[5]);
	if (mm_parse_pcp_lists(d->text[6], &d->pcp))
		return mm_bad(buddy_files[6]);
	return 0;
}

static void buddy_free(struct buddy_data *d)
{
	int i;

	for (i = 0; i < 7; i++)
		free(d->text[i]);
	mm_blocks_free(&d->fl);
	mm_blocks_free(&d->pcp);
}

static void buddy_zone(const struct buddy_data *d, const struct mm_zone_row *b)
{
	const struct mm_zone *z = mm_zone_find(&d->zi, b->zone);
	const struct mm_zone_row *e = row_of(&d->extfrag, b->zone);
	const struct mm_zone_row *u = row_of(&d->unusable, b->zone);
	unsigned long pcp_pages = 0;
	int o, t, zi = -1, c;

	printf("Zone %s (node %d)", b->zone, b->node);
	if (z) {
		for (c = 0; c < z->nr_pcp; c++)
			pcp_pages += z->pcp[c].count;
		printf(": start_pfn %#lx, %lu pages managed, %lu free, %lu on per-CPU lists\n",
		       z->start_pfn, z->managed, z->free, pcp_pages);
		printf("  watermarks: min %lu  low %lu  high %lu%s\n", z->min, z->low, z->high,
		       z->free < z->min ? "   (below min!)" : z->free < z->low ?
		       "   (below low)" : "");
	} else {
		printf("\n");
	}
	printf("  %-13s", "order");
	for (o = 0; o < d->buddyinfo.nr_orders; o++)
		printf(" %6d", o);
	printf("\n  %-13s", "free blocks");
	for (o = 0; o < d->buddyinfo.nr_orders; o++)
		printf(" %6ld", b->v[o]);
	printf("\n  %-13s", "free pages");
	for (o = 0; o < d->buddyinfo.nr_orders; o++)
		printf(" %6ld", b->v[o] << o);
	for (t = 0; t < d->pt.nr_zones; t++)
		if (!strcmp(d->pt.zones[t], b->zone))
			zi = t;
	for (t = 0; zi >= 0 && t < d->pt.nr_types; t++) {
		printf("\n  %-13.13s", d->pt.types[t]);
		for (o = 0; o < d->pt.nr_orders; o++)
			printf(" %6lu", d->pt.free[zi][t][o]);
	}
	if (u) {
		printf("\n  %-13s", "unusable");
		for (o = 0; o < d->unusable.nr_orders; o++)
			print_thousandths(u->v[o]);
	}
	if (e) {
		printf("\n  %-13s", "extfrag");
		for (o = 0; o < d->extfrag.nr_orders; o++)
			print_thousandths(e->v[o]);
	}
	printf("\n");
	if (zi >= 0) {
		printf("  pageblocks  ");
		for (t = 0; t < d->pt.nr_types; t++)
			printf("  %s %lu", d->pt.types[t], d->pt.blocks[zi][t]);
		printf("\n");
	}
	if (z && z->populated) {
		printf("  per-CPU lists:");
		for (c = 0; c < z->nr_pcp; c++)
			printf("  cpu%d %ld/%ld (batch %ld)", z->pcp[c].cpu, z->pcp[c].count,
			       z->pcp[c].high, z->pcp[c].batch);
		printf("\n  counters:");
		for (c = 0; c < z->nr_stats; c++)
			printf("%s %s %lu", c && c % 6 == 0 ? "\n           " : "",
			       z->stat_names[c], z->stats[c]);
		printf("\n");
	}
	printf("\n");
}

int cmd_buddy(const struct mm_opts *o)
{
	struct buddy_data d;
	int i, rc;

	if (mm_check_access())
		return 1;
	rc = buddy_load(&d);
	if (rc)
		goto out;
	if (o->json) {
		struct mm_json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_zone_rows(&j, "buddyinfo", &d.buddyinfo, false);
		json_zoneinfo(&j, "zoneinfo", &d.zi);
		json_pagetypeinfo(&j, "pagetypeinfo", &d.pt);
		json_zone_rows(&j, "extfrag_index", &d.extfrag, true);
		json_zone_rows(&j, "unusable_index", &d.unusable, true);
		json_blocks(&j, "free_lists", &d.fl);
		json_blocks(&j, "pcp_lists", &d.pcp);
		json_obj_end(&j);
		json_end(&j);
		goto out;
	}
	printf("mmlab's buddy allocator: free blocks per zone and order");
	printf(" (pageblock order %d, %lu pages)\n\n", d.pt.pageblock_order,
	       d.pt.pages_per_block);
	for (i = 0; i < d.buddyinfo.nr; i++)
		buddy_zone(&d, &d.buddyinfo.z[i]);
	printf("%zu blocks on the free lists, %zu on per-CPU lists\n", d.fl.nr, d.pcp.nr);
out:
	buddy_free(&d);
	return rc;
}

/* === slab === */

static int slab_cmp_pages(const void *a, const void *b)
{
	const struct mm_slab *x = a, *y = b;
	unsigned long px = x->num_slabs * x->pagesperslab, py = y->num_slabs * y->pagesperslab;

	if (px != py)
		return px < py ? 1 : -1;
	return strcmp(x->name, y->name);
}

int cmd_slab(const struct mm_opts *o)
{
	struct mm_slabinfo s;
	unsigned long pages = 0, used = 0;
	char *text, a[16], b[16];
	size_t i;

	if (mm_check_access())
		return 1;
	if (!mm_exists("slabinfo")) {
		fprintf(stderr, "mmlab: this mmlab.ko has no slab allocator (no %s/slabinfo)\n",
			mm_dir);
		return 1;
	}
	text = mm_need("slabinfo");
	if (!text)
		return 1;
	if (mm_parse_slabinfo(text, &s)) {
		free(text);
		return mm_bad("slabinfo");
	}
	free(text);
	qsort(s.v, s.nr, sizeof(*s.v), slab_cmp_pages);
	if (o->json) {
		struct mm_json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_slabinfo(&j, "slabinfo", &s);
		json_obj_end(&j);
		json_end(&j);
		mm_slabinfo_free(&s);
		return 0;
	}
	printf("%-20s %8s %8s %6s %5s %5s %6s %6s %7s %5s\n", "cache", "active", "objs",
	       "size", "o/slb", "pg/sl", "slabs", "active", "memory", "use%");
	for (i = 0; i < s.nr; i++) {
		const struct mm_slab *c = &s.v[i];
		unsigned long p = c->num_slabs * c->pagesperslab;

		pages += p;
		used += c->active_objs * c->objsize;
		human(a, sizeof(a), (unsigned long long)p * 4096);
		printf("%-20s %8lu %8lu %6lu %5lu %5lu %6lu %6lu %7s %4lu%%\n", c->name,
		       c->active_objs, c->num_objs, c->objsize, c->objperslab, c->pagesperslab,
		       c->num_slabs, c->active_slabs, a,
		       c->num_objs ? c->active_objs * 100 / c->num_objs : 0);
	}
	human(a, sizeof(a), (unsigned long long)pages * 4096);
	human(b, sizeof(b), used);
	printf("\n%zu caches, %lu pages (%s) in slabs, %s in active objects\n", s.nr, pages, a, b);
	mm_slabinfo_free(&s);
	return 0;
}

/* === vmalloc === */

int cmd_vmalloc(const struct mm_opts *o)
{
	struct mm_vmallocinfo v;
	struct mm_vmap_areas va;
	char *ti, *ta = NULL, sz[16];
	bool have_va = false;
	size_t i;
	int k;

	if (mm_check_access())
		return 1;
	if (!mm_exists("vmallocinfo")) {
		fprintf(stderr, "mmlab: this mmlab.ko has no vmalloc (no %s/vmallocinfo)\n",
			mm_dir);
		return 1;
	}
	ti = mm_need("vmallocinfo");
	if (!ti)
		return 1;
	if (mm_parse_vmallocinfo(ti, &v)) {
		free(ti);
		return mm_bad("vmallocinfo");
	}
	if (mm_exists("vmap_areas")) {
		ta = mm_need("vmap_areas");
		if (ta && mm_parse_vmap_areas(ta, &va)) {
			free(ti);
			free(ta);
			mm_vmallocinfo_free(&v);
			return mm_bad("vmap_areas");
		}
		have_va = ta;
	}
	if (o->json) {
		struct mm_json j;

		json_init(&j, stdout);
		json_obj(&j, NULL);
		json_vmallocinfo(&j, "vmallocinfo", &v);
		if (have_va)
			json_vmap_areas(&j, "vmap_areas", &va);
		json_obj_end(&j);
		json_end(&j);
	} else {
		if (have_va) {
			printf("window %#lx-%#lx: %lu pages\n", va.win_start, va.win_end,
			       va.win_pages);
			printf("  busy %lu areas (%lu pages),", va.nr_busy, va.busy_pages);
			printf(" free %lu ranges (%lu pages, largest %lu),", va.nr_free,
			       va.free_pages, va.largest_free);
			printf(" lazy %lu areas (%lu pages of %lu before a purge),", va.nr_lazy,
			       va.lazy_pages, va.lazy_max_pages);
			printf(" %lu pte tables\n", va.pte_tables);
			for (k = 0; k < va.nr_stats; k++)
				printf("  %-24s %lu\n", va.stat_names[k], va.stats[k]);
			printf("\n");
		}
		printf("%-18s %-18s %8s %6s %-9s %s\n", "start", "end", "size", "pages", "kind",
		       "caller");
		for (i = 0; i < v.nr; i++) {
			human(sz, sizeof(sz), v.v[i].size);
			printf("%#-18lx %#-18lx %8s %6lu %-9s %s\n", v.v[i].start, v.v[i].end, sz,
			       v.v[i].pages, v.v[i].kind, v.v[i].caller);
		}
		printf("%zu areas\n", v.nr);
	}
	mm_vmallocinfo_free(&v);
	free(ti);
	free(ta);
	return 0;
}
