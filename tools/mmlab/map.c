// SPDX-License-Identifier: GPL-2.0
/*
 * `mmlab map`: the pool page by page (or a cell per 2^k pages), coloured by
 * state, with zone boundaries and a legend, on the terminal, as SVG or as
 * PNG. The state of each page comes from free_lists, pcp_lists, handles and
 * slab/<cache>/slabs; a pool page that none of them names is "allocated".
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmlab.h"

/* === Page states === */

static const char *const state_names[MM_S_NR] = {
	[MM_S_HOLE]	= "hole",
	[MM_S_FREE]	= "free",
	[MM_S_PCP]	= "per-cpu",
	[MM_S_PAGES]	= "pages",
	[MM_S_SLAB]	= "slab",
	[MM_S_VMALLOC]	= "vmalloc",
	[MM_S_PGTABLE]	= "pagetable",
	[MM_S_ALLOC]	= "allocated",
};

/* Free blocks by order, viridis from yellow (small, fragmented) to violet (large). */
static const unsigned char free_rgb[MM_MAX_ORDER][3] = {
	{ 253, 231,  37 }, { 194, 223,  35 }, { 134, 213,  73 }, {  82, 197, 105 },
	{  42, 176, 127 }, {  30, 155, 138 }, {  37, 133, 142 }, {  45, 112, 142 },
	{  56,  88, 140 }, {  67,  62, 133 }, {  72,  33, 115 },
};

static const unsigned char state_rgb[MM_S_NR][3] = {
	[MM_S_HOLE]	= { 255, 255, 255 },
	[MM_S_FREE]	= {  72,  33, 115 },
	[MM_S_PCP]	= { 255, 160,   0 },
	[MM_S_PAGES]	= { 215,  48,  39 },
	[MM_S_SLAB]	= { 230,  80, 190 },
	[MM_S_VMALLOC]	= {  40, 110, 225 },
	[MM_S_PGTABLE]	= { 140,  90,  40 },
	[MM_S_ALLOC]	= { 150, 150, 150 },
};

static const char state_char[MM_S_NR] = {
	[MM_S_HOLE] = ' ', [MM_S_FREE] = '0', [MM_S_PCP] = 'c', [MM_S_PAGES] = 'P',
	[MM_S_SLAB] = 's', [MM_S_VMALLOC] = 'v', [MM_S_PGTABLE] = 't', [MM_S_ALLOC] = '#',
};

void map_rgb(const struct mm_cell *c, unsigned char rgb[3])
{
	const unsigned char *src = state_rgb[c->state < MM_S_NR ? c->state : MM_S_ALLOC];

	if (c->state == MM_S_FREE && c->order >= 0 && c->order < MM_MAX_ORDER)
		src = free_rgb[(int)c->order];
	memcpy(rgb, src, 3);
	if (c->state == MM_S_SLAB && c->owner > 0) {	/* a shade per cache */
		rgb[0] = (unsigned char)(255 - (c->owner * 47) % 90);
		rgb[1] = (unsigned char)(60 + (c->owner * 37) % 90);
		rgb[2] = (unsigned char)(150 + (c->owner * 29) % 100);
	}
}

static char cell_char(const struct mm_cell *c)
{
	if (c->state == MM_S_FREE && c->order >= 0)
		return c->order < 10 ? '0' + c->order : 'A' + c->order - 10;
	return state_char[c->state < MM_S_NR ? c->state : MM_S_ALLOC];
}

/* What cell_char() returns, for the JSON's "cell_chars". */
static const char cell_chars[] =
	"0-9A: free order, c: per-cpu, P: pages, s: slab, v: vmalloc, t: pagetable, #: allocated";

/* === Building the map === */

static long page_index(const struct mm_map *m, unsigned long pfn)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->pfn[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nr && m->pfn[lo] == pfn ? (long)lo : -1;
}

static int zone_index(struct mm_map *m, const char *zone)
{
	int i;

	for (i = 0; i < m->nr_zones; i++)
		if (!strcmp(m->zones[i], zone))
			return i;
	if (m->nr_zones == MM_MAX_ZONES)
		return 0;
	mm_strlcpy(m->zones[m->nr_zones], zone, MM_NAME);
	return m->nr_zones++;
}

