#!/usr/bin/python3
"""The router's files call downward only, and no files of the core call each other
(issue 15).

    test-layers.py NM LIBRARY SOURCE_DIR

Reads the file-level call graph of src/core/portier-router*.c from the objects in
LIBRARY (the core's static library): a file calls another when one of its undefined
symbols is defined there. Each file has its layer below; a file may call only files of
a lower layer. Fails when a file calls one of its own layer or above, when two files
call each other (also in the ways round the map), or when a router file is missing
from the map (a new file needs its place). The router's headers in SOURCE_DIR (the
core's sources) are held to the same order: a file or header includes no header of a
layer above its own. TAP output.
"""
import os
import re
import subprocess
import sys

# Bottom first. A file calls only files of the layers before its own.
LAYERS = [
    # the values: mappings, pinholes, owners, refusals, names, address classes, error
    # tables
    ['portier-router-types.c'],
    # the interface: its GType and its calls, which the implementations register with
    ['portier-router.c'],
    # the one worker thread every blocking call runs on
    ['portier-router-worker.c'],
    # this computer's side of the network, and where a router may live
    ['portier-router-local-net.c'],
    # the SSDP search
    ['portier-router-ssdp.c'],
    # what a router is: its device description, the remembered router, the hop after it
    ['portier-router-discover.c'],
    # what both implementations' tasks share
    ['portier-router-task.c'],
    # the two implementations
    ['portier-router-upnp.c', 'portier-router-natpmp.c'],
    # finding the router of this network: remembered, SSDP, then NAT-PMP
    ['portier-router-find.c'],
    # what uses a router
    ['portier-router-forward.c', 'portier-router-keeper.c'],
    # the guide's router families, and which router this is
    ['portier-router-family.c'],
    ['portier-router-identity.c'],
]

ALL = object()
ROUTER_FILE = re.compile(r'^portier-router[a-z0-9-]*\.c$')
ROUTER_SOURCE = re.compile(r'^portier-router[a-z0-9-]*\.[ch]$')
INCLUDE = re.compile(r'^#include "(portier-router[a-z0-9-]*\.h)"', re.MULTILINE)
# Headers that are not a file's own: the public one (the values and the facade, which
# every layer names), and the one of the two implementations.
HEADER_FILE = {
    'portier-router.h': None,
    'portier-router-private.h': 'portier-router-upnp.c',
}


def header_file(header):
    """The file whose layer a header belongs to (None: every layer may include it)."""
    if header in HEADER_FILE:
        return HEADER_FILE[header]
    return re.sub(r'(-private)?\.h$', '.c', header)


def read_includes(source_dir):
    """{file or header: [router headers it includes]}"""
    includes = {}
    for name in sorted(os.listdir(source_dir)):
        if ROUTER_SOURCE.match(name):
            with open(os.path.join(source_dir, name), encoding='utf-8') as f:
                includes[name] = INCLUDE.findall(f.read())
    return includes


def read_graph(nm, library, pattern=None):
    """{file: {called file: [symbols]}} for the files whose names match @pattern (the
    router's by default, every file with None given as ALL), and the set of files."""
    if pattern is None:
        pattern = ROUTER_FILE
    out = subprocess.run([nm, '-A', library], capture_output=True, text=True,
                         check=True).stdout
    defined = {}
    undefined = {}
    files = set()
    for line in out.splitlines():
        # library:member.c.o:[address] TYPE symbol
        parts = line.rsplit(':', 1)
        if len(parts) != 2:
            continue
        member = os.path.basename(parts[0].split(':', 1)[-1])
        fields = parts[1].split()
        if len(fields) < 2 or not member.endswith('.c.o'):
            continue
        name = member[:-len('.o')]
        if pattern is not ALL and not pattern.match(name):
            continue
        files.add(name)
        kind, symbol = fields[-2], fields[-1]
        if kind == 'U':
            undefined.setdefault(name, set()).add(symbol)
        elif kind.isupper():
            defined[symbol] = name
    graph = {name: {} for name in files}
    for name, symbols in undefined.items():
        for symbol in sorted(symbols):
            where = defined.get(symbol)
            if where is not None and where != name:
                graph[name].setdefault(where, []).append(symbol)
    return files, graph


def circles(graph):
    """The strongly connected groups of more than one file (Tarjan)."""
    index = {}
    low = {}
    stack = []
    on_stack = set()
    found = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main(argv):
    nm, library, source_dir = argv[1], argv[2], argv[3]
    files, graph = read_graph(nm, library)
    layer_of = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    checks = []

    if not files:
        checks.append((False, f'{library} holds router objects', []))

    groups = circles(graph)
    notes = []
    for group in groups:
        for name in group:
            for other in group:
                if other in graph[name]:
                    notes.append(f'{name} calls {other}: ' + ' '.join(graph[name][other]))
    checks.append((not groups, 'no two router files call each other, directly or round a '
                   'circle' + ''.join(f' [{" ".join(g)}]' for g in groups), notes))

    for name in sorted(layer_of):
        if name not in files:
            checks.append((False, f'{name} of the layer map is built', []))

    for name in sorted(files):
        if name not in layer_of:
            checks.append((False, f'{name} has a place in the layer map', []))
            continue
        upward = [f'calls {other} (layer {layer_of.get(other, "?")}, its own is '
                  f'{layer_of[name]}): ' + ' '.join(symbols)
                  for other, symbols in sorted(graph[name].items())
                  if layer_of.get(other, len(LAYERS)) >= layer_of[name]]
        below = ', '.join(sorted(graph[name])) or 'nothing'
        checks.append((not upward, f'{name} calls only lower layers ({below})', upward))

    # Not only the router's: no two files of the core call each other anywhere (the
    # firewall's ways and their facade, the guide's gateway page and router identity,
    # the opener and its steps were such pairs once).
    all_files, all_graph = read_graph(nm, library, ALL)
    groups = circles(all_graph)
    notes = []
    for group in groups:
        for name in group:
            for other in group:
                if other in all_graph[name]:
                    notes.append(f'{name} calls {other}: ' + ' '.join(all_graph[name][other]))
    checks.append((bool(all_files) and not groups,
                   f'no two of the core\'s {len(all_files)} files call each other, directly '
                   'or round a circle' + ''.join(f' [{" ".join(g)}]' for g in groups), notes))

    includes = read_includes(source_dir)
    if not includes:
        checks.append((False, f'{source_dir} holds the router\'s sources', []))
    for name, headers in sorted(includes.items()):
        own = header_file(name) if name.endswith('.h') else name
        if own is None:
            continue
        if own not in layer_of:
            checks.append((False, f'{name} has a place in the layer map', []))
            continue
        upward = [f'includes {header} (layer {layer_of.get(header_file(header), "?")}, its '
                  f'own is {layer_of[own]})'
                  for header in headers
                  if header_file(header) is not None and
                  layer_of.get(header_file(header), len(LAYERS)) > layer_of[own]]
        checks.append((not upward, f'{name} includes no header of a higher layer', upward))

    print(f'1..{len(checks)}')
    failed = 0
    for number, (passed, title, notes) in enumerate(checks, 1):
        print(f'{"ok" if passed else "not ok"} {number} - {title}')
        for note in notes:
            print(f'# {note}')
        failed += not passed
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
