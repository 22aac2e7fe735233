// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidctl monitor: print the events of the "monitor" multicast group of
 * the ioasid netlink family (one per object change and policy decision,
 * the same as tracepoint:ioasid:*) until SIGINT or SIGTERM.
 *
 * Text output is one line per event, "EVENT key=value ...", in the order
 * the kernel sends the fields; -j prints one JSON object per line (-p: per
 * event, indented).  Output is flushed after every event.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ioasid_netlink.h>

#include "ioasidctl.h"
#include "nl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static bool hex_key(const char *key)
{
	return !strcmp(key, "iova") || !strcmp(key, "length") ||
	       !strcmp(key, "source") || !strcmp(key, "last") ||
	       !strcmp(key, "src_iova");
}

static void print_event(json_t *ev)
{
	const char *key;
	json_t *v;

	if (json_output) {
		emit_json(json_incref(ev));
		return;
	}
	printf("%s", json_string_value(json_object_get(ev, "event")));
	json_object_foreach(ev, key, v) {
		if (!strcmp(key, "event"))
			continue;
		if (json_is_integer(v) && hex_key(key))
			printf(" %s=%#llx", key, json_integer_value(v));
		else if (json_is_integer(v))
			printf(" %s=%lld", key, json_integer_value(v));
		else if (json_is_boolean(v))
			printf(" %s=%d", key, json_is_true(v));
		else if (json_is_string(v))
			printf(strpbrk(json_string_value(v), " \t") || !*json_string_value(v) ?
			       " %s=\"%s\"" : " %s=%s", key,
			       json_string_value(v));
	}
	printf("\n");
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	json_t *ev = nl_msg_to_json(nlh);
	unsigned long *seen = data;

	print_event(ev);
	json_decref(ev);
	fflush(stdout);
	(*seen)++;
	return MNL_CB_OK;
}

int cmd_monitor(int argc, char **argv)
{
	static char buf[1 << 16];
	unsigned long count = opt.count, seen = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	struct nl nl;
	ssize_t n;
	int rc;

	(void)argv;
	if (argc > 1)
		return usage_err("monitor takes no arguments besides --count");

	rc = nl_open(&nl);
	if (rc)
		return rc;
	rc = nl_join_monitor(&nl);
	if (rc) {
		nl_close(&nl);
		return err("cannot join the monitor group: %s", nl_strerror(rc));
	}
	/* No SA_RESTART: a signal ends the blocking read. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "ioasidctl: monitoring ioasid events (Ctrl-C to stop)\n");

	while (!stop && (!count || seen < count)) {
		n = nl_recv(&nl, buf, sizeof(buf));
		if (n == -EINTR)
			continue;
		if (n == -ENOBUFS) {
			fprintf(stderr, "ioasidctl: events were lost (reading too slowly)\n");
			continue;
		}
		if (n < 0) {
			nl_close(&nl);
			return err("reading events: %s", nl_strerror(n));
		}
		mnl_cb_run(buf, n, 0, 0, event_cb, &seen);
	}
	nl_close(&nl);
	return EXIT_OK;
}