static void mark(struct mm_map *m, unsigned long pfn, unsigned long n, int state, int order,
		 int owner)
{
	unsigned long k;

	for (k = 0; k < n; k++) {
		long i = page_index(m, pfn + k);

		if (i < 0)
			continue;
		m->cells[i].state = state;
		m->cells[i].order = order;
		m->cells[i].owner = owner;
		m->cells[i].head = k == 0;
	}
}

static int cmp_block(const void *a, const void *b)
{
	const struct mm_pool_block *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Pages of each slab cache, from slab/<cache>/slabs (issue 4). */
static void map_slabs(struct mm_map *m)
{
	char path[600], file[1024];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/slab", mm_dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct mm_slab_pages sp;
		char *text;
		size_t i;
		int owner;

		if (de->d_name[0] == '.' || m->nr_owners == 64)
			continue;
		snprintf(file, sizeof(file), "%s/%s/slabs", path, de->d_name);
		text = mm_read_path(file);
		if (!text)
			continue;
		if (!mm_parse_slab_pages(text, &sp)) {
			owner = m->nr_owners++;
			mm_strlcpy(m->owners[owner], de->d_name, MM_NAME);
			for (i = 0; i < sp.nr; i++)
				mark(m, sp.v[i].pfn, 1UL << sp.v[i].order, MM_S_SLAB, -1, owner);
			mm_slab_pages_free(&sp);
		}
		free(text);
	}
	closedir(d);
}

/**
 * map_build() - the state of every page of the pool.
 * @m: out.
 *
 * Return: 0, or 1 after an error message.
 */
int map_build(struct mm_map *m)
{
	char *tp, *tf = NULL, *tc = NULL, *th = NULL;
	struct mm_blocks fl = { 0 }, pcp = { 0 };
	struct mm_handles h = { 0 };
	struct mm_pool p;
	size_t i, n = 0;
	int rc = 1;

	memset(m, 0, sizeof(*m));
	tp = mm_need("pool");
	if (!tp)
		return 1;
	if (mm_parse_pool(tp, &p)) {
		free(tp);
		return mm_bad("pool");
	}
	tf = mm_need("free_lists");
	if (!tf)
		goto out;
	if (mm_parse_free_lists(tf, &fl)) {
		rc = mm_bad("free_lists");
		goto out;
	}
	tc = mm_read("pcp_lists");
	if (tc && mm_parse_pcp_lists(tc, &pcp)) {
		rc = mm_bad("pcp_lists");
		goto out;
	}
	th = mm_read("handles");
	if (th && mm_parse_handles(th, &h)) {
		rc = mm_bad("handles");
		goto out;
	}

	qsort(p.v, p.nr, sizeof(*p.v), cmp_block);
	for (i = 0; i < p.nr; i++)
		m->nr_pages += p.v[i].end - p.v[i].start;
	m->cells = xcalloc(m->nr_pages, sizeof(*m->cells));
	m->pfn = xcalloc(m->nr_pages, sizeof(*m->pfn));
	for (i = 0; i < p.nr; i++) {
		int z = zone_index(m, p.v[i].zone);
		unsigned long pfn;

		for (pfn = p.v[i].start; pfn < p.v[i].end; pfn++) {
			if (n && m->pfn[n - 1] >= pfn)
				continue;	/* overlapping rows: never in a sane pool */
			m->pfn[n] = pfn;
			m->cells[n] = (struct mm_cell){ .state = MM_S_ALLOC, .order = -1,
							.zone = z, .owner = -1 };
			n++;
		}
	}
	m->nr = n;
	m->first_pfn = n ? m->pfn[0] : 0;

	for (i = 0; i < fl.nr; i++) {
		mark(m, fl.v[i].start, fl.v[i].end - fl.v[i].start, MM_S_FREE, fl.v[i].order, -1);
		m->free_by_order[fl.v[i].order]++;
	}
	for (i = 0; i < pcp.nr; i++)
		mark(m, pcp.v[i].start, pcp.v[i].end - pcp.v[i].start, MM_S_PCP, -1, -1);
	for (i = 0; i < h.nr; i++) {
		const struct mm_handle *x = &h.v[i];
		int state = MM_S_ALLOC;

		if (!x->has_pfn || x->order < 0)
			continue;
		if (!strcmp(x->kind, "pages"))
			state = MM_S_PAGES;
		else if (!strcmp(x->kind, "vmalloc") || !strcmp(x->kind, "vmap"))
			state = MM_S_VMALLOC;
		else if (!strcmp(x->kind, "kmalloc") || !strncmp(x->kind, "cache", 5))
			state = MM_S_SLAB;
		mark(m, x->pfn, 1UL << x->order, state, -1, -1);
	}
	map_slabs(m);
	for (i = 0; i < m->nr; i++)
		m->count[m->cells[i].state]++;
	rc = 0;
out:
	mm_pool_free(&p);
	mm_blocks_free(&fl);
	mm_blocks_free(&pcp);
	mm_handles_free(&h);
	free(tp);
	free(tf);
	free(tc);
	free(th);
	return rc;
}

