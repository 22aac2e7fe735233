/* SPDX-License-Identifier: GPL-2.0 */
/* The failure exit of map_bench and scale_bench. */
#ifndef IOASID_BENCH_DIE_H
#define IOASID_BENCH_DIE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * "PROG: FAILED: what: strerror(errno) (errno N)" on stderr, after what
 * was printed so far, and exit 1: a set-up step or a call that failed.
 */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: FAILED: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (errno %d)\n", strerror(err), err);
	exit(1);
}

#endif /* IOASID_BENCH_DIE_H */
