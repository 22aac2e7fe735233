// SPDX-License-Identifier: GPL-2.0
/*
 * The bundled policies (bpf/NAME.bpf.c) and the policy layer's contract, in
 * the guest: every hook allowed and refused, with exact errnos and exact
 * per-hook decision counts, on mock devices and on the real edu topology
 * (singleton groups 00:01.0 / 00:02.0, the shared group of 02:01.0 /
 * 02:02.0 and their bridge); out-of-contract answers (the test-only policy
 * tests/bpf/scripted.bpf.c); replace under concurrent attach/detach;
 * unload while attached; rmmod while a policy is attached.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "mock.h"
#include "pci.h"
#include "policy_util.h"

#define PG 4096

/* The .bss of tests/bpf/scripted.bpf.c: its one struct. */
struct scripted {
	int32_t attach_ret, pasid_ret, viable_ret, map_ret;
	uint64_t nr_unmap, nr_bind, nr_unbind, nr_pasid_free;
	uint32_t last_kernel_viable, last_nr_members, last_pasid_max;
	uint64_t last_cgroup, last_map_length, last_mapped_bytes;
	uint32_t last_pasid_owned, last_tenant_pasids;
	uint64_t last_tenant_mapped;
};

static int ioas_new(int ctx, uint32_t *id)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	int rc = ioc(ctx, IOASID_IOAS_ALLOC, &a);

	*id = a.out_ioas_id;
	return rc;
}

static void *buf_new(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

static int map_at(int ctx, uint32_t ioas, void *va, uint64_t len,
		  uint64_t iova)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m),
		.flags = IOASID_IOAS_MAP_FIXED_IOVA | IOASID_IOAS_MAP_READABLE |
			 IOASID_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas, .user_va = (uintptr_t)va, .length = len,
		.iova = iova,
	};

	return ioc(ctx, IOASID_IOAS_MAP, &m);
}

static int unmap_at(int ctx, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};

	return ioc(ctx, IOASID_IOAS_UNMAP, &u);
}

static void counting(void)
{
	decisions_start();
}

static void stop_counting(void)
{
	decisions_stop();
}

static void pci_up(void)
{
	edu_release_all();
	decisions_start();
}

static void pci_down(void)
{
	decisions_stop();
	edu_release_all();
}

TestSuite(policy_singleton, .init = pci_up, .fini = pci_down);
TestSuite(policy_allowlist, .init = pci_up, .fini = pci_down);
TestSuite(policy_tenant, .init = counting, .fini = stop_counting);
TestSuite(policy_dmaquota, .init = counting, .fini = stop_counting);
TestSuite(policy_audit, .init = counting, .fini = stop_counting);
TestSuite(policy_contract, .init = counting, .fini = stop_counting);
TestSuite(policy_lifecycle);

/* --- singleton ---------------------------------------------------------- */

Test(policy_singleton, mock_groups_of_one_attach_groups_of_two_do_not)
{
	struct policy *p = policy_load("singleton", NULL);
	struct mock alone = mock_new(0), a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int ctx = ioasid_open();
	uint32_t ioas;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(alone.fd, ctx, NULL), 0);
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), 0);
	cr_assert_eq(dev_bind(b.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(alone.fd, ioas), 0);
	cr_assert_eq(dev_attach(a.fd, ioas), -EPERM);
	cr_assert_eq(dev_attach(b.fd, ioas), -EPERM);
	cr_assert_eq(dev_info(a.fd).out_flags & IOASID_DEVICE_INFO_ATTACHED, 0);
	assert_hook(HOOK_DEVICE_ATTACH, 3, 1, 2, 0);
	/* Binding is not refused without deny_at_bind. */
	assert_hook(HOOK_GROUP_VIABLE, 3, 3, 0, 0);
	assert_hook_idle(HOOK_PASID_ALLOC);
	assert_hook_idle(HOOK_DMA_MAP);
	/* The other member gone, a is alone in its group: allowed. */
	close(b.fd);
	cr_assert_eq(dev_attach(a.fd, ioas), 0);
	assert_hook(HOOK_DEVICE_ATTACH, 4, 2, 2, 0);
	policy_unload(p);
	close(alone.fd);
	close(a.fd);
	close(ctx);
}

Test(policy_singleton, deny_at_bind_refuses_the_bind)
{
	struct policy *p = policy_load("singleton",
		(struct knob[]){ { "deny_at_bind", 1 }, { NULL, 0 } });
	struct mock alone = mock_new(0), a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int ctx = ioasid_open();

	cr_assert_eq(dev_bind(a.fd, ctx, NULL), -EBUSY);
	cr_assert_eq(dev_bind(b.fd, ctx, NULL), -EBUSY);
	cr_assert_eq(dev_bind(alone.fd, ctx, NULL), 0);
	assert_hook(HOOK_GROUP_VIABLE, 3, 1, 2, 0);
	assert_hook_idle(HOOK_DEVICE_ATTACH);
	policy_unload(p);
	/* Kernel defaults again: the group is viable. */
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), 0);
	close(alone.fd);
	close(a.fd);
	close(b.fd);
	close(ctx);
}

