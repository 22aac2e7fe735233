/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioasidctl: the generic netlink family "ioasid" through libmnl, and the
 * conversion of its messages to JSON (one key per attribute, the same key
 * wherever the attribute appears: see nl.c).
 */
#ifndef IOASIDCTL_NL_H
#define IOASIDCTL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <libmnl/libmnl.h>

struct nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t mcgrp_monitor;
	uint32_t portid;
	unsigned int seq;
};

/*
 * Open a socket and resolve the family.  Returns 0, or prints the reason
 * ("ioasid.ko is not loaded", ...) and returns EXIT_ERR.
 */
int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

/* Attributes of a request: up to four u32/u64/string values. */
struct nl_attr {
	uint16_t type;
	enum { NL_U32 = 1, NL_U64, NL_STR } kind;
	uint64_t u;
	const char *s;
};

/*
 * Send command @cmd (a dump if @dump) with @attrs and append each reply,
 * converted to JSON, to @out (an array).  Returns 0 or -errno (-ENOENT for
 * an unknown object, -EPERM without privilege); no message is printed.
 */
int nl_query(struct nl *nl, uint8_t cmd, bool dump,
	     const struct nl_attr *attrs, int nr_attrs, json_t *out);

/* Convert one message of the family to a JSON object. */
json_t *nl_msg_to_json(const struct nlmsghdr *nlh);

/* Join the "monitor" group; then read messages with nl_recv(). */
int nl_join_monitor(struct nl *nl);
/* Returns bytes read, 0 on EOF, -errno on error (EINTR, ENOBUFS...). */
ssize_t nl_recv(struct nl *nl, void *buf, size_t len);

/* The reason for a netlink error, for messages. */
const char *nl_strerror(int err);

#endif /* IOASIDCTL_NL_H */
