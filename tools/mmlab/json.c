// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output of `--json`: a small streaming writer, and the JSON of each
 * parsed debugfs format. PFNs and addresses are JSON numbers (they fit in
 * the 53 bits a double holds for PFNs) and, for addresses, "0x" strings.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mmlab.h"

/* === Writer === */

void json_init(struct mm_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

static void indent(struct mm_json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Separator, indentation and "key": before a value. */
static void key(struct mm_json *j, const char *k)
{
	if (!j->depth) {
		j->first[0] = false;
		if (k)
			string(j->f, k);
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	indent(j);
	if (k) {
		string(j->f, k);
		fputs(": ", j->f);
	}
}

static void open_(struct mm_json *j, const char *k, char c)
{
	key(j, k);
	fputc(c, j->f);
	if (j->depth < 31)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct mm_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void json_obj(struct mm_json *j, const char *k)
{
	open_(j, k, '{');
}

void json_obj_end(struct mm_json *j)
{
	close_(j, '}');
}

void json_arr(struct mm_json *j, const char *k)
{
	open_(j, k, '[');
}

void json_arr_end(struct mm_json *j)
{
	close_(j, ']');
}

void json_str(struct mm_json *j, const char *k, const char *val)
{
	key(j, k);
	string(j->f, val);
}

void json_int(struct mm_json *j, const char *k, long long val)
{
	key(j, k);
	fprintf(j->f, "%lld", val);
}

void json_uint(struct mm_json *j, const char *k, unsigned long long val)
{
	key(j, k);
	fprintf(j->f, "%llu", val);
}

void json_hex(struct mm_json *j, const char *k, unsigned long long val)
{
	key(j, k);
	fprintf(j->f, "\"0x%llx\"", val);
}

void json_real(struct mm_json *j, const char *k, double val)
{
	key(j, k);
	if (isfinite(val))
		fprintf(j->f, "%.6g", val);
	else
		fputs("null", j->f);
}

void json_bool(struct mm_json *j, const char *k, bool val)
{
	key(j, k);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct mm_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->f);
}

void json_end(struct mm_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}

/* === The formats === */

void json_pool(struct mm_json *j, const char *k, const struct mm_pool *p)
{
	size_t i;

	json_obj(j, k);
	json_uint(j, "blocks", p->blocks);
	json_uint(j, "pages", p->pages);
	json_uint(j, "mib", p->mib);
	json_uint(j, "metadata_bytes", p->meta_bytes);
	json_real(j, "bytes_per_page", p->bytes_per_page);
	json_arr(j, "borrowed");
	for (i = 0; i < p->nr; i++) {
		json_obj(j, NULL);
		json_uint(j, "start_pfn", p->v[i].start);
		json_uint(j, "end_pfn", p->v[i].end);
		json_int(j, "order", p->v[i].order);
		json_str(j, "host_zone", p->v[i].zone);
		json_int(j, "node", p->v[i].node);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void json_zone_rows(struct mm_json *j, const char *k, const struct mm_zone_rows *r,
		    bool frac)
{
	int i, o;

	json_arr(j, k);
	for (i = 0; i < r->nr; i++) {
		json_obj(j, NULL);
		json_int(j, "node", r->z[i].node);
		json_str(j, "zone", r->z[i].zone);
		json_arr(j, frac ? "index" : "nr_free");
		for (o = 0; o < r->nr_orders; o++) {
			if (frac)
				json_real(j, NULL, r->z[i].v[o] / 1000.0);
			else
				json_int(j, NULL, r->z[i].v[o]);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void json_zoneinfo(struct mm_json *j, const char *k, const struct mm_zoneinfo *zi)
{
	int i, c;

	json_arr(j, k);
	for (i = 0; i < zi->nr; i++) {
		const struct mm_zone *z = &zi->z[i];

		json_obj(j, NULL);
		json_int(j, "node", z->node);
		json_str(j, "zone", z->name);
		json_uint(j, "free", z->free);
		json_uint(j, "min", z->min);
		json_uint(j, "low", z->low);
		json_uint(j, "high", z->high);
		json_uint(j, "spanned", z->spanned);
		json_uint(j, "present", z->present);
		json_uint(j, "managed", z->managed);
		json_arr(j, "protection");
		for (c = 0; c < z->nr_protection; c++)
			json_uint(j, NULL, z->protection[c]);
		json_arr_end(j);
		json_bool(j, "populated", z->populated);
		if (z->populated) {
			json_uint(j, "start_pfn", z->start_pfn);
			json_arr(j, "pagesets");
			for (c = 0; c < z->nr_pcp; c++) {
				json_obj(j, NULL);
				json_int(j, "cpu", z->pcp[c].cpu);
				json_int(j, "count", z->pcp[c].count);
				json_int(j, "high", z->pcp[c].high);
				json_int(j, "batch", z->pcp[c].batch);
				json_obj_end(j);
			}
			json_arr_end(j);
			json_obj(j, "counters");
			for (c = 0; c < z->nr_stats; c++)
				json_uint(j, z->stat_names[c], z->stats[c]);
			json_obj_end(j);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

void json_blocks(struct mm_json *j, const char *k, const struct mm_blocks *b)
{
	size_t i;

	json_arr(j, k);
	for (i = 0; i < b->nr; i++) {
		json_obj(j, NULL);
		if (b->v[i].cpu >= 0)
			json_int(j, "cpu", b->v[i].cpu);
		json_str(j, "zone", b->v[i].zone);
		json_int(j, "order", b->v[i].order);
		json_str(j, "type", b->v[i].type);
		json_uint(j, "start_pfn", b->v[i].start);
		json_uint(j, "end_pfn", b->v[i].end);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void json_handles(struct mm_json *j, const char *k, const struct mm_handles *h)
{
	size_t i;

	json_arr(j, k);
	for (i = 0; i < h->nr; i++) {
		const struct mm_handle *x = &h->v[i];

		json_obj(j, NULL);
		json_uint(j, "id", x->id);
		if (x->has_pfn)
			json_uint(j, "pfn", x->pfn);
		else
			json_null(j, "pfn");
		if (x->order >= 0)
			json_int(j, "order", x->order);
		else
			json_null(j, "order");
		json_str(j, "zone", x->zone);
		json_str(j, "type", x->type);
		json_str(j, "kind", x->kind);
		json_str(j, "detail", x->detail);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void json_pagetypeinfo(struct mm_json *j, const char *k, const struct mm_pagetypeinfo *p)
{
	int z, t, o;

	json_obj(j, k);
	json_int(j, "pageblock_order", p->pageblock_order);
	json_uint(j, "pages_per_block", p->pages_per_block);
	json_arr(j, "zones");
	for (z = 0; z < p->nr_zones; z++) {
		json_obj(j, NULL);
		json_str(j, "zone", p->zones[z]);
		json_obj(j, "free");
		for (t = 0; t < p->nr_types; t++) {
			json_arr(j, p->types[t]);
			for (o = 0; o < p->nr_orders; o++)
				json_uint(j, NULL, p->free[z][t][o]);
			json_arr_end(j);
		}
		json_obj_end(j);
		json_obj(j, "pageblocks");
		for (t = 0; t < p->nr_types; t++)
			json_uint(j, p->types[t], p->blocks[z][t]);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void json_slabinfo(struct mm_json *j, const char *k, const struct mm_slabinfo *s)
{
	size_t i;

	json_arr(j, k);
	for (i = 0; i < s->nr; i++) {
		const struct mm_slab *c = &s->v[i];

		json_obj(j, NULL);
		json_str(j, "name", c->name);
		json_uint(j, "active_objs", c->active_objs);
		json_uint(j, "num_objs", c->num_objs);
		json_uint(j, "objsize", c->objsize);
		json_uint(j, "objperslab", c->objperslab);
		json_uint(j, "pagesperslab", c->pagesperslab);
		json_uint(j, "limit", c->limit);
		json_uint(j, "batchcount", c->batchcount);
		json_uint(j, "active_slabs", c->active_slabs);
		json_uint(j, "num_slabs", c->num_slabs);
		json_uint(j, "pages", c->num_slabs * c->pagesperslab);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void json_vmallocinfo(struct mm_json *j, const char *k, const struct mm_vmallocinfo *v)
{
	size_t i;

	json_arr(j, k);
	for (i = 0; i < v->nr; i++) {
		const struct mm_vm_area *a = &v->v[i];

		json_obj(j, NULL);
		json_hex(j, "start", a->start);
		json_hex(j, "end", a->end);
		json_uint(j, "size", a->size);
		json_str(j, "kind", a->kind);
		json_str(j, "caller", a->caller);
		json_uint(j, "pages", a->pages);
		json_int(j, "order", a->order);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void json_vmap_areas(struct mm_json *j, const char *k, const struct mm_vmap_areas *v)
{
	int i;

	json_obj(j, k);
	json_hex(j, "window_start", v->win_start);
	json_hex(j, "window_end", v->win_end);
	json_uint(j, "window_pages", v->win_pages);
	json_uint(j, "lazy_pages", v->lazy_pages);
	json_uint(j, "lazy_max_pages", v->lazy_max_pages);
	json_uint(j, "pte_tables", v->pte_tables);
	json_uint(j, "free_areas", v->nr_free);
	json_uint(j, "free_pages", v->free_pages);
	json_uint(j, "largest_free_pages", v->largest_free);
	json_uint(j, "busy_areas", v->nr_busy);
	json_uint(j, "busy_pages", v->busy_pages);
	json_uint(j, "lazy_areas", v->nr_lazy);
	json_obj(j, "counters");
	for (i = 0; i < v->nr_stats; i++)
		json_uint(j, v->stat_names[i], v->stats[i]);
	json_obj_end(j);
	json_obj_end(j);
}

void json_walk(struct mm_json *j, const char *k, const struct mm_walk *w)
{
	unsigned int idx[MM_WALK_LEVELS];
	unsigned long long off;
	int i;

	walk_split(w->addr, w->levels, idx, &off);
	json_obj(j, k);
	json_hex(j, "address", w->addr);
	if (w->pid)
		json_int(j, "pid", w->pid);
	else
		json_null(j, "pid");
	json_hex(j, "root", w->root);
	json_int(j, "levels", w->levels);
	json_arr(j, "entries");
	for (i = 0; i < w->nr; i++) {
		json_obj(j, NULL);
		json_str(j, "level", w->e[i].level);
		json_uint(j, "index", w->e[i].index);
		json_hex(j, "entry", w->e[i].entry);
		json_hex(j, "next", w->e[i].next);
		json_str(j, "flags", w->e[i].flags);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_str(j, "result", w->result);
	if (w->stop_level[0])
		json_str(j, "stopped_at", w->stop_level);
	if (w->mapped) {
		json_hex(j, "phys", w->phys);
		json_uint(j, "pfn", w->pfn);
		json_str(j, "page_size", w->page_size);
		json_str(j, "access", w->access);
	}
	json_str(j, "region", w->region);
	json_obj_end(j);
}