Test(policy_singleton, edu_alone_attaches_edu_behind_the_bridge_does_not)
{
	struct edu s = edu_singleton(0), sh = edu_shared(0);
	struct policy *p = policy_load("singleton", NULL);
	int fs = edu_open(s.bdf), fsh = edu_open(sh.bdf), ctx = ioasid_open();
	uint32_t ioas;

	cr_assert_eq(s.group_size, 1);
	cr_assert_eq(sh.group_size, 3, "edu pair and their bridge");
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(fs, ctx, NULL), 0);
	cr_assert_eq(dev_bind(fsh, ctx, NULL), 0);
	cr_assert_eq(dev_attach(fs, ioas), 0);
	cr_assert_eq(dev_attach(fsh, ioas), -EPERM);
	cr_assert_eq(dev_info(fs).out_ioas_id, ioas);
	cr_assert_eq(dev_info(fsh).out_ioas_id, 0);
	assert_hook(HOOK_DEVICE_ATTACH, 2, 1, 1, 0);
	assert_hook(HOOK_GROUP_VIABLE, 2, 2, 0, 0);
	policy_unload(p);
	cr_assert_eq(dev_attach(fsh, ioas), 0);
	close(fs);
	close(fsh);
	close(ctx);
}

Test(policy_singleton, edu_deny_at_bind)
{
	struct edu s = edu_singleton(1), sh = edu_shared(1);
	struct policy *p = policy_load("singleton",
		(struct knob[]){ { "deny_at_bind", 1 }, { NULL, 0 } });
	int fs = edu_open(s.bdf), fsh = edu_open(sh.bdf), ctx = ioasid_open();

	cr_assert_eq(dev_bind(fsh, ctx, NULL), -EBUSY);
	cr_assert_eq(dev_bind(fs, ctx, NULL), 0);
	assert_hook(HOOK_GROUP_VIABLE, 2, 1, 1, 0);
	policy_unload(p);
	close(fs);
	close(fsh);
	close(ctx);
}

/* --- allowlist ---------------------------------------------------------- */

static uint32_t bdf_key(const char *bdf)
{
	unsigned int seg, bus, dev, fn;

	cr_assert_eq(sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn), 4);
	return seg << 16 | bus << 8 | dev << 3 | fn;
}

Test(policy_allowlist, empty_list_refuses_then_bdf_and_id_entries_allow)
{
	struct edu e0 = edu_singleton(0), e1 = edu_singleton(1);
	struct policy *p = policy_load("allowlist", NULL);
	int f0 = edu_open(e0.bdf), f1 = edu_open(e1.bdf), ctx = ioasid_open();
	uint32_t ioas, key;
	uint8_t yes = 1;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(f0, ctx, NULL), 0);
	cr_assert_eq(dev_bind(f1, ctx, NULL), 0);
	cr_assert_eq(dev_attach(f0, ioas), -EPERM);
	cr_assert_eq(dev_attach(f1, ioas), -EPERM);

	/* 0000:00:01.0 by its BDF: only that one. */
	key = bdf_key(e0.bdf);
	cr_assert_eq(bpf_map_update_elem(policy_map_fd(p, "allowed_bdfs"),
					 &key, &yes, BPF_ANY), 0);
	cr_assert_eq(dev_attach(f0, ioas), 0);
	cr_assert_eq(dev_attach(f1, ioas), -EPERM);

	/* Every edu by vendor:device. */
	key = 0x1234u << 16 | 0x11e8;
	cr_assert_eq(bpf_map_update_elem(policy_map_fd(p, "allowed_ids"),
					 &key, &yes, BPF_ANY), 0);
	cr_assert_eq(dev_attach(f1, ioas), 0);
	assert_hook(HOOK_DEVICE_ATTACH, 5, 2, 3, 0);
	assert_hook(HOOK_GROUP_VIABLE, 2, 2, 0, 0);

	/* Taken off the list: the next attach is refused. */
	cr_assert_eq(dev_detach(f1), 0);
	cr_assert_eq(bpf_map_delete_elem(policy_map_fd(p, "allowed_ids"),
					 &key), 0);
	cr_assert_eq(dev_attach(f1, ioas), -EPERM);
	assert_hook(HOOK_DEVICE_ATTACH, 6, 2, 4, 0);
	policy_unload(p);
	close(f0);
	close(f1);
	close(ctx);
}

Test(policy_allowlist, mock_devices_need_allow_mock)
{
	struct mock m = mock_new(0);
	struct policy *p = policy_load("allowlist", NULL);
	int ctx = ioasid_open();
	uint32_t ioas, key = 0;	/* a mock's vendor:device and BDF are 0 */
	uint8_t yes = 1;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	/* Not even an entry for 0000:0000 lets a mock through. */
	cr_assert_eq(bpf_map_update_elem(policy_map_fd(p, "allowed_ids"),
					 &key, &yes, BPF_ANY), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), -EPERM);
	policy_unload(p);

	p = policy_load("allowlist",
		(struct knob[]){ { "allow_mock", 1 }, { NULL, 0 } });
	cr_assert_eq(dev_attach(m.fd, ioas), 0);
	/* (The tracepoint's counts span both policies.) */
	assert_hook(HOOK_DEVICE_ATTACH, 2, 1, 1, 0);
	policy_unload(p);
	close(m.fd);
	close(ctx);
}