void map_free(struct mm_map *m)
{
	free(m->cells);
	free(m->pfn);
	m->cells = NULL;
	m->pfn = NULL;
}

/**
 * map_cell() - one cell standing for @n pages from page @first.
 *
 * The state is the one most of its pages have; a free cell shows the
 * largest free order among its pages.
 */
struct mm_cell map_cell(const struct mm_map *m, size_t first, size_t n)
{
	unsigned long count[MM_S_NR] = { 0 };
	struct mm_cell c = m->cells[first];
	int s, best = c.state, order = -1;
	size_t i;

	for (i = first; i < first + n && i < m->nr; i++) {
		count[m->cells[i].state]++;
		if (m->cells[i].state == MM_S_FREE && m->cells[i].order > order)
			order = m->cells[i].order;
	}
	for (s = 0; s < MM_S_NR; s++)
		if (count[s] > count[best])
			best = s;
	c.state = best;
	c.order = best == MM_S_FREE ? order : -1;
	if (best != MM_S_SLAB)
		c.owner = -1;
	c.head = n == 1 && m->cells[first].head;
	return c;
}

/* === Layout: cells and rows shared by every output === */

struct vcell {
	size_t first;			/* page index */
	size_t n;
	unsigned long pfn;
	struct mm_cell c;
};

struct vrow {
	size_t first;			/* cell index */
	size_t n;
	int zone;
	bool zone_head;			/* first row of its zone */
};

struct layout {
	struct vcell *cells;
	size_t nr_cells;
	struct vrow *rows;
	size_t nr_rows;
	unsigned long ppc;
	size_t cols;
};

static void layout_build(const struct mm_map *m, unsigned long ppc, size_t cols,
			 struct layout *l)
{
	size_t i, nc = 0, nr = 0;

	memset(l, 0, sizeof(*l));
	l->ppc = ppc;
	l->cols = cols;
	l->cells = xcalloc(m->nr ? m->nr : 1, sizeof(*l->cells));
	for (i = 0; i < m->nr; i++) {
		struct vcell *prev = nc ? &l->cells[nc - 1] : NULL;

		if (prev && prev->pfn / ppc == m->pfn[i] / ppc &&
		    m->cells[prev->first].zone == m->cells[i].zone) {
			prev->n++;
			continue;
		}
		l->cells[nc++] = (struct vcell){ .first = i, .n = 1, .pfn = m->pfn[i] };
	}
	l->nr_cells = nc;
	for (i = 0; i < nc; i++)
		l->cells[i].c = map_cell(m, l->cells[i].first, l->cells[i].n);
	l->rows = xcalloc(nc ? nc : 1, sizeof(*l->rows));
	for (i = 0; i < nc; i++) {
		struct vrow *r = nr ? &l->rows[nr - 1] : NULL;
		int zone = l->cells[i].c.zone;
		bool zone_change = !r || r->zone != zone;
		bool gap = r && l->cells[i].pfn / ppc != l->cells[i - 1].pfn / ppc + 1;

		if (!r || zone_change || gap || r->n == cols) {
			l->rows[nr++] = (struct vrow){ .first = i, .n = 1, .zone = zone,
						       .zone_head = zone_change };
			continue;
		}
		r->n++;
	}
	l->nr_rows = nr;
}

static void layout_free(struct layout *l)
{
	free(l->cells);
	free(l->rows);
}

