// SPDX-License-Identifier: GPL-2.0
/*
 * IOASID_TEST: the test-only interface (mock devices, module counters).
 * Absent (-ENOTTY) unless the module is loaded with
 * enable_test_interface=1, and only for CAP_SYS_ADMIN.
 */
#include <linux/capability.h>
#include <linux/file.h>

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "context.h"
#include "device_mock.h"
#include "domain.h"
#include "ioas.h"
#include "pasid.h"
#include "test_iface.h"

static bool ioasid_enable_test_interface;
module_param_named(enable_test_interface, ioasid_enable_test_interface,
		   bool, 0444);
MODULE_PARM_DESC(enable_test_interface,
		 "Enable the IOASID_TEST ioctl (mock devices); for testing only");

static int ioasid_test_stats(struct ioasid_ucmd *ucmd)
{
	struct ioasid_test *cmd = ucmd->cmd;

	memset(&cmd->stats, 0, sizeof(cmd->stats));
	cmd->stats.out_pinned_pages = ioasid_pinned_pages();
	cmd->stats.out_contexts = ioasid_ctx_count();
	cmd->stats.out_ioas = ioasid_ioas_count();
	cmd->stats.out_pasids = ioasid_pasid_count();
	cmd->stats.out_mock_devices = ioasid_mock_count();
	return ioasid_ucmd_respond(ucmd, sizeof(*cmd));
}

static int ioasid_test_mock_create(struct ioasid_ucmd *ucmd)
{
	struct ioasid_test *cmd = ucmd->cmd;
	struct file *file;
	int fd, rc;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = ioasid_mock_create(&cmd->mock_create);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	cmd->mock_create.out_fd = fd;
	rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		fput(file);
		put_unused_fd(fd);
		return rc;
	}
	fd_install(fd, file);
	return 0;
}

static int ioasid_test_mock_dma(struct ioasid_ucmd *ucmd)
{
	struct ioasid_test *cmd = ucmd->cmd;
	int rc = ioasid_mock_dma(&cmd->mock_dma);

	return rc ?: ioasid_ucmd_respond(ucmd, sizeof(*cmd));
}

int ioasid_test_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_test *cmd = ucmd->cmd;

	if (!ioasid_enable_test_interface)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd->op) {
	case IOASID_TEST_STATS:
		return ioasid_test_stats(ucmd);
	case IOASID_TEST_MOCK_DEVICE_CREATE:
		return ioasid_test_mock_create(ucmd);
	case IOASID_TEST_MOCK_DMA:
		return ioasid_test_mock_dma(ucmd);
	case IOASID_TEST_MOCK_SET_DRIVER:
		return ioasid_mock_set_driver(&cmd->mock_set_driver);
	case IOASID_TEST_FAIL_PGTABLE:
		ioasid_sw_domain_fail_allocs(cmd->fail_pgtable.skip,
					     cmd->fail_pgtable.nr);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}