Test(policy_allowlist, allow_id_knob_and_at_bind)
{
	struct edu e = edu_singleton(0), sh0 = edu_shared(0);
	struct policy *p = policy_load("allowlist",
		(struct knob[]){ { "allow_id", 0x123411e8 }, { "at_bind", 1 },
				 { NULL, 0 } });
	struct mock m = mock_new(0);
	int fe = edu_open(e.bdf), fsh = edu_open(sh0.bdf), ctx = ioasid_open();
	uint32_t ioas;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(fe, ctx, NULL), 0);
	cr_assert_eq(dev_bind(fsh, ctx, NULL), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), -EBUSY);	/* at_bind */
	cr_assert_eq(dev_attach(fe, ioas), 0);
	cr_assert_eq(dev_attach(fsh, ioas), 0);
	assert_hook(HOOK_GROUP_VIABLE, 3, 2, 1, 0);
	assert_hook(HOOK_DEVICE_ATTACH, 2, 2, 0, 0);
	policy_unload(p);
	close(m.fd);
	close(fe);
	close(fsh);
	close(ctx);
}

/* --- tenant ------------------------------------------------------------- */

struct tenant {
	uint32_t pasid_min, pasid_max, max_pasids, flags;
};

static void tenant_set(struct policy *p, uint64_t cg, uint32_t min,
		       uint32_t max, uint32_t quota)
{
	struct tenant t = { min, max, quota, 0 };

	cr_assert_eq(bpf_map_update_elem(policy_map_fd(p, "tenants"), &cg, &t,
					 BPF_ANY), 0);
}

Test(policy_tenant, range_and_quota_of_a_cgroup)
{
	struct policy *p = policy_load("tenant", NULL);
	uint64_t cg = cgroup_enter("ioasid-tenant-a");
	uint32_t pa[4], pasid;
	int ctx, ctx2;

	tenant_set(p, cg, 3000, 3009, 3);
	ctx = ioasid_open();
	/* Whole space asked: the policy picks inside the tenant's range. */
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pa[0]), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pa[1]), 0);
	cr_assert_eq(pa[0], 3000);
	cr_assert_eq(pa[1], 3001);
	/* A range inside the tenant's: the kernel picks, lowest free. */
	cr_assert_eq(pasid_alloc(ctx, 3005, 3009, &pa[2]), 0);
	cr_assert_eq(pa[2], 3005);
	/* Quota of 3 for the tenant. */
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EDQUOT);
	cr_assert_eq(pasid_free(ctx, pa[2]), 0);
	/* Outside the range: refused. */
	cr_assert_eq(pasid_alloc(ctx, 10, 2999, &pasid), -EPERM);
	cr_assert_eq(pasid_alloc(ctx, 3008, 5000, &pa[2]), 0);
	cr_assert_eq(pa[2], 3008);
	assert_hook(HOOK_PASID_ALLOC, 6, 4, 2, 0);

	/*
	 * The tenant is the opener's cgroup, whoever calls later, and the
	 * quota is the tenant's: a second context of it finds it used up.
	 */
	ctx2 = ioasid_open();
	cgroup_leave("ioasid-tenant-a");
	cr_assert_eq(pasid_alloc(ctx2, 0, 0, &pasid), -EDQUOT);
	cr_assert_eq(pasid_free(ctx, pa[0]), 0);
	cr_assert_eq(pasid_alloc(ctx2, 0, 0, &pasid), 0);
	cr_assert_eq(pasid, 3009);
	cr_assert_eq(pasid_alloc(ctx2, 0, 0, &pasid), -EDQUOT);
	/* Closing a context gives its PASIDs (3001, 3008) back. */
	close(ctx);
	cr_assert_eq(pasid_alloc(ctx2, 0, 0, &pasid), 0);
	cr_assert_eq(pasid, 3000);
	cr_assert_eq(pasid_alloc(ctx2, 0, 0, &pasid), 0);
	cr_assert_eq(pasid, 3001);
	cr_assert_eq(pasid_alloc(ctx2, 0, 0, &pasid), -EDQUOT);
	assert_hook(HOOK_PASID_ALLOC, 12, 7, 5, 0);
	/* The policy needs no notification: the kernel keeps the count. */
	assert_hook(HOOK_PASID_FREE, 0, 0, 0, 0);
	/* And a context of the root cgroup (no entry) has the defaults. */
	ctx = ioasid_open();
	cr_assert_eq(pasid_alloc(ctx, 3002, 3002, &pasid), 0);
	policy_unload(p);
	close(ctx);
	close(ctx2);
}

Test(policy_tenant, unknown_tenants_deny_or_default_quota)
{
	struct policy *p = policy_load("tenant",
		(struct knob[]){ { "deny_unknown", 1 }, { NULL, 0 } });
	int ctx = ioasid_open();
	uint32_t pasid;

	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EPERM);
	assert_hook(HOOK_PASID_ALLOC, 1, 0, 1, 0);
	policy_unload(p);

	p = policy_load("tenant",
		(struct knob[]){ { "default_max_pasids", 1 }, { NULL, 0 } });
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EDQUOT);
	assert_hook(HOOK_PASID_ALLOC, 3, 1, 2, 0);	/* both policies */
	policy_unload(p);
	close(ctx);
}

