// SPDX-License-Identifier: GPL-2.0
/*
 * Every errno an ioctl can return is in its kernel-doc (ioasid.h), and a
 * test says so for each (ioctl, errno) pair: either a case of this file or
 * an existing test named in the table below.  Every case here asserts the
 * exact errno and that nothing was left behind: the module's counters
 * (pinned pages, contexts, IOAS, PASIDs, mock devices) and every device's
 * state (bound, attached, dev_id, IOAS) are what they were before the call.
 *
 * Suite errnos (IOASID_TEST_FILTER selects it: tests/run-in-guest.sh):
 *  - errnos/size_*: the size convention, table-driven over every ioctl of
 *    both fds: sizes below the first published one (-EINVAL), the
 *    kernel's size + 8 with a zero tail (as the exact size: same result,
 *    same reply), a non-zero tail byte (-E2BIG), a size field or struct
 *    or tail in inaccessible memory (-EFAULT), and the struct in a
 *    read-only page (-EFAULT for the ioctls that write it back);
 *  - errnos/encodings_and_fds_are_enotty: every ioctl on the other fd and
 *    with another direction/size encoding (-ENOTTY);
 *  - one case per pair no other test asserts (ERRNO_CASE / PCI_CASE).
 *
 * Where each pair is asserted ("here": this file; S = errnos/size_*):
 *
 * ioctl              errno        test
 * every ioctl        ENOTTY       context/unknown_ioctl_is_enotty,
 *                                 device/unknown_flags_and_ioctls,
 *                                 here encodings_and_fds_are_enotty
 *                    EINVAL E2BIG EFAULT (size, struct)   here S
 * DESTROY            ENOENT       context/destroy_unknown_id_is_enoent,
 *                                 ioas_life/another_contexts_ioas_cannot_be_destroyed
 *                    EBUSY        ioas_alloc/destroy_while_attached_is_ebusy,
 *                                 ioas_life/destroy_while_a_pasid_is_attached_is_ebusy,
 *                                 ioas_life/destroy_parent_of_a_nested_ioas_is_ebusy,
 *                                 device/destroy_of_a_device_id_is_ebusy
 * IOAS_ALLOC         EOPNOTSUPP   ioas_alloc/unknown_flag_is_eopnotsupp
 *                    EINVAL       ioas_alloc/parent_without_nested_is_einval,
 *                                 ioas_life/nested_of_nested_is_einval_and_leaves_the_chain_intact
 *                    ENOENT       ioas_life/nested_needs_an_ioas_of_this_context
 *                    EFAULT       ioas_life/alloc_that_cannot_answer_is_efault_and_leaves_no_ioas,
 *                                 lifetime/ioas_alloc_with_unwritable_reply_is_never_visible
 * IOAS_IOVA_RANGES   EOPNOTSUPP   ioas_ranges/reserved_field_is_eopnotsupp
 *                    ENOENT       ioas_life/destroyed_ioas_is_gone_for_every_ioctl
 *                    EMSGSIZE     ioas_ranges/reserved_region_splits_and_comes_back,
 *                                 ioas_iova/no_room_at_all_reports_the_needed_count
 *                    EFAULT       here iova_ranges_unwritable_array_is_efault,
 *                                 S (reply)
 * IOAS_MAP           EOPNOTSUPP   ioas_map/unknown_flag_is_eopnotsupp,
 *                                 ioas_map/reserved_field_is_eopnotsupp
 *                    EINVAL       ioas_map/zero_length_is_einval, ioas_map/misaligned_*,
 *                                 ioas_map/no_permission_is_einval,
 *                                 ioas_nest/nested_map_argument_errors
 *                    EOVERFLOW    ioas_map/iova_wrap_is_eoverflow,
 *                                 ioas_map/user_va_wrap_is_eoverflow
 *                    ENOENT       ioas_map/unknown_ioas_is_enoent,
 *                                 ioas_nest/unmapped_parent_range_is_enoent,
 *                                 ioas_nest/partly_mapped_parent_range_is_enoent
 *                    EEXIST       ioas_map/overlap_at_either_end_is_eexist
 *                    EADDRINUSE   ioas_map/reserved_region_is_eaddrinuse,
 *                                 ioas_mapping/fixed_at_the_edge_of_the_aperture
 *                    ENOSPC       ioas_mapping/no_free_range_of_that_length_is_enospc
 *                    EACCES       ioas_nest/write_on_a_read_only_parent_mapping_is_eacces
 *                    EFAULT       ioas_map/unmapped_user_memory_is_efault,
 *                                 ioas_map/writeable_read_only_memory_is_efault,
 *                                 lifetime/map_with_unwritable_reply_maps_nothing,
 *                                 here map_of_prot_none_memory_is_efault,
 *                                 here map_of_a_device_bar_is_efault
 *                    ENOMEM       ioas_map/rlimit_memlock_is_enforced_without_cap_ipc_lock,
 *                                 ioas_memlock/limit_maps_exactly_then_enomem_without_pinning,
 *                                 engine/map_without_page_table_memory_fails_whole
 *                    EPERM EDQUOT policy_contract/dma_map_answers_and_unmap_notifications,
 *                                 policy_dmaquota/default_quota_per_tenant
 * IOAS_UNMAP         EOPNOTSUPP   ioas_unmap/unknown_flag_is_eopnotsupp,
 *                                 ioas_unmapping/nonzero_reserved_field_is_eopnotsupp
 *                    EINVAL       ioas_unmap/zero_length_is_einval,
 *                                 ioas_unmap/misaligned_is_einval,
 *                                 ioas_unmap/all_with_a_range_is_einval
 *                    EOVERFLOW    ioas_unmap/wrap_is_eoverflow
 *                    ENOENT       ioas_unmap/nothing_mapped_is_enoent,
 *                                 ioas_unmapping/ioas_id_that_is_no_ioas_is_enoent
 *                    EFAULT       S (reply; nothing is unmapped then)
 * PASID_ALLOC        EOPNOTSUPP   pasid/unknown_flags_are_eopnotsupp
 *                    EINVAL       pasid/bad_ranges_are_einval
 *                    ENOSPC       pasid/range_is_honoured_and_exhausts
 *                    EPERM        policy_contract/pasid_alloc_answers,
 *                                 policy_tenant/unknown_tenants_deny_or_default_quota
 *                    EDQUOT       policy/struct_ops_round_trip,
 *                                 policy_contract/pasid_alloc_answers
 *                    EBUSY        policy_tenant/a_taken_pasid_fails_once_with_ebusy
 *                    EFAULT       lifetime/pasid_alloc_with_unwritable_reply_is_never_visible
 * PASID_FREE         ENOENT       pasid/double_free_is_enoent, pasid/owned_by_one_context
 *                    EBUSY        mock_dma/pasid_attachments_translate_separately
 * TEST               EPERM        here test_without_cap_sys_admin_is_eperm
 *                    EOPNOTSUPP   here test_op_zero_is_eopnotsupp,
 *                                 here test_unknown_op_is_eopnotsupp
 *  STATS             EFAULT       S (reply)
 *  MOCK_DEVICE_CREATE EOPNOTSUPP EINVAL  device/mock_create_errors
 *                    ENOENT       device/mock_create_errors,
 *                                 device/a_group_outlives_none_of_its_devices,
 *                                 here mock_create_in_a_pci_group_is_enoent
 *                    EMFILE       here mock_create_without_a_free_fd_is_emfile
 *                    EFAULT       here mock_create_with_unwritable_reply_is_efault
 *  MOCK_DMA          EINVAL       device/mock_dma_argument_errors,
 *                                 here mock_dma_unknown_flag_is_eopnotsupp,
 *                                 here mock_dma_reserved_field_is_eopnotsupp
 *                    EBADF        device/mock_dma_argument_errors,
 *                                 here mock_dma_of_a_non_mock_fd_is_ebadf
 *                    EFAULT       device/mock_dma_argument_errors,
 *                                 here mock_dma_read_into_unwritable_buffer_is_efault
 *  MOCK_SET_DRIVER   EINVAL EBUSY device/a_kernel_driver_cannot_claim_an_owned_group
 *                    EBADF        here mock_set_driver_of_a_non_mock_fd_is_ebadf
 * DEVICE_BIND        EOPNOTSUPP   device/unknown_flags_and_ioctls
 *                    EBADF        device/bind_needs_an_ioasid_fd
 *                    EALREADY     device/bind_unbind
 *                    EBUSY        device/a_group_belongs_to_one_context,
 *                                 device/sibling_held_by_a_kernel_driver_blocks_bind,
 *                                 pci/shared_group_refused_while_a_sibling_has_a_kernel_driver,
 *                                 pci/both_members_of_a_shared_group_bind_to_one_context,
 *                                 policy_singleton/deny_at_bind_refuses_the_bind,
 *                                 policy_contract/group_viable_answers_tighten_only,
 *                                 here bind_while_vfio_owns_the_group_is_ebusy
 *                    ENODEV       pci/driver_unbind_under_an_open_fd
 *                    EFAULT       lifetime/bind_with_unwritable_reply_binds_nothing
 * DEVICE_UNBIND      EOPNOTSUPP   here unbind_unknown_flag_is_eopnotsupp
 *                    EINVAL       device/bind_unbind
 *                    ENODEV       pci/driver_unbind_under_an_open_fd
 * DEVICE_ATTACH      EOPNOTSUPP   device/unknown_flags_and_ioctls,
 *                                 lifetime/attach_with_pasid_but_no_flag_is_eopnotsupp,
 *                                 mock_dma/pasid_attach_errors,
 *                                 edu/pasid_attach_needs_a_pasid_capable_device
 *                    EINVAL       device/attach_detach_need_binding
 *                    ENOENT       device/attach_unknown_ioas_is_enoent
 *                    EBUSY        mock_dma/pasid_attach_errors (PASID),
 *                                 edu/shared_group_members_share_one_ioas (group),
 *                                 here attach_when_attached_is_ebusy,
 *                                 here attach_elsewhere_when_attached_is_ebusy
 *                    EACCES       mock_dma/pasid_attach_errors
 *                    EADDRINUSE   mock_dma/reserved_region_of_a_device,
 *                                 engine/attach_fails_if_a_mapping_covers_a_reserved_region,
 *                                 edu/mapping_in_the_msi_window_blocks_attach,
 *                                 edu/mapping_past_the_iommu_width_blocks_attach
 *                    EPERM        policy_contract/device_attach_answers,
 *                                 policy_singleton/mock_groups_of_one_attach_groups_of_two_do_not
 *                    ENODEV       pci/driver_unbind_under_an_open_fd
 *                    ENOMEM       engine/attach_without_page_table_memory_fails_and_leaves_no_domain
 * DEVICE_DETACH      EOPNOTSUPP   here detach_unknown_flag_is_eopnotsupp,
 *                                 here detach_reserved_field_is_eopnotsupp,
 *                                 here detach_pasid_without_flag_is_eopnotsupp
 *                    EINVAL       device/attach_detach_need_binding
 *                    ENOENT       device/attach_unknown_ioas_is_enoent,
 *                                 mock_dma/pasid_attachments_translate_separately
 *                    ENODEV       pci/driver_unbind_under_an_open_fd
 * DEVICE_GET_INFO    EOPNOTSUPP   here get_info_unknown_flag_is_eopnotsupp
 *                    EFAULT       S (reply)
 * GET_REGION_INFO    ENOTTY       device/unknown_flags_and_ioctls
 *                    EOPNOTSUPP EINVAL  pci/region_info
 *                    EFAULT       S (size_region_info_pci, reply)
 * read, write        EINVAL       pci/bad_region_offsets (read),
 *                                 here write_to_an_absent_region_is_einval,
 *                                 here write_past_the_last_region_is_einval,
 *                                 here read_of_a_mock_device_is_einval,
 *                                 here write_of_a_mock_device_is_einval
 *                    ESPIPE       here pread_of_a_mock_device_is_espipe
 *                    EACCES       pci/config_space_needs_binding (config read),
 *                                 pci/bars_are_parked_until_attached (BAR read),
 *                                 here config_write_before_bind_is_eacces,
 *                                 here bar_write_before_attach_is_eacces
 *                    EPERM        pci/config_writes_are_filtered
 *                    EFAULT       here config_read_into_unwritable_buffer_is_efault,
 *                                 here config_write_from_unmapped_buffer_is_efault
 *                    ENODEV       pci/driver_unbind_under_an_open_fd (config read),
 *                                 here bar_read_after_driver_unbind_is_enodev,
 *                                 here bar_write_after_driver_unbind_is_enodev,
 *                                 here config_write_after_driver_unbind_is_enodev
 * mmap               EINVAL       pci/bad_region_offsets,
 *                                 here mmap_private_of_a_bar_is_einval,
 *                                 here mmap_of_a_mock_device_is_einval
 *                    EACCES       pci/bars_are_parked_until_attached
 *                    ENODEV       here mmap_after_driver_unbind_is_enodev
 *
 * Covered by the fail-nth sweep (tests/failnth, make check-debug), as they
 * need memory exhaustion or injected faults, so no case here:
 *   -ENOMEM of IOAS_ALLOC, IOAS_IOVA_RANGES, IOAS_MAP (allocations,
 *   page-table memory, pinning), IOAS_UNMAP, PASID_ALLOC, DEVICE_BIND,
 *   DEVICE_ATTACH (allocations, reserved ranges, domains), TEST
 *   MOCK_DEVICE_CREATE and MOCK_DMA, read and write of a PCI device fd;
 *   -EFAULT of any ioctl from a failed copy to or from user space.
 *
 * Documented but not provoked anywhere, and why:
 *   TEST -ENOTTY (no test interface): the suite's module is loaded with
 *     enable_test_interface=1 for the whole run.
 *   IOAS_MAP -EINTR: only with a fatal signal pending, so the caller is
 *     being killed and never sees it.
 *   IOAS_MAP -EOPNOTSUPP (file DAX memory): the guest has no DAX.
 *   IOAS_ALLOC, DEVICE_BIND -EBUSY (no free object id), MOCK_DEVICE_CREATE
 *     -EBUSY/-EEXIST (device or group ids used up): 2^32 ids.
 *   DEVICE_ATTACH with PASID on a PCI device (-EINVAL beyond its PASID
 *     width, -EBUSY PASID attached to a sibling): the edu devices have no
 *     PASID capability; -ENOSPC (IOMMU out of domain ids): four edu
 *     devices need four domains at most.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/vfio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ioas_util.h"
#include "pci.h"

#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* --- the world every case starts from ----------------------------------- */

