// SPDX-License-Identifier: GPL-2.0
/*
 * ioasid.ko: user-space management of I/O address spaces for assigned
 * devices, with isolation decisions delegated to a BPF policy.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "device.h"
#include "ioas.h"
#include "ioasid_private.h"

bool ioasid_enable_test_interface;
module_param_named(enable_test_interface, ioasid_enable_test_interface,
		   bool, 0444);
MODULE_PARM_DESC(enable_test_interface,
		 "Enable the IOASID_TEST ioctl (mock devices); for testing only");

bool ioasid_policy_may_relax;
module_param_named(policy_may_relax, ioasid_policy_may_relax, bool, 0444);
MODULE_PARM_DESC(policy_may_relax,
		 "Let a policy declare groups viable that the kernel does not (relaxes isolation)");

static int __init ioasid_init(void)
{
	int rc;

	/*
	 * There is no call to unregister a struct_ops type: the BPF core
	 * drops it together with the module's BTF when the module goes.
	 */
	ioasid_ioas_init();
	ioasid_device_init();
	rc = ioasid_policy_init();
	if (rc)
		return rc;
	rc = ioasid_misc_register();
	if (rc)
		return rc;
	rc = ioasid_pci_init();
	if (rc)
		goto err_misc;
	rc = ioasid_netlink_init();
	if (rc)
		goto err_pci;
	return 0;

err_pci:
	ioasid_pci_exit();
err_misc:
	ioasid_misc_deregister();
	return rc;
}

static void __exit ioasid_exit(void)
{
	ioasid_netlink_exit();
	ioasid_pci_exit();
	ioasid_misc_deregister();
}

module_init(ioasid_init);
module_exit(ioasid_exit);

MODULE_DESCRIPTION("I/O address spaces for user-space drivers, with BPF isolation policies");
MODULE_LICENSE("GPL");
