// SPDX-License-Identifier: GPL-2.0
/*
 * nf_pptp_fix_test - the KUnit suites of nf-pptp-fix in one module; the
 * suites run when it is loaded.  Built only for kernels with CONFIG_KUNIT.
 */
#include <linux/module.h>

#include "pptp_fix_compat.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for nf-pptp-fix");
/* What the modules export for these suites only (EXPORT_SYMBOL_IF_KUNIT). */
MODULE_IMPORT_NS(PPTP_FIX_KUNIT_NS);
