/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab's vmalloc (system "mmlab"), after the kernel's
 * vmalloc events (alloc_vmap_area, purge_vmap_area_lazy): area alloc and
 * free, map and unmap of an area's pages, lazy purge.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_VMALLOC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_VMALLOC_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(mmlab_alloc_vmap_area,
	    TP_PROTO(unsigned long addr, unsigned long size, unsigned long align,
		     int failed),
	    TP_ARGS(addr, size, align, failed),
	    TP_STRUCT__entry(__field(unsigned long, addr)
			     __field(unsigned long, size)
			     __field(unsigned long, align)
			     __field(int, failed)),
	    TP_fast_assign(__entry->addr = addr;
			   __entry->size = size;
			   __entry->align = align;
			   __entry->failed = failed;),
	    TP_printk("va_start=0x%lx size=%lu align=%lu failed=%d",
		      __entry->addr, __entry->size, __entry->align,
		      __entry->failed)
);

TRACE_EVENT(mmlab_free_vmap_area,
	    TP_PROTO(unsigned long addr, unsigned long size, unsigned long lazy_nr),
	    TP_ARGS(addr, size, lazy_nr),
	    TP_STRUCT__entry(__field(unsigned long, addr)
			     __field(unsigned long, size)
			     __field(unsigned long, lazy_nr)),
	    TP_fast_assign(__entry->addr = addr;
			   __entry->size = size;
			   __entry->lazy_nr = lazy_nr;),
	    TP_printk("va_start=0x%lx size=%lu lazy_nr=%lu",
		      __entry->addr, __entry->size, __entry->lazy_nr)
);

DECLARE_EVENT_CLASS(mmlab_vmap_pages,
		    TP_PROTO(unsigned long addr, unsigned int nr_pages),
		    TP_ARGS(addr, nr_pages),
		    TP_STRUCT__entry(__field(unsigned long, addr)
				     __field(unsigned int, nr_pages)),
		    TP_fast_assign(__entry->addr = addr;
				   __entry->nr_pages = nr_pages;),
		    TP_printk("addr=0x%lx nr_pages=%u",
			      __entry->addr, __entry->nr_pages)
);

DEFINE_EVENT(mmlab_vmap_pages, mmlab_vmap_map,
	     TP_PROTO(unsigned long addr, unsigned int nr_pages),
	     TP_ARGS(addr, nr_pages));

DEFINE_EVENT(mmlab_vmap_pages, mmlab_vmap_unmap,
	     TP_PROTO(unsigned long addr, unsigned int nr_pages),
	     TP_ARGS(addr, nr_pages));

TRACE_EVENT(mmlab_purge_vmap_area_lazy,
	    TP_PROTO(unsigned int nr_areas, unsigned long nr_pages,
		     unsigned int nr_tables),
	    TP_ARGS(nr_areas, nr_pages, nr_tables),
	    TP_STRUCT__entry(__field(unsigned int, nr_areas)
			     __field(unsigned long, nr_pages)
			     __field(unsigned int, nr_tables)),
	    TP_fast_assign(__entry->nr_areas = nr_areas;
			   __entry->nr_pages = nr_pages;
			   __entry->nr_tables = nr_tables;),
	    TP_printk("areas=%u pages=%lu pte_tables_freed=%u",
		      __entry->nr_areas, __entry->nr_pages, __entry->nr_tables)
);

#endif /* _MMLAB_VMALLOC_TRACE_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vmalloc_trace
#include <trace/define_trace.h>
