// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix: /proc/net/nf_pptp_fix, the counters of a network
 * namespace, one `name value` line each.  Not under /proc/net/stat/, whose
 * files iproute2's lnstat reads as per-CPU hex tables.  The README's
 * "Counters" table documents every name; tests/e2e/vm-basics.sh checks
 * that the file shows exactly those.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "nf_conntrack_pptp_fix_priv.h"

/*
 * Counter names in /proc/net/nf_pptp_fix: one word each, bound to their
 * enum constant by name, not by position, so that a new constant cannot
 * shift the names of those after it.
 */
static const char *const type_key[PPTP_FIX_CTRL_MAX + 1] = {
	[PPTP_FIX_SCCRQ]	= "sccrq",
	[PPTP_FIX_SCCRP]	= "sccrp",
	[PPTP_FIX_STOPCCRQ]	= "stopccrq",
	[PPTP_FIX_STOPCCRP]	= "stopccrp",
	[PPTP_FIX_ECHORQ]	= "echorq",
	[PPTP_FIX_ECHORP]	= "echorp",
	[PPTP_FIX_OCRQ]		= "ocrq",
	[PPTP_FIX_OCRP]		= "ocrp",
	[PPTP_FIX_ICRQ]		= "icrq",
	[PPTP_FIX_ICRP]		= "icrp",
	[PPTP_FIX_ICCN]		= "iccn",
	[PPTP_FIX_CCRQ]		= "ccrq",
	[PPTP_FIX_CDN]		= "cdn",
	[PPTP_FIX_WEN]		= "wen",
	[PPTP_FIX_SLI]		= "sli",
};

static const char *const verdict_key[PPTP_FIX_T_NR_VERDICTS] = {
	[PPTP_FIX_T_WRONG_SIDE]		= "wrong_side",
	[PPTP_FIX_T_OUT_OF_STATE]	= "out_of_state",
	[PPTP_FIX_T_UNKNOWN_CALL]	= "unknown_call",
	[PPTP_FIX_T_DUPLICATE]		= "duplicate",
	[PPTP_FIX_T_NO_SLOT]		= "no_slot",
};

static const char *const frame_key[PPTP_FIX_FRAME_NR_RESULTS] = {
	[PPTP_FIX_FRAME_BAD_LENGTH]	= "bad_length",
	[PPTP_FIX_FRAME_BAD_MSG_TYPE]	= "bad_msg_type",
	[PPTP_FIX_FRAME_BAD_COOKIE]	= "bad_cookie",
	[PPTP_FIX_FRAME_BAD_CTRL_TYPE]	= "bad_ctrl_type",
	[PPTP_FIX_FRAME_SHORT_FOR_TYPE]	= "short_for_type",
};

static const char *const seg_key[PPTP_FIX_SEG_NR_NOTES] = {
	[PPTP_FIX_SEG_INORDER]	= "inorder",
	[PPTP_FIX_SEG_START]	= "start",
	[PPTP_FIX_SEG_RETRANS]	= "retrans",
	[PPTP_FIX_SEG_OVERLAP]	= "overlap",
	[PPTP_FIX_SEG_RESYNC]	= "resync",
	[PPTP_FIX_SEG_IGNORED]	= "ignored",
	[PPTP_FIX_SEG_HOLE]	= "hole",
};

/* The totals, in the order the file shows them. */
static const struct {
	unsigned int idx;
	const char *key;
} total_key[] = {
	{ PPTP_FIX_S_CALLS_UP,			"calls_up" },
	{ PPTP_FIX_S_CALLS_DOWN,		"calls_down" },
	{ PPTP_FIX_S_KEYMAP_BUSY,		"keymap_busy" },
	{ PPTP_FIX_S_EXPECT_FAILED,		"expect_failed" },
	{ PPTP_FIX_S_ALLOC_FAILED,		"alloc_failed" },
	{ PPTP_FIX_S_NAT_FIELDS,		"nat_fields" },
	{ PPTP_FIX_S_NAT_BYTES,			"nat_bytes" },
	{ PPTP_FIX_S_NAT_UNKNOWN,		"nat_unknown" },
	{ PPTP_FIX_S_NAT_STRADDLE,		"nat_straddle" },
	{ PPTP_FIX_S_NAT_STRADDLE_UNDONE,	"nat_straddle_undone" },
	{ PPTP_FIX_S_NAT_UNSUPPORTED,		"nat_unsupported" },
	{ PPTP_FIX_S_ID_KEPT,			"id_kept" },
	{ PPTP_FIX_S_ID_CHANGED,		"id_changed" },
	{ PPTP_FIX_S_ID_EXHAUSTED,		"id_exhausted" },
	{ PPTP_FIX_S_ID_COLLISION,		"id_collision" },
	{ PPTP_FIX_S_MANGLE_FAILED,		"mangle_failed" },
	{ PPTP_FIX_S_RETRANS_CHANGED,		"retrans_changed" },
	{ PPTP_FIX_S_RETRANS_REWRITTEN,		"retrans_rewritten" },
	{ PPTP_FIX_S_JOURNAL_FULL,		"journal_full" },
	{ PPTP_FIX_S_ACKED_UNSEEN,		"acked_unseen" },
	{ PPTP_FIX_S_NAT_EARLY,			"nat_early" },
};

