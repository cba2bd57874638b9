// SPDX-License-Identifier: GPL-2.0
/*
 * The tests of mmlab(8): its parsers, JSON and images against debugfs files
 * captured from a VM (tests/fixtures/), and the binary's commands run on
 * those files with --dir.
 *
 * Usage: tests/runner FIXTURES [MMLAB]
 * Prints one line per check that fails and, at the end, "N passed, N failed";
 * exits 1 if any check failed. Fixture sets missing from FIXTURES (the slab
 * and vmalloc captures) are reported as skipped, not passed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab.h"

/* === Harness === */

static int passed, failed, skipped;
static const char *fixtures, *binary;
static const char *current = "";

#define CHECK(cond) check(!!(cond), __LINE__, "%s", #cond)
#define CHECK_EQ(a, b) check_eq((long long)(a), (long long)(b), __LINE__, #a, #b)

static __printf(3, 4) void check(int ok, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s (runner.c:%d): ", current, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void check_eq(long long a, long long b, int line, const char *sa, const char *sb)
{
	check(a == b, line, "%s == %s: %lld != %lld", sa, sb, a, b);
}

/* Reads FIXTURES/rel; NULL (and a skip note) if it is not there. */
static char *read_fixture(const char *rel)
{
	char path[1024];
	char *t;

	snprintf(path, sizeof(path), "%s/%s", fixtures, rel);
	t = mm_read_path(path);
	if (!t)
		printf("skip %s: no fixture %s\n", current, rel);
	return t;
}

/* Runs a shell command; its output (stdout and stderr) and exit status. */
static __printf(2, 3) char *run(int *status, const char *fmt, ...)
{
	size_t len = 0, cap = 65536;
	char cmd[2048], *out;
	va_list ap;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p) {
		*status = -1;
		return xcalloc(1, 1);
	}
	out = xcalloc(cap, 1);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 >= cap) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
	}
	out[len] = '\0';
	*status = pclose(p);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return out;
}

/*
 * Whether @s holds @a immediately followed by @b: one line of output, too
 * long for one string here, matched whole.
 */
static bool contains_joined(const char *s, const char *a, const char *b)
{
	const char *p;

	for (p = strstr(s, a); p; p = strstr(p + 1, a))
		if (!strncmp(p + strlen(a), b, strlen(b)))
			return true;
	return false;
}

/* === A strict JSON syntax checker for the --json outputs === */

static const char *json_value(const char *s);

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (!strchr("\"\\/bfnrtu", *s))
				return NULL;
		}
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *json_value(const char *s)
{
	s = ws(s);
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';

		s = ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			if (close == '}') {
				s = json_string(ws(s));
				if (!s)
					return NULL;
				s = ws(s);
				if (*s++ != ':')
					return NULL;
			}
			s = json_value(s);
			if (!s)
				return NULL;
			s = ws(s);
			if (*s == close)
				return s + 1;
			if (*s++ != ',')
				return NULL;
		}
	}
	if (*s == '"')
		return json_string(s);
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	if (*s == '-' || (*s >= '0' && *s <= '9')) {
		char *end;

		strtod(s, &end);
		return end;
	}
	return NULL;
}

static bool json_valid(const char *s)
{
	s = json_value(s);
	return s && *ws(s) == '\0';
}

/* Output of a json_*() call, as a string. */
#define JSON_OF(buf, call) do {						\
	size_t _len;							\
	FILE *_f = open_memstream(&(buf), &_len);			\
	struct mm_json _j;						\
	json_init(&_j, _f);						\
	json_obj(&_j, NULL);						\
	call;								\
	json_obj_end(&_j);						\
	json_end(&_j);							\
	fclose(_f);							\
} while (0)

/* === The kernel's formulas, to check extfrag_index and unusable_index === */

static void contig(const long *nr_free, int orders, int order, unsigned long *pages,
		   unsigned long *total, unsigned long *suitable)
{
	int o;

	*pages = *total = *suitable = 0;
	for (o = 0; o < orders; o++) {
		*total += nr_free[o];
		*pages += (unsigned long)nr_free[o] << o;
		if (o >= order)
			*suitable += (unsigned long)nr_free[o] << (o - order);
	}
}

static long kernel_extfrag(const long *nr_free, int orders, int order)
{
	unsigned long pages, total, suitable;

	contig(nr_free, orders, order, &pages, &total, &suitable);
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - (1000 + pages * 1000 / (1UL << order)) / total;
}

static long kernel_unusable(const long *nr_free, int orders, int order)
{
	unsigned long pages, total, suitable;

	contig(nr_free, orders, order, &pages, &total, &suitable);
	if (!pages)
		return 1000;
	return (pages - (suitable << order)) * 1000 / pages;
}

/* === Tests of the buddy files === */

static void test_pool(void)
{
	struct mm_pool p;
	unsigned long sum = 0;
	char *t;
	size_t i;

	current = "pool";
	t = read_fixture("load/pool");
	if (!t)
		return;
	CHECK_EQ(mm_parse_pool(t, &p), 0);
	CHECK_EQ(p.nr, 33);
	CHECK_EQ(p.blocks, 33);
	CHECK_EQ(p.pages, 32768);
	CHECK_EQ(p.mib, 128);
	CHECK_EQ(p.meta_bytes, 1084448);
	CHECK(p.bytes_per_page > 33.08 && p.bytes_per_page < 33.10);
	CHECK_EQ(p.v[0].start, 0x200);
	CHECK_EQ(p.v[0].end, 0x400);
	CHECK_EQ(p.v[0].order, 9);
	CHECK(!strcmp(p.v[0].zone, "DMA"));
	CHECK_EQ(p.v[32].start, 0x108400);
	CHECK(!strcmp(p.v[32].zone, "Normal"));
	for (i = 0; i < p.nr; i++) {
		sum += p.v[i].end - p.v[i].start;
		CHECK_EQ(p.v[i].end - p.v[i].start, 1UL << p.v[i].order);
	}
	CHECK_EQ(sum, p.pages);
	mm_pool_free(&p);
	free(t);

	/* Bad input is refused, not half-parsed. */
	CHECK_EQ(mm_parse_pool("start_pfn end_pfn order host_zone node\n0x10 0x8 1 DMA 0\n", &p),
		 -1);
	mm_pool_free(&p);
	CHECK_EQ(mm_parse_pool("start_pfn end_pfn order host_zone node\n", &p), -1);
	mm_pool_free(&p);
	CHECK_EQ(mm_parse_pool("", &p), -1);
	mm_pool_free(&p);
}

