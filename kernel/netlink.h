/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family "ioasid" (netlink.c, nl_events.c). */
#ifndef _IOASID_NETLINK_H
#define _IOASID_NETLINK_H

struct genl_family;

extern struct genl_family ioasid_nl_family;

enum ioasid_nl_mcgrp {
	IOASID_NL_MCGRP_MONITOR_IDX,
};

int ioasid_netlink_init(void);
void ioasid_netlink_exit(void);

/* nl_events.c: the "monitor" group, fed from the tracepoints. */
int ioasid_nl_events_init(void);
void ioasid_nl_events_exit(void);

#endif /* _IOASID_NETLINK_H */
