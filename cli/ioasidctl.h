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

/* One --set VAR=VALUE of policy load/replace. */
struct knob {
	const char *name;
	const char *value;
};

/*
 * The options, parsed once for the whole command line (they may stand
 * anywhere in it, before or after the command): the output options and
 * those of a command (--set of policy load/replace, --count of monitor).
 * A command given one it does not take refuses it.
 */
struct options {
	bool json;
	bool pretty;
	bool debug;
	struct knob *knobs;
	int nr_knobs;
	unsigned long count;	/* 0: not given */
};
extern struct options opt;
#define json_output	(opt.json)
#define pretty_output	(opt.pretty)



/* The options a command takes, beyond the output ones. */
enum {
	OPT_SET = 1 << 0,	/* --set VAR=VALUE */
	OPT_COUNT = 1 << 1,	/* --count N */
};

/*
 * One node of the command tree: an object ("ctx") whose commands are
 * @sub, or a command ("list") that @fn runs with argv[0] its name.
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* usage synopsis of the arguments */
	const char *help;	/* one line */
	unsigned int options;	/* OPT_* */
	const struct cmd *sub;
};

int run_subcommand(const char *group, const struct cmd *cmds, int argc,
		   char **argv);

/*
 * Errors: print "ioasidctl: <reason>" on stderr (with -j: {"error":
 * "<reason>"} on stdout, as bpftool does) and return EXIT_ERR / EXIT_USAGE.
 */
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

/* The objects' commands (policy.c, inspect.c), and monitor (monitor.c). */
extern const struct cmd policy_cmds[];
extern const struct cmd ctx_cmds[];
extern const struct cmd ioas_cmds[];
extern const struct cmd device_cmds[];
extern const struct cmd group_cmds[];
extern const struct cmd pasid_cmds[];
int cmd_monitor(int argc, char **argv);
int cmd_policy_show(int argc, char **argv);	/* inspect.c */

#endif /* IOASIDCTL_H */