static void test_zone_files(const char *state)
{
	struct mm_zone_rows bi, ef, ui;
	struct mm_zoneinfo zi;
	struct mm_pagetypeinfo pt;
	struct mm_blocks fl, pcp;
	char rel[128], *t[6];
	static const char * const files[] = { "buddyinfo", "zoneinfo", "extfrag_index",
					       "unusable_index", "free_lists", "pcp_lists" };
	int i, z, o, ty;
	size_t k;
	char *tpt;

	current = state;
	for (i = 0; i < 6; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", state, files[i]);
		t[i] = read_fixture(rel);
		if (!t[i])
			return;
	}
	snprintf(rel, sizeof(rel), "%s/pagetypeinfo", state);
	tpt = read_fixture(rel);
	if (!tpt)
		return;
	CHECK_EQ(mm_parse_zone_rows(t[0], &bi, false), 0);
	CHECK_EQ(mm_parse_zoneinfo(t[1], &zi), 0);
	CHECK_EQ(mm_parse_zone_rows(t[2], &ef, true), 0);
	CHECK_EQ(mm_parse_zone_rows(t[3], &ui, true), 0);
	CHECK_EQ(mm_parse_free_lists(t[4], &fl), 0);
	CHECK_EQ(mm_parse_pcp_lists(t[5], &pcp), 0);
	CHECK_EQ(mm_parse_pagetypeinfo(tpt, &pt), 0);

	CHECK_EQ(bi.nr, 3);
	CHECK_EQ(bi.nr_orders, 11);
	CHECK(!strcmp(bi.z[0].zone, "DMA") && !strcmp(bi.z[2].zone, "Normal"));
	CHECK_EQ(zi.nr, 3);
	CHECK_EQ(pt.pageblock_order, 9);
	CHECK_EQ(pt.pages_per_block, 512);
	CHECK_EQ(pt.nr_types, 3);
	CHECK_EQ(pt.nr_zones, 3);
	CHECK_EQ(pt.nr_orders, 11);
	CHECK(!strcmp(pt.types[0], "Unmovable") && !strcmp(pt.types[2], "Reclaimable"));

	for (z = 0; z < bi.nr; z++) {
		const struct mm_zone *zone = mm_zone_find(&zi, bi.z[z].zone);
		unsigned long pages = 0, fl_pages = 0, pcp_pages = 0, pcp_count = 0;
		long fl_count[MM_MAX_ORDER] = { 0 };
		int c;

		CHECK(zone);
		if (!zone)
			continue;
		/* buddyinfo, zoneinfo and free_lists agree with each other. */
		for (o = 0; o < bi.nr_orders; o++)
			pages += bi.z[z].v[o] << o;
		CHECK_EQ(pages, zone->free);
		for (k = 0; k < fl.nr; k++) {
			if (strcmp(fl.v[k].zone, zone->name))
				continue;
			fl_count[fl.v[k].order]++;
			fl_pages += fl.v[k].end - fl.v[k].start;
			CHECK_EQ(fl.v[k].start & ((1UL << fl.v[k].order) - 1), 0);
		}
		CHECK_EQ(fl_pages, zone->free);
		for (o = 0; o < bi.nr_orders; o++)
			CHECK_EQ(fl_count[o], bi.z[z].v[o]);
		/* The per-CPU lists hold what zoneinfo's pagesets count. */
		for (k = 0; k < pcp.nr; k++)
			if (!strcmp(pcp.v[k].zone, zone->name))
				pcp_pages += pcp.v[k].end - pcp.v[k].start;
		for (c = 0; c < zone->nr_pcp; c++)
			pcp_count += zone->pcp[c].count;
		CHECK_EQ(pcp_pages, pcp_count);
		/* pagetypeinfo's free counts by type add up to buddyinfo's. */
		for (o = 0; o < bi.nr_orders; o++) {
			unsigned long sum = 0;

			for (ty = 0; ty < pt.nr_types; ty++)
				sum += pt.free[z][ty][o];
			CHECK_EQ(sum, bi.z[z].v[o]);
		}
		/* The indexes are the kernel's formulas over buddyinfo. */
		for (o = 0; o < bi.nr_orders; o++) {
			CHECK_EQ(ef.z[z].v[o], kernel_extfrag(bi.z[z].v, bi.nr_orders, o));
			CHECK_EQ(ui.z[z].v[o], kernel_unusable(bi.z[z].v, bi.nr_orders, o));
		}
		if (!strncmp(state, "smp2/", 5))	/* a kernel with 2 possible CPUs */
			CHECK_EQ(zone->nr_pcp, 2);
		CHECK_EQ(zone->nr_stats, 12);
		CHECK(zone->populated);
		CHECK_EQ(zone->nr_protection, 3);
		CHECK(zone->min < zone->low && zone->low < zone->high);
		CHECK_EQ(zone->present, zone->managed);
	}
	for (i = 0; i < 6; i++)
		free(t[i]);
	free(tpt);
	mm_blocks_free(&fl);
	mm_blocks_free(&pcp);
}

