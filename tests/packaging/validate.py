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


def metainfo(path):
    # --no-net: screenshots and URLs are checked where there is a network (Flathub).
    # Errors and warnings fail; infos and pedantic remarks are only reported.
    status, output = _run(['appstreamcli', 'validate', '--no-net', '--no-color', path])
    problems = [line for line in output.splitlines() if re.match(r'^[EW]: ', line)]
    if status != 0 and not problems:
        problems.append(output or f'appstreamcli exited with {status}')
    return problems


SCREENSHOT_URL = 'https://raw.githubusercontent.com/portier-app/portier/main/data/screenshots/'


def _png_size(path):
    with open(path, 'rb') as f:
        header = f.read(24)
    if header[:8] != b'\x89PNG\r\n\x1a\n' or header[12:16] != b'IHDR':
        return None
    return int.from_bytes(header[16:20], 'big'), int.from_bytes(header[20:24], 'big')


def screenshots(path, screenshot_dir):
    """The metainfo's screenshots are files of data/screenshots (made by the UI tests),
    each with a caption, and every file there is used."""
    problems = []
    root = ET.parse(path).getroot()
    used = set()
    shots = root.findall('./screenshots/screenshot')
    if not shots:
        problems.append('no screenshots')
    if sum(1 for shot in shots if shot.get('type') == 'default') != 1:
        problems.append('there must be exactly one default screenshot')
    for shot in shots:
        url = shot.findtext('image', '').strip()
        if not shot.findtext('caption', '').strip():
            problems.append(f'{url}: no caption')
        if not url.startswith(SCREENSHOT_URL):
            problems.append(f'{url}: not under {SCREENSHOT_URL}')
            continue
        name = url[len(SCREENSHOT_URL):]
        used.add(name)
        file = os.path.join(screenshot_dir, name)
        if not os.path.isfile(file):
            problems.append(f'{url}: data/screenshots/{name} does not exist')
            continue
        size = _png_size(file)
        if size is None:
            problems.append(f'{name} is not a PNG image')
        elif not (360 <= size[0] <= 3840 and 294 <= size[1] <= 2160):
            problems.append(f'{name} is {size[0]}x{size[1]}, not a window-sized image')
    for name in sorted(os.listdir(screenshot_dir)):
        if name.endswith('.png') and name not in used:
            problems.append(f'data/screenshots/{name} is not used in the metainfo')
    return problems


VALIDATORS = {
    'metainfo': metainfo,
    'desktop': desktop,
    'xml': xml,
    'svg': svg,
}


def main(argv):
    if argv[1] == 'screenshots':
        problems = screenshots(argv[2], argv[3])
        print('1..1')
        print(('not ok' if problems else 'ok') + ' 1 - screenshots')
        for problem in problems:
            print(f'# {problem}')
        return 1 if problems else 0
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
