# SPDX-License-Identifier: GPL-2.0
#
# mmlab: `make` builds mmlab.ko against the running kernel; `make run` boots it
# in a VM and shows it; `make check` proves it works; `make bench` measures
# it against the kernel's allocators. See README.md.

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

# tools: mmlab(8), the userspace tool, as the static binary tools/mmlab/mmlab
# (not part of `all`: a plain `make` builds the module only).
tools:
	$(MAKE) -C tools/mmlab

run:
	tools/vm/run.sh

check:
	tools/vm/check.sh

# stress: the seeded concurrent stress run in the test VM, 10 minutes by
# default (MMLAB_STRESS_SECONDS, MMLAB_SEED, MMLAB_LEVEL=4).
stress:
	tools/vm/stress.sh

# bench: mmlab's allocators against the kernel's, on the Debian kernel in a
# VM; results in bench/results/ (see Documentation/bench.rst).
bench:
	tools/bench/run.sh

# htmldocs: the reStructuredText in Documentation/ as HTML in build/htmldocs,
# with Sphinx warnings treated as errors. Installs Debian's python3-sphinx
# when sphinx-build is missing.
htmldocs:
	@command -v sphinx-build >/dev/null 2>&1 || { \
		echo "[mmlab] installing python3-sphinx" >&2; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends python3-sphinx; }
	sphinx-build -W -b html Documentation build/htmldocs

.PHONY: all modules clean run check stress bench htmldocs tools
