// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers of mmlab's debugfs files: one function per format, text in, one
 * small structure out (mmlab.h). Each returns 0, or -1 with mm_parse_error
 * saying which line did not fit.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmlab.h"

const char *mm_parse_error = "";
static char errbuf[256];

/* === Helpers === */

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		perror("mmlab");
		exit(2);
	}
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		perror("mmlab");
		exit(2);
	}
	return p;
}

static int fail(const char *what, const char *line)
{
	size_t n = strcspn(line, "\n");

	snprintf(errbuf, sizeof(errbuf), "%s: cannot parse '%.*s'", what,
		 (int)(n > 120 ? 120 : n), line);
	mm_parse_error = errbuf;
	return -1;
}

/*
 * Copies the line at *pos into buf (no newline) and moves *pos past it.
 * Return: false at the end of the text.
 */
static bool next_line(const char **pos, char *buf, size_t len)
{
	const char *s = *pos, *nl;
	size_t n;

	if (!s || !*s)
		return false;
	nl = strchr(s, '\n');
	n = nl ? (size_t)(nl - s) : strlen(s);
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*pos = nl ? nl + 1 : s + strlen(s);
	return true;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/*
 * The blank-separated words of @s (modified) one by one, as strtok_r() cuts
 * them: @s first, then NULL; @save keeps the place.
 */
static char *next_word(char *s, char **save)
{
	return strtok_r(s, " \t", save);
}

/* Copies @src into @dst of @len bytes, cut and always terminated. */
void mm_strlcpy(char *dst, const char *src, size_t len)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

#define copy mm_strlcpy

/* Grows a vector of @size-byte elements to hold one more; returns it. */
static void *grow(void **v, size_t nr, size_t size)
{
	if (nr >= 8 && (nr & (nr - 1)) == 0)	/* 8, 16, 32 ... */
		*v = xrealloc(*v, nr * 2 * size);
	else if (!nr)
		*v = xrealloc(*v, 8 * size);
	return (char *)*v + nr * size;
}

/* "0x1f" or "31" as unsigned long long; false if not a whole number. */
static bool num(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && *end == '\0';
}

/*
 * "-1.000", "0.751" as thousandths; also "0.-500", which is how the
 * kernel's "%2d.%03d" (mm/vmstat.c, and mmlab's extfrag_index) prints -500.
 */
static bool thousandths(const char *s, long *v)
{
	char *dot, *end;
	long whole, frac;

	errno = 0;
	whole = strtol(s, &dot, 10);
	if (dot == s || *dot != '.' || errno)
		return false;
	frac = strtol(dot + 1, &end, 10);
	if (end == dot + 1 || *end || frac <= -1000 || frac >= 1000)
		return false;
	if (s[0] == '-' && frac < 0)
		return false;
	*v = whole * 1000 + (s[0] == '-' ? -frac : frac);
	return true;
}

/* === pool === */

/* The totals line of `pool`. */
#define POOL_TOTALS \
	"total blocks=%lu pages=%lu MiB=%lu metadata_bytes=%lu bytes_per_page=%lf"

int mm_parse_pool(const char *text, struct mm_pool *p)
{
	char line[512];
	bool header = false, total = false;

	memset(p, 0, sizeof(*p));
	while (next_line(&text, line, sizeof(line))) {
		struct mm_pool_block b;

		if (blank(line))
			continue;
		if (!header) {
			if (strncmp(line, "start_pfn end_pfn order", 23))
				return fail("pool header", line);
			header = true;
			continue;
		}
		if (!strncmp(line, "total ", 6)) {
			if (sscanf(line, POOL_TOTALS, &p->blocks, &p->pages, &p->mib,
				   &p->meta_bytes, &p->bytes_per_page) != 5)
				return fail("pool totals", line);
			total = true;
			continue;
		}
		memset(&b, 0, sizeof(b));
		if (sscanf(line, "%lx %lx %d %31s %d", &b.start, &b.end, &b.order, b.zone,
			   &b.node) != 5 || b.end <= b.start)
			return fail("pool row", line);
		*(struct mm_pool_block *)grow((void **)&p->v, p->nr, sizeof(b)) = b;
		p->nr++;
	}
	if (!header || !total)
		return fail("pool", header ? "no totals line" : "empty");
	return 0;
}

void mm_pool_free(struct mm_pool *p)
{
	free(p->v);
	p->v = NULL;
	p->nr = 0;
}

/* === buddyinfo, extfrag_index, unusable_index === */

int mm_parse_zone_rows(const char *text, struct mm_zone_rows *r, bool frac)
{
	char line[512];

	memset(r, 0, sizeof(*r));
	while (next_line(&text, line, sizeof(line))) {
		struct mm_zone_row *z;
		char *tok, *save;
		int n = 0;

		if (blank(line))
			continue;
		if (r->nr == MM_MAX_ZONES)
			return fail("zone rows: too many zones", line);
		z = &r->z[r->nr];
		if (sscanf(line, "Node %d, zone %31s", &z->node, z->zone) != 2)
			return fail("zone row", line);
		tok = strstr(line, z->zone) + strlen(z->zone);
		for (tok = next_word(tok, &save); tok; tok = next_word(NULL, &save)) {
			unsigned long long v;

			if (n == MM_MAX_ORDER)
				return fail("zone row: too many orders", line);
			if (frac) {
				if (!thousandths(tok, &z->v[n]))
					return fail("zone row value", tok);
			} else {
				if (!num(tok, &v))
					return fail("zone row value", tok);
				z->v[n] = (long)v;
			}
			n++;
		}
		if (r->nr && n != r->nr_orders)
			return fail("zone row: orders differ", line);
		r->nr_orders = n;
		r->nr++;
	}
	return 0;
}

/* === pagetypeinfo === */

static int find_or_add(char names[][MM_NAME], int *nr, int max, const char *name)
{
	int i;

	for (i = 0; i < *nr; i++)
		if (!strcmp(names[i], name))
			return i;
	if (*nr == max)
		return -1;
	copy(names[*nr], name, MM_NAME);
	return (*nr)++;
}

int mm_parse_pagetypeinfo(const char *text, struct mm_pagetypeinfo *p)
{
	char line[512];
	bool blocks = false;

	memset(p, 0, sizeof(*p));
	while (next_line(&text, line, sizeof(line))) {
		char zone[MM_NAME], type[MM_NAME], *tok, *save;
		int node, zi, ti, n = 0;

		if (blank(line))
			continue;
		if (sscanf(line, "Page block order: %d", &p->pageblock_order) == 1)
			continue;
		if (sscanf(line, "Pages per block: %lu", &p->pages_per_block) == 1)
			continue;
		if (!strncmp(line, "Free pages count", 16))
			continue;
		if (!strncmp(line, "Number of blocks type", 21)) {
			char *s = line + 21;

			blocks = true;
			for (tok = next_word(s, &save); tok; tok = next_word(NULL, &save))
				if (find_or_add(p->types, &p->nr_types, MM_MAX_TYPES, tok) < 0)
					return fail("pagetypeinfo: too many types", line);
			continue;
		}
		if (!blocks) {
			if (sscanf(line, "Node %d, zone %31[^,], type %31s", &node, zone,
				   type) != 3)
				return fail("pagetypeinfo free row", line);
			tok = zone + strspn(zone, " ");
			zi = find_or_add(p->zones, &p->nr_zones, MM_MAX_ZONES, tok);
			ti = find_or_add(p->types, &p->nr_types, MM_MAX_TYPES, type);
			if (zi < 0 || ti < 0)
				return fail("pagetypeinfo: too many zones or types", line);
			tok = strstr(line, ", type") + 6;
			tok += strspn(tok, " ");
			tok += strlen(type);
			for (tok = next_word(tok, &save); tok; tok = next_word(NULL, &save)) {
				unsigned long long v;

				if (n == MM_MAX_ORDER || !num(tok, &v))
					return fail("pagetypeinfo free count", line);
				p->free[zi][ti][n++] = v;
			}
			p->nr_orders = n;
		} else {
			if (sscanf(line, "Node %d, zone %31s", &node, zone) != 2)
				return fail("pagetypeinfo blocks row", line);
			zi = find_or_add(p->zones, &p->nr_zones, MM_MAX_ZONES, zone);
			if (zi < 0)
				return fail("pagetypeinfo: too many zones", line);
			tok = strstr(line, zone) + strlen(zone);
			for (tok = next_word(tok, &save); tok; tok = next_word(NULL, &save)) {
				unsigned long long v;

				if (n == p->nr_types || !num(tok, &v))
					return fail("pagetypeinfo block count", line);
				p->blocks[zi][n++] = v;
			}
		}
	}
	if (!p->pages_per_block)
		return fail("pagetypeinfo", "no 'Pages per block' line");
	return 0;
}

/* === zoneinfo === */

int mm_parse_zoneinfo(const char *text, struct mm_zoneinfo *zi)
{
	enum { HEAD, PCP, STATS } sect = HEAD;
	struct mm_zone *z = NULL;
	char line[512];

	memset(zi, 0, sizeof(*zi));
	while (next_line(&text, line, sizeof(line))) {
		char key[MM_NAME];
		unsigned long v;
		long lv;

		if (blank(line))
			continue;
		if (!strncmp(line, "Node ", 5)) {
			if (zi->nr == MM_MAX_ZONES)
				return fail("zoneinfo: too many zones", line);
			z = &zi->z[zi->nr++];
			if (sscanf(line, "Node %d, zone %31s", &z->node, z->name) != 2)
				return fail("zoneinfo zone", line);
			sect = HEAD;
			continue;
		}
		if (!z)
			return fail("zoneinfo: data before a zone", line);
		if (sscanf(line, " pages free %lu", &v) == 1) {
			z->free = v;
		} else if (sscanf(line, " min %lu", &v) == 1) {
			z->min = v;
		} else if (sscanf(line, " low %lu", &v) == 1) {
			z->low = v;
		} else if (sscanf(line, " high %lu", &v) == 1 && sect == HEAD) {
			z->high = v;
		} else if (sscanf(line, " spanned %lu", &v) == 1) {
			z->spanned = v;
		} else if (sscanf(line, " present %lu", &v) == 1) {
			z->present = v;
		} else if (sscanf(line, " managed %lu", &v) == 1) {
			z->managed = v;
		} else if (strstr(line, "protection: (")) {
			char *s = strchr(line, '(') + 1, *end;

			while (z->nr_protection < MM_MAX_ZONES) {
				z->protection[z->nr_protection++] = strtoul(s, &end, 10);
				if (*end != ',')
					break;
				s = end + 1;
			}
		} else if (!strcmp(line + strspn(line, " "), "pagesets")) {
			sect = PCP;
			z->populated = true;
		} else if (!strcmp(line + strspn(line, " "), "counters")) {
			sect = STATS;
		} else if (sscanf(line, " start_pfn: %lx", &v) == 1) {
			z->start_pfn = v;
		} else if (sect == PCP && sscanf(line, " cpu: %ld", &lv) == 1) {
			if (z->nr_pcp == MM_MAX_CPUS)
				return fail("zoneinfo: too many CPUs", line);
			z->pcp[z->nr_pcp++].cpu = (int)lv;
		} else if (sect == PCP && z->nr_pcp &&
			   sscanf(line, " %31[a-z]: %ld", key, &lv) == 2) {
			struct mm_pcp *c = &z->pcp[z->nr_pcp - 1];

			if (!strcmp(key, "count"))
				c->count = lv;
			else if (!strcmp(key, "high"))
				c->high = lv;
			else if (!strcmp(key, "batch"))
				c->batch = lv;
			else
				return fail("zoneinfo pageset", line);
		} else if (sect == STATS && sscanf(line, " %31s %lu", key, &v) == 2) {
			if (z->nr_stats == MM_MAX_STATS)
				return fail("zoneinfo: too many counters", line);
			copy(z->stat_names[z->nr_stats], key, MM_NAME);
			z->stats[z->nr_stats++] = v;
		} else {
			/* A line a later mmlab adds: counted, not an error. */
			zi->unknown++;
		}
	}
	if (!zi->nr)
		return fail("zoneinfo", "no zone");
	return 0;
}

long mm_zone_stat(const struct mm_zone *z, const char *name)
{
	int i;

	for (i = 0; i < z->nr_stats; i++)
		if (!strcmp(z->stat_names[i], name))
			return (long)z->stats[i];
	return -1;
}

const struct mm_zone *mm_zone_find(const struct mm_zoneinfo *zi, const char *name)
{
	int i;

	for (i = 0; i < zi->nr; i++)
		if (!strcmp(zi->z[i].name, name))
			return &zi->z[i];
	return NULL;
}

/* === free_lists, pcp_lists === */

static int parse_blocks(const char *text, struct mm_blocks *b, bool pcp)
{
	const char *hdr = pcp ? "cpu zone order type pfn" : "zone order type start_pfn end_pfn";
	bool header = false;
	char line[256];

	memset(b, 0, sizeof(*b));
	while (next_line(&text, line, sizeof(line))) {
		struct mm_block k;
		int n;

		if (blank(line))
			continue;
		if (!header) {
			if (strcmp(line, hdr))
				return fail(pcp ? "pcp_lists header" : "free_lists header", line);
			header = true;
			continue;
		}
		memset(&k, 0, sizeof(k));
		if (pcp) {
			n = sscanf(line, "%d %31s %d %31s %lx", &k.cpu, k.zone, &k.order, k.type,
				   &k.start);
			k.end = k.start + (1UL << (k.order & 31));
		} else {
			k.cpu = -1;
			n = sscanf(line, "%31s %d %31s %lx %lx", k.zone, &k.order, k.type,
				   &k.start, &k.end);
		}
		if (n != 5 || k.order < 0 || k.order >= MM_MAX_ORDER ||
		    k.end - k.start != 1UL << k.order)
			return fail(pcp ? "pcp_lists row" : "free_lists row", line);
		*(struct mm_block *)grow((void **)&b->v, b->nr, sizeof(k)) = k;
		b->nr++;
	}
	if (!header)
		return fail(pcp ? "pcp_lists" : "free_lists", "empty");
	return 0;
}

int mm_parse_free_lists(const char *text, struct mm_blocks *b)
{
	return parse_blocks(text, b, false);
}

int mm_parse_pcp_lists(const char *text, struct mm_blocks *b)
{
	return parse_blocks(text, b, true);
}

void mm_blocks_free(struct mm_blocks *b)
{
	free(b->v);
	b->v = NULL;
	b->nr = 0;
}

/* === handles === */

int mm_parse_handles(const char *text, struct mm_handles *h)
{
	bool header = false;
	char line[512];

	memset(h, 0, sizeof(*h));
	while (next_line(&text, line, sizeof(line))) {
		char pfn[32], order[16];
		struct mm_handle k;
		int off = 0;

		if (blank(line))
			continue;
		if (!header) {
			if (strncmp(line, "id pfn order zone type", 22))
				return fail("handles header", line);
			header = true;
			continue;
		}
		memset(&k, 0, sizeof(k));
		if (sscanf(line, "%lu %31s %15s %31s %31s %n", &k.id, pfn, order, k.zone,
			   k.type, &off) != 5)
			return fail("handles row", line);
		if (strcmp(pfn, "-")) {
			unsigned long long v;

			if (!num(pfn, &v))
				return fail("handles pfn", line);
			k.pfn = v;
			k.has_pfn = true;
		}
		k.order = strcmp(order, "-") ? atoi(order) : -1;
		if (line[off]) {
			int koff = 0;

			if (sscanf(line + off, "%31s %n", k.kind, &koff) != 1)
				return fail("handles kind", line);
			copy(k.detail, line + off + koff, sizeof(k.detail));
		} else {
			copy(k.kind, "pages", sizeof(k.kind));
		}
		*(struct mm_handle *)grow((void **)&h->v, h->nr, sizeof(k)) = k;
		h->nr++;
	}
	if (!header)
		return fail("handles", "empty");
	return 0;
}

void mm_handles_free(struct mm_handles *h)
{
	free(h->v);
	h->v = NULL;
	h->nr = 0;
}

/* === validate === */

int mm_parse_validate(const char *text, struct mm_validate *v)
{
	char line[512];
	int off = 0;

	memset(v, 0, sizeof(*v));
	if (!next_line(&text, line, sizeof(line)))
		return fail("validate", "empty");
	if (sscanf(line, "ok %lu objects checked", &v->checked) == 1) {
		v->ok = true;
		return 0;
	}
	if (sscanf(line, "violation after %lu objects: %n", &v->checked, &off) == 1 && off) {
		copy(v->msg, line + off, sizeof(v->msg));
		return 0;
	}
	return fail("validate", line);
}

/* === slabinfo and slab/<cache>/slabs === */

/* A cache's row of slabinfo, as /proc/slabinfo (version 2.1) prints it. */
#define SLABINFO_ROW \
	"%31s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu"

int mm_parse_slabinfo(const char *text, struct mm_slabinfo *s)
{
	char line[512];
	bool version = false;

	memset(s, 0, sizeof(*s));
	while (next_line(&text, line, sizeof(line))) {
		struct mm_slab k;

		if (blank(line) || line[0] == '#')
			continue;
		if (!strncmp(line, "slabinfo - version: 2.1", 23)) {
			version = true;
			continue;
		}
		memset(&k, 0, sizeof(k));
		if (sscanf(line, SLABINFO_ROW, k.name, &k.active_objs, &k.num_objs, &k.objsize,
			   &k.objperslab, &k.pagesperslab, &k.limit, &k.batchcount,
			   &k.sharedfactor, &k.active_slabs, &k.num_slabs, &k.sharedavail) != 12)
			return fail("slabinfo row", line);
		*(struct mm_slab *)grow((void **)&s->v, s->nr, sizeof(k)) = k;
		s->nr++;
	}
	if (!version)
		return fail("slabinfo", "no 'slabinfo - version: 2.1' line");
	return 0;
}

void mm_slabinfo_free(struct mm_slabinfo *s)
{
	free(s->v);
	s->v = NULL;
	s->nr = 0;
}

int mm_parse_slab_pages(const char *text, struct mm_slab_pages *s)
{
	bool header = false;
	char line[1024];

	memset(s, 0, sizeof(*s));
	while (next_line(&text, line, sizeof(line))) {
		struct mm_slab_page k;

		if (blank(line))
			continue;
		if (!header) {
			if (strncmp(line, "list pfn order", 14))
				return fail("slabs header", line);
			header = true;
			continue;
		}
		memset(&k, 0, sizeof(k));
		if (sscanf(line, "%31s %lx %d %u %u %u", k.list, &k.pfn, &k.order,
			   &k.colour_off, &k.inuse, &k.objects) != 6)
			return fail("slabs row", line);
		*(struct mm_slab_page *)grow((void **)&s->v, s->nr, sizeof(k)) = k;
		s->nr++;
	}
	if (!header)
		return fail("slabs", "empty");
	return 0;
}

void mm_slab_pages_free(struct mm_slab_pages *s)
{
	free(s->v);
	s->v = NULL;
	s->nr = 0;
}

/* === vmallocinfo and vmap_areas === */

int mm_parse_vmallocinfo(const char *text, struct mm_vmallocinfo *v)
{
	char line[512];

	memset(v, 0, sizeof(*v));
	while (next_line(&text, line, sizeof(line))) {
		struct mm_vm_area k;
		char *o;
		int off = 0;

		if (blank(line))
			continue;
		memset(&k, 0, sizeof(k));
		if (sscanf(line, "%lx-%lx %lu %n", &k.start, &k.end, &k.size, &off) != 3 || !off)
			return fail("vmallocinfo row", line);
		if (!strncmp(line + off, "unpurged vm_area", 16)) {
			copy(k.kind, "unpurged", sizeof(k.kind));
		} else {
			/* The caller is %pS: "fn+0x1/0x2 [module]" holds a blank. */
			o = strstr(line + off, " pages=");
			if (!o || sscanf(o, " pages=%lu %15s", &k.pages, k.kind) != 2)
				return fail("vmallocinfo row", line);
			*o = '\0';
			copy(k.caller, line + off, sizeof(k.caller));
			o = strstr(o + 1, " order=");
			if (o)
				k.order = atoi(o + 7);
		}
		*(struct mm_vm_area *)grow((void **)&v->v, v->nr, sizeof(k)) = k;
		v->nr++;
	}
	return 0;
}

void mm_vmallocinfo_free(struct mm_vmallocinfo *v)
{
	free(v->v);
	v->v = NULL;
	v->nr = 0;
}

int mm_parse_vmap_areas(const char *text, struct mm_vmap_areas *v)
{
	char line[512], what[8];
	bool window = false;

	memset(v, 0, sizeof(*v));
	while (next_line(&text, line, sizeof(line))) {
		unsigned long a, b, pages, gap;
		char *sp;

		if (blank(line))
			continue;
		if (sscanf(line, "window %lx-%lx (%lu pages)", &v->win_start, &v->win_end,
			   &v->win_pages) == 3) {
			window = true;
			continue;
		}
		if (sscanf(line, "lazy pages %lu, lazy_max_pages %lu, pte tables %lu",
			   &v->lazy_pages, &v->lazy_max_pages, &v->pte_tables) == 3)
			continue;
		if (!strncmp(line, "free start", 10) || !strncmp(line, "busy start", 10) ||
		    !strncmp(line, "lazy start", 10))
			continue;
		if (sscanf(line, "%7s %lx %lx %lu", what, &a, &b, &pages) == 4 &&
		    (!strcmp(what, "free") || !strcmp(what, "busy") || !strcmp(what, "lazy"))) {
			if (what[0] == 'f') {
				v->nr_free++;
				v->free_pages += pages;
				if (sscanf(line, "%*s %*x %*x %*u %lu", &gap) == 1 &&
				    gap > v->largest_free)
					v->largest_free = gap;
				if (pages > v->largest_free)
					v->largest_free = pages;
			} else if (what[0] == 'b') {
				v->nr_busy++;
				v->busy_pages += pages;
			} else {
				v->nr_lazy++;
				v->lazy_pages_listed += pages;
			}
			continue;
		}
		/* "<stat name> <value>": the name may hold blanks. */
		sp = strrchr(line, ' ');
		if (sp && sp != line && v->nr_stats < MM_MAX_STATS) {
			unsigned long long n;

			if (num(sp + 1, &n)) {
				*sp = '\0';
				copy(v->stat_names[v->nr_stats], line, MM_NAME);
				v->stats[v->nr_stats++] = n;
				continue;
			}
		}
		return fail("vmap_areas", line);
	}
	if (!window)
		return fail("vmap_areas", "no window line");
	return 0;
}

/* === walk === */

int mm_parse_walk(const char *text, struct mm_walk *w)
{
	bool table = false;
	char line[512];

	memset(w, 0, sizeof(*w));
	if (!next_line(&text, line, sizeof(line)))
		return fail("walk", "empty");
	/* A user walk (pid N), or the kernel's (pid 0, as memset left it). */
	if (sscanf(line, "address %llx, pid %d", &w->addr, &w->pid) != 2 &&
	    sscanf(line, "address %llx, kernel", &w->addr) != 1)
		return fail("walk address line", line);
	while (next_line(&text, line, sizeof(line))) {
		char rest[256] = "";
		int off = 0;

		if (blank(line))
			continue;
		if (sscanf(line, "root %llx, %d levels", &w->root, &w->levels) == 2)
			continue;
		if (!strncmp(line, "level index entry", 17)) {
			table = true;
			continue;
		}
		if (!strncmp(line, "result ", 7)) {
			char *at, *s = line + 7;

			s += strspn(s, " ");
			at = strstr(s, " at ");
			if (at) {
				copy(w->stop_level, at + 4, sizeof(w->stop_level));
				*at = '\0';
			}
			copy(w->result, s, sizeof(w->result));
			w->mapped = !strcmp(w->result, "mapped");
			table = false;
			continue;
		}
		if (sscanf(line, "phys %llx (pfn %lx)", &w->phys, &w->pfn) == 2)
			continue;
		if (sscanf(line, "page size %7s", w->page_size) == 1)
			continue;
		if (sscanf(line, "access %n", &off) == 0 && off) {
			copy(w->access, line + off, sizeof(w->access));
			continue;
		}
		if (sscanf(line, "levels %d", &w->levels) == 1)
			continue;
		off = 0;
		if (sscanf(line, "region %n", &off) == 0 && off) {
			copy(w->region, line + off, sizeof(w->region));
			continue;
		}
		if (table) {
			struct mm_walk_entry *e;

			if (w->nr == MM_WALK_LEVELS)
				return fail("walk: too many levels", line);
			e = &w->e[w->nr];
			off = 0;
			if (sscanf(line, "%7s %u %llx %llx%n", e->level, &e->index, &e->entry,
				   &e->next, &off) != 4)
				return fail("walk level", line);
			copy(rest, line + off, sizeof(rest));
			copy(e->flags, rest + strspn(rest, " "), sizeof(e->flags));
			w->nr++;
			continue;
		}
		return fail("walk", line);
	}
	if (!w->result[0])
		return fail("walk", "no result line");
	return 0;
}
