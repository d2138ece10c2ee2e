#!/usr/bin/python3
"""The copy of the IEEE registry's router vendors in data/guide (what the Flatpak build
makes the guide's vendor table from) matches the registry installed here.

    test-oui-fallback.py SOURCE_ROOT REGISTRY

Skipped when REGISTRY (Debian: ieee-data) is not installed. When it fails, the registry
changed: refresh the copy with `ninja -C build portier-oui-fallback`. TAP output.
"""
import os
import subprocess
import sys
import tempfile


def main(argv):
    source_root, registry = argv[1], argv[2]
    guide = os.path.join(source_root, 'data', 'guide')
    if not os.path.isfile(registry):
        print(f'1..0 # SKIP {registry} is not installed')
        return 0
    with tempfile.TemporaryDirectory(prefix='portier-oui-') as tmp:
        fresh = os.path.join(tmp, 'oui-routers.csv')
        subprocess.run([sys.executable, os.path.join(guide, 'oui-table.py'),
                        os.path.join(guide, 'routers.json'), registry, '--fallback', fresh],
                       check=True)
        with open(fresh, encoding='utf-8') as f:
            wanted = f.read()
    with open(os.path.join(guide, 'oui-routers.csv'), encoding='utf-8') as f:
        kept = f.read()
    print('1..1')
    if kept == wanted:
        print('ok 1 - data/guide/oui-routers.csv matches the installed registry')
        return 0
    print('not ok 1 - data/guide/oui-routers.csv differs from the installed registry')
    print('# run: ninja -C build portier-oui-fallback')
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