Test(policy_tenant, a_taken_pasid_fails_once_with_ebusy)
{
	struct policy *p = policy_load("tenant", NULL);
	int other = ioasid_open(), ctx;
	uint32_t pasid;
	uint64_t cg;

	/* The root cgroup has no entry: it takes 4000 of the tenant's range. */
	cr_assert_eq(pasid_alloc(other, 4000, 4000, &pasid), 0);
	cg = cgroup_enter("ioasid-tenant-b");
	tenant_set(p, cg, 4000, 4001, 0);
	ctx = ioasid_open();
	cgroup_leave("ioasid-tenant-b");
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EBUSY);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(pasid, 4001);
	/* The range is exhausted: the kernel's verdict, not the policy's. */
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EBUSY);
	/*
	 * The kernel counts a taken PASID as an invalid answer after the
	 * decision's tracepoint: that view counts it as allowed.
	 */
	assert_hook(HOOK_PASID_ALLOC, 4, 4, 0, 0);
	policy_unload(p);
	close(ctx);
	close(other);
}

/* --- dmaquota ----------------------------------------------------------- */

Test(policy_dmaquota, default_quota_per_tenant)
{
	struct policy *p = policy_load("dmaquota",
		(struct knob[]){ { "default_quota", 3 * PG }, { NULL, 0 } });
	int ctx, ctx2;
	char *buf = buf_new(8 * PG);
	uint32_t ioas, ioas2;

	cgroup_enter("ioasid-dmaquota-default");
	ctx = ioasid_open();
	cgroup_leave("ioasid-dmaquota-default");
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(map_at(ctx, ioas, buf, 2 * PG, 0x100000), 0);
	cr_assert_eq(map_at(ctx, ioas, buf + 2 * PG, 2 * PG, 0x200000),
		     -EDQUOT);
	cr_assert_eq(map_at(ctx, ioas, buf + 2 * PG, PG, 0x200000), 0);
	cr_assert_eq(map_at(ctx, ioas, buf + 3 * PG, PG, 0x300000), -EDQUOT);
	cr_assert_eq(unmap_at(ctx, ioas, 0x100000, 2 * PG), 0);
	cr_assert_eq(map_at(ctx, ioas, buf + 3 * PG, 3 * PG, 0x300000),
		     -EDQUOT);
	cr_assert_eq(map_at(ctx, ioas, buf + 3 * PG, 2 * PG, 0x300000), 0);
	assert_hook(HOOK_DMA_MAP, 6, 3, 3, 0);
	/* The policy needs no notification: the kernel keeps the count. */
	assert_hook(HOOK_DMA_UNMAP, 0, 0, 0, 0);
	/* Closing unmaps everything: the tenant is charged nothing. */
	close(ctx);
	cgroup_enter("ioasid-dmaquota-default");
	ctx2 = ioasid_open();
	cgroup_leave("ioasid-dmaquota-default");
	cr_assert_eq(ioas_new(ctx2, &ioas2), 0);
	cr_assert_eq(map_at(ctx2, ioas2, buf, 3 * PG, 0x100000), 0);
	policy_unload(p);
	close(ctx2);
	munmap(buf, 8 * PG);
}

Test(policy_dmaquota, override_shared_by_the_contexts_of_a_cgroup)
{
	struct policy *p = policy_load("dmaquota", NULL);
	uint64_t cg = cgroup_enter("ioasid-dmaquota"), quota = 2 * PG;
	int a = ioasid_open(), b = ioasid_open();
	char *buf = buf_new(4 * PG);
	uint32_t ia, ib;

	cgroup_leave("ioasid-dmaquota");
	cr_assert_eq(bpf_map_update_elem(policy_map_fd(p, "dma_quota"), &cg,
					 &quota, BPF_ANY), 0);
	cr_assert_eq(ioas_new(a, &ia), 0);
	cr_assert_eq(ioas_new(b, &ib), 0);
	cr_assert_eq(map_at(a, ia, buf, PG, 0x100000), 0);
	cr_assert_eq(map_at(b, ib, buf + PG, PG, 0x100000), 0);
	cr_assert_eq(map_at(b, ib, buf + 2 * PG, PG, 0x200000), -EDQUOT);
	/* a's close gives its share back to b. */
	close(a);
	cr_assert_eq(map_at(b, ib, buf + 2 * PG, PG, 0x200000), 0);
	cr_assert_eq(map_at(b, ib, buf + 3 * PG, PG, 0x300000), -EDQUOT);
	assert_hook(HOOK_DMA_MAP, 5, 3, 2, 0);
	policy_unload(p);
	close(b);
	munmap(buf, 4 * PG);
}

Test(policy_dmaquota, a_map_the_kernel_refuses_is_not_charged)
{
	struct policy *p = policy_load("dmaquota",
		(struct knob[]){ { "default_quota", 2 * PG }, { NULL, 0 } });
	char *buf = buf_new(3 * PG);
	uint32_t ioas;
	int ctx;

	cgroup_enter("ioasid-dmaquota-refused");
	ctx = ioasid_open();
	cgroup_leave("ioasid-dmaquota-refused");
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(map_at(ctx, ioas, buf, PG, 0x100000), 0);
	/* Allowed by the policy, refused by the kernel (overlap). */
	cr_assert_eq(map_at(ctx, ioas, buf + PG, PG, 0x100000), -EEXIST);
	/* Not charged: one page is left of the quota, and only one. */
	cr_assert_eq(map_at(ctx, ioas, buf + PG, PG, 0x200000), 0);
	cr_assert_eq(map_at(ctx, ioas, buf + 2 * PG, PG, 0x300000), -EDQUOT);
	assert_hook(HOOK_DMA_MAP, 4, 3, 1, 0);
	close(ctx);
	policy_unload(p);
	munmap(buf, 3 * PG);
}