#define W_IOVA		0x100000ull	/* W_PAGES of mem mapped here */
#define W_PAGES		4
#define W_MEM_PAGES	16
#define W_PASID		0x7e001		/* owned by the context */
#define W_PASID2	0x7e002		/* free */

/* What a PCI case starts from: the edu device fd, and how far it got. */
enum edu_state {
	NO_EDU,
	EDU_OPEN,	/* on ioasid-pci, fd open, not bound */
	EDU_BOUND,	/* bound to the context */
	EDU_ATTACHED,	/* attached to the paging IOAS */
	EDU_REMOVED,	/* attached, then its driver was unbound */
};

struct world {
	int ctx;
	uint32_t ioas;		/* paging, W_PAGES mapped at W_IOVA */
	uint32_t nested;	/* nested in ioas, empty */
	uint32_t victim;	/* an IOAS for DESTROY to destroy (sizes) */
	uint8_t *mem;
	struct mock dev;	/* PASID-capable, bound, attached to ioas */
	uint32_t dev_id;
	struct mock spare;	/* its own group, not bound */
	uint32_t pasid;		/* W_PASID, owned, not attached */
	struct edu e;
	int edu;		/* the edu's device fd, or -1 */
	void *bar;		/* BAR0 mmapped (EDU_ATTACHED only) */
	struct ioasid_iova_range ranges[8];
	struct ioasid_test_stats base;	/* before the world was made */
};

