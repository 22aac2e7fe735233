/* SPDX-License-Identifier: GPL-2.0 */
/* ioasidctl: shared declarations of the command-line tool. */
#ifndef IOASIDCTL_H
#define IOASIDCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes: 0 success, 1 error (one-line reason on stderr), 2 usage. */
enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

/* Where loaded policies live in bpffs. */
#define IOASID_BPFFS_DIR	"/sys/fs/bpf/ioasid"
#define IOASID_POLICY_PIN	IOASID_BPFFS_DIR "/policy"
/* The maps of the loaded policy, for operators (bpftool map ... pinned). */
#define IOASID_MAPS_DIR		IOASID_BPFFS_DIR "/maps"

/* Global options. */
extern bool json_output;
extern bool pretty_output;

/* One command of the tree: "policy load", "ctx list", ... */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* usage synopsis of the arguments */
	const char *help;	/* one line */
};

int run_subcommand(const char *group, const struct cmd *cmds, int argc,
		   char **argv);

/* Errors: print "ioasidctl: <reason>" and return EXIT_ERR / EXIT_USAGE. */
int err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output: commands build a jansson value; emit() prints it as JSON. */
void emit_json(json_t *v);

/* Bundled policies (bundled.c). */
struct bundled_policy {
	const char *name;
	const char *description;
	const unsigned char *start;	/* the .bpf.o, compiled in */
	const unsigned char *end;
};
extern const struct bundled_policy bundled_policies[];
extern const size_t nr_bundled_policies;
const struct bundled_policy *bundled_policy_find(const char *name);

/* Command groups. */
int cmd_policy(int argc, char **argv);
int cmd_ctx(int argc, char **argv);
int cmd_ioas(int argc, char **argv);
int cmd_device(int argc, char **argv);
int cmd_group(int argc, char **argv);
int cmd_pasid(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_policy_show(int argc, char **argv);	/* inspect.c */

#endif /* IOASIDCTL_H */
