/* SPDX-License-Identifier: GPL-2.0 */
/* Mock devices (device_mock.c), reached through the test interface. */
#ifndef _IOASID_DEVICE_MOCK_H
#define _IOASID_DEVICE_MOCK_H

#include <uapi/linux/ioasid.h>

struct file;

struct file *ioasid_mock_create(struct ioasid_test_mock_create *cmd);
int ioasid_mock_dma(struct ioasid_test_mock_dma *cmd);
int ioasid_mock_set_driver(struct ioasid_test_mock_set_driver *cmd);
unsigned int ioasid_mock_count(void);

#endif /* _IOASID_DEVICE_MOCK_H */