static struct world world_up(enum edu_state edu)
{
	struct world w = { .base = test_stats(), .edu = -1 };

	w.ctx = ioasid_open();
	w.ioas = ioas_new(w.ctx);
	w.nested = ioas_new_nested(w.ctx, w.ioas);
	w.mem = pbuf(W_MEM_PAGES * PG, 1);
	cr_assert_eq(map_at(w.ctx, w.ioas, VA(w.mem), W_PAGES * PG, W_IOVA,
			    RW), 0);
	w.dev = mock_new(IOASID_MOCK_PASID);
	cr_assert_eq(dev_bind(w.dev.fd, w.ctx, &w.dev_id), 0);
	cr_assert_eq(dev_attach(w.dev.fd, w.ioas), 0);
	w.spare = mock_new(0);
	cr_assert_eq(pasid_alloc(w.ctx, W_PASID, W_PASID, &w.pasid), 0);
	if (edu == NO_EDU)
		return w;

	w.e = edu_singleton(0);
	w.edu = edu_open(w.e.bdf);
	if (edu >= EDU_BOUND)
		cr_assert_eq(dev_bind(w.edu, w.ctx, NULL), 0);
	if (edu >= EDU_ATTACHED) {
		cr_assert_eq(dev_attach(w.edu, w.ioas), 0);
		w.bar = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			     w.edu, IOASID_REGION_OFFSET(0));
		cr_assert_neq(w.bar, MAP_FAILED);
	}
	if (edu == EDU_REMOVED)
		cr_assert_eq(pci_set_driver(w.e.bdf, ""), 0);
	return w;
}

/* Everything goes, and the module is back where it was. */
static void world_down(struct world *w)
{
	struct ioasid_test_stats st;

	if (w->bar)
		munmap(w->bar, PG);
	if (w->edu >= 0)
		close(w->edu);
	close(w->spare.fd);
	close(w->dev.fd);
	close(w->ctx);
	munmap(w->mem, W_MEM_PAGES * PG);
	st = test_stats();
	cr_assert_eq(st.out_pinned_pages, w->base.out_pinned_pages,
		     "pins left after the world went");
	cr_assert_eq(st.out_contexts, w->base.out_contexts);
	cr_assert_eq(st.out_ioas, w->base.out_ioas);
	cr_assert_eq(st.out_pasids, w->base.out_pasids);
	cr_assert_eq(st.out_mock_devices, w->base.out_mock_devices);
}

/* What a failed call must leave as it was. */
struct snap {
	struct ioasid_test_stats st;
	struct ioasid_device_info dev, spare, edu;
};

static struct snap snap_take(struct world *w)
{
	struct snap s = { .st = test_stats() };

	s.dev = dev_info(w->dev.fd);
	s.spare = dev_info(w->spare.fd);
	if (w->edu >= 0)
		s.edu = dev_info(w->edu);
	return s;
}

static void dev_same(const struct ioasid_device_info *a,
		     const struct ioasid_device_info *b, const char *dev,
		     const char *what)
{
	cr_assert_eq(a->out_flags, b->out_flags,
		     "%s: %s flags %#x, were %#x", what, dev, b->out_flags,
		     a->out_flags);
	cr_assert_eq(a->out_dev_id, b->out_dev_id, "%s: %s dev_id %u, was %u",
		     what, dev, b->out_dev_id, a->out_dev_id);
	cr_assert_eq(a->out_ioas_id, b->out_ioas_id, "%s: %s IOAS %u, was %u",
		     what, dev, b->out_ioas_id, a->out_ioas_id);
}

static void snap_same(const struct snap *a, struct world *w, const char *what)
{
	struct snap b = snap_take(w);

	cr_assert_eq(a->st.out_pinned_pages, b.st.out_pinned_pages,
		     "%s: %llu pages pinned, were %llu", what,
		     (unsigned long long)b.st.out_pinned_pages,
		     (unsigned long long)a->st.out_pinned_pages);
	cr_assert_eq(a->st.out_contexts, b.st.out_contexts,
		     "%s: %u contexts, were %u", what, b.st.out_contexts,
		     a->st.out_contexts);
	cr_assert_eq(a->st.out_ioas, b.st.out_ioas, "%s: %u IOAS, were %u",
		     what, b.st.out_ioas, a->st.out_ioas);
	cr_assert_eq(a->st.out_pasids, b.st.out_pasids,
		     "%s: %u PASIDs, were %u", what, b.st.out_pasids,
		     a->st.out_pasids);
	cr_assert_eq(a->st.out_mock_devices, b.st.out_mock_devices,
		     "%s: %u mock devices, were %u", what,
		     b.st.out_mock_devices, a->st.out_mock_devices);
	dev_same(&a->dev, &b.dev, "the device", what);
	dev_same(&a->spare, &b.spare, "the spare device", what);
	if (w->edu >= 0)
		dev_same(&a->edu, &b.edu, "the edu device", what);
}

/* A page of memory followed by an inaccessible one. */
static uint8_t *guarded_page(void)
{
	uint8_t *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p + PG, PG, PROT_NONE), 0);
	return p;
}

/* A page that reads but does not write. */
static void *ro_page(const void *content, size_t len)
{
	void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	memcpy(p, content, len);
	cr_assert_eq(mprotect(p, PG, PROT_READ), 0);
	return p;
}