/* --- audit -------------------------------------------------------------- */

static uint64_t audit_calls(struct policy *p, uint32_t hook)
{
	uint64_t v;

	cr_assert_eq(bpf_map_lookup_elem(policy_map_fd(p, "audit_calls"),
					 &hook, &v), 0);
	return v;
}

static int trace_has(const char *needle)
{
	char line[512];
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	int n = 0;

	cr_assert(f, "no /sys/kernel/tracing/trace");
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, needle);
	fclose(f);
	return n;
}

Test(policy_audit, every_hook_allowed_counted_and_logged)
{
	struct policy *p;
	struct mock m = mock_new(IOASID_MOCK_PASID);
	int ctx = ioasid_open();
	char *buf = buf_new(PG);
	uint32_t ioas, pasid;

	cr_assert_eq(system("echo > /sys/kernel/tracing/trace"), 0);
	p = policy_load("audit", NULL);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(map_at(ctx, ioas, buf, PG, 0x100000), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), 0);
	cr_assert_eq(dev_attach_pasid(m.fd, ioas, pasid), 0);
	cr_assert_eq(unmap_at(ctx, ioas, 0x100000, PG), 0);
	cr_assert_eq(dev_unbind(m.fd), 0);
	cr_assert_eq(pasid_free(ctx, pasid), 0);

	cr_assert_eq(audit_calls(p, HOOK_DEVICE_ATTACH), 2);
	cr_assert_eq(audit_calls(p, HOOK_PASID_ALLOC), 1);
	cr_assert_eq(audit_calls(p, HOOK_GROUP_VIABLE), 1);
	cr_assert_eq(audit_calls(p, HOOK_DMA_MAP), 1);
	cr_assert_eq(audit_calls(p, HOOK_DMA_UNMAP), 1);
	cr_assert_eq(audit_calls(p, HOOK_DEVICE_BIND), 1);
	cr_assert_eq(audit_calls(p, HOOK_DEVICE_UNBIND), 1);
	cr_assert_eq(audit_calls(p, HOOK_PASID_FREE), 1);
	assert_hook(HOOK_DEVICE_ATTACH, 2, 2, 0, 0);
	assert_hook(HOOK_PASID_ALLOC, 1, 1, 0, 0);
	assert_hook(HOOK_GROUP_VIABLE, 1, 1, 0, 0);
	assert_hook(HOOK_DMA_MAP, 1, 1, 0, 0);
	assert_hook(HOOK_DMA_UNMAP, 1, 0, 0, 0);
	assert_hook(HOOK_DEVICE_BIND, 1, 0, 0, 0);
	assert_hook(HOOK_DEVICE_UNBIND, 1, 0, 0, 0);
	assert_hook(HOOK_PASID_FREE, 1, 0, 0, 0);
	cr_assert_eq(trace_has("ioasid audit: device_attach"), 2);
	cr_assert_eq(trace_has("ioasid audit: pasid_alloc"), 1);
	cr_assert_eq(trace_has("ioasid audit: group_viable"), 1);
	cr_assert_eq(trace_has("ioasid audit: dma_map"), 1);
	cr_assert_eq(trace_has("ioasid audit: dma_unmap"), 1);
	cr_assert_eq(trace_has("ioasid audit: device_bind"), 1);
	cr_assert_eq(trace_has("ioasid audit: device_unbind"), 1);
	cr_assert_eq(trace_has("ioasid audit: pasid_free"), 1);
	policy_unload(p);
	close(m.fd);
	close(ctx);
	munmap(buf, PG);
}

Test(policy_audit, relaxes_nothing_and_quiet_logs_nothing)
{
	struct policy *p;
	struct mock a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int ctx = ioasid_open();

	cr_assert_eq(system("echo > /sys/kernel/tracing/trace"), 0);
	p = policy_load("audit", (struct knob[]){ { "quiet", 1 }, { NULL, 0 } });
	cr_assert_eq(mock_set_driver(b.fd, 1), 0);
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), -EBUSY);
	assert_hook(HOOK_GROUP_VIABLE, 1, 0, 1, 0);
	cr_assert_eq(audit_calls(p, HOOK_GROUP_VIABLE), 1);
	cr_assert_eq(trace_has("ioasid audit:"), 0);
	policy_unload(p);
	close(a.fd);
	close(b.fd);
	close(ctx);
}

/* --- the contract: out-of-contract answers are invalid and refuse ------- */

