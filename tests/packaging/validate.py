#!/usr/bin/python3
"""Validators for the files Portier installs, shared by the packaging tests.

Each validator takes a path and returns a list of problems (empty when the file is
fine). Tools print hints and warnings on success too; for our own files any such
remark counts as a problem, so they stay clean.

    validate.py KIND FILE...     (one TAP line per file)
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def _run(argv, **kwargs):
    proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def desktop(path):
    status, output = _run(['desktop-file-validate', path])
    problems = [line for line in output.splitlines() if line.strip()]
    if status != 0 and not problems:
        problems.append(f'desktop-file-validate exited with {status}')
    return problems


def xml(path):
    status, output = _run(['xmllint', '--noout', path])
    return [output or f'xmllint exited with {status}'] if status != 0 else []


def svg(path):
    problems = xml(path)
    if problems:
        return problems
    root = ET.parse(path).getroot()
    if root.tag != '{http://www.w3.org/2000/svg}svg':
        return [f'root element is {root.tag}, not an SVG <svg>']
    if not root.get('viewBox'):
        problems.append('no viewBox, so it cannot scale')
    if path.endswith('-symbolic.svg'):
        # GTK recolours fills of symbolic icons; a stroke or a second colour would not
        # follow the theme.
        for element in root.iter():
            if element.get('stroke') not in (None, 'none'):
                problems.append(f'symbolic icon uses a stroke on <{element.tag}>')
            fill = element.get('fill')
            if fill not in (None, 'none', '#2e3436', 'currentColor'):
                problems.append(f'symbolic icon uses the colour {fill}')
    return problems


VALIDATORS = {
    'desktop': desktop,
    'xml': xml,
    'svg': svg,
}


def main(argv):
    kind, paths = argv[1], argv[2:]
    validator = VALIDATORS[kind]
    print(f'1..{len(paths)}')
    failed = 0
    for number, path in enumerate(paths, 1):
        problems = validator(path)
        name = os.path.basename(path)
        if problems:
            failed += 1
            print(f'not ok {number} - {kind} {name}')
            for problem in problems:
                print(f'# {problem}')
        else:
            print(f'ok {number} - {kind} {name}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