static void test_zoneinfo_values(void)
{
	struct mm_zoneinfo zi;
	const struct mm_zone *z;
	char *t;

	current = "zoneinfo values";
	t = read_fixture("alloc/zoneinfo");
	if (!t)
		return;
	CHECK_EQ(mm_parse_zoneinfo(t, &zi), 0);
	z = mm_zone_find(&zi, "DMA");
	CHECK(z);
	if (z) {
		CHECK_EQ(z->free, 510);
		CHECK_EQ(z->min, 5);
		CHECK_EQ(z->low, 6);
		CHECK_EQ(z->high, 7);
		CHECK_EQ(z->spanned, 512);
		CHECK_EQ(z->protection[1], 32);
		CHECK_EQ(z->protection[2], 126);
		CHECK_EQ(z->start_pfn, 0x200);
		CHECK_EQ(z->nr_pcp, 1);
		CHECK_EQ(z->pcp[0].high, 6);
		CHECK_EQ(z->pcp[0].batch, 1);
		CHECK_EQ(mm_zone_stat(z, "split"), 8);
		CHECK_EQ(mm_zone_stat(z, "mt_steal"), 1);
		CHECK_EQ(mm_zone_stat(z, "no_such_counter"), -1);
	}
	z = mm_zone_find(&zi, "Normal");
	CHECK(z);
	if (z) {
		CHECK_EQ(z->pcp[0].count, 14);
		CHECK_EQ(z->pcp[0].batch, 3);
		CHECK_EQ(mm_zone_stat(z, "alloc"), 5);
		CHECK_EQ(mm_zone_stat(z, "free"), 1);
		CHECK_EQ(mm_zone_stat(z, "split"), 18);
		CHECK_EQ(z->start_pfn, 0x102800);
	}
	free(t);
	CHECK_EQ(zi.unknown, 0);
	/* A line of a later format is skipped; a count that is not a number is not. */
	CHECK_EQ(mm_parse_zoneinfo("Node 0, zone DMA\n  pages free 1\n  new line\n", &zi), 0);
	CHECK_EQ(zi.unknown, 1);
	CHECK_EQ(zi.z[0].free, 1);
	CHECK_EQ(mm_parse_zoneinfo("  pages free 1\n", &zi), -1);
	CHECK_EQ(mm_parse_zoneinfo("", &zi), -1);
}

static void test_handles(void)
{
	struct mm_handles h;
	char *t;

	current = "handles";
	t = read_fixture("alloc/handles");
	if (!t)
		return;
	CHECK_EQ(mm_parse_handles(t, &h), 0);
	CHECK_EQ(h.nr, 6);
	CHECK_EQ(h.v[0].id, 1);
	CHECK_EQ(h.v[0].pfn, 0x102800);
	CHECK_EQ(h.v[0].order, 2);
	CHECK(!strcmp(h.v[0].zone, "Normal") && !strcmp(h.v[0].type, "unmovable"));
	CHECK(!strcmp(h.v[0].kind, "pages"));
	CHECK_EQ(h.v[1].id, 3);		/* id 2 was freed */
	CHECK_EQ(h.v[4].pfn, 0x200);
	CHECK(!strcmp(h.v[4].zone, "DMA") && !strcmp(h.v[4].type, "reclaimable"));
	CHECK_EQ(h.v[5].order, 10);
	mm_handles_free(&h);
	free(t);

	CHECK_EQ(mm_parse_handles("id pfn order zone type detail\n"
				  "7 0x10480 0 Normal unmovable vmalloc addr=0xffffc90000801000 size=12288\n"
				  "8 - - - - cache name=x\n", &h), 0);
	CHECK_EQ(h.nr, 2);
	CHECK(!strcmp(h.v[0].kind, "vmalloc"));
	CHECK(!strcmp(h.v[0].detail, "addr=0xffffc90000801000 size=12288"));
	CHECK(!h.v[1].has_pfn);
	CHECK_EQ(h.v[1].order, -1);
	mm_handles_free(&h);

	t = read_fixture("freed/handles");
	if (!t)
		return;
	CHECK_EQ(mm_parse_handles(t, &h), 0);
	CHECK_EQ(h.nr, 0);
	mm_handles_free(&h);
	free(t);
}

static void test_blocks_bad(void)
{
	struct mm_blocks b;

	current = "free_lists bad input";
	CHECK_EQ(mm_parse_free_lists("zone order type start_pfn end_pfn\nDMA 2 movable 0x10 0x12\n",
				     &b), -1);
	mm_blocks_free(&b);
	CHECK_EQ(mm_parse_free_lists("zone order type start_pfn end_pfn\nDMA 11 movable 0 0x800\n",
				     &b), -1);
	mm_blocks_free(&b);
	CHECK_EQ(mm_parse_pcp_lists("cpu zone order type\n", &b), -1);
	mm_blocks_free(&b);
	CHECK_EQ(mm_parse_pcp_lists("cpu zone order type pfn\n1 DMA32 3 movable 0x3408\n", &b), 0);
	CHECK_EQ(b.nr, 1);
	CHECK_EQ(b.v[0].cpu, 1);
	CHECK_EQ(b.v[0].end, 0x3410);
	mm_blocks_free(&b);
}