/* An address nothing is mapped at. */
static void *no_page(void)
{
	void *p = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

static int rc_of(ssize_t r)
{
	return r < 0 ? -errno : (int)r;
}

/* --- errnos no other test asserts ---------------------------------------- */

typedef int (*op_fn)(struct world *w);

static void run_case(const char *name, enum edu_state edu, op_fn op,
		     int expect)
{
	struct world w = world_up(edu);
	struct snap before = snap_take(&w);
	int rc = op(&w);

	cr_assert_eq(rc, expect, "%s: %d (%s), expected %d (%s)", name, rc,
		     strerror(-rc), expect, strerror(-expect));
	snap_same(&before, &w, name);
	world_down(&w);
}

static void pci_up(void)
{
	edu_release_all();
}

static void pci_down(void)
{
	edu_release_all();
}

#define ERRNO_CASE(name, expect)					\
	Test(errnos, name)						\
	{								\
		run_case(#name, NO_EDU, op_##name, expect);		\
	}
#define PCI_CASE(name, state, expect)					\
	Test(errnos, name, .init = pci_up, .fini = pci_down)		\
	{								\
		run_case(#name, state, op_##name, expect);		\
	}

static int op_iova_ranges_unwritable_array_is_efault(struct world *w)
{
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = w->ioas, .num_iovas = 8,
		.allowed_iovas = VA(no_page()),
	};

	return ioc(w->ctx, IOASID_IOAS_IOVA_RANGES, &q);
}
ERRNO_CASE(iova_ranges_unwritable_array_is_efault, -EFAULT)

static int op_map_of_prot_none_memory_is_efault(struct world *w)
{
	void *p = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return map_at(w->ctx, w->ioas, VA(p), 2 * PG, 0x400000, RW);
}
ERRNO_CASE(map_of_prot_none_memory_is_efault, -EFAULT)

static int op_attach_when_attached_is_ebusy(struct world *w)
{
	return dev_attach(w->dev.fd, w->ioas);
}
ERRNO_CASE(attach_when_attached_is_ebusy, -EBUSY)

static int op_attach_elsewhere_when_attached_is_ebusy(struct world *w)
{
	return dev_attach(w->dev.fd, w->nested);
}
ERRNO_CASE(attach_elsewhere_when_attached_is_ebusy, -EBUSY)

static int op_unbind_unknown_flag_is_eopnotsupp(struct world *w)
{
	struct ioasid_device_unbind u = { .size = sizeof(u), .flags = 1 };

	return ioc(w->dev.fd, IOASID_DEVICE_UNBIND, &u);
}
ERRNO_CASE(unbind_unknown_flag_is_eopnotsupp, -EOPNOTSUPP)

static int op_detach_unknown_flag_is_eopnotsupp(struct world *w)
{
	struct ioasid_device_detach d = { .size = sizeof(d), .flags = 2 };

	return ioc(w->dev.fd, IOASID_DEVICE_DETACH, &d);
}
ERRNO_CASE(detach_unknown_flag_is_eopnotsupp, -EOPNOTSUPP)

static int op_detach_reserved_field_is_eopnotsupp(struct world *w)
{
	struct ioasid_device_detach d = { .size = sizeof(d), .__reserved = 1 };

	return ioc(w->dev.fd, IOASID_DEVICE_DETACH, &d);
}
ERRNO_CASE(detach_reserved_field_is_eopnotsupp, -EOPNOTSUPP)

static int op_detach_pasid_without_flag_is_eopnotsupp(struct world *w)
{
	struct ioasid_device_detach d = { .size = sizeof(d), .pasid = 5 };

	return ioc(w->dev.fd, IOASID_DEVICE_DETACH, &d);
}
ERRNO_CASE(detach_pasid_without_flag_is_eopnotsupp, -EOPNOTSUPP)

static int op_get_info_unknown_flag_is_eopnotsupp(struct world *w)
{
	struct ioasid_device_info i = { .size = sizeof(i), .flags = 1 };

	return ioc(w->dev.fd, IOASID_DEVICE_GET_INFO, &i);
}
ERRNO_CASE(get_info_unknown_flag_is_eopnotsupp, -EOPNOTSUPP)

static int test_op(struct world *w, struct ioasid_test *t)
{
	t->size = sizeof(*t);
	return ioc(w->ctx, IOASID_TEST, t);
}

static int op_test_op_zero_is_eopnotsupp(struct world *w)
{
	struct ioasid_test t = { .op = 0 };

	return test_op(w, &t);
}
ERRNO_CASE(test_op_zero_is_eopnotsupp, -EOPNOTSUPP)

static int op_test_unknown_op_is_eopnotsupp(struct world *w)
{
	struct ioasid_test t = { .op = IOASID_TEST_FAIL_PGTABLE + 1000 };

	return test_op(w, &t);
}
ERRNO_CASE(test_unknown_op_is_eopnotsupp, -EOPNOTSUPP)

/* In a child that lost CAP_SYS_ADMIN; the errno is its exit status. */
static int op_test_without_cap_sys_admin_is_eperm(struct world *w)
{
	int status;
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (!pid) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		struct ioasid_test t = { .op = IOASID_TEST_STATS };

		if (syscall(SYS_capget, &hdr, data))
			_exit(200);
		data[0].effective &= ~(1u << CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &hdr, data))
			_exit(201);
		_exit(-test_op(w, &t));
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_lt(WEXITSTATUS(status), 200, "child step %d failed",
		     WEXITSTATUS(status));
	return -WEXITSTATUS(status);
}
ERRNO_CASE(test_without_cap_sys_admin_is_eperm, -EPERM)

/* The lowest free fd number. */
static int lowest_free_fd(int any)
{
	int fd = dup(any);

	cr_assert_geq(fd, 0);
	close(fd);
	return fd;
}

static int op_mock_create_without_a_free_fd_is_emfile(struct world *w)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create.flags = IOASID_MOCK_NEW_GROUP,
	};
	struct rlimit saved, rl;
	int rc;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	rl = saved;
	/* Every fd below the lowest free one is taken. */
	rl.rlim_cur = lowest_free_fd(w->ctx);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	rc = test_op(w, &t);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
	if (!rc)
		close(t.mock_create.out_fd);
	return rc;
}
ERRNO_CASE(mock_create_without_a_free_fd_is_emfile, -EMFILE)

static int op_mock_create_with_unwritable_reply_is_efault(struct world *w)
{
	struct ioasid_test t = {
		.size = sizeof(t), .op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create.flags = IOASID_MOCK_NEW_GROUP,
	};
	int fd0 = lowest_free_fd(w->ctx);
	int rc = ioc(w->ctx, IOASID_TEST, ro_page(&t, sizeof(t)));

	/* The fd reserved for the device was given back too. */
	cr_assert_eq(lowest_free_fd(w->ctx), fd0);
	return rc;
}
ERRNO_CASE(mock_create_with_unwritable_reply_is_efault, -EFAULT)

static int mock_dma_raw(struct world *w, struct ioasid_test_mock_dma *d)
{
	struct ioasid_test t = { .op = IOASID_TEST_MOCK_DMA, .mock_dma = *d };

	return test_op(w, &t);
}

