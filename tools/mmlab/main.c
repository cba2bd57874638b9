// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab(8): see mmlab's memory allocators at a glance, from the debugfs files
 * of mmlab.ko under /sys/kernel/debug/mmlab. This file parses the command
 * line and calls the subcommand.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmlab.h"

static void usage(FILE *f)
{
	fputs("Usage: mmlab [--dir DIR] [--json] COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  top [-n N] [-d SEC]        live view: free pages by order, per-CPU lists,\n"
	      "                             watermarks, slab caches, vmalloc, rates per second\n"
	      "                             (keys: s sort, p pause, q quit)\n"
	      "  buddy                      the page allocator: free blocks per zone and order\n"
	      "  slab                       the slab caches (slabinfo)\n"
	      "  vmalloc                    mmlab's vmalloc areas\n"
	      "  pool                       the borrowed pool, the handles, validate\n"
	      "  walk [--pid N] ADDR        walk the page tables for ADDR (kernel, or pid N)\n"
	      "  map [--svg F] [--png F] [--cell N]\n"
	      "                             the pool page by page, coloured by state\n"
	      "  demo [buddy|slab|vmalloc|all] [--step]\n"
	      "                             guided scenarios through control\n"
	      "\n"
	      "Options:\n"
	      "  --json                     machine-readable output (every command)\n"
	      "  --dir DIR                  read DIR instead of /sys/kernel/debug/mmlab\n"
	      "                             (captured files; nothing is written there)\n"
	      "  -h, --help                 this help\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dir", required_argument, NULL, 'D' },
		{ "pid", required_argument, NULL, 'P' },
		{ "svg", required_argument, NULL, 'S' },
		{ "png", required_argument, NULL, 'G' },
		{ "cell", required_argument, NULL, 'C' },
		{ "step", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mm_opts o = { .delay = 1.0 };
	const char *cmd = NULL, *arg = NULL;
	char *end;
	int c;

	/* Options may come before or after the command: permute. */
	while ((c = getopt_long(argc, argv, "jhn:d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'D':
			mm_dir = optarg;
			break;
		case 'P':
			o.pid = (int)strtol(optarg, &end, 10);
			if (*end || o.pid <= 0) {
				fprintf(stderr, "mmlab: --pid: '%s' is not a pid\n", optarg);
				return 2;
			}
			break;
		case 'S':
			o.svg = optarg;
			break;
		case 'G':
			o.png = optarg;
			break;
		case 'C':
			o.cell = strtoul(optarg, &end, 0);
			if (*end || !o.cell) {
				fprintf(stderr, "mmlab: --cell: '%s' is not a page count\n",
					optarg);
				return 2;
			}
			break;
		case 'T':
			o.step = true;
			break;
		case 'n':
			o.iterations = (int)strtol(optarg, &end, 10);
			if (*end || o.iterations <= 0) {
				fprintf(stderr, "mmlab: -n: '%s' is not a positive count\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			o.delay = strtod(optarg, &end);
			if (*end || o.delay < 0.05) {
				fprintf(stderr,
					"mmlab: -d: '%s' is not a delay of 0.05 s or more\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		cmd = argv[optind++];
	if (optind < argc)
		arg = argv[optind++];
	if (!cmd) {
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "mmlab: %s: too many arguments\n", cmd);
		return 2;
	}
	if (!strcmp(cmd, "walk")) {
		if (!arg) {
			fprintf(stderr, "mmlab: walk: missing ADDR\n");
			return 2;
		}
		return cmd_walk(&o, arg);
	}
	if (!strcmp(cmd, "demo")) {
		o.scenario = arg ? arg : "all";
		return cmd_demo(&o);
	}
	if (arg) {
		fprintf(stderr, "mmlab: %s takes no argument ('%s')\n", cmd, arg);
		return 2;
	}
	if (!strcmp(cmd, "top"))
		return cmd_top(&o);
	if (!strcmp(cmd, "buddy"))
		return cmd_buddy(&o);
	if (!strcmp(cmd, "slab"))
		return cmd_slab(&o);
	if (!strcmp(cmd, "vmalloc"))
		return cmd_vmalloc(&o);
	if (!strcmp(cmd, "pool"))
		return cmd_pool(&o);
	if (!strcmp(cmd, "map"))
		return cmd_map(&o);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "mmlab: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