static void test_validate(void)
{
	struct mm_validate v;
	char *t;

	current = "validate";
	t = read_fixture("alloc/validate");
	if (!t)
		return;
	CHECK_EQ(mm_parse_validate(t, &v), 0);
	CHECK(v.ok);
	CHECK_EQ(v.checked, 1156);
	free(t);
	CHECK_EQ(mm_parse_validate("violation after 12 objects: pfn 0x200 on two lists\n", &v), 0);
	CHECK(!v.ok);
	CHECK_EQ(v.checked, 12);
	CHECK(!strcmp(v.msg, "pfn 0x200 on two lists"));
	CHECK_EQ(mm_parse_validate("what\n", &v), -1);
}

/* The free lists of a fresh load come back after free all and drain. */
static void test_restored(void)
{
	struct mm_blocks a, b;
	char *ta, *tb;
	size_t i;

	current = "load vs freed";
	ta = read_fixture("load/free_lists");
	tb = read_fixture("freed/free_lists");
	if (!ta || !tb) {
		free(ta);
		free(tb);
		return;
	}
	CHECK_EQ(mm_parse_free_lists(ta, &a), 0);
	CHECK_EQ(mm_parse_free_lists(tb, &b), 0);
	CHECK_EQ(a.nr, b.nr);
	for (i = 0; i < a.nr && i < b.nr; i++) {
		size_t k;
		bool found = false;

		for (k = 0; k < b.nr; k++)
			found |= a.v[i].start == b.v[k].start && a.v[i].end == b.v[k].end &&
				 !strcmp(a.v[i].zone, b.v[k].zone);
		CHECK(found);
	}
	mm_blocks_free(&a);
	mm_blocks_free(&b);
	free(ta);
	free(tb);
}

/* === map: every page in exactly one state === */

static void test_map(void)
{
	struct mm_map m;
	char dir[1024];
	int s;

	current = "map";
	snprintf(dir, sizeof(dir), "%s/alloc", fixtures);
	mm_dir = dir;
	CHECK_EQ(map_build(&m), 0);
	CHECK_EQ(m.nr, 32768);
	CHECK_EQ(m.nr_zones, 3);
	CHECK_EQ(m.count[MM_S_FREE], 510 + 8191 + 23013);
	CHECK_EQ(m.count[MM_S_PCP], 14);
	/* handles: orders 2, 0, 0, 3, 1, 10 */
	CHECK_EQ(m.count[MM_S_PAGES], 4 + 1 + 1 + 8 + 2 + 1024);
	CHECK_EQ(m.count[MM_S_ALLOC], 0);
	{
		unsigned long sum = 0;

		for (s = 0; s < MM_S_NR; s++)
			sum += m.count[s];
		CHECK_EQ(sum, m.nr);
	}
	/* pfn 0x200 is handle 6 (order 1), 0x202 the free order-1 block */
	CHECK_EQ(m.cells[0].state, MM_S_PAGES);
	CHECK_EQ(m.cells[2].state, MM_S_FREE);
	CHECK_EQ(m.cells[2].order, 1);
	CHECK(m.cells[2].head && !m.cells[3].head);
	{
		struct mm_cell c = map_cell(&m, 0, 16);	/* 2 allocated, 14 free */

		CHECK_EQ(c.state, MM_S_FREE);
		CHECK_EQ(c.order, 3);
	}
	map_free(&m);
	mm_dir = MM_DIR;
}

/* Every page in one state, each state's count the files' (main's module). */
static void test_map_invariants(const char *state)
{
	struct mm_zoneinfo zi;
	struct mm_handles h;
	unsigned long free_pages = 0, pcp = 0, pages = 0, sum = 0;
	char dir[1024], rel[128], *tz, *th;
	struct mm_map m;
	size_t i;
	int z, c;

	current = state;
	snprintf(rel, sizeof(rel), "%s/zoneinfo", state);
	tz = read_fixture(rel);
	snprintf(rel, sizeof(rel), "%s/handles", state);
	th = read_fixture(rel);
	if (!tz || !th) {
		free(tz);
		free(th);
		return;
	}
	CHECK_EQ(mm_parse_zoneinfo(tz, &zi), 0);
	CHECK_EQ(mm_parse_handles(th, &h), 0);
	for (z = 0; z < zi.nr; z++) {
		free_pages += zi.z[z].free;
		for (c = 0; c < zi.z[z].nr_pcp; c++)
			pcp += zi.z[z].pcp[c].count;
	}
	for (i = 0; i < h.nr; i++)
		pages += 1UL << h.v[i].order;
	snprintf(dir, sizeof(dir), "%s/%s", fixtures, state);
	mm_dir = dir;
	CHECK_EQ(map_build(&m), 0);
	for (z = 0; z < MM_S_NR; z++)
		sum += m.count[z];
	CHECK_EQ(sum, m.nr);
	CHECK_EQ(m.count[MM_S_FREE], free_pages);
	CHECK_EQ(m.count[MM_S_PCP], pcp);
	CHECK_EQ(m.count[MM_S_PAGES], pages);
	CHECK_EQ(m.count[MM_S_ALLOC], 0);
	map_free(&m);
	mm_dir = MM_DIR;
	mm_handles_free(&h);
	free(tz);
	free(th);
}

/* === JSON === */