/* Zone's first and end PFN and page count, over the map. */
static void zone_span(const struct mm_map *m, int zone, unsigned long *start,
		      unsigned long *end, unsigned long *pages)
{
	size_t i;

	*start = 0;
	*end = 0;
	*pages = 0;
	for (i = 0; i < m->nr; i++) {
		if (m->cells[i].zone != zone)
			continue;
		if (!*pages)
			*start = m->pfn[i];
		*end = m->pfn[i] + 1;
		(*pages)++;
	}
}

/* === Legend === */

struct legend {
	struct mm_cell c;
	char name[48];
	unsigned long pages;
};

static int legend_build(const struct mm_map *m, struct legend *lg, int max)
{
	unsigned long per_order[MM_MAX_ORDER] = { 0 };
	int n = 0, o, s;
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->cells[i].state == MM_S_FREE && m->cells[i].order >= 0)
			per_order[(int)m->cells[i].order]++;
	for (o = 0; o < MM_MAX_ORDER && n < max; o++) {
		lg[n].c = (struct mm_cell){ .state = MM_S_FREE, .order = o, .owner = -1 };
		snprintf(lg[n].name, sizeof(lg[n].name), "free order %d", o);
		lg[n++].pages = per_order[o];
	}
	for (s = MM_S_PCP; s < MM_S_NR && n < max; s++) {
		if (s == MM_S_SLAB && m->nr_owners) {
			int k;

			for (k = 0; k < m->nr_owners && n < max; k++) {
				lg[n].c = (struct mm_cell){ .state = s, .order = -1, .owner = k };
				snprintf(lg[n].name, sizeof(lg[n].name), "slab %s", m->owners[k]);
				lg[n].pages = 0;
				for (i = 0; i < m->nr; i++)
					lg[n].pages += m->cells[i].state == s &&
						       m->cells[i].owner == k;
				n++;
			}
			continue;
		}
		lg[n].c = (struct mm_cell){ .state = s, .order = -1, .owner = -1 };
		snprintf(lg[n].name, sizeof(lg[n].name), "%s", state_names[s]);
		lg[n++].pages = m->count[s];
	}
	return n;
}

/* === Terminal === */

static void term_cell(const struct mm_term *t, const struct mm_cell *c)
{
	unsigned char rgb[3];

	if (!t->colour) {
		putchar(cell_char(c));
		return;
	}
	map_rgb(c, rgb);
	printf("\033[48;2;%u;%u;%um\033[38;2;%u;%u;%um%c\033[0m", rgb[0], rgb[1], rgb[2],
	       rgb[0] + rgb[1] + rgb[2] > 384 ? 0 : 255, rgb[0] + rgb[1] + rgb[2] > 384 ? 0 : 255,
	       rgb[0] + rgb[1] + rgb[2] > 384 ? 0 : 255, cell_char(c));
}

static void map_terminal(const struct mm_map *m, const struct layout *l)
{
	struct legend lg[96];
	struct mm_term t;
	size_t r, k;
	int n, i;

	term_init(&t);
	printf("mmlab pool: %lu pages, one cell per %lu page%s", m->nr_pages, l->ppc,
	       l->ppc > 1 ? "s" : "");
	printf(" (cell = state of most of its pages)\n");
	for (r = 0; r < l->nr_rows; r++) {
		const struct vrow *row = &l->rows[r];

		if (row->zone_head) {
			unsigned long s, e, p;

			zone_span(m, row->zone, &s, &e, &p);
			printf("\n== zone %s: pfn %#lx-%#lx, %lu pages ==\n", m->zones[row->zone],
			       s, e, p);
		} else if (l->cells[row->first].pfn / l->ppc !=
			   l->cells[row->first - 1].pfn / l->ppc + 1) {
			printf("   ~~ gap ~~\n");
		}
		printf("%#10lx ", l->cells[row->first].pfn);
		for (k = 0; k < row->n; k++)
			term_cell(&t, &l->cells[row->first + k].c);
		putchar('\n');
	}
	n = legend_build(m, lg, 96);
	printf("\nlegend:");
	for (i = 0; i < n; i++) {
		if (!lg[i].pages && lg[i].c.state != MM_S_FREE)
			continue;
		printf("%s ", i % 6 == 0 ? "\n " : "");
		term_cell(&t, &lg[i].c);
		printf(" %s (%lu)", lg[i].name, lg[i].pages);
	}
	printf("\n");
}

/* === SVG and PNG: one drawing, two back ends === */

