/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab(8), the userspace tool: the structures every part shares.
 *
 * parse.c turns each debugfs file of /sys/kernel/debug/mmlab into one of the
 * small structures below (one per format); the views (views.c, top.c,
 * walk.c, map.c, demo.c) only read them. Strings are copied, so a parsed
 * structure does not point into the file's text.
 */
#ifndef _MMLAB_TOOL_H
#define _MMLAB_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * === The kernel's helpers, for userspace ===
 *
 * As tools/include/linux/{build_bug,compiler-gcc,kernel}.h define them for
 * the kernel's own tools: ARRAY_SIZE() does not build on a pointer.
 */

#ifndef BUILD_BUG_ON_ZERO
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))
#endif
#ifndef __must_be_array
#define __must_be_array(a)	\
	BUILD_BUG_ON_ZERO(__builtin_types_compatible_p(typeof(a), typeof(&(a)[0])))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))
#endif

/*
 * checkpatch asks for __printf() rather than the attribute, and so reports
 * the line that defines it (as in the kernel's compiler_attributes.h): the
 * definition is split over two lines.
 */
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, \
						      a, b)))
#endif

/* === Limits of the formats === */

#define MM_MAX_ORDER	11	/* orders 0..10, as the kernel's MAX_ORDER */
#define MM_MAX_ZONES	4
#define MM_MAX_CPUS	256
#define MM_MAX_TYPES	8
#define MM_MAX_STATS	32
#define MM_NAME		32
#define MM_WALK_LEVELS	5

#define MM_DEBUGFS	"/sys/kernel/debug"
#define MM_DIR		MM_DEBUGFS "/mmlab"

/* === pool === */

/* One block borrowed from the host: a row of `pool`. */
struct mm_pool_block {
	unsigned long start;		/* first PFN */
	unsigned long end;		/* PFN after the last */
	int order;
	char zone[MM_NAME];		/* host zone */
	int node;
};

struct mm_pool {
	struct mm_pool_block *v;
	size_t nr;
	unsigned long blocks;		/* totals line */
	unsigned long pages;
	unsigned long mib;
	unsigned long meta_bytes;
	double bytes_per_page;
};

/* === buddyinfo, extfrag_index, unusable_index === */

/* One zone's row: counts (buddyinfo) or thousandths (the two indexes). */
struct mm_zone_row {
	int node;
	char zone[MM_NAME];
	long v[MM_MAX_ORDER];
};

struct mm_zone_rows {
	struct mm_zone_row z[MM_MAX_ZONES];
	int nr;
	int nr_orders;
};

/* === pagetypeinfo === */

struct mm_pagetypeinfo {
	int pageblock_order;
	unsigned long pages_per_block;
	int nr_orders;
	/* free blocks: [zone][type][order] */
	char zones[MM_MAX_ZONES][MM_NAME];
	int nr_zones;
	char types[MM_MAX_TYPES][MM_NAME];
	int nr_types;
	unsigned long free[MM_MAX_ZONES][MM_MAX_TYPES][MM_MAX_ORDER];
	/* pageblocks: [zone][type] */
	unsigned long blocks[MM_MAX_ZONES][MM_MAX_TYPES];
};

/* === zoneinfo === */

struct mm_pcp {
	int cpu;
	long count;
	long high;
	long batch;
};

struct mm_zone {
	int node;
	char name[MM_NAME];
	unsigned long free, min, low, high, spanned, present, managed;
	unsigned long protection[MM_MAX_ZONES];
	int nr_protection;
	struct mm_pcp pcp[MM_MAX_CPUS];
	int nr_pcp;
	char stat_names[MM_MAX_STATS][MM_NAME];
	unsigned long stats[MM_MAX_STATS];
	int nr_stats;
	unsigned long start_pfn;
	bool populated;			/* has pagesets (the kernel's rule) */
};

struct mm_zoneinfo {
	struct mm_zone z[MM_MAX_ZONES];
	int nr;
	int unknown;			/* lines of no known form, skipped */
};

/* === free_lists, pcp_lists === */

/* A block on a free list (cpu -1) or on a CPU's list. */
struct mm_block {
	int cpu;
	char zone[MM_NAME];
	int order;
	char type[MM_NAME];
	unsigned long start;
	unsigned long end;
};

struct mm_blocks {
	struct mm_block *v;
	size_t nr;
};

/* === handles === */

struct mm_handle {
	unsigned long id;
	bool has_pfn;			/* "-" in the pfn column otherwise */
	unsigned long pfn;
	int order;			/* -1 for "-" */
	char zone[MM_NAME];
	char type[MM_NAME];
	char kind[MM_NAME];		/* "pages" when there is no detail */
	char detail[160];		/* the key=value words after the kind */
};

struct mm_handles {
	struct mm_handle *v;
	size_t nr;
};

/* === validate === */

struct mm_validate {
	bool ok;
	unsigned long checked;
	char msg[256];
};

/* === slabinfo (issue 4) === */

