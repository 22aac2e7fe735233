/* SPDX-License-Identifier: GPL-2.0 */
/* The BAR0 registers of qemu's edu device (1234:11e8), see PLATFORM.md. */
#ifndef IOASID_TEST_EDU_REGS_H
#define IOASID_TEST_EDU_REGS_H

#define EDU_ID		0x00	/* 0x010000ed */
#define EDU_LIVENESS	0x04	/* reads back the bitwise inverse */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	0x1
#define EDU_DMA_TO_RAM	0x2	/* direction: edu buffer -> RAM */
#define EDU_BUFFER	0x40000	/* the device's 4 KiB buffer */
#define EDU_BUFFER_SIZE	4096

#endif /* IOASID_TEST_EDU_REGS_H */
