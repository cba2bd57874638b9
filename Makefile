# SPDX-License-Identifier: GPL-2.0
#
# mmlab: `make` builds mmlab.ko against the running kernel; `make run` boots it
# in a VM and shows it; `make check` proves it works. See README.md.

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

run:
	tools/vm/run.sh

check:
	tools/vm/check.sh

.PHONY: all modules clean run check