Test(policy_contract, device_attach_answers)
{
	struct policy *p = policy_load("test:scripted", NULL);
	struct scripted *s = policy_data(p);
	struct mock m = mock_new(IOASID_MOCK_PASID);
	int ctx = ioasid_open();
	uint32_t ioas, pasid;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	s->attach_ret = -EPERM;
	cr_assert_eq(dev_attach(m.fd, ioas), -EPERM);
	s->attach_ret = 7;
	cr_assert_eq(dev_attach(m.fd, ioas), -EPERM);
	s->attach_ret = -EDQUOT;	/* a denial of other hooks, not this */
	cr_assert_eq(dev_attach(m.fd, ioas), -EPERM);
	s->attach_ret = -EBUSY;
	cr_assert_eq(dev_attach_pasid(m.fd, ioas, pasid), -EPERM);
	cr_assert_eq(dev_info(m.fd).out_flags & IOASID_DEVICE_INFO_ATTACHED, 0);
	s->attach_ret = 0;
	cr_assert_eq(dev_attach(m.fd, ioas), 0);
	cr_assert_eq(dev_attach_pasid(m.fd, ioas, pasid), 0);
	assert_hook(HOOK_DEVICE_ATTACH, 6, 2, 1, 3);
	cr_assert_eq(s->last_nr_members, 1);
	policy_unload(p);
	close(m.fd);
	close(ctx);
}

Test(policy_contract, pasid_alloc_answers)
{
	struct policy *p = policy_load("test:scripted", NULL);
	struct scripted *s = policy_data(p);
	int ctx = ioasid_open();
	uint32_t pasid;

	s->pasid_ret = -EDQUOT;
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EDQUOT);
	s->pasid_ret = -EPERM;
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EPERM);
	s->pasid_ret = -ENOSPC;		/* not the policy's to say */
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EPERM);
	s->pasid_ret = 5000;		/* outside the caller's [100, 200] */
	cr_assert_eq(pasid_alloc(ctx, 100, 200, &pasid), -EPERM);
	cr_assert_eq(s->last_pasid_max, 200);
	s->pasid_ret = 1 << 20;		/* outside the PASID space */
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EPERM);
	s->pasid_ret = 150;		/* inside: that one */
	cr_assert_eq(pasid_alloc(ctx, 100, 200, &pasid), 0);
	cr_assert_eq(pasid, 150);
	s->pasid_ret = 0;		/* the kernel picks */
	cr_assert_eq(pasid_alloc(ctx, 100, 200, &pasid), 0);
	cr_assert_eq(pasid, 100);
	assert_hook(HOOK_PASID_ALLOC, 7, 2, 2, 3);

	/* Frees are notified with what the context still owns. */
	cr_assert_eq(pasid_free(ctx, 150), 0);
	cr_assert_eq(s->nr_pasid_free, 1);
	cr_assert_eq(s->last_pasid_owned, 1);
	cr_assert_eq(pasid_free(ctx, 150), -ENOENT);	/* nothing went back */
	cr_assert_eq(s->nr_pasid_free, 1);
	close(ctx);					/* 100 goes back */
	cr_assert_eq(s->nr_pasid_free, 2);
	cr_assert_eq(s->last_pasid_owned, 0);
	assert_hook(HOOK_PASID_FREE, 2, 0, 0, 0);
	policy_unload(p);
}

Test(policy_contract, group_viable_answers_tighten_only)
{
	struct policy *p = policy_load("test:scripted", NULL);
	struct scripted *s = policy_data(p);
	struct mock a = mock_new(0), solo = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int ctx = ioasid_open();

	/* Out of contract on a viable group: the kernel's verdict stands. */
	s->viable_ret = 3;
	cr_assert_eq(dev_bind(solo.fd, ctx, NULL), 0);
	cr_assert_eq(s->last_kernel_viable, 1);
	cr_assert_eq(dev_unbind(solo.fd), 0);
	s->viable_ret = -EPERM;
	cr_assert_eq(dev_bind(solo.fd, ctx, NULL), -EBUSY);
	/* A pretend kernel driver on b: the kernel says not viable. */
	cr_assert_eq(mock_set_driver(b.fd, 1), 0);
	s->viable_ret = 0;	/* relaxing without policy_may_relax=1 */
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), -EBUSY);
	cr_assert_eq(s->last_kernel_viable, 0);
	cr_assert_eq(s->last_nr_members, 2);
	s->viable_ret = -EPERM;
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), -EBUSY);
	cr_assert_eq(mock_set_driver(b.fd, 0), 0);
	s->viable_ret = 0;
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), 0);
	assert_hook(HOOK_GROUP_VIABLE, 5, 1, 2, 2);
	assert_hook(HOOK_DEVICE_BIND, 2, 0, 0, 0);
	assert_hook(HOOK_DEVICE_UNBIND, 1, 0, 0, 0);
	cr_assert_eq(s->nr_bind, 2);
	cr_assert_eq(s->nr_unbind, 1);
	policy_unload(p);
	close(a.fd);
	close(b.fd);
	close(solo.fd);
	close(ctx);
}

