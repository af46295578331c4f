// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for nf_conntrack_pptp_fix's Call ID table
 * (nf_conntrack_pptp_fix_ids.c), the glue the NAT's choice of IDs runs
 * through: registrations in init_net's real table, from control
 * conntracks built by hand with the two addresses the table keys on (the
 * PAC, and the PNS as the PAC sees it), each test on addresses of its
 * own and every registration released before it ends (no KUNIT_ASSERT
 * once one is made: an assertion ends the case before the release, and
 * KUnit frees the connections that the table still links).
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>

#include "nf_conntrack_pptp_fix_priv.h"

/* Enough connections for 256 registrations: a whole high byte's IDs. */
#define NCONN	(256 / PPTP_FIX_MAX_CALLS + 1)

struct ids_env {
	struct pptp_fix_net *pn;
	struct nf_conn *ct;
	struct pptp_fix_conn *conn[NCONN];
};

static u64 ids_stat(struct ids_env *env, unsigned int idx)
{
	return atomic64_read(&env->pn->stats[idx]);
}

/*
 * A masqueraded PNS's control conntrack towards PAC 198.51.100.@pac: its
 * reply tuple (as the PAC sends) is PAC -> 198.51.100.200 (the NAT's
 * address), the pair the table keys on.
 */
static void ids_env_init(struct kunit *test, struct ids_env *env, u8 pac)
{
	struct nf_conntrack_tuple *t;
	unsigned int i;

	env->pn = pptp_fix_pernet(&init_net);
	env->ct = kunit_kzalloc(test, sizeof(*env->ct), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env->ct);
	write_pnet(&env->ct->ct_net, &init_net);
	t = &env->ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	t->src.u3.ip = htonl(0xc6336400 | pac);
	t->dst.u3.ip = htonl(0xc63364c8);
	for (i = 0; i < NCONN; i++) {
		env->conn[i] = kunit_kzalloc(test, sizeof(*env->conn[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, env->conn[i]);
		pptp_fix_engine_init(&env->conn[i]->e, PPTP_FIX_MAX_CALLS,
				     IP_CT_DIR_ORIGINAL, 1024);
		env->conn[i]->e.ss.pns_dir = IP_CT_DIR_ORIGINAL;
	}
}

/* Registration @n of the environment: connection n / 8, slot n % 8. */
static int ids_map(struct ids_env *env, unsigned int n, u16 own, bool translate)
{
	return pptp_fix_id_map(env->pn, env->ct, env->conn[n / PPTP_FIX_MAX_CALLS],
			       n % PPTP_FIX_MAX_CALLS, own, translate);
}

static void ids_env_release(struct ids_env *env)
{
	unsigned int i, s;

	for (i = 0; i < NCONN; i++)
		for (s = 0; s < PPTP_FIX_MAX_CALLS; s++)
			pptp_fix_id_release(env->pn, &env->conn[i]->ids[s]);
}

/* A free ID is kept, and counted so. */
static void ids_kept_when_free(struct kunit *test)
{
	struct ids_env env;
	u64 kept;

	ids_env_init(test, &env, 1);
	kept = ids_stat(&env, PPTP_FIX_S_ID_KEPT);
	KUNIT_EXPECT_EQ(test, ids_map(&env, 0, 512, true), 512);
	KUNIT_EXPECT_EQ(test, ids_stat(&env, PPTP_FIX_S_ID_KEPT), kept + 1);
	ids_env_release(&env);
}

/*
 * 512 held (by an untranslated call: it registers its ID too): the next
 * translated 512 gets an ID of the same high byte, so that a Call ID split
 * after its first byte needs that byte unchanged.
 */
static void ids_same_high_byte(struct kunit *test)
{
	struct ids_env env;
	u64 changed;
	int id;

	ids_env_init(test, &env, 2);
	KUNIT_EXPECT_EQ(test, ids_map(&env, 0, 512, false), 512);
	changed = ids_stat(&env, PPTP_FIX_S_ID_CHANGED);
	id = ids_map(&env, 1, 512, true);
	KUNIT_EXPECT_EQ(test, id >> 8, 512 >> 8);
	KUNIT_EXPECT_NE(test, id, 512);
	KUNIT_EXPECT_EQ(test, ids_stat(&env, PPTP_FIX_S_ID_CHANGED), changed + 1);
	/* A third, different from both. */
	KUNIT_EXPECT_NE(test, ids_map(&env, 2, 512, true), id);
	ids_env_release(&env);
}

/*
 * Every ID of a high byte held but the one never handed out (0 in 0x00xx,
 * 0xffff in 0xffxx): any ID of another high byte, not that one.
 */
static void ids_block_full(struct kunit *test, u8 pac, u16 base, u16 reserved)
{
	struct ids_env env;
	unsigned int n, i = 0;
	int id;

	ids_env_init(test, &env, pac);
	/* No assertion here: the registrations must be released below. */
	for (n = 0; n < 256; n++) {
		if (base + n == reserved)
			continue;
		KUNIT_EXPECT_EQ(test, ids_map(&env, i++, base + n, false), base + (int)n);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	id = ids_map(&env, i, base + 1, true);
	KUNIT_EXPECT_GT(test, id, 0);
	KUNIT_EXPECT_NE(test, id, (int)reserved);
	KUNIT_EXPECT_NE(test, id >> 8, base >> 8);
	ids_env_release(&env);
}

static void ids_block_full_low(struct kunit *test)
{
	ids_block_full(test, 3, 0x0000, 0x0000);
}

static void ids_block_full_high(struct kunit *test)
{
	ids_block_full(test, 8, 0xff00, 0xffff);
}

/* The same ID towards another PAC is another key: kept. */
static void ids_per_pac(struct kunit *test)
{
	struct ids_env a, b;

	ids_env_init(test, &a, 4);
	ids_env_init(test, &b, 5);
	KUNIT_EXPECT_EQ(test, ids_map(&a, 0, 512, true), 512);
	KUNIT_EXPECT_EQ(test, ids_map(&b, 0, 512, true), 512);
	ids_env_release(&a);
	ids_env_release(&b);
}

/* A released ID is free again; a second release changes nothing. */
static void ids_release(struct kunit *test)
{
	struct ids_env env;

	ids_env_init(test, &env, 6);
	KUNIT_EXPECT_EQ(test, ids_map(&env, 0, 512, true), 512);
	KUNIT_EXPECT_NE(test, ids_map(&env, 1, 512, true), 512);
	pptp_fix_id_release(env.pn, &env.conn[0]->ids[0]);
	pptp_fix_id_release(env.pn, &env.conn[0]->ids[0]);
	KUNIT_EXPECT_EQ(test, ids_map(&env, 2, 512, true), 512);
	ids_env_release(&env);
}

/* An untranslated call keeps its ID even when in use, counted. */
static void ids_collision(struct kunit *test)
{
	struct ids_env env;
	u64 coll;

	ids_env_init(test, &env, 7);
	KUNIT_EXPECT_EQ(test, ids_map(&env, 0, 512, true), 512);
	coll = ids_stat(&env, PPTP_FIX_S_ID_COLLISION);
	KUNIT_EXPECT_EQ(test, ids_map(&env, 1, 512, false), 512);
	KUNIT_EXPECT_EQ(test, ids_stat(&env, PPTP_FIX_S_ID_COLLISION), coll + 1);
	ids_env_release(&env);
}

static struct kunit_case ids_test_cases[] = {
	KUNIT_CASE(ids_kept_when_free),
	KUNIT_CASE(ids_same_high_byte),
	KUNIT_CASE(ids_block_full_low),
	KUNIT_CASE(ids_block_full_high),
	KUNIT_CASE(ids_per_pac),
	KUNIT_CASE(ids_release),
	KUNIT_CASE(ids_collision),
	{}
};

static struct kunit_suite ids_test_suite = {
	.name = "pptp_fix_ids",
	.test_cases = ids_test_cases,
};

kunit_test_suite(ids_test_suite);
