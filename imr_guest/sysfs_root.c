// SPDX-License-Identifier: GPL-2.0
/* Each module links its own copy of the shared /sys/kernel/imr code. */
#include "../common/imr_sysfs_root.c"