struct mm_slab {
	char name[MM_NAME];
	unsigned long active_objs, num_objs, objsize, objperslab, pagesperslab;
	unsigned long limit, batchcount, sharedfactor;
	unsigned long active_slabs, num_slabs, sharedavail;
};

struct mm_slabinfo {
	struct mm_slab *v;
	size_t nr;
};

/* A slab of slab/<cache>/slabs: which pages a cache holds. */
struct mm_slab_page {
	char list[MM_NAME];		/* full, partial, free */
	unsigned long pfn;
	int order;
	unsigned int colour_off, inuse, objects;
};

struct mm_slab_pages {
	struct mm_slab_page *v;
	size_t nr;
};

/* === vmallocinfo and vmap_areas (issue 5) === */

struct mm_vm_area {
	unsigned long start, end, size;
	char caller[96];
	unsigned long pages;
	char kind[16];			/* vmalloc, vmap, unpurged */
	int order;
};

struct mm_vmallocinfo {
	struct mm_vm_area *v;
	size_t nr;
};

struct mm_vmap_areas {
	unsigned long win_start, win_end, win_pages;
	unsigned long lazy_pages, lazy_max_pages, pte_tables;
	char stat_names[MM_MAX_STATS][MM_NAME];
	unsigned long stats[MM_MAX_STATS];
	int nr_stats;
	unsigned long nr_free, nr_busy, nr_lazy;
	unsigned long free_pages, busy_pages, lazy_pages_listed;
	unsigned long largest_free;	/* pages */
};

/* === walk (issue 5) === */

struct mm_walk_entry {
	char level[8];			/* pgd, p4d, pud, pmd, pte */
	unsigned int index;
	unsigned long long entry;
	unsigned long long next;
	char flags[128];		/* the decoded words, blank-separated */
};

struct mm_walk {
	unsigned long long addr;
	int pid;			/* 0: kernel (cr3) */
	unsigned long long root;
	int levels;
	struct mm_walk_entry e[MM_WALK_LEVELS];
	int nr;
	char result[32];		/* mapped, none, not present, ... */
	char stop_level[8];		/* where a failed walk stopped */
	bool mapped;
	unsigned long long phys;
	unsigned long pfn;
	char page_size[8];		/* 4K, 2M, 1G */
	char access[32];
	char region[64];
};

/* === parse.c === */

int mm_parse_pool(const char *text, struct mm_pool *p);
int mm_parse_zone_rows(const char *text, struct mm_zone_rows *r, bool thousandths);
int mm_parse_pagetypeinfo(const char *text, struct mm_pagetypeinfo *p);
int mm_parse_zoneinfo(const char *text, struct mm_zoneinfo *zi);
int mm_parse_free_lists(const char *text, struct mm_blocks *b);
int mm_parse_pcp_lists(const char *text, struct mm_blocks *b);
int mm_parse_handles(const char *text, struct mm_handles *h);
int mm_parse_validate(const char *text, struct mm_validate *v);
int mm_parse_slabinfo(const char *text, struct mm_slabinfo *s);
int mm_parse_slab_pages(const char *text, struct mm_slab_pages *s);
int mm_parse_vmallocinfo(const char *text, struct mm_vmallocinfo *v);
int mm_parse_vmap_areas(const char *text, struct mm_vmap_areas *v);
int mm_parse_walk(const char *text, struct mm_walk *w);
void mm_pool_free(struct mm_pool *p);
void mm_blocks_free(struct mm_blocks *b);
void mm_handles_free(struct mm_handles *h);
void mm_slabinfo_free(struct mm_slabinfo *s);
void mm_slab_pages_free(struct mm_slab_pages *s);
void mm_vmallocinfo_free(struct mm_vmallocinfo *v);
long mm_zone_stat(const struct mm_zone *z, const char *name);
const struct mm_zone *mm_zone_find(const struct mm_zoneinfo *zi, const char *name);
extern const char *mm_parse_error;

/* === debugfs.c === */

extern const char *mm_dir;		/* MM_DIR, or --dir for fixtures */
int mm_check_access(void);
char *mm_read(const char *file);	/* NULL (errno) if missing */
char *mm_read_path(const char *path);
bool mm_exists(const char *file);
int mm_write(const char *file, const char *cmd);
int mm_control(const char *cmd);
char *mm_need(const char *file);
int mm_bad(const char *file);

/* === json.c === */

struct mm_json {
	FILE *f;
	int depth;
	bool first[32];
};

void json_init(struct mm_json *j, FILE *f);
void json_obj(struct mm_json *j, const char *key);
void json_obj_end(struct mm_json *j);
void json_arr(struct mm_json *j, const char *key);
void json_arr_end(struct mm_json *j);
void json_str(struct mm_json *j, const char *key, const char *val);
void json_int(struct mm_json *j, const char *key, long long val);
void json_uint(struct mm_json *j, const char *key, unsigned long long val);
void json_hex(struct mm_json *j, const char *key, unsigned long long val);
void json_real(struct mm_json *j, const char *key, double val);
void json_bool(struct mm_json *j, const char *key, bool val);
void json_null(struct mm_json *j, const char *key);
void json_end(struct mm_json *j);

