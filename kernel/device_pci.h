/* SPDX-License-Identifier: GPL-2.0 */
/* The ioasid-pci stub driver (device_pci.c). */
#ifndef _IOASID_DEVICE_PCI_H
#define _IOASID_DEVICE_PCI_H

int ioasid_pci_init(void);
void ioasid_pci_exit(void);

#endif /* _IOASID_DEVICE_PCI_H */