static void test_json(void)
{
	struct mm_zone_rows bi;
	struct mm_handles h;
	struct mm_pool p;
	char *t, *out = NULL;

	current = "json";
	t = read_fixture("alloc/buddyinfo");
	if (!t)
		return;
	CHECK_EQ(mm_parse_zone_rows(t, &bi, false), 0);
	JSON_OF(out, json_zone_rows(&_j, "buddyinfo", &bi, false));
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"zone\": \"DMA32\""));
	CHECK(strstr(out, "\"nr_free\": [\n        1,\n        0,\n        1,\n        0,\n"
		      "        2,"));	/* Normal's row */
	free(out);
	free(t);

	t = read_fixture("alloc/pool");
	if (t) {
		CHECK_EQ(mm_parse_pool(t, &p), 0);
		JSON_OF(out, json_pool(&_j, "pool", &p));
		CHECK(json_valid(out));
		CHECK(strstr(out, "\"pages\": 32768,"));
		CHECK(strstr(out, "\"start_pfn\": 512,"));	/* 0x200 */
		CHECK(strstr(out, "\"bytes_per_page\": 33.09"));
		free(out);
		mm_pool_free(&p);
		free(t);
	}
	CHECK_EQ(mm_parse_handles("id pfn order zone type detail\n"
				  "9 0x1 0 DMA movable kmalloc note=\"q\\\"\n", &h), 0);
	JSON_OF(out, json_handles(&_j, "handles", &h));
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"detail\": \"note=\\\"q\\\\\\\"\""));	/* escaped */
	free(out);
	mm_handles_free(&h);

	CHECK_EQ(mm_parse_zone_rows("Node 0, zone DMA -1.000 0.-500 0.751 1.000\n", &bi, true), 0);
	CHECK_EQ(bi.z[0].v[0], -1000);
	CHECK_EQ(bi.z[0].v[1], -500);
	CHECK_EQ(bi.z[0].v[2], 751);
	CHECK_EQ(bi.z[0].v[3], 1000);
	CHECK_EQ(mm_parse_zone_rows("Node 0, zone DMA 0.1x\n", &bi, true), -1);
	CHECK(!json_valid("{\"a\": 1,}"));
	CHECK(!json_valid("{\"a\" 1}"));
	CHECK(json_valid("{\"a\": [1, -2.5e3, true, null, \"x\"]}"));
}

/* === walk === */

static void test_walk_split(void)
{
	unsigned int idx[MM_WALK_LEVELS];
	unsigned long long off;

	current = "walk_split";
	walk_split(0xffff888100234567ULL, 4, idx, &off);
	CHECK_EQ(idx[0], 273);
	CHECK_EQ(idx[1], 4);
	CHECK_EQ(idx[2], 1);
	CHECK_EQ(idx[3], 0x34);
	CHECK_EQ(off, 0x567);
	walk_split(0xff11000000200000ULL, 5, idx, &off);
	CHECK_EQ(idx[0], 0x111);
	CHECK_EQ(idx[1], 0);
	CHECK_EQ(idx[2], 0);
	CHECK_EQ(idx[3], 1);
	CHECK_EQ(idx[4], 0);
	CHECK_EQ(off, 0);
}

static void test_walk_handwritten(void)
{
	struct mm_walk w;
	char *t, *out = NULL;

	current = "walk (hand-written fixture)";
	t = read_fixture("handwritten/walk");
	if (!t)
		return;
	CHECK_EQ(mm_parse_walk(t, &w), 0);
	CHECK_EQ(w.addr, 0xffff888100234567ULL);
	CHECK_EQ(w.pid, 0);
	CHECK_EQ(w.levels, 4);
	CHECK_EQ(w.root, 0x2a0a000);
	CHECK_EQ(w.nr, 3);
	CHECK(!strcmp(w.e[2].level, "pmd"));
	CHECK_EQ(w.e[2].index, 1);
	CHECK_EQ(w.e[2].entry, 0x80000001002001e3ULL);
	CHECK_EQ(w.e[2].next, 0x100200000ULL);
	CHECK(!strcmp(w.e[2].flags, "present RW accessed dirty PSE global NX"));
	CHECK(w.mapped);
	CHECK_EQ(w.phys, 0x100234567ULL);
	CHECK_EQ(w.pfn, 0x100234);
	CHECK(!strcmp(w.page_size, "2M"));
	CHECK(!strcmp(w.access, "kernel RW NX"));
	CHECK(!strcmp(w.region, "direct map"));
	JSON_OF(out, json_walk(&_j, "walk", &w));
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"phys\": \"0x100234567\""));
	free(out);
	free(t);

	t = read_fixture("handwritten/walk.stopped");
	if (!t)
		return;
	CHECK_EQ(mm_parse_walk(t, &w), 0);
	CHECK_EQ(w.pid, 1);
	CHECK_EQ(w.levels, 5);
	CHECK_EQ(w.nr, 2);
	CHECK(!w.mapped);
	CHECK(!strcmp(w.result, "none"));
	CHECK(!strcmp(w.stop_level, "p4d"));
	CHECK(!strcmp(w.e[1].flags, ""));
	CHECK(!strcmp(w.region, "user"));
	free(t);
	CHECK_EQ(mm_parse_walk("address 0x1000, kernel (cr3)\nlevel index entry next\n", &w), -1);
}