/* 3x5 pixel glyphs for the PNG's labels: rows top down, '1' is ink. */
static const struct {
	char c;
	const char *bits;
} font[] = {
	{ '0', "111101101101111" }, { '1', "010110010010111" }, { '2', "111001111100111" },
	{ '3', "111001111001111" }, { '4', "101101111001001" }, { '5', "111100111001111" },
	{ '6', "111100111101111" }, { '7', "111001001001001" }, { '8', "111101111101111" },
	{ '9', "111101111001111" }, { 'A', "010101111101101" }, { 'B', "110101110101110" },
	{ 'C', "011100100100011" }, { 'D', "110101101101110" }, { 'E', "111100110100111" },
	{ 'F', "111100110100100" }, { 'G', "011100101101011" }, { 'H', "101101111101101" },
	{ 'I', "111010010010111" }, { 'J', "001001001101010" }, { 'K', "101101110101101" },
	{ 'L', "100100100100111" }, { 'M', "101111111101101" }, { 'N', "110101101101101" },
	{ 'O', "010101101101010" }, { 'P', "110101110100100" }, { 'Q', "010101101110011" },
	{ 'R', "110101110101101" }, { 'S', "011100010001110" }, { 'T', "111010010010010" },
	{ 'U', "101101101101111" }, { 'V', "101101101101010" }, { 'W', "101101111111101" },
	{ 'X', "101101010101101" }, { 'Y', "101101010010010" }, { 'Z', "111001010100111" },
	{ '-', "000000111000000" }, { '.', "000000000000010" }, { ':', "000010000010000" },
	{ '/', "001001010100100" }, { '(', "010100100100010" }, { ')', "010001001001010" },
	{ '_', "000000000000111" }, { '+', "000010111010000" }, { '=', "000111000111000" },
	{ ',', "000000000010100" }, { '%', "101001010100101" },
};

#define GLYPH_SCALE	2
#define GLYPH_W		(4 * GLYPH_SCALE)	/* advance */
#define TEXT_H		(5 * GLYPH_SCALE)

struct canvas {
	bool svg;
	FILE *f;			/* svg */
	unsigned char *rgb;		/* png */
	unsigned int w, h;
};

static void draw_rect(struct canvas *cv, unsigned int x, unsigned int y, unsigned int w,
		      unsigned int h, const unsigned char rgb[3])
{
	unsigned int i, j;

	if (cv->svg) {
		fprintf(cv->f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"", x, y, w, h);
		fprintf(cv->f, " fill=\"#%02x%02x%02x\"/>\n", rgb[0], rgb[1], rgb[2]);
		return;
	}
	for (j = y; j < y + h && j < cv->h; j++)
		for (i = x; i < x + w && i < cv->w; i++)
			memcpy(cv->rgb + ((size_t)j * cv->w + i) * 3, rgb, 3);
}

static void draw_text(struct canvas *cv, unsigned int x, unsigned int y, const char *s)
{
	static const unsigned char ink[3] = { 0, 0, 0 };
	size_t k, g;

	if (cv->svg) {
		fprintf(cv->f, "<text x=\"%u\" y=\"%u\">", x, y + TEXT_H);
		for (; *s; s++) {
			if (*s == '<')
				fputs("&lt;", cv->f);
			else if (*s == '&')
				fputs("&amp;", cv->f);
			else
				fputc(*s, cv->f);
		}
		fputs("</text>\n", cv->f);
		return;
	}
	for (k = 0; s[k]; k++, x += GLYPH_W) {
		char c = s[k] >= 'a' && s[k] <= 'z' ? s[k] - 32 : s[k];

		for (g = 0; g < ARRAY_SIZE(font); g++) {
			int b;

			if (font[g].c != c)
				continue;
			for (b = 0; b < 15; b++)
				if (font[g].bits[b] == '1')
					draw_rect(cv, x + (b % 3) * GLYPH_SCALE,
						  y + (b / 3) * GLYPH_SCALE, GLYPH_SCALE,
						  GLYPH_SCALE, ink);
			break;
		}
	}
}

#define MARGIN		8
#define LABEL_W		(10 * GLYPH_W)
#define HEAD_H		(TEXT_H + 10)
#define LEGEND_COLS	4
#define LEGEND_W	(28 * GLYPH_W)

