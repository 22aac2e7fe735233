// SPDX-License-Identifier: GPL-2.0
/* The policies compiled into ioasidctl (generated table, see Makefile). */
#include <string.h>

#include "ioasidctl.h"
#include "bundled.h"

const struct bundled_policy bundled_policies[] = { IOASID_BUNDLED_POLICIES };
const size_t nr_bundled_policies =
	sizeof(bundled_policies) / sizeof(bundled_policies[0]);

const struct bundled_policy *bundled_policy_find(const char *name)
{
	for (size_t i = 0; i < nr_bundled_policies; i++)
		if (!strcmp(bundled_policies[i].name, name))
			return &bundled_policies[i];
	return NULL;
}
