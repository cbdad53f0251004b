# SPDX-License-Identifier: GPL-2.0
#
# IMR: imr_guest.ko and imr_host.ko.  `make` builds both for KVER (default:
# the running kernel).  `make check` is the test suite, `make demo` the show.
#
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(CURDIR)
# The version: dkms.conf's PACKAGE_VERSION, the one place it is kept.
IMR_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# Debian 12's two kernels, resolved from the archive, not hard-coded.
KVER_61  = $(shell test/kvers.sh 6.1)
KVER_612 = $(shell test/kvers.sh 6.12)

ifeq ($(DEBUG),1)
KBUILD_EXTRA := IMR_DEBUG=y
endif

.PHONY: all modules clean install dkms-install dkms-remove check check-long \
	kunit lab lab-stats style sparse tools tools-install tools-check bench demo both \
	deb

all: modules

modules: $(KDIR)
	$(MAKE) -C $(KDIR) M=$(PWD) $(KBUILD_EXTRA) modules

$(KDIR):
	@echo "No kernel headers for $(KVER) at $(KDIR)." >&2
	@echo "Install linux-headers-$(KVER), or build for another kernel:" >&2
	@echo "  make KVER=$$(test/kvers.sh 6.1)   or   make KVER=$$(test/kvers.sh 6.12)" >&2
	@false

# Build against both supported kernels into separate output trees.
both:
	test/build-both.sh

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean || true
	rm -rf .build
	$(MAKE) -C tools clean
	$(MAKE) -C test clean

install: modules tools
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a $(KVER)
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(or $(PREFIX),/usr)

dkms-install:
	rm -rf /usr/src/imr-$(IMR_VERSION)
	mkdir -p /usr/src/imr-$(IMR_VERSION)
	cp -a Kbuild Makefile dkms.conf common imr_guest imr_host /usr/src/imr-$(IMR_VERSION)/
	dkms add -m imr -v $(IMR_VERSION) || true
	dkms build -m imr -v $(IMR_VERSION) -k $(KVER)
	dkms install -m imr -v $(IMR_VERSION) -k $(KVER)

dkms-remove:
	dkms remove -m imr -v $(IMR_VERSION) --all || true

# Debian packages imr-dkms and imr-tools in .build/deb (debian/build-deb.sh).
deb:
	debian/build-deb.sh

tools:
	$(MAKE) -C tools

tools-install: tools
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(or $(PREFIX),/usr)

tools-check:
	test/tools-check.sh

# Test programs that run inside the lab VMs (static).
testprogs:
	$(MAKE) -C test progs

kunit:
	test/kunit.sh

# One named lab scenario: make lab SCENARIO=smoke HOST_KVER=... GUEST_KVER=...
lab:
	test/lab.sh $(if $(HOST_KVER),-H $(HOST_KVER)) $(if $(GUEST_KVER),-G $(GUEST_KVER)) $(SCENARIO)

check:
	test/check.sh

check-long:
	IMR_LONG=1 test/check.sh

# The lab's flake rate: make lab-stats SCENARIOS="smoke release" N=5
lab-stats:
	test/lab-stats.sh -n $(or $(N),3) $(SCENARIOS)

bench:
	bench/bench.sh

demo:
	test/demo.sh

style:
	test/style.sh

# Both kernels; any sparse finding in our files fails.
sparse:
	test/sparse.sh