/* JSON of each parsed format, as `--json` prints it. */
void json_pool(struct mm_json *j, const char *key, const struct mm_pool *p);
void json_zone_rows(struct mm_json *j, const char *key, const struct mm_zone_rows *r,
		    bool thousandths);
void json_zoneinfo(struct mm_json *j, const char *key, const struct mm_zoneinfo *zi);
void json_blocks(struct mm_json *j, const char *key, const struct mm_blocks *b);
void json_handles(struct mm_json *j, const char *key, const struct mm_handles *h);
void json_pagetypeinfo(struct mm_json *j, const char *key, const struct mm_pagetypeinfo *p);
void json_slabinfo(struct mm_json *j, const char *key, const struct mm_slabinfo *s);
void json_vmallocinfo(struct mm_json *j, const char *key, const struct mm_vmallocinfo *v);
void json_vmap_areas(struct mm_json *j, const char *key, const struct mm_vmap_areas *v);
void json_walk(struct mm_json *j, const char *key, const struct mm_walk *w);

/* === term.c === */

struct mm_term {
	bool tty;			/* stdout is a terminal */
	bool colour;
	bool raw;			/* stdin in raw mode */
	int rows, cols;
};

void term_init(struct mm_term *t);
int term_raw(struct mm_term *t);
void term_restore(void);
void term_size(struct mm_term *t);
int term_key(int timeout_ms);		/* -1: none */
void term_bar(FILE *f, const struct mm_term *t, double frac, int width, const char *colour);
void term_colour(FILE *f, const struct mm_term *t, const char *sgr);
void term_reset(FILE *f, const struct mm_term *t);

/* === the subcommands === */

struct mm_opts {
	bool json;
	int iterations;			/* -n, 0: forever */
	double delay;			/* -d */
	int pid;			/* walk --pid */
	const char *svg;
	const char *png;
	unsigned long cell;		/* map --cell pages per cell, 0: auto */
	const char *scenario;		/* demo */
	bool step;			/* demo waits for Enter */
};

int cmd_pool(const struct mm_opts *o);
int cmd_buddy(const struct mm_opts *o);
int cmd_slab(const struct mm_opts *o);
int cmd_vmalloc(const struct mm_opts *o);
int cmd_top(const struct mm_opts *o);
int cmd_walk(const struct mm_opts *o, const char *addr);
int cmd_map(const struct mm_opts *o);
int cmd_demo(const struct mm_opts *o);

/* walk.c: the address split into its index fields, without reading walk. */
void walk_split(unsigned long long addr, int levels, unsigned int idx[MM_WALK_LEVELS],
		unsigned long long *offset);

/* === map.c: per-page state === */

enum mm_state {
	MM_S_HOLE,			/* not in the pool */
	MM_S_FREE,			/* on a free list; .order says which */
	MM_S_PCP,			/* on a per-CPU list */
	MM_S_PAGES,			/* a page block allocated through control */
	MM_S_SLAB,			/* a slab's page */
	MM_S_VMALLOC,			/* backing a vmalloc area */
	MM_S_PGTABLE,			/* a page table of mmlab's window */
	MM_S_ALLOC,			/* allocated, owner unknown */
	MM_S_NR,
};

struct mm_cell {
	unsigned char state;		/* enum mm_state */
	signed char order;		/* free order, -1 */
	unsigned char zone;		/* index in the zone list */
	short owner;			/* slab cache index, -1 */
	bool head;			/* first page of a block */
};

struct mm_map {
	unsigned long first_pfn;	/* of the first cell */
	unsigned long nr_pages;
	unsigned long pages_per_cell;
	struct mm_cell *cells;		/* one per pool page, in pool order */
	unsigned long *pfn;		/* PFN of each page */
	size_t nr;
	char zones[MM_MAX_ZONES][MM_NAME];
	int nr_zones;
	char owners[64][MM_NAME];	/* slab caches */
	int nr_owners;
	unsigned long count[MM_S_NR];
	unsigned long free_by_order[MM_MAX_ORDER];
};

int map_build(struct mm_map *m);
void map_free(struct mm_map *m);
struct mm_cell map_cell(const struct mm_map *m, size_t first, size_t n);
void map_rgb(const struct mm_cell *c, unsigned char rgb[3]);
int map_write_svg(const struct mm_map *m, const char *file, unsigned long ppc);
int map_write_png(const struct mm_map *m, const char *file, unsigned long ppc);

/* image.c */
int png_write(const char *file, const unsigned char *rgb, unsigned int w, unsigned int h);
unsigned long png_crc32(const unsigned char *buf, size_t len);
extern bool png_compress;

/* util */
void mm_strlcpy(char *dst, const char *src, size_t len);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);

#endif /* _MMLAB_TOOL_H */
