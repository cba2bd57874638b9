/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab's buddy allocator (system "mmlab"), after the kernel's
 * kmem events: alloc, free, split, merge, zone and migrate-type fallback,
 * per-CPU list refill and drain.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_BUDDY_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_BUDDY_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>
#include <trace/events/mmflags.h>

#include "buddy.h"
#include "pool.h"

TRACE_DEFINE_ENUM(MMLAB_ZONE_DMA);
TRACE_DEFINE_ENUM(MMLAB_ZONE_DMA32);
TRACE_DEFINE_ENUM(MMLAB_ZONE_NORMAL);

#define show_mmlab_zone(idx)					\
	__print_symbolic(idx,					\
			 { MMLAB_ZONE_DMA,	"DMA" },	\
			 { MMLAB_ZONE_DMA32,	"DMA32" },	\
			 { MMLAB_ZONE_NORMAL,	"Normal" })

TRACE_EVENT(mmlab_page_alloc,
	    TP_PROTO(unsigned long pfn, unsigned int order, gfp_t gfp_flags,
		     int zone, int migratetype),
	    TP_ARGS(pfn, order, gfp_flags, zone, migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned long, gfp_flags)
			     __field(int, zone)
			     __field(int, migratetype)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->gfp_flags = (__force unsigned long)gfp_flags;
			   __entry->zone = zone;
			   __entry->migratetype = migratetype;),
	    TP_printk("pfn=0x%lx order=%u migratetype=%d zone=%s gfp_flags=%s",
		      __entry->pfn, __entry->order, __entry->migratetype,
		      show_mmlab_zone(__entry->zone),
		      show_gfp_flags(__entry->gfp_flags))
);

TRACE_EVENT(mmlab_page_free,
	    TP_PROTO(unsigned long pfn, unsigned int order, int zone),
	    TP_ARGS(pfn, order, zone),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, zone)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->zone = zone;),
	    TP_printk("pfn=0x%lx order=%u zone=%s",
		      __entry->pfn, __entry->order, show_mmlab_zone(__entry->zone))
);

TRACE_EVENT(mmlab_page_split,
	    TP_PROTO(unsigned long pfn, unsigned int order, int zone,
		     int migratetype),
	    TP_ARGS(pfn, order, zone, migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, zone)
			     __field(int, migratetype)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->zone = zone;
			   __entry->migratetype = migratetype;),
	    TP_printk("pfn=0x%lx order=%u buddy_pfn=0x%lx migratetype=%d zone=%s",
		      __entry->pfn, __entry->order,
		      __entry->pfn + (1UL << (__entry->order - 1)),
		      __entry->migratetype, show_mmlab_zone(__entry->zone))
);

TRACE_EVENT(mmlab_page_merge,
	    TP_PROTO(unsigned long pfn, unsigned int order,
		     unsigned long freed_pfn, unsigned long buddy_pfn, int zone),
	    TP_ARGS(pfn, order, freed_pfn, buddy_pfn, zone),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned long, freed_pfn)
			     __field(unsigned long, buddy_pfn)
			     __field(int, zone)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->freed_pfn = freed_pfn;
			   __entry->buddy_pfn = buddy_pfn;
			   __entry->zone = zone;),
	    TP_printk("pfn=0x%lx order=%u freed_pfn=0x%lx buddy_pfn=0x%lx zone=%s",
		      __entry->pfn, __entry->order, __entry->freed_pfn,
		      __entry->buddy_pfn, show_mmlab_zone(__entry->zone))
);

TRACE_EVENT(mmlab_zone_fallback,
	    TP_PROTO(unsigned long pfn, unsigned int order, int preferred_zone,
		     int zone),
	    TP_ARGS(pfn, order, preferred_zone, zone),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, preferred_zone)
			     __field(int, zone)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->preferred_zone = preferred_zone;
			   __entry->zone = zone;),
	    TP_printk("pfn=0x%lx order=%u preferred_zone=%s zone=%s",
		      __entry->pfn, __entry->order,
		      show_mmlab_zone(__entry->preferred_zone),
		      show_mmlab_zone(__entry->zone))
);

TRACE_EVENT(mmlab_page_alloc_extfrag,
	    TP_PROTO(unsigned long pfn, int alloc_order, int fallback_order,
		     int alloc_migratetype, int fallback_migratetype,
		     int pageblock_migratetype),
	    TP_ARGS(pfn, alloc_order, fallback_order, alloc_migratetype,
		    fallback_migratetype, pageblock_migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(int, alloc_order)
			     __field(int, fallback_order)
			     __field(int, alloc_migratetype)
			     __field(int, fallback_migratetype)
			     __field(int, change_ownership)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->alloc_order = alloc_order;
			   __entry->fallback_order = fallback_order;
			   __entry->alloc_migratetype = alloc_migratetype;
			   __entry->fallback_migratetype = fallback_migratetype;
			   __entry->change_ownership =
				(alloc_migratetype == pageblock_migratetype);),
	    TP_printk("pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
		      __entry->pfn,
		      __entry->alloc_order,
		      __entry->fallback_order,
		      MMLAB_PAGEBLOCK_ORDER,
		      __entry->alloc_migratetype,
		      __entry->fallback_migratetype,
		      __entry->fallback_order < MMLAB_PAGEBLOCK_ORDER,
		      __entry->change_ownership)
);

TRACE_EVENT(mmlab_pcp_refill,
	    TP_PROTO(int zone, int cpu, unsigned int order, int migratetype,
		     int count),
	    TP_ARGS(zone, cpu, order, migratetype, count),
	    TP_STRUCT__entry(__field(int, zone)
			     __field(int, cpu)
			     __field(unsigned int, order)
			     __field(int, migratetype)
			     __field(int, count)),
	    TP_fast_assign(__entry->zone = zone;
			   __entry->cpu = cpu;
			   __entry->order = order;
			   __entry->migratetype = migratetype;
			   __entry->count = count;),
	    TP_printk("zone=%s cpu=%d order=%u migratetype=%d count=%d",
		      show_mmlab_zone(__entry->zone), __entry->cpu, __entry->order,
		      __entry->migratetype, __entry->count)
);

TRACE_EVENT(mmlab_pcp_drain,
	    TP_PROTO(unsigned long pfn, unsigned int order, int migratetype,
		     int zone, int cpu),
	    TP_ARGS(pfn, order, migratetype, zone, cpu),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, migratetype)
			     __field(int, zone)
			     __field(int, cpu)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->migratetype = migratetype;
			   __entry->zone = zone;
			   __entry->cpu = cpu;),
	    TP_printk("pfn=0x%lx order=%u migratetype=%d zone=%s cpu=%d",
		      __entry->pfn, __entry->order, __entry->migratetype,
		      show_mmlab_zone(__entry->zone), __entry->cpu)
);

#endif /* _MMLAB_BUDDY_TRACE_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE buddy_trace
#include <trace/define_trace.h>
