// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP model of tcp_model.h over many seeds, outside the fuzzer: for
 * long runs of the property test (the fuzzer spends most of its time
 * elsewhere).  Prints each failing seed with its parameters, then
 * "N runs, N bad".
 *
 *   cc -O2 -Iinclude -o /tmp/tcp-model tests/model/run.c pptp_*.c
 *   /tmp/tcp-model [RUNS [FIRST-SEED]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "tcp_model.h"

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
	unsigned long first = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	struct tcp_model *t = malloc(sizeof(*t));
	unsigned long i, bad = 0;

	if (!t)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = first; i < first + n; i++) {
		const char *err;

		memset(t, 0, sizeof(*t));
		tm_init(t, i);
		err = tm_run(t);
		if (!err)
			continue;
		bad++;
		printf("seed %lu: %s (loss %u/%u, reorder %u, dup %u, ack loss %u, segments up to %u, %u calls, journal %u)\n",
		       i, err, t->loss_pre, t->loss_post, t->reorder, t->dup, t->ack_loss,
		       t->maxseg, t->ncalls, t->host.e.jr_max);
	}
	printf("%lu runs, %lu bad\n", n, bad);
	free(t);
	return bad != 0;
}