Test(policy_contract, dma_map_answers_and_unmap_notifications)
{
	struct policy *p = policy_load("test:scripted", NULL);
	struct scripted *s = policy_data(p);
	int ctx = ioasid_open();
	char *buf = buf_new(4 * PG);
	uint32_t ioas;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	s->map_ret = -EDQUOT;
	cr_assert_eq(map_at(ctx, ioas, buf, PG, 0x100000), -EDQUOT);
	s->map_ret = -EPERM;
	cr_assert_eq(map_at(ctx, ioas, buf, PG, 0x100000), -EPERM);
	s->map_ret = -ENOMEM;
	cr_assert_eq(map_at(ctx, ioas, buf, PG, 0x100000), -EPERM);
	s->map_ret = 1;
	cr_assert_eq(map_at(ctx, ioas, buf, PG, 0x100000), -EPERM);
	cr_assert_eq(test_stats().out_pinned_pages, 0, "nothing pinned");
	s->map_ret = 0;
	cr_assert_eq(map_at(ctx, ioas, buf, 2 * PG, 0x100000), 0);
	cr_assert_eq(map_at(ctx, ioas, buf + 2 * PG, PG, 0x200000), 0);
	cr_assert_eq(s->last_map_length, PG);
	cr_assert_eq(s->last_mapped_bytes, 2 * PG);
	cr_assert_eq(unmap_at(ctx, ioas, 0x100000, PG), 0);
	cr_assert_eq(s->nr_unmap, 1);
	assert_hook(HOOK_DMA_MAP, 6, 2, 2, 2);
	close(ctx);	/* closing unmaps the rest: one notification per IOAS */
	cr_assert_eq(s->nr_unmap, 2);
	assert_hook(HOOK_DMA_UNMAP, 2, 0, 0, 0);
	policy_unload(p);
	munmap(buf, 4 * PG);
}

Test(policy_contract, tenant_totals_are_exact_across_contexts)
{
	struct policy *p = policy_load("test:scripted", NULL);
	struct scripted *s = policy_data(p);
	char *buf = buf_new(8 * PG);
	uint32_t ia, ib, pa, pb, pc;
	int a, b, other = ioasid_open();

	/* Contexts of another cgroup and what they hold count elsewhere. */
	cr_assert_eq(ioas_new(other, &ia), 0);
	cr_assert_eq(map_at(other, ia, buf, 4 * PG, 0x100000), 0);
	cr_assert_eq(pasid_alloc(other, 0, 0, &pa), 0);
	cgroup_enter("ioasid-tenant-totals");
	a = ioasid_open();
	b = ioasid_open();
	cgroup_leave("ioasid-tenant-totals");
	cr_assert_eq(ioas_new(a, &ia), 0);
	cr_assert_eq(ioas_new(b, &ib), 0);

	cr_assert_eq(map_at(a, ia, buf, 2 * PG, 0x100000), 0);
	cr_assert_eq(s->last_tenant_mapped, 0);
	cr_assert_eq(s->last_mapped_bytes, 0);
	cr_assert_eq(map_at(b, ib, buf, PG, 0x100000), 0);
	cr_assert_eq(s->last_tenant_mapped, 2 * PG, "a's 2 pages");
	cr_assert_eq(s->last_mapped_bytes, 0, "b's own count");
	/* Refused by the policy, then by the kernel: neither is counted. */
	s->map_ret = -EDQUOT;
	cr_assert_eq(map_at(b, ib, buf, PG, 0x200000), -EDQUOT);
	s->map_ret = 0;
	cr_assert_eq(map_at(b, ib, buf, PG, 0x100000), -EEXIST);
	cr_assert_eq(map_at(b, ib, buf, PG, 0x200000), 0);
	cr_assert_eq(s->last_tenant_mapped, 3 * PG);
	/* An unmap tells the total before it. */
	cr_assert_eq(unmap_at(b, ib, 0x200000, PG), 0);
	cr_assert_eq(s->last_tenant_mapped, 4 * PG);
	/* Closing a gives its 2 pages back. */
	cr_assert_eq(pasid_alloc(a, 0, 0, &pa), 0);
	cr_assert_eq(s->last_tenant_pasids, 0);
	cr_assert_eq(pasid_alloc(b, 0, 0, &pb), 0);
	cr_assert_eq(s->last_tenant_pasids, 1, "a's PASID");
	close(a);
	cr_assert_eq(s->last_tenant_pasids, 1, "b's left, after a's free");
	cr_assert_eq(map_at(b, ib, buf, PG, 0x300000), 0);
	cr_assert_eq(s->last_tenant_mapped, PG, "b's one page");
	/* A PASID the policy refuses is not counted. */
	s->pasid_ret = -EDQUOT;
	cr_assert_eq(pasid_alloc(b, 0, 0, &pc), -EDQUOT);
	s->pasid_ret = 0;
	cr_assert_eq(pasid_alloc(b, 0, 0, &pc), 0);
	cr_assert_eq(s->last_tenant_pasids, 1);
	cr_assert_eq(pasid_free(b, pc), 0);
	cr_assert_eq(s->last_tenant_pasids, 1);
	policy_unload(p);
	close(b);
	close(other);
	munmap(buf, 8 * PG);
}

Test(policy_contract, edu_answers_on_a_real_group)
{
	struct policy *p;
	struct scripted *s;
	int f, ctx = ioasid_open();
	uint32_t ioas;

	edu_release_all();
	f = edu_open(edu_shared(0).bdf);
	p = policy_load("test:scripted", NULL);
	s = policy_data(p);
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(f, ctx, NULL), 0);
	cr_assert_eq(s->last_nr_members, 3);
	s->attach_ret = 42;
	cr_assert_eq(dev_attach(f, ioas), -EPERM);
	s->attach_ret = 0;
	cr_assert_eq(dev_attach(f, ioas), 0);
	assert_hook(HOOK_DEVICE_ATTACH, 2, 1, 0, 1);
	assert_hook(HOOK_GROUP_VIABLE, 1, 1, 0, 0);
	policy_unload(p);
	close(f);
	close(ctx);
	edu_release_all();
}

