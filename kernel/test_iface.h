/* SPDX-License-Identifier: GPL-2.0 */
/* IOASID_TEST (test_iface.c): for tests only. */
#ifndef _IOASID_TEST_IFACE_H
#define _IOASID_TEST_IFACE_H

#include "ioasid_private.h"

int ioasid_test_ioctl(struct ioasid_ucmd *ucmd);

#endif /* _IOASID_TEST_IFACE_H */
