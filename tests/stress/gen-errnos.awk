#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# The errnos include/uapi/linux/ioasid.h documents, per struct: every
# -EXXX named in the kernel-doc comment of "struct NAME", and, as
# DOC_COMMON, those its conventions call common to every ioctl.
# ioasid-stress classifies every result against these lists, so they
# follow the header by construction: an errno the header does not name
# for an ioctl is a violation.
#
#   awk -f gen-errnos.awk include/uapi/linux/ioasid.h >errnos.h
#
# Output: "#define DOC_<struct> EA, EB, " (each list ends with a comma).

function errnos(text,    out, seen, tok) {
	out = ""
	while (match(text, /-E[A-Z0-9]+/)) {
		tok = substr(text, RSTART + 1, RLENGTH - 1)
		text = substr(text, RSTART + RLENGTH)
		if (!(tok in seen)) {
			seen[tok] = 1
			out = out tok ", "
		}
	}
	return out
}

BEGIN {
	print "/* Generated from include/uapi/linux/ioasid.h by gen-errnos.awk. */"
}

/^\/\*/ {
	incomment = 1
	text = ""
	name = ""
}

incomment && /^ \* struct [a-z0-9_]+ - / {
	name = $3
}

incomment {
	text = text " " $0
}

incomment && /\*\// {
	incomment = 0
	if (name != "")
		printf "#define DOC_%s %s\n", name, errnos(text)
	if (text ~ /Errnos common to every ioctl/) {
		sub(/.*Errnos common to every ioctl/, "", text)
		printf "#define DOC_COMMON %s\n", errnos(text)
	}
}