/* --- life cycle: replace under load, unload while attached, rmmod ------- */

#define REPLACES 12

Test(policy_lifecycle, replace_while_devices_attach_and_detach)
{
	static const int32_t answers[] = { 0, -EPERM, 7, -EDQUOT };
	struct policy *cur, *next;
	struct mock m = mock_new(0);
	int ctx = ioasid_open(), pipefd[2], status;
	long counts[3] = { 0 };	/* attached, -EPERM, anything else */
	uint32_t ioas;
	pid_t child;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(pipe(pipefd), 0);
	cur = policy_load("singleton", NULL);

	child = fork();
	cr_assert_geq(child, 0);
	if (!child) {
		long c[3] = { 0 };
		int stop = 0;

		close(pipefd[0]);
		/* Until the parent closes our stdin-like pipe: see below. */
		while (!stop) {
			int rc = dev_attach(m.fd, ioas);

			if (rc == 0)
				c[0]++, rc = dev_detach(m.fd) ? 1000 : 0;
			else if (rc == -EPERM)
				c[1]++;
			else
				c[2]++;
			if (rc == 1000)
				c[2]++;
			stop = getppid() == 1 || access("/run/ioasid-replace-done",
							F_OK) == 0;
		}
		if (write(pipefd[1], c, sizeof(c)) != sizeof(c))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	unlink("/run/ioasid-replace-done");

	/* Cycle through policies answering allow, deny and nonsense. */
	for (int i = 0; i < REPLACES; i++) {
		if (i % 5 == 4) {
			next = policy_open("minimal", NULL);	/* no attach hook */
		} else {
			next = policy_open("test:scripted", NULL);
			((struct scripted *)policy_data(next))->attach_ret =
				answers[i % 4];
		}
		cr_assert_eq(policy_replace(cur, next), 0, "replace %d", i);
		/* The link now runs @next: hand it over. */
		next->link = cur->link;
		cur->link = NULL;
		policy_close(cur);
		cur = next;
		usleep(20000);
	}
	cr_assert_eq(close(open("/run/ioasid-replace-done",
				O_CREAT | O_WRONLY, 0600)), 0);
	cr_assert_eq(read(pipefd[0], counts, sizeof(counts)), sizeof(counts));
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink("/run/ioasid-replace-done");
	policy_unload(cur);

	cr_assert_eq(counts[2], 0, "attach or detach gave another errno");
	cr_assert_gt(counts[0], 0, "never attached");
	cr_assert_gt(counts[1], 0, "never refused");
	cr_assert_eq(dev_info(m.fd).out_flags & IOASID_DEVICE_INFO_ATTACHED, 0);
	close(m.fd);
	close(ctx);
}

Test(policy_lifecycle, unload_leaves_attachments_later_attaches_use_defaults)
{
	struct policy *p = policy_load("singleton", NULL);
	struct mock solo = mock_new(0), a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int ctx = ioasid_open();
	uint32_t ioas;

	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(dev_bind(solo.fd, ctx, NULL), 0);
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(solo.fd, ioas), 0);
	cr_assert_eq(dev_attach(a.fd, ioas), -EPERM);
	policy_unload(p);
	/* What the policy allowed stays. */
	cr_assert_eq(dev_info(solo.fd).out_ioas_id, ioas);
	cr_assert_eq(dev_info(solo.fd).out_flags & IOASID_DEVICE_INFO_ATTACHED,
		     IOASID_DEVICE_INFO_ATTACHED);
	/* What it refused is now the kernel's call: allowed. */
	cr_assert_eq(dev_attach(a.fd, ioas), 0);
	cr_assert_eq(dev_detach(solo.fd), 0);
	cr_assert_eq(dev_attach(solo.fd, ioas), 0);
	close(a.fd);
	close(b.fd);
	close(solo.fd);
	close(ctx);
}

static long module_refcnt(void)
{
	FILE *f = fopen("/sys/module/ioasid/refcnt", "r");
	long n = -1;

	cr_assert(f, "ioasid is not loaded");
	cr_assert_eq(fscanf(f, "%ld", &n), 1);
	fclose(f);
	return n;
}

/*
 * The module's reference count once it settles: a closed policy's maps
 * drop their module reference after an RCU grace period.
 */
static long module_refcnt_settled(void)
{
	long n;

	for (int i = 0; i < 300 && (n = module_refcnt()) != 0; i++)
		usleep(10000);
	return n;
}

Test(policy_lifecycle, rmmod_is_refused_while_a_policy_is_attached)
{
	struct policy *p;
	long before = module_refcnt_settled();

	/* Nothing of ours holds the module: only the policy will. */
	cr_assert_eq(before, 0, "module in use before the test (%ld)", before);
	p = policy_load("minimal", NULL);
	cr_assert_gt(module_refcnt(), 0);
	cr_assert_eq(syscall(SYS_delete_module, "ioasid", O_NONBLOCK), -1);
	cr_assert_eq(errno, EWOULDBLOCK);
	/* Still there and working, policy included. */
	cr_assert_eq(access("/sys/module/ioasid", F_OK), 0);
	int ctx = ioasid_open();
	uint32_t pasid;

	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), -EDQUOT);
	close(ctx);
	policy_unload(p);
	cr_assert_eq(module_refcnt_settled(), 0);
}