/* Real walks captured from the vmalloc branch's mmlab.ko. */
static void test_walk_captured(void)
{
	static const char * const names[] = { "vmalloc", "text", "user", "direct4", "direct5" };
	unsigned int idx[MM_WALK_LEVELS];
	unsigned long long off;
	char rel[128];
	int i, k;

	for (i = 0; i < 2; i++) {
		struct mm_walk w;
		char *t;

		current = "walk (captured, not mapped)";
		snprintf(rel, sizeof(rel), "vmalloc/alloc/walk.%s",
			 i ? "noncanonical" : "unmapped");
		t = read_fixture(rel);
		if (!t) {
			skipped++;
			continue;
		}
		CHECK_EQ(mm_parse_walk(t, &w), 0);
		CHECK(!w.mapped);
		CHECK_EQ(w.nr, 0);
		CHECK(!strcmp(w.result, "no vma"));
		CHECK(w.pid > 0);
		free(t);
	}
	for (i = 0; i < 10; i++) {
		struct mm_walk w;
		char *t;

		/* 5-level (-cpu max) walks, then 4-level (no5lvl) ones */
		current = i < 5 ? "walk (captured, 5-level)" : "walk (captured, 4-level)";
		if (i == 9)	/* no direct5 address under 4-level paging */
			continue;
		snprintf(rel, sizeof(rel), "%s/alloc/walk.%s", i < 5 ? "vmalloc" : "vmalloc-4level",
			 names[i % 5]);
		t = read_fixture(rel);
		if (!t) {
			skipped++;
			continue;
		}
		CHECK_EQ(mm_parse_walk(t, &w), 0);
		CHECK_EQ(w.levels, i < 5 ? 5 : 4);
		CHECK(w.mapped);
		CHECK(w.nr >= 2 && w.nr <= w.levels);
		/* The walker's indices are those of our split of the address. */
		walk_split(w.addr, w.levels, idx, &off);
		for (k = 0; k < w.nr; k++)
			CHECK_EQ(w.e[k].index, idx[k]);
		CHECK_EQ(w.phys >> 12, w.pfn);
		CHECK_EQ(w.phys & 0xfff, w.addr & 0xfff);
		/* The leaf's next is the page: phys is it plus the offset. */
		if (w.nr) {
			unsigned long long ps = !strcmp(w.page_size, "2M") ? 1ULL << 21 :
						!strcmp(w.page_size, "1G") ? 1ULL << 30 : 4096;

			CHECK_EQ(w.e[w.nr - 1].next + (w.addr & (ps - 1)), w.phys);
			CHECK_EQ(w.nr, w.levels - (ps == 4096 ? 0 : ps == 1ULL << 21 ? 1 : 2));
		}
		free(t);
	}
}

/* === slab and vmalloc (captured from their branches) === */

static void test_slab(void)
{
	struct mm_slabinfo s;
	struct mm_slab_pages sp;
	unsigned long active = 0;
	char *t;
	size_t i;
	bool found = false;

	current = "slabinfo (captured)";
	t = read_fixture("slab/alloc/slabinfo");
	if (!t) {
		skipped++;
		return;
	}
	CHECK_EQ(mm_parse_slabinfo(t, &s), 0);
	CHECK(s.nr >= 14);	/* kmalloc-8 ... kmalloc-8k and "capture" */
	for (i = 0; i < s.nr; i++) {
		const struct mm_slab *c = &s.v[i];

		CHECK(c->active_objs <= c->num_objs);
		CHECK_EQ(c->num_objs, c->num_slabs * c->objperslab);
		if (!strcmp(c->name, "capture")) {
			found = true;
			/* 22 allocated, a batch more held by the per-CPU cache */
			CHECK(c->active_objs >= 22);
			CHECK_EQ(c->objsize, 200);
			active = c->active_objs;
		}
	}
	CHECK(found);
	mm_slabinfo_free(&s);
	free(t);
	t = read_fixture("slab/alloc/slab/capture/slabs");
	if (!t)
		return;
	CHECK_EQ(mm_parse_slab_pages(t, &sp), 0);
	{
		unsigned long inuse = 0;

		for (i = 0; i < sp.nr; i++)
			inuse += sp.v[i].inuse;
		/* slabinfo's active objects are the slabs' objects in use */
		CHECK_EQ(inuse, active);
		CHECK(sp.nr >= 2);
		CHECK(!strcmp(sp.v[0].list, "full"));
		CHECK_EQ(sp.v[0].objects, 20);
	}
	mm_slab_pages_free(&sp);
	free(t);
	CHECK_EQ(mm_parse_slabinfo("kmalloc-8 1 2 3\n", &s), -1);
}

static void test_vmalloc(void)
{
	struct mm_vmallocinfo v;
	struct mm_vmap_areas va;
	char *t;

	current = "vmallocinfo (captured)";
	t = read_fixture("vmalloc/alloc/vmallocinfo");
	if (!t) {
		skipped++;
		return;
	}
	CHECK_EQ(mm_parse_vmallocinfo(t, &v), 0);
	CHECK(v.nr >= 1);
	if (v.nr) {
		CHECK_EQ(v.v[v.nr - 1].size, 20480 + 4096);	/* 5 pages and the guard */
		CHECK_EQ(v.v[v.nr - 1].pages, 5);
		CHECK(!strcmp(v.v[v.nr - 1].kind, "vmalloc"));
		CHECK_EQ(v.v[v.nr - 1].end - v.v[v.nr - 1].start, v.v[v.nr - 1].size);
	}
	mm_vmallocinfo_free(&v);
	free(t);
	t = read_fixture("vmalloc/alloc/vmap_areas");
	if (!t)
		return;
	CHECK_EQ(mm_parse_vmap_areas(t, &va), 0);
	CHECK(va.win_end > va.win_start);
	CHECK_EQ((va.win_end - va.win_start) >> 12, va.win_pages);
	CHECK(va.nr_busy >= 1);
	CHECK_EQ(va.busy_pages + va.free_pages + va.lazy_pages_listed, va.win_pages);
	CHECK(va.nr_stats >= 5);
	free(t);
}