/* Draws the map; with cv->w == 0 only measures it. */
static void draw(struct canvas *cv, const struct mm_map *m, const struct layout *l,
		 unsigned int cs)
{
	static const unsigned char white[3] = { 255, 255, 255 }, line[3] = { 60, 60, 60 };
	unsigned int y = MARGIN, x0 = MARGIN + LABEL_W, w, i;
	struct legend lg[96];
	char buf[160];
	size_t r, k;
	int n, shown;

	w = x0 + (unsigned int)l->cols * cs + MARGIN;
	if (w < MARGIN * 2 + LEGEND_COLS * LEGEND_W)
		w = MARGIN * 2 + LEGEND_COLS * LEGEND_W;
	if (cv->w)
		draw_rect(cv, 0, 0, cv->w, cv->h, white);
	if (l->ppc > 1)
		snprintf(buf, sizeof(buf), "mmlab pool: %lu pages, a cell per %lu pages",
			 m->nr_pages, l->ppc);
	else
		snprintf(buf, sizeof(buf), "mmlab pool: %lu pages, a cell per page", m->nr_pages);
	if (cv->w)
		draw_text(cv, MARGIN, y, buf);
	y += HEAD_H;
	for (r = 0; r < l->nr_rows; r++) {
		const struct vrow *row = &l->rows[r];

		if (row->zone_head) {
			unsigned long s, e, p;

			zone_span(m, row->zone, &s, &e, &p);
			y += 4;
			if (cv->w) {
				draw_rect(cv, MARGIN, y, w - 2 * MARGIN, 2, line);
				snprintf(buf, sizeof(buf), "zone %s: pfn 0x%lx-0x%lx, %lu pages",
					 m->zones[row->zone], s, e, p);
				draw_text(cv, MARGIN, y + 5, buf);
			}
			y += HEAD_H;
		} else if (l->cells[row->first].pfn / l->ppc !=
			   l->cells[row->first - 1].pfn / l->ppc + 1) {
			y += cs;	/* a gap in the PFNs */
		}
		if (cv->w && (r == 0 || row->zone_head || (r % 8) == 0 ||
			      l->rows[r - 1].zone != row->zone)) {
			snprintf(buf, sizeof(buf), "0x%lx", l->cells[row->first].pfn);
			if (cs * 8 >= TEXT_H)
				draw_text(cv, MARGIN, y, buf);
		}
		for (k = 0; k < row->n && cv->w; ) {
			unsigned char rgb[3], rgb2[3];
			size_t run = 1;

			map_rgb(&l->cells[row->first + k].c, rgb);
			if (cv->svg) {	/* one rect per run of a colour */
				while (k + run < row->n) {
					const struct mm_cell *nc;

					nc = &l->cells[row->first + k + run].c;

					map_rgb(nc, rgb2);
					if (memcmp(rgb, rgb2, 3) || nc->head)
						break;
					run++;
				}
			}
			draw_rect(cv, x0 + (unsigned int)k * cs, y, (unsigned int)run * cs,
				  cs > 3 ? cs - 1 : cs, rgb);
			if (l->cells[row->first + k].c.head && cs > 3)	/* a block starts */
				draw_rect(cv, x0 + (unsigned int)k * cs, y, 1, cs - 1, line);
			k += run;
		}
		y += cs;
	}
	y += HEAD_H;
	n = legend_build(m, lg, 96);
	for (i = 0, shown = 0; i < (unsigned int)n; i++) {
		unsigned int lx, ly;

		if (!lg[i].pages && lg[i].c.state != MM_S_FREE)
			continue;
		lx = MARGIN + (shown % LEGEND_COLS) * LEGEND_W;
		ly = y + (shown / LEGEND_COLS) * (TEXT_H + 8);
		if (cv->w) {
			unsigned char rgb[3];

			map_rgb(&lg[i].c, rgb);
			draw_rect(cv, lx, ly, TEXT_H, TEXT_H, rgb);
			snprintf(buf, sizeof(buf), "%s (%lu)", lg[i].name, lg[i].pages);
			draw_text(cv, lx + TEXT_H + 6, ly, buf);
		}
		shown++;
	}
	y += ((shown + LEGEND_COLS - 1) / LEGEND_COLS) * (TEXT_H + 8) + MARGIN;
	if (!cv->w) {
		cv->w = w;
		cv->h = y;
	}
}

