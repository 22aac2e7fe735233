// SPDX-License-Identifier: GPL-2.0
/*
 * IOASID_TEST: the test-only interface (mock devices, module counters).
 * Absent (-ENOTTY) unless the module is loaded with
 * enable_test_interface=1, and only for CAP_SYS_ADMIN.
 */
#include <linux/capability.h>

#include "ioasid_private.h"

static int ioasid_test_stats(struct ioasid_ucmd *ucmd)
{
	struct ioasid_test *cmd = ucmd->cmd;

	memset(&cmd->stats, 0, sizeof(cmd->stats));
	cmd->stats.out_contexts = ioasid_ctx_count();
	cmd->stats.out_pasids = ioasid_pasid_count();
	return ioasid_ucmd_respond(ucmd, sizeof(*cmd));
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
	default:
		return -EOPNOTSUPP;
	}
}
