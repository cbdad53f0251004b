// SPDX-License-Identifier: GPL-2.0
/* imrstat for the lab VMs (test/bin, static): the real tools/imrstat.c. */
#include "../../tools/imrstat.c"
