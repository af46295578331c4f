/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types for the pure layers of nf-pptp-fix, so that the same .c files build
 * in the kernel (KUnit, the modules) and in userspace (fuzzers, peers).
 * The pure layers never include anything else from the kernel (but
 * kunit/visibility.h, for their test-only exports).
 */
#ifndef _PPTP_FIX_TYPES_H
#define _PPTP_FIX_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/bits.h>
#include <linux/string.h>
#include <linux/export.h>
/*
 * The pure layers' functions are exported for the KUnit module only, into
 * the EXPORTED_FOR_KUNIT_TESTING namespace, and not at all where the
 * kernel has no CONFIG_KUNIT (Debian's): the NAT module needs none of them.
 */
#include <kunit/visibility.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s32 s32;

#ifndef BIT
#define BIT(n) (1UL << (n))
#endif
/* Userspace builds (fuzzers) link the objects directly. */
#define EXPORT_SYMBOL_IF_KUNIT(sym) extern int pptp_fix_no_exports_in_userspace
#endif

#endif /* _PPTP_FIX_TYPES_H */