/* === PNG === */

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void test_png(void)
{
	const unsigned char rgb[2 * 3 * 3] = { 1, 2, 3, 4, 5, 6, 7, 8, 9,
					       10, 11, 12, 13, 14, 15, 16, 17, 18 };
	char path[] = "/tmp/mmlab-test-XXXXXX";
	unsigned char *d;
	size_t pos, n;
	int fd, chunks = 0;
	char *t;
	struct stat st;

	current = "png";
	CHECK_EQ(png_crc32((const unsigned char *)"123456789", 9), 0xcbf43926UL);
	CHECK_EQ(png_crc32((const unsigned char *)"IEND", 4), 0xae426082UL);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	png_compress = false;
	CHECK_EQ(png_write(path, rgb, 3, 2), 0);
	png_compress = true;
	t = mm_read_path(path);
	CHECK(t && !stat(path, &st));
	if (!t)
		return;
	d = (unsigned char *)t;
	n = st.st_size;
	CHECK(!memcmp(d, "\x89PNG\r\n\x1a\n", 8));
	CHECK_EQ(be32(d + 16), 3);	/* IHDR width */
	CHECK_EQ(be32(d + 20), 2);	/* height */
	CHECK_EQ(d[24], 8);
	CHECK_EQ(d[25], 2);
	for (pos = 8; pos + 12 <= n; chunks++) {
		unsigned long len = be32(d + pos);

		CHECK_EQ(png_crc32(d + pos + 4, len + 4), be32(d + pos + 8 + len));
		if (!memcmp(d + pos + 4, "IDAT", 4)) {
			const unsigned char *z = d + pos + 8;

			/* zlib header, one final stored block of 2 rows of 1 + 9 bytes */
			CHECK_EQ(z[0], 0x78);
			CHECK_EQ((z[0] << 8 | z[1]) % 31, 0);
			CHECK_EQ(z[2], 1);
			CHECK_EQ(z[3] | z[4] << 8, 20);
			CHECK_EQ((z[5] | z[6] << 8) ^ 0xffff, 20);
			CHECK_EQ(z[7], 0);
			CHECK(!memcmp(z + 8, rgb, 9));
			CHECK_EQ(z[17], 0);
			CHECK(!memcmp(z + 18, rgb + 9, 9));
		}
		pos += 12 + len;
	}
	CHECK_EQ(pos, n);
	CHECK_EQ(chunks, 3);
	free(t);
	unlink(path);
}

/* === The binary on the fixtures === */

