// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidctl: load ioasid isolation policies and inspect live objects.
 *
 *   ioasidctl [-j|--json] [-p|--pretty] OBJECT COMMAND [ARGS]
 *
 * Options may stand anywhere ("ioasidctl ctx list -j"): they are parsed
 * once, here.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ioasidctl.h"

struct options opt;

/* One error line, as text on stderr or as JSON on stdout. */
static void report(const char *hint, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (opt.json) {
		emit_json(json_pack("{s:s}", "error", msg));
		return;
	}
	fprintf(stderr, "ioasidctl: %s\n%s", msg, hint);
}

int err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
	return EXIT_ERR;
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("Try 'ioasidctl help'.\n", fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void emit_json(json_t *v)
{
	size_t flags = pretty_output ? JSON_INDENT(2) : JSON_COMPACT;

	json_dumpf(v, stdout, flags | JSON_ENCODE_ANY);
	fputc('\n', stdout);
	json_decref(v);
}

/* Usage error unless @c takes every option that was given. */
static int check_options(const char *group, const struct cmd *c)
{
	const char *sep = *group ? " " : "";

	if (opt.nr_knobs && !(c->options & OPT_SET))
		return usage_err("%s%s%s takes no --set", group, sep, c->name);
	if (opt.count && !(c->options & OPT_COUNT))
		return usage_err("%s%s%s takes no --count", group, sep, c->name);
	return 0;
}

/*
 * Dispatch "GROUP NAME ARGS..." to the matching command; argv[0] is NAME.
 * Unique prefixes work, as in iproute2 and bpftool.
 */
int run_subcommand(const char *group, const struct cmd *cmds, int argc,
		   char **argv)
{
	const struct cmd *match = NULL;
	size_t len;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		fprintf(argc < 1 ? stderr : stdout, "Usage:\n");
		for (const struct cmd *c = cmds; c->name; c++)
			fprintf(argc < 1 ? stderr : stdout,
				"  ioasidctl %s %s%s%s\n      %s\n", group,
				c->name, c->args[0] ? " " : "", c->args,
				c->help);
		return argc < 1 ? EXIT_USAGE : EXIT_OK;
	}
	len = strlen(argv[0]);
	for (const struct cmd *c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[0])) {
			match = c;
			break;
		}
		if (!strncmp(c->name, argv[0], len)) {
			if (match)
				return usage_err("ambiguous command '%s%s%s'",
						 group, *group ? " " : "",
						 argv[0]);
			match = c;
		}
	}
	if (!match)
		return usage_err("unknown command '%s%s%s'", group,
				 *group ? " " : "", argv[0]);
	if (match->sub)
		return run_subcommand(match->name, match->sub, argc - 1,
				      argv + 1);
	return check_options(group, match) ?: match->fn(argc, argv);
}

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return usage_err("version takes no arguments");
	if (json_output) {
		json_t *o = json_pack("{s:s, s:s}", "version", IOASIDCTL_VERSION,
				      "libbpf", libbpf_version_string());

		emit_json(o);
	} else {
		printf("ioasidctl %s\nlibbpf %s\n", IOASIDCTL_VERSION,
		       libbpf_version_string());
	}
	return EXIT_OK;
}

static int cmd_help(int argc, char **argv);

static const struct cmd top_cmds[] = {
	{ "policy", NULL, "{ load | replace | unload | show | list } ...",
	  "manage the active isolation policy", 0, policy_cmds },
	{ "ctx", NULL, "list", "open /dev/ioasid contexts", 0, ctx_cmds },
	{ "ioas", NULL, "{ list [CTX] | show CTX:IOAS }",
	  "I/O address spaces and their mappings", 0, ioas_cmds },
	{ "device", NULL, "{ list | show DEV }",
	  "devices managed by ioasid.ko", 0, device_cmds },
	{ "group", NULL, "{ list | show ID }",
	  "IOMMU groups: members and viability", 0, group_cmds },
	{ "pasid", NULL, "list", "allocated PASIDs and their owners", 0,
	  pasid_cmds },
	{ "monitor", cmd_monitor, "[--count N]",
	  "print object changes and policy decisions as they happen",
	  OPT_COUNT, NULL },
	{ "version", cmd_version, "", "print the version", 0, NULL },
	{ "help", cmd_help, "", "print this help", 0, NULL },
	{ 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ioasidctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"Options:\n"
		"  -j, --json     JSON output\n"
		"  -p, --pretty   pretty-printed JSON output (implies -j)\n"
		"  -d, --debug    show libbpf's messages (and the verifier's log)\n"
		"  -h, --help     this help\n"
		"  -V, --version  print the version\n"
		"Objects:\n");
	for (const struct cmd *c = top_cmds; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->help);
	fprintf(f, "See ioasidctl(8).\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

/*
 * libbpf's own messages are noise next to ioasidctl's one-line reasons;
 * -d (or LIBBPF_DEBUG=1) shows them all, the verifier's log included.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	if (!opt.debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* --set VAR=VALUE, kept for policy load/replace. */
static int add_knob(char *arg, int room)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return usage_err("--set wants VAR=VALUE, not '%s'", arg);
	if (!opt.knobs) {
		opt.knobs = calloc(room, sizeof(*opt.knobs));
		if (!opt.knobs)
			return err("out of memory");
	}
	*eq = '\0';
	opt.knobs[opt.nr_knobs++] = (struct knob){ arg, eq + 1 };
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "set", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ 0 }
	};
	char *end;
	int c, rc;

	/* Permuting: options may stand anywhere, "--" ends them. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jpdhVs:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt.json = true;
			break;
		case 'p':
			opt.json = opt.pretty = true;
			break;
		case 'd':
			opt.debug = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return cmd_version(1, argv);
		case 's':
			rc = add_knob(optarg, argc);
			if (rc)
				return rc;
			break;
		case 'c':
			opt.count = strtoul(optarg, &end, 0);
			if (*end || !opt.count)
				return usage_err("--count needs a positive number");
			break;
		case ':':
			return usage_err("option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (getenv("LIBBPF_DEBUG"))
		opt.debug = true;
	libbpf_set_print(libbpf_print);
	return run_subcommand("", top_cmds, argc, argv);
}