static unsigned int cell_px(unsigned long ppc)
{
	return ppc == 1 ? 5 : 10;
}

int map_write_svg(const struct mm_map *m, const char *file, unsigned long ppc)
{
	struct canvas cv = { .svg = true };
	struct layout l;

	layout_build(m, ppc, 128, &l);
	draw(&cv, m, &l, cell_px(ppc));
	cv.f = fopen(file, "w");
	if (!cv.f) {
		layout_free(&l);
		return -1;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", cv.f);
	fprintf(cv.f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\"",
		cv.w, cv.h);
	fprintf(cv.f, " font-family=\"monospace\" font-size=\"%d\"", TEXT_H + 2);
	fputs(" shape-rendering=\"crispEdges\">\n", cv.f);
	draw(&cv, m, &l, cell_px(ppc));
	fputs("</svg>\n", cv.f);
	layout_free(&l);
	return fclose(cv.f) ? -1 : 0;
}

int map_write_png(const struct mm_map *m, const char *file, unsigned long ppc)
{
	struct canvas cv = { .svg = false };
	struct layout l;
	int err;

	layout_build(m, ppc, 128, &l);
	draw(&cv, m, &l, cell_px(ppc));
	cv.rgb = xcalloc((size_t)cv.w * cv.h, 3);
	draw(&cv, m, &l, cell_px(ppc));
	err = png_write(file, cv.rgb, cv.w, cv.h);
	free(cv.rgb);
	layout_free(&l);
	return err;
}

/* === The command === */

static void map_json(const struct mm_map *m, const struct layout *l)
{
	struct mm_json j;
	char *s;
	size_t r, k;
	int i, o;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_uint(&j, "pages", m->nr_pages);
	json_uint(&j, "pages_per_cell", l->ppc);
	json_obj(&j, "pages_by_state");
	for (i = MM_S_FREE; i < MM_S_NR; i++)
		json_uint(&j, state_names[i], m->count[i]);
	json_obj_end(&j);
	json_arr(&j, "free_blocks_by_order");
	for (o = 0; o < MM_MAX_ORDER; o++)
		json_uint(&j, NULL, m->free_by_order[o]);
	json_arr_end(&j);
	json_str(&j, "cell_chars", cell_chars);
	json_arr(&j, "rows");
	s = xcalloc(l->cols + 1, 1);
	for (r = 0; r < l->nr_rows; r++) {
		const struct vrow *row = &l->rows[r];

		for (k = 0; k < row->n; k++)
			s[k] = cell_char(&l->cells[row->first + k].c);
		s[row->n] = '\0';
		json_obj(&j, NULL);
		json_str(&j, "zone", m->zones[row->zone]);
		json_uint(&j, "start_pfn", l->cells[row->first].pfn);
		json_str(&j, "cells", s);
		json_obj_end(&j);
	}
	free(s);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

int cmd_map(const struct mm_opts *o)
{
	unsigned long ppc = o->cell, img_ppc;
	struct layout l;
	struct mm_map m;
	int rc = 0;

	if (mm_check_access())
		return 1;
	if (map_build(&m))
		return 1;
	img_ppc = ppc ? ppc : m.nr_pages <= 131072 ? 1 : 512;
	if (o->svg) {
		if (map_write_svg(&m, o->svg, img_ppc)) {
			fprintf(stderr, "mmlab: map: %s: %s\n", o->svg, strerror(errno));
			rc = 1;
		} else if (!o->json) {
			printf("wrote %s\n", o->svg);
		}
	}
	if (o->png) {
		if (map_write_png(&m, o->png, img_ppc)) {
			fprintf(stderr, "mmlab: map: %s: %s\n", o->png, strerror(errno));
			rc = 1;
		} else if (!o->json) {
			printf("wrote %s\n", o->png);
		}
	}
	if ((o->svg || o->png) && !o->json) {
		map_free(&m);
		return rc;
	}
	if (!ppc) {	/* fit about 32 rows of 64 cells */
		ppc = 1;
		while (m.nr_pages / ppc > 64 * 32)
			ppc *= 2;
	}
	layout_build(&m, ppc, 64, &l);
	if (o->json)
		map_json(&m, &l);
	else
		map_terminal(&m, &l);
	layout_free(&l);
	map_free(&m);
	return rc;
}