static void test_cli(void)
{
	char svg[] = "/tmp/mmlab-test-svg-XXXXXX", png[] = "/tmp/mmlab-test-png-XXXXXX";
	char *out;
	int st, fd;

	if (!binary)
		return;
	current = "mmlab buddy";
	out = run(&st, "%s --dir %s/alloc buddy 2>&1", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(contains_joined(out, "Zone Normal (node 0): start_pfn 0x102800,",
			      " 24064 pages managed, 23013 free, 14 on per-CPU lists"));
	CHECK(strstr(out, "watermarks: min 265  low 331  high 397"));
	CHECK(strstr(out, "59 blocks on the free lists, 4 on per-CPU lists"));
	free(out);

	current = "mmlab buddy --json";
	out = run(&st, "%s --dir %s/alloc --json buddy", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"free_lists\": ["));
	CHECK(strstr(out, "\"split\": 18"));
	free(out);

	current = "mmlab pool";
	out = run(&st, "%s --dir %s/alloc pool 2>&1", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "Pool: 32768 pages (128 MiB) borrowed from the host in 33 blocks"));
	CHECK(strstr(out, "Handles (allocated through control): 6"));
	CHECK(strstr(out, "validate: ok, "));
	free(out);
	out = run(&st, "%s pool --json --dir %s/alloc", binary, fixtures);
	current = "mmlab pool --json";
	CHECK_EQ(st, 0);
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"ok\": true"));
	free(out);

	current = "mmlab map";
	out = run(&st, "%s --dir %s/alloc map --cell 16 2>&1", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "one cell per 16 pages"));
	CHECK(strstr(out, "== zone DMA32: pfn 0x3400-0x5400, 8192 pages =="));
	CHECK(strstr(out, "0x102c00 PPPPPPPPPPPPPPPP"));
	free(out);
	out = run(&st, "%s --dir %s/alloc --json map --cell 1024", binary, fixtures);
	current = "mmlab map --json";
	CHECK_EQ(st, 0);
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"pages\": 1040,"));
	CHECK(strstr(out, "\"per-cpu\": 14,"));
	free(out);

	current = "mmlab map --svg --png";
	fd = mkstemp(svg);
	if (fd >= 0)
		close(fd);
	fd = mkstemp(png);
	if (fd >= 0)
		close(fd);
	out = run(&st, "%s --dir %s/alloc map --svg %s --png %s 2>&1", binary, fixtures, svg,
		  png);
	CHECK_EQ(st, 0);
	free(out);
	out = mm_read_path(svg);
	CHECK(out && strstr(out, "<svg xmlns=") && strstr(out, "zone Normal: pfn 0x102800") &&
	      strstr(out, "</svg>"));
	free(out);
	out = mm_read_path(png);
	CHECK(out && !memcmp(out, "\x89PNG", 4));
	free(out);
	unlink(svg);
	unlink(png);

	current = "mmlab walk (hand-written)";
	out = run(&st, "%s --dir %s/handwritten walk 0xffff888100234567 2>&1", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "| 273    | 4      | 1      | 52     | 0x567"));
	CHECK(strstr(out, "pmd[  1] = 0x80000001002001e3 => 2M page at 0x100200000"));
	CHECK(strstr(out, "page size 2M: the low 21 bits (0x34567)"));
	CHECK(contains_joined(out, "a 2M page: the walk ends at the pmd,",
			      " the fields after it are all offset: bits 20..0 = 0x34567"));
	CHECK(!strstr(out, "[!]"));
	free(out);
	out = run(&st, "%s --dir %s/handwritten --json walk 0xffff888100234567 2>&1", binary,
		  fixtures);
	CHECK_EQ(st, 0);
	CHECK(json_valid(out));
	free(out);
	out = run(&st, "%s --dir %s/handwritten walk 0x1 2>&1 >/dev/null", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "walk is the walk of 0xffff888100234567, not of 0x1"));
	free(out);

	current = "mmlab walk (captured)";
	out = run(&st, "d=$(mktemp -d) && cp %s/%s $d/walk && %s --dir $d walk %s 2>&1; rm -rf $d",
		  fixtures, "vmalloc/alloc/walk.vmalloc", binary, "0xffa0000000400000");
	if (strstr(out, "No such file")) {
		skipped++;
	} else {
		CHECK_EQ(st, 0);
		CHECK(strstr(out, "| 416    | 0      | 0      | 2      | 0      | 0x000"));
		CHECK(strstr(out, "5-level paging"));
		CHECK(strstr(out, "pte[  0] = 0x8000000102808163 => 4K page at 0x102808000"));
		CHECK(strstr(out, "region: mmlab vmalloc window"));
		CHECK(!strstr(out, "[!]"));
	}
	free(out);

	current = "mmlab top (not a terminal)";
	out = run(&st, "%s --dir %s/alloc top -n 2 -d 0.1 2>&1", binary, fixtures);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "rates/s: alloc - free -"));	/* first sample */
	CHECK(strstr(out, "rates/s: alloc 0.0 free 0.0"));	/* the second */
	CHECK(strstr(out, "free  | 510/512"));
	CHECK(strstr(out, "\npcp   | ") && strstr(out, "   14/331"));
	CHECK(strstr(out, "rates/s: alloc 0.0 free 0.0 split 0.0 merge 0.0 fallback 0.0"));
	free(out);
	out = run(&st, "%s --dir %s/alloc --json top -n 2 -d 0.1 | head -c 100000", binary,
		  fixtures);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "\"rates\": {"));
	free(out);

	current = "mmlab top (on a terminal, keys)";
	out = run(&st, "command -v script >/dev/null || exit 99; (sleep 1; printf s; sleep 0.5; "
		  "printf p; sleep 0.5; printf q) | timeout 20 script -qec 'stty rows 30 cols 100;"
		  " %s --dir %s/slab/alloc top -d 0.2' /dev/null", binary, fixtures);
	if (st != 99) {
		CHECK_EQ(st, 0);	/* q quits */
		CHECK(strstr(out, "\033[?1049h"));	/* the alternate screen */
		CHECK(strstr(out, "keys: s sort (pages)"));
		CHECK(strstr(out, "keys: s sort (active objects)"));	/* s */
		CHECK(strstr(out, "[PAUSED]"));				/* p */
		CHECK(strstr(out, "capture "));	/* the slab caches fit */
		CHECK(strstr(out, "\033[?1049l"));	/* restored */
	} else {
		skipped++;
	}
	free(out);

	current = "errors";
	out = run(&st, "%s --dir /nonexistent buddy 2>&1", binary);
	CHECK_EQ(st, 1);
	CHECK(strstr(out, "/nonexistent: not a directory"));
	free(out);
	out = run(&st, "%s --dir %s/alloc slab 2>&1", binary, fixtures);
	CHECK_EQ(st, 1);
	CHECK(strstr(out, "no slab allocator"));
	free(out);
	out = run(&st, "%s --dir %s/alloc walk 0x1000 2>&1", binary, fixtures);
	CHECK_EQ(st, 1);
	CHECK(strstr(out, "no page-table walker"));
	free(out);
	out = run(&st, "%s frobnicate 2>&1", binary);
	CHECK_EQ(st, 2);
	CHECK(strstr(out, "unknown command 'frobnicate'"));
	free(out);
	out = run(&st, "%s --dir %s/alloc walk zzz 2>&1", binary, fixtures);
	CHECK_EQ(st, 2);
	CHECK(strstr(out, "'zzz' is not an address"));
	free(out);
	/* Not root: as ourselves, or as nobody through util-linux's setpriv. */
	if (geteuid())
		out = run(&st, "%s buddy 2>&1", binary);
	else
		out = run(&st, "command -v setpriv >/dev/null || exit 99; %s %s buddy 2>&1",
			  "setpriv --reuid=65534 --regid=65534 --clear-groups", binary);
	if (st != 99) {
		CHECK_EQ(st, 1);
		CHECK(strstr(out, "must be root"));
	} else {
		skipped++;
	}
	free(out);

	current = "mmlab slab / vmalloc (captured)";
	out = run(&st, "test -d %s/slab/alloc && %s --dir %s/slab/alloc slab 2>&1", fixtures,
		  binary, fixtures);
	if (st == 0) {
		CHECK(strstr(out, "capture "));
		CHECK(strstr(out, "kmalloc-8k"));
	} else {
		skipped++;
	}
	free(out);
	out = run(&st, "test -d %s/vmalloc/alloc && %s --dir %s/vmalloc/alloc vmalloc 2>&1",
		  fixtures, binary, fixtures);
	if (st == 0)
		CHECK(!strstr(out, "pages=") && strstr(out, "vmalloc"));
	else
		skipped++;
	free(out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURES [MMLAB]\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	binary = argc > 2 ? argv[2] : NULL;

	test_pool();
	test_zone_files("load");
	test_zone_files("alloc");
	test_zone_files("freed");
	test_zoneinfo_values();
	test_handles();
	test_blocks_bad();
	test_validate();
	test_restored();
	test_map();
	test_map_invariants("load");
	test_map_invariants("alloc");
	test_map_invariants("freed");
	test_zone_files("smp2/load");
	test_zone_files("smp2/alloc");
	test_zone_files("smp2/freed");
	test_map_invariants("smp2/alloc");
	test_map_invariants("smp2/freed");
	test_json();
	test_walk_split();
	test_walk_handwritten();
	test_walk_captured();
	test_slab();
	test_vmalloc();
	test_png();
	test_cli();

	if (skipped)
		printf("%d fixture sets skipped\n", skipped);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
