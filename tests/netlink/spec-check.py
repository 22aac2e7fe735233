#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the netlink spec and the uAPI header describe the same family.

    tests/netlink/spec-check.py SPEC HEADER [SCHEMA]

SPEC is docs/netlink/ioasid.yaml, HEADER include/uapi/linux/ioasid_netlink.h,
SCHEMA the kernel's Documentation/netlink/genetlink-legacy.yaml (the spec is
validated against it when given).  Every C name the spec implies (commands,
attributes of every set, enum entries, family name, version, multicast group)
must exist in the header with the same value, which the C compiler computes
from the header; every enumerator of the header's enums must be in the spec;
and each attribute's type must be the one its kernel-doc line in the header
names ("@IOASID_NL_A_CTX_ID: u32, ...").  Prints one line per disagreement
and exits 1 if there is any, 0 otherwise.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

# Spec attribute type -> the first word of the header's kernel-doc line.
DOC_TYPE = {
    'pad': 'padding', 'flag': 'flag', 'nest': 'nested', 'string': 'string',
    'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64',
    's8': 's8', 's16': 's16', 's32': 's32', 's64': 's64',
}


def c_name(*parts):
    return ''.join(parts).upper().replace('-', '_')


def spec_names(spec):
    """{C enum name: {C enumerator: value}}, attribute types, and strings."""
    enums = {}
    types = {}
    for d in spec.get('definitions', []):
        if d['type'] != 'enum':
            continue
        val = d.get('value-start', 0)
        ent = enums.setdefault(c_name(d['enum-name']), {})
        for e in d['entries']:
            name = e if isinstance(e, str) else e['name']
            if not isinstance(e, str) and 'value' in e:
                val = e['value']
            ent[c_name(d['name-prefix'], name)] = val
            val += 1
    sets = {s['name']: s for s in spec['attribute-sets']}
    for s in spec['attribute-sets']:
        if 'subset-of' in s:
            for a in s['attributes']:
                if a['name'] not in {x['name'] for x in sets[s['subset-of']]['attributes']}:
                    raise SystemExit(f"set {s['name']}: {a['name']} not in {s['subset-of']}")
            continue
        ent = enums.setdefault(c_name(s['enum-name']) if s.get('enum-name') else None, {})
        val = 1
        for a in s['attributes']:
            if 'value' in a:
                val = a['value']
            cn = c_name(s['name-prefix'], a['name'])
            if cn in ent and ent[cn] != val:
                raise SystemExit(f"{cn}: two values in the spec ({ent[cn]}, {val})")
            ent[cn] = val
            if a['type'] != 'unused':
                types[cn] = a['type']
            val += 1
    ops = spec['operations']
    ent = enums.setdefault(c_name(ops['enum-name']), {})
    val = 1
    for o in ops['list']:
        if 'value' in o:
            val = o['value']
        ent[c_name(ops['name-prefix'], o['name'])] = val
        val += 1
    strings = {
        c_name(spec['c-family-name']): spec['name'],
        c_name(spec['c-family-name'].replace('-name', '-mcgrp-') +
               spec['mcast-groups']['list'][0]['name']):
            spec['mcast-groups']['list'][0]['name'],
    }
    ints = {c_name(spec['c-version-name']): spec['version']}
    return enums, types, strings, ints


def header_enums(text):
    """{C enum name: [enumerators]} as written in the header (no __*, *_MAX)."""
    out = {}
    for m in re.finditer(r'^enum (\w+) \{(.*?)^\};', text, re.M | re.S):
        names = re.findall(r'^\s*([A-Z][A-Z0-9_]*)\b', m.group(2), re.M)
        out[m.group(1).upper()] = [n for n in names if not n.endswith('_MAX')]
    return out


def header_doc_types(text):
    """{attribute: first word of its kernel-doc description}."""
    body = re.search(r'enum ioasid_nl_attr - .*?\*/', text, re.S).group(0)
    return dict(re.findall(r'@(IOASID_NL_A_\w+): (\w+)', body))


def c_values(header, ints, strings):
    """Values of the names, computed by the C compiler from the header."""
    src = ['#include <stdio.h>', f'#include "{os.path.abspath(header)}"',
           'int main(void) {']
    for n in ints:
        src.append(f'printf("%s=%lld\\n", "{n}", (long long){n});')
    for n in strings:
        src.append(f'printf("%s=%s\\n", "{n}", {n});')
    src.append('return 0; }')
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, 'v.c')
        exe = os.path.join(tmp, 'v')
        with open(c, 'w') as f:
            f.write('\n'.join(src) + '\n')
        cc = subprocess.run([os.environ.get('CC', 'cc'), '-Wall', '-Werror',
                             '-o', exe, c], capture_output=True, text=True)
        if cc.returncode:
            # An undeclared name is a disagreement: say which.
            for m in re.finditer(r"[\u2018'](\w+)[\u2019'] undeclared", cc.stderr):
                print(f'{m.group(1)}: in the spec, not in the header')
            print(cc.stderr, file=sys.stderr)
            sys.exit(1)
        run = subprocess.run([exe], capture_output=True, text=True, check=True)
    return dict(line.split('=', 1) for line in run.stdout.splitlines())


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    spec_path, header = sys.argv[1:3]
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    if len(sys.argv) == 4:
        import jsonschema
        with open(sys.argv[3]) as f:
            jsonschema.validate(spec, yaml.safe_load(f))
    with open(header) as f:
        text = f.read()

    enums, types, strings, ints = spec_names(spec)
    # Sets without an enum of their own (the nests' sets) still name
    # enumerators of the header, whose values must match.
    nests = enums.pop(None, {})
    want = dict(ints)
    for ent in enums.values():
        want.update(ent)
    got = c_values(header, list(want) + list(nests), strings)

    bad = []
    for n, v in list(want.items()) + list(nests.items()):
        if int(got[n]) != v:
            bad.append(f'{n}: spec says {v}, header says {got[n]}')
    for n, v in strings.items():
        if got[n] != v:
            bad.append(f'{n}: spec says "{v}", header says "{got[n]}"')
    hdr = header_enums(text)
    for e, names in enums.items():
        if e not in hdr:
            bad.append(f'enum {e.lower()}: in the spec, not in the header')
            continue
        for n in hdr[e]:
            if n not in names:
                bad.append(f'{n}: in the header, not in the spec')
    for e in hdr:
        if e not in enums:
            bad.append(f'enum {e.lower()}: in the header, not in the spec')
    doc = header_doc_types(text)
    for n, t in types.items():
        if doc.get(n) != DOC_TYPE.get(t, t):
            bad.append(f'{n}: spec type {t}, header kernel-doc says {doc.get(n)}')
    for line in bad:
        print(line)
    n = sum(len(v) for v in enums.values())
    print(f'{spec_path}: {n} enumerators, {len(types)} attribute types, '
          f'{len(bad)} disagreements with {header}', file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
