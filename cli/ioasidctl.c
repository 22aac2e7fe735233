// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidctl: load ioasid isolation policies and inspect live objects.
 *
 *   ioasidctl [-j|--json] [-p|--pretty] OBJECT COMMAND [ARGS]
 *
 * Options may also follow the command ("ioasidctl ctx list -j").
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ioasidctl.h"

bool json_output;
bool pretty_output;

int err(const char *fmt, ...)
{
	va_list ap;

	fputs("ioasidctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERR;
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ioasidctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ioasidctl help'.\n", stderr);
	return EXIT_USAGE;
}

void emit_json(json_t *v)
{
	size_t flags = pretty_output ? JSON_INDENT(2) : JSON_COMPACT;

	json_dumpf(v, stdout, flags | JSON_ENCODE_ANY);
	fputc('\n', stdout);
	json_decref(v);
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
		if (!strcmp(c->name, argv[0]))
			return c->fn(argc, argv);
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
	return match->fn(argc, argv);
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
	{ "policy", cmd_policy, "{ load | replace | unload | show | list } ...",
	  "manage the active isolation policy" },
	{ "ctx", cmd_ctx, "list", "open /dev/ioasid contexts" },
	{ "ioas", cmd_ioas, "{ list [CTX] | show CTX:IOAS }",
	  "I/O address spaces and their mappings" },
	{ "device", cmd_device, "{ list | show DEV }",
	  "devices managed by ioasid.ko" },
	{ "group", cmd_group, "{ list | show ID }",
	  "IOMMU groups: members and viability" },
	{ "pasid", cmd_pasid, "list", "allocated PASIDs and their owners" },
	{ "monitor", cmd_monitor, "[--count N]",
	  "print object changes and policy decisions as they happen" },
	{ "version", cmd_version, "", "print the version" },
	{ "help", cmd_help, "", "print this help" },
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
static bool debug_output;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	if (!debug_output)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * -j/-p/-d may also come after the command ("ioasidctl ctx list -j"): take
 * them out wherever they are.  No command has an argument spelled so.
 */
static int strip_output_options(int argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			json_output = true;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty") ||
			   !strcmp(a, "-jp") || !strcmp(a, "-pj")) {
			json_output = pretty_output = true;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--debug")) {
			debug_output = true;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	int c;

	/* '+': options end at the first non-option, the object name. */
	while ((c = getopt_long(argc, argv, "+jpdhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = pretty_output = true;
			break;
		case 'd':
			debug_output = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return cmd_version(1, argv);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	argc = strip_output_options(argc, argv);
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (getenv("LIBBPF_DEBUG"))
		debug_output = true;
	libbpf_set_print(libbpf_print);
	return run_subcommand("", top_cmds, argc, argv);
}