static int op_mock_dma_unknown_flag_is_eopnotsupp(struct world *w)
{
	uint8_t buf[64];
	struct ioasid_test_mock_dma d = {
		.dev_fd = w->dev.fd, .flags = 2, .dir = IOASID_MOCK_DMA_READ,
		.iova = W_IOVA, .uptr = VA(buf), .length = sizeof(buf),
	};

	return mock_dma_raw(w, &d);
}
ERRNO_CASE(mock_dma_unknown_flag_is_eopnotsupp, -EOPNOTSUPP)

static int op_mock_dma_reserved_field_is_eopnotsupp(struct world *w)
{
	uint8_t buf[64];
	struct ioasid_test_mock_dma d = {
		.dev_fd = w->dev.fd, .dir = IOASID_MOCK_DMA_READ,
		.iova = W_IOVA, .uptr = VA(buf), .length = sizeof(buf),
		.__reserved = 1,
	};

	return mock_dma_raw(w, &d);
}
ERRNO_CASE(mock_dma_reserved_field_is_eopnotsupp, -EOPNOTSUPP)

static int op_mock_dma_of_a_non_mock_fd_is_ebadf(struct world *w)
{
	uint8_t buf[64];
	struct ioasid_test_mock_dma d = {
		.dev_fd = w->ctx, .dir = IOASID_MOCK_DMA_READ,
		.iova = W_IOVA, .uptr = VA(buf), .length = sizeof(buf),
	};

	return mock_dma_raw(w, &d);
}
ERRNO_CASE(mock_dma_of_a_non_mock_fd_is_ebadf, -EBADF)

/* The device reads mapped memory fine; the copy out to the caller faults. */
static int op_mock_dma_read_into_unwritable_buffer_is_efault(struct world *w)
{
	uint8_t zero[64] = { 0 };
	struct ioasid_test_mock_dma d = {
		.dev_fd = w->dev.fd, .dir = IOASID_MOCK_DMA_READ,
		.iova = W_IOVA, .uptr = VA(ro_page(zero, sizeof(zero))),
		.length = sizeof(zero),
	};

	return mock_dma_raw(w, &d);
}
ERRNO_CASE(mock_dma_read_into_unwritable_buffer_is_efault, -EFAULT)

static int op_mock_set_driver_of_a_non_mock_fd_is_ebadf(struct world *w)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_MOCK_SET_DRIVER,
		.mock_set_driver = { .dev_fd = w->ctx, .bound = 1 },
	};

	return test_op(w, &t);
}
ERRNO_CASE(mock_set_driver_of_a_non_mock_fd_is_ebadf, -EBADF)

static int op_read_of_a_mock_device_is_einval(struct world *w)
{
	uint8_t buf[8];

	return rc_of(read(w->dev.fd, buf, sizeof(buf)));
}
ERRNO_CASE(read_of_a_mock_device_is_einval, -EINVAL)

static int op_write_of_a_mock_device_is_einval(struct world *w)
{
	uint8_t buf[8] = { 0 };

	return rc_of(write(w->dev.fd, buf, sizeof(buf)));
}
ERRNO_CASE(write_of_a_mock_device_is_einval, -EINVAL)

/* An anonymous inode's fd is not seekable: the VFS answers first. */
static int op_pread_of_a_mock_device_is_espipe(struct world *w)
{
	uint8_t buf[8];

	return rc_of(pread(w->dev.fd, buf, sizeof(buf), 0));
}
ERRNO_CASE(pread_of_a_mock_device_is_espipe, -ESPIPE)

static int op_mmap_of_a_mock_device_is_einval(struct world *w)
{
	void *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, w->dev.fd, 0);

	if (p != MAP_FAILED) {
		munmap(p, PG);
		return 0;
	}
	return -errno;
}
ERRNO_CASE(mmap_of_a_mock_device_is_einval, -EINVAL)

/* --- PCI device fds (edu) -------------------------------------------------- */

#define CFG	IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION)

/* A BAR mapping is VM_IO | VM_PFNMAP: nothing there can be pinned. */
static int op_map_of_a_device_bar_is_efault(struct world *w)
{
	return map_at(w->ctx, w->ioas, VA(w->bar), PG, 0x400000, RW);
}
PCI_CASE(map_of_a_device_bar_is_efault, EDU_ATTACHED, -EFAULT)

static int op_mmap_private_of_a_bar_is_einval(struct world *w)
{
	void *p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, w->edu,
		       IOASID_REGION_OFFSET(0));

	if (p != MAP_FAILED) {
		munmap(p, PG);
		return 0;
	}
	return -errno;
}
PCI_CASE(mmap_private_of_a_bar_is_einval, EDU_ATTACHED, -EINVAL)

static int op_write_to_an_absent_region_is_einval(struct world *w)
{
	uint32_t v = 0;

	return rc_of(pwrite(w->edu, &v, 4, IOASID_REGION_OFFSET(1)));
}
PCI_CASE(write_to_an_absent_region_is_einval, EDU_ATTACHED, -EINVAL)

static int op_write_past_the_last_region_is_einval(struct world *w)
{
	uint32_t v = 0;

	return rc_of(pwrite(w->edu, &v, 4,
			    IOASID_REGION_OFFSET(IOASID_PCI_NUM_REGIONS)));
}
PCI_CASE(write_past_the_last_region_is_einval, EDU_ATTACHED, -EINVAL)

static int op_config_write_before_bind_is_eacces(struct world *w)
{
	uint16_t cmd = 0;

	return rc_of(pwrite(w->edu, &cmd, 2, CFG + 0x04));
}
PCI_CASE(config_write_before_bind_is_eacces, EDU_OPEN, -EACCES)

static int op_bar_write_before_attach_is_eacces(struct world *w)
{
	uint32_t v = 0x12345678;

	return rc_of(pwrite(w->edu, &v, 4,
			    IOASID_REGION_OFFSET(0) + EDU_LIVENESS));
}
PCI_CASE(bar_write_before_attach_is_eacces, EDU_BOUND, -EACCES)

static int op_config_read_into_unwritable_buffer_is_efault(struct world *w)
{
	uint32_t zero = 0;

	return rc_of(pread(w->edu, ro_page(&zero, 4), 4, CFG));
}
PCI_CASE(config_read_into_unwritable_buffer_is_efault, EDU_BOUND, -EFAULT)

static int op_config_write_from_unmapped_buffer_is_efault(struct world *w)
{
	return rc_of(pwrite(w->edu, no_page(), 2, CFG + 0x04));
}
PCI_CASE(config_write_from_unmapped_buffer_is_efault, EDU_BOUND, -EFAULT)

static int op_bar_read_after_driver_unbind_is_enodev(struct world *w)
{
	uint32_t v;

	return rc_of(pread(w->edu, &v, 4, IOASID_REGION_OFFSET(0)));
}
PCI_CASE(bar_read_after_driver_unbind_is_enodev, EDU_REMOVED, -ENODEV)