static u64 stat_get(struct pptp_fix_net *pn, unsigned int idx)
{
	return atomic64_read(&pn->stats[idx]);
}

static int __maybe_unused pptp_fix_stat_show(struct seq_file *seq, void *v)
{
	struct pptp_fix_net *pn = pptp_fix_pernet(seq_file_single_net(seq));
	unsigned int i, d;
	u64 down;

	/* Every total shown (vm-basics.sh checks the names against README). */
	BUILD_BUG_ON(ARRAY_SIZE(total_key) != PPTP_FIX_S_NR - PPTP_FIX_S_CALLS_UP);
	for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
		for (d = 0; d < IP_CT_DIR_MAX; d++)
			seq_printf(seq, "msg_%s_%s %llu\n", type_key[i],
				   d ? "reply" : "orig", stat_get(pn, PPTP_FIX_S_MSG(i, d)));
	/* Per type and direction: rewritten + unchanged = seen (msg_). */
	for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
		for (d = 0; d < IP_CT_DIR_MAX; d++) {
			const char *dn = d ? "reply" : "orig";
			u64 seen = stat_get(pn, PPTP_FIX_S_MSG(i, d));
			u64 rw = stat_get(pn, PPTP_FIX_S_MSG_RW(i, d));

			seq_printf(seq, "rewritten_%s_%s %llu\n", type_key[i], dn, rw);
			seq_printf(seq, "unchanged_%s_%s %llu\n", type_key[i], dn, seen - rw);
			seq_printf(seq, "dropped_%s_%s %llu\n", type_key[i], dn,
				   stat_get(pn, PPTP_FIX_S_MSG_DROP(i, d)));
		}
	for (i = 1; i < PPTP_FIX_T_NR_VERDICTS; i++)
		seq_printf(seq, "passed_%s %llu\n", verdict_key[i],
			   stat_get(pn, PPTP_FIX_S_VERDICT(i)));
	for (i = PPTP_FIX_FRAME_BAD_LENGTH; i < PPTP_FIX_FRAME_NR_RESULTS; i++)
		seq_printf(seq, "lost_%s %llu\n", frame_key[i], stat_get(pn, PPTP_FIX_S_FRAME(i)));
	for (i = 0; i < PPTP_FIX_SEG_NR_NOTES; i++)
		seq_printf(seq, "seg_%s %llu\n", seg_key[i], stat_get(pn, PPTP_FIX_S_SEG(i)));
	for (i = 0; i < ARRAY_SIZE(total_key); i++)
		seq_printf(seq, "%s %llu\n", total_key[i].key, stat_get(pn, total_key[i].idx));
	/* Down read first: a call ending meanwhile cannot make it negative. */
	down = stat_get(pn, PPTP_FIX_S_CALLS_DOWN);
	seq_printf(seq, "calls_active %llu\n", stat_get(pn, PPTP_FIX_S_CALLS_UP) - down);
	return 0;
}

int pptp_fix_proc_init(struct net *net)
{
	/* Without procfs the counters are kept, not shown. */
	if (IS_ENABLED(CONFIG_PROC_FS) &&
	    !proc_create_net_single("nf_pptp_fix", 0444, net->proc_net,
				    pptp_fix_stat_show, NULL))
		return -ENOMEM;
	return 0;
}

void pptp_fix_proc_exit(struct net *net)
{
	remove_proc_entry("nf_pptp_fix", net->proc_net);
}