static int op_bar_write_after_driver_unbind_is_enodev(struct world *w)
{
	uint32_t v = 0;

	return rc_of(pwrite(w->edu, &v, 4,
			    IOASID_REGION_OFFSET(0) + EDU_LIVENESS));
}
PCI_CASE(bar_write_after_driver_unbind_is_enodev, EDU_REMOVED, -ENODEV)

static int op_config_write_after_driver_unbind_is_enodev(struct world *w)
{
	uint16_t cmd = 0;

	return rc_of(pwrite(w->edu, &cmd, 2, CFG + 0x04));
}
PCI_CASE(config_write_after_driver_unbind_is_enodev, EDU_REMOVED, -ENODEV)

static int op_mmap_after_driver_unbind_is_enodev(struct world *w)
{
	void *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, w->edu,
		       IOASID_REGION_OFFSET(0));

	if (p != MAP_FAILED) {
		munmap(p, PG);
		return 0;
	}
	return -errno;
}
PCI_CASE(mmap_after_driver_unbind_is_enodev, EDU_REMOVED, -ENODEV)

/* The group id of a real IOMMU group is known, but it is no mock group. */
static int op_mock_create_in_a_pci_group_is_enoent(struct world *w)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create.group_id = w->e.group,
	};
	int rc = test_op(w, &t);

	if (!rc)
		close(t.mock_create.out_fd);
	return rc;
}
PCI_CASE(mock_create_in_a_pci_group_is_enoent, EDU_OPEN, -ENOENT)

/*
 * The IOMMU core's DMA ownership of a group belongs to VFIO (the container
 * of the other edu of the shared group): the bind is refused by
 * iommu_device_claim_dma_owner(), not by ioasid's viability check (a
 * vfio-pci sibling is viable: it manages its own DMA).
 */
Test(errnos, bind_while_vfio_owns_the_group_is_ebusy, .init = pci_up,
     .fini = pci_down)
{
	struct edu a = edu_shared(0), b = edu_shared(1);
	int ctx = ioasid_open(), fd, container, group;
	struct ioasid_test_stats before, after;
	char path[64];

	cr_assert_eq(a.group, b.group);
	cr_assert_eq(system("modprobe vfio-pci"), 0, "modprobe vfio-pci");
	fd = edu_open(a.bdf);
	cr_assert_eq(pci_set_driver(b.bdf, "vfio-pci"), 0);
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	cr_assert_geq(container, 0, "open /dev/vfio/vfio: %s",
		      strerror(errno));
	snprintf(path, sizeof(path), "/dev/vfio/%u", b.group);
	group = open(path, O_RDWR | O_CLOEXEC);
	cr_assert_geq(group, 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(ioctl(group, VFIO_GROUP_SET_CONTAINER, &container), 0,
		     "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));

	before = test_stats();
	cr_assert_eq(dev_bind(fd, ctx, NULL), -EBUSY);
	after = test_stats();
	cr_assert_eq(dev_info(fd).out_flags & IOASID_DEVICE_INFO_BOUND, 0);
	cr_assert_eq(after.out_contexts, before.out_contexts);
	cr_assert_eq(after.out_pinned_pages, before.out_pinned_pages);

	/* VFIO lets go: the refused bind held nothing, this one goes through. */
	close(group);
	close(container);
	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	cr_assert_eq(dev_unbind(fd), 0);
	close(fd);
	close(ctx);
}

/* --- -ENOTTY: the other fd's ioctls, other encodings ------------------------ */

struct ioctl_id {
	const char *name;
	unsigned int nr;	/* IOASID_CMD_* */
	size_t ksize;
	bool device;		/* a device fd ioctl */
};

#define ID(cmd, type, dev)	{ #cmd, IOASID_CMD_##cmd, sizeof(type), dev }

static const struct ioctl_id all_ioctls[] = {
	ID(DESTROY, struct ioasid_destroy, false),
	ID(IOAS_ALLOC, struct ioasid_ioas_alloc, false),
	ID(IOAS_IOVA_RANGES, struct ioasid_ioas_iova_ranges, false),
	ID(IOAS_MAP, struct ioasid_ioas_map, false),
	ID(IOAS_UNMAP, struct ioasid_ioas_unmap, false),
	ID(PASID_ALLOC, struct ioasid_pasid_alloc, false),
	ID(PASID_FREE, struct ioasid_pasid_free, false),
	ID(TEST, struct ioasid_test, false),
	ID(DEVICE_BIND, struct ioasid_device_bind, true),
	ID(DEVICE_UNBIND, struct ioasid_device_unbind, true),
	ID(DEVICE_ATTACH, struct ioasid_device_attach, true),
	ID(DEVICE_DETACH, struct ioasid_device_detach, true),
	ID(DEVICE_GET_INFO, struct ioasid_device_info, true),
	ID(DEVICE_GET_REGION_INFO, struct ioasid_region_info, true),
};

Test(errnos, encodings_and_fds_are_enotty)
{
	static const unsigned int dirs[] = {
		_IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	struct world w = world_up(NO_EDU);
	struct snap before = snap_take(&w);
	uint64_t buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(all_ioctls); i++) {
		const struct ioctl_id *c = &all_ioctls[i];
		int home = c->device ? w.dev.fd : w.ctx;
		int other = c->device ? w.ctx : w.dev.fd;

		uint32_t size = c->ksize;

		memset(buf, 0, sizeof(buf));
		memcpy(buf, &size, sizeof(size));
		cr_assert_eq(ioc(other, _IO(IOASID_TYPE, c->nr), buf), -ENOTTY,
			     "%s on the %s fd", c->name,
			     c->device ? "/dev/ioasid" : "device");
		for (size_t d = 0; d < ARRAY_SIZE(dirs); d++)
			cr_assert_eq(ioc(home, _IOC(dirs[d], IOASID_TYPE,
						    c->nr, c->ksize), buf),
				     -ENOTTY, "%s with direction %u", c->name,
				     dirs[d]);
		cr_assert_eq(ioc(home, _IO(IOASID_TYPE + 1, c->nr), buf),
			     -ENOTTY, "%s with another type", c->name);
	}
	snap_same(&before, &w, "-ENOTTY calls");
	world_down(&w);
}

/* --- sizes ------------------------------------------------------------------ */

enum fd_kind { FD_CTX, FD_DEV, FD_SPARE, FD_EDU };

/*
 * One ioctl: a valid call (fill) and how to take its effect back (undo),
 * so that every attempt starts from the same state and each one can be
 * checked to leave exactly that state behind.
 */
struct size_case {
	const char *name;
	unsigned long cmd;
	size_t ksize;		/* the kernel's sizeof */
	size_t first;		/* its first published size (kernel's _last) */
	enum fd_kind fd;
	void (*setup)(struct world *w);
	void (*fill)(struct world *w, void *arg);
	void (*undo)(struct world *w, void *arg);
	int ok;			/* result of the valid call */
	int ro;			/* result with the struct in a read-only page */
};

static int case_fd(const struct size_case *c, struct world *w)
{
	switch (c->fd) {
	case FD_DEV:
		return w->dev.fd;
	case FD_SPARE:
		return w->spare.fd;
	case FD_EDU:
		return w->edu;
	default:
		return w->ctx;
	}
}

/* The valid struct of @c in @buf, with @size in its size field. */
static void fill_case(const struct size_case *c, struct world *w, void *buf,
		      size_t bufsz, uint32_t size)
{
	memset(buf, 0, bufsz);
	c->fill(w, buf);
	memcpy(buf, &size, sizeof(size));
}

static void undo_case(const struct size_case *c, struct world *w, void *arg)
{
	if (c->undo)
		c->undo(w, arg);
}

static void run_size_case(const struct size_case *c)
{
	struct world w = world_up(c->fd == FD_EDU ? EDU_OPEN : NO_EDU);
	uint64_t exact[32], big[32], buf[32];
	uint8_t *g = guarded_page(), *ro;
	struct snap s0;
	char what[96];
	int fd, rc;

	cr_assert_leq(c->ksize + 8, sizeof(buf));
	cr_assert_leq(c->first, c->ksize);
	if (c->setup)
		c->setup(&w);
	s0 = snap_take(&w);
	fd = case_fd(c, &w);

	/* The exact size. */
	fill_case(c, &w, exact, sizeof(exact), c->ksize);
	rc = ioc(fd, c->cmd, exact);
	cr_assert_eq(rc, c->ok, "%s: %d (%s) with the exact size", c->name,
		     rc, strerror(-rc));
	if (!rc)
		undo_case(c, &w, exact);
	snprintf(what, sizeof(what), "%s, exact size", c->name);
	snap_same(&s0, &w, what);

	/* 8 bytes more, all zero: the same result and the same reply. */
	fill_case(c, &w, big, sizeof(big), c->ksize + 8);
	rc = ioc(fd, c->cmd, big);
	cr_assert_eq(rc, c->ok, "%s: %d (%s) with a zero tail", c->name, rc,
		     strerror(-rc));
	cr_assert_eq(memcmp((uint8_t *)big + 4, (uint8_t *)exact + 4,
			    c->ksize - 4), 0,
		     "%s: another reply with a zero tail", c->name);
	for (size_t i = 0; i < 8; i++)
		cr_assert_eq(((uint8_t *)big)[c->ksize + i], 0,
			     "%s: the kernel wrote past its struct", c->name);
	if (!rc)
		undo_case(c, &w, big);
	snprintf(what, sizeof(what), "%s, zero tail", c->name);
	snap_same(&s0, &w, what);

	/* Below the first published size. */
	for (uint32_t size = 0; size < c->first; size++) {
		fill_case(c, &w, buf, sizeof(buf), size);
		rc = ioc(fd, c->cmd, buf);
		cr_assert_eq(rc, -EINVAL, "%s: %d (%s) with size %u", c->name,
			     rc, strerror(-rc), size);
	}
	snprintf(what, sizeof(what), "%s, sizes below %zu", c->name, c->first);
	snap_same(&s0, &w, what);

	/* A non-zero byte anywhere past the kernel's struct. */
	for (size_t i = 0; i < 8; i++) {
		fill_case(c, &w, buf, sizeof(buf), c->ksize + 8);
		((uint8_t *)buf)[c->ksize + i] = 0x5a;
		rc = ioc(fd, c->cmd, buf);
		cr_assert_eq(rc, -E2BIG, "%s: %d (%s) with tail byte %zu set",
			     c->name, rc, strerror(-rc), i);
	}
	snprintf(what, sizeof(what), "%s, non-zero tails", c->name);
	snap_same(&s0, &w, what);

	/* The size field inaccessible. */
	rc = ioc(fd, c->cmd, g + PG);
	cr_assert_eq(rc, -EFAULT, "%s: %d (%s) with no size field", c->name,
		     rc, strerror(-rc));
	/* The size readable, the struct behind it not. */
	fill_case(c, &w, buf, sizeof(buf), c->ksize);
	memcpy(g + PG - 4, buf, 4);
	rc = ioc(fd, c->cmd, g + PG - 4);
	cr_assert_eq(rc, -EFAULT, "%s: %d (%s) with the struct cut short",
		     c->name, rc, strerror(-rc));
	/* The struct readable, the extra bytes its size claims not. */
	fill_case(c, &w, buf, sizeof(buf), c->ksize + 8);
	memcpy(g + PG - c->ksize, buf, c->ksize);
	rc = ioc(fd, c->cmd, g + PG - c->ksize);
	cr_assert_eq(rc, -EFAULT, "%s: %d (%s) with the tail inaccessible",
		     c->name, rc, strerror(-rc));
	snprintf(what, sizeof(what), "%s, inaccessible struct", c->name);
	snap_same(&s0, &w, what);

	/* The struct read-only: only a reply can fail. */
	fill_case(c, &w, buf, sizeof(buf), c->ksize);
	ro = ro_page(buf, c->ksize);
	rc = ioc(fd, c->cmd, ro);
	cr_assert_eq(rc, c->ro, "%s: %d (%s) with a read-only struct, expected %d",
		     c->name, rc, strerror(-rc), c->ro);
	if (!rc)
		undo_case(c, &w, buf);
	snprintf(what, sizeof(what), "%s, read-only struct", c->name);
	snap_same(&s0, &w, what);

	munmap(ro, PG);
	munmap(g, 2 * PG);
	world_down(&w);
}

/* DESTROY: an IOAS of its own, made again by undo. */
static void setup_victim(struct world *w)
{
	w->victim = ioas_new(w->ctx);
}

static void fill_destroy(struct world *w, void *arg)
{
	struct ioasid_destroy *d = arg;

	d->id = w->victim;
}

static void undo_destroy(struct world *w, void *arg)
{
	(void)arg;
	w->victim = ioas_new(w->ctx);
}

static void fill_ioas_alloc(struct world *w, void *arg)
{
	(void)w;
	(void)arg;
}

static void undo_ioas_alloc(struct world *w, void *arg)
{
	struct ioasid_ioas_alloc *a = arg;

	cr_assert_eq(obj_destroy(w->ctx, a->out_ioas_id), 0);
}

static void fill_iova_ranges(struct world *w, void *arg)
{
	struct ioasid_ioas_iova_ranges *q = arg;

	q->ioas_id = w->ioas;
	q->num_iovas = ARRAY_SIZE(w->ranges);
	q->allowed_iovas = VA(w->ranges);
}

static void fill_map(struct world *w, void *arg)
{
	struct ioasid_ioas_map *m = arg;

	m->flags = FIXED | RW;
	m->ioas_id = w->ioas;
	m->user_va = VA(w->mem + W_PAGES * PG);
	m->length = 2 * PG;
	m->iova = 0x800000;
}

static void undo_map(struct world *w, void *arg)
{
	(void)arg;
	cr_assert_eq(unmap_range(w->ctx, w->ioas, 0x800000, 2 * PG, NULL), 0);
}

static void fill_unmap(struct world *w, void *arg)
{
	struct ioasid_ioas_unmap *u = arg;

	u->ioas_id = w->ioas;
	u->iova = W_IOVA;
	u->length = W_PAGES * PG;
}

static void undo_unmap(struct world *w, void *arg)
{
	(void)arg;
	cr_assert_eq(map_at(w->ctx, w->ioas, VA(w->mem), W_PAGES * PG,
			    W_IOVA, RW), 0);
}

static void fill_pasid_alloc(struct world *w, void *arg)
{
	struct ioasid_pasid_alloc *a = arg;

	(void)w;
	a->min = W_PASID2;
	a->max = W_PASID2;
}

static void undo_pasid_alloc(struct world *w, void *arg)
{
	struct ioasid_pasid_alloc *a = arg;

	cr_assert_eq(a->out_pasid, W_PASID2);
	cr_assert_eq(pasid_free(w->ctx, W_PASID2), 0);
}

static void fill_pasid_free(struct world *w, void *arg)
{
	struct ioasid_pasid_free *f = arg;

	f->pasid = w->pasid;
}

static void undo_pasid_free(struct world *w, void *arg)
{
	(void)arg;
	cr_assert_eq(pasid_alloc(w->ctx, w->pasid, w->pasid, NULL), 0);
}

static void fill_test_stats(struct world *w, void *arg)
{
	struct ioasid_test *t = arg;

	(void)w;
	t->op = IOASID_TEST_STATS;
}

static void fill_bind(struct world *w, void *arg)
{
	struct ioasid_device_bind *b = arg;

	b->ioasid_fd = w->ctx;
}

static void undo_bind(struct world *w, void *arg)
{
	(void)arg;
	cr_assert_eq(dev_unbind(w->spare.fd), 0);
}

static void fill_nothing(struct world *w, void *arg)
{
	(void)w;
	(void)arg;
}

static void undo_unbind(struct world *w, void *arg)
{
	uint32_t id;

	(void)arg;
	cr_assert_eq(dev_bind(w->dev.fd, w->ctx, &id), 0);
	cr_assert_eq(id, w->dev_id);
	cr_assert_eq(dev_attach(w->dev.fd, w->ioas), 0);
}

static void setup_detached(struct world *w)
{
	cr_assert_eq(dev_detach(w->dev.fd), 0);
}

static void fill_attach(struct world *w, void *arg)
{
	struct ioasid_device_attach *a = arg;

	a->ioas_id = w->ioas;
}

static void undo_attach(struct world *w, void *arg)
{
	(void)arg;
	cr_assert_eq(dev_detach(w->dev.fd), 0);
}

static void undo_detach(struct world *w, void *arg)
{
	(void)arg;
	cr_assert_eq(dev_attach(w->dev.fd, w->ioas), 0);
}

static void fill_region_info(struct world *w, void *arg)
{
	struct ioasid_region_info *r = arg;

	(void)w;
	r->index = IOASID_PCI_BAR0_REGION;
}

/*
 * @_last: the field the kernel's IOASID_IOCTL_OP() names as the end of the
 * struct's first published version (kernel/context.c, kernel/device.c).
 */
#define SIZE_CASE(_name, _cmd, _type, _last, ...)			\
	static const struct size_case size_##_name = {			\
		.name = #_cmd, .cmd = _cmd, .ksize = sizeof(_type),	\
		.first = offsetofend(_type, _last), __VA_ARGS__		\
	};								\
	Test(errnos, size_##_name)					\
	{								\
		run_size_case(&size_##_name);				\
	}

SIZE_CASE(destroy, IOASID_DESTROY, struct ioasid_destroy, id,
	  .fd = FD_CTX, .setup = setup_victim, .fill = fill_destroy,
	  .undo = undo_destroy, .ro = 0)
SIZE_CASE(ioas_alloc, IOASID_IOAS_ALLOC, struct ioasid_ioas_alloc,
	  out_ioas_id, .fd = FD_CTX, .fill = fill_ioas_alloc,
	  .undo = undo_ioas_alloc, .ro = -EFAULT)
SIZE_CASE(ioas_iova_ranges, IOASID_IOAS_IOVA_RANGES,
	  struct ioasid_ioas_iova_ranges, out_iova_alignment, .fd = FD_CTX,
	  .fill = fill_iova_ranges, .ro = -EFAULT)
SIZE_CASE(ioas_map, IOASID_IOAS_MAP, struct ioasid_ioas_map, iova,
	  .fd = FD_CTX, .fill = fill_map, .undo = undo_map, .ro = -EFAULT)
SIZE_CASE(ioas_unmap, IOASID_IOAS_UNMAP, struct ioasid_ioas_unmap, length,
	  .fd = FD_CTX, .fill = fill_unmap, .undo = undo_unmap, .ro = -EFAULT)
SIZE_CASE(pasid_alloc, IOASID_PASID_ALLOC, struct ioasid_pasid_alloc,
	  __reserved, .fd = FD_CTX, .fill = fill_pasid_alloc,
	  .undo = undo_pasid_alloc, .ro = -EFAULT)
SIZE_CASE(pasid_free, IOASID_PASID_FREE, struct ioasid_pasid_free, pasid,
	  .fd = FD_CTX, .fill = fill_pasid_free, .undo = undo_pasid_free,
	  .ro = 0)
SIZE_CASE(test, IOASID_TEST, struct ioasid_test, __pad, .fd = FD_CTX,
	  .fill = fill_test_stats, .ro = -EFAULT)
SIZE_CASE(device_bind, IOASID_DEVICE_BIND, struct ioasid_device_bind,
	  out_dev_id, .fd = FD_SPARE, .fill = fill_bind, .undo = undo_bind,
	  .ro = -EFAULT)
SIZE_CASE(device_unbind, IOASID_DEVICE_UNBIND, struct ioasid_device_unbind,
	  flags, .fd = FD_DEV, .fill = fill_nothing, .undo = undo_unbind,
	  .ro = 0)
SIZE_CASE(device_attach, IOASID_DEVICE_ATTACH, struct ioasid_device_attach,
	  pasid, .fd = FD_DEV, .setup = setup_detached, .fill = fill_attach,
	  .undo = undo_attach, .ro = 0)
SIZE_CASE(device_detach, IOASID_DEVICE_DETACH, struct ioasid_device_detach,
	  __reserved, .fd = FD_DEV, .fill = fill_nothing,
	  .undo = undo_detach, .ro = 0)
SIZE_CASE(device_get_info, IOASID_DEVICE_GET_INFO, struct ioasid_device_info,
	  out_ioas_id, .fd = FD_DEV, .fill = fill_nothing, .ro = -EFAULT)
/* A mock device has no regions: the size is judged before that. */
SIZE_CASE(region_info_mock, IOASID_DEVICE_GET_REGION_INFO,
	  struct ioasid_region_info, out_offset, .fd = FD_DEV,
	  .fill = fill_region_info, .ok = -ENOTTY, .ro = -ENOTTY)

static const struct size_case size_region_info_pci = {
	.name = "IOASID_DEVICE_GET_REGION_INFO (edu)",
	.cmd = IOASID_DEVICE_GET_REGION_INFO,
	.ksize = sizeof(struct ioasid_region_info),
	.first = offsetofend(struct ioasid_region_info, out_offset),
	.fd = FD_EDU, .fill = fill_region_info, .ro = -EFAULT,
};

Test(errnos, size_region_info_pci, .init = pci_up, .fini = pci_down)
{
	run_size_case(&size_region_info_pci);
}
