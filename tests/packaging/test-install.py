#!/usr/bin/python3
"""meson install puts every file where GNOME, polkit, D-Bus and systemd look.

    test-install.py MESON BUILD_ROOT SOURCE_ROOT

Installs the build into a temporary DESTDIR, compares what arrived with
tests/packaging/installed-files.txt (the one list of expected files), and validates
each file by its kind. TAP output.
"""
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
APP_PREFIX = 'io.github.portier_app.Portier'


class Tap:
    def __init__(self):
        self.results = []

    def check(self, name, problems):
        self.results.append((name, list(problems)))

    def finish(self):
        print(f'1..{len(self.results)}')
        failed = 0
        for number, (name, problems) in enumerate(self.results, 1):
            if problems:
                failed += 1
                print(f'not ok {number} - {name}')
                for problem in problems:
                    print(f'# {problem}')
            else:
                print(f'ok {number} - {name}')
        return 1 if failed else 0


def read_build(build_root):
    info = os.path.join(build_root, 'meson-info')
    with open(os.path.join(info, 'intro-buildoptions.json')) as f:
        options = {o['name']: o['value'] for o in json.load(f)}
    with open(os.path.join(info, 'intro-targets.json')) as f:
        targets = {t['name'] for t in json.load(f)}
    with open(os.path.join(build_root, 'config.h')) as f:
        app_id = re.search(r'#define APP_ID "([^"]+)"', f.read()).group(1)

    prefix = options['prefix']
    places = {'app_id': app_id, 'prefix': prefix}
    for name, value in options.items():
        if isinstance(value, str) and (name.endswith('dir') or name == 'prefix'):
            places[name] = value if os.path.isabs(value) else os.path.join(prefix, value)
        elif isinstance(value, str) and name not in places:
            places[name] = value
    return places, targets


def read_linguas(source_root):
    langs = []
    with open(os.path.join(source_root, 'po', 'LINGUAS')) as f:
        for line in f:
            langs += line.split('#')[0].split()
    return langs


def expected_files(places, targets, langs):
    """{absolute path: kind} for this build."""
    expected = {}
    with open(os.path.join(HERE, 'installed-files.txt')) as f:
        for number, line in enumerate(f, 1):
            line = line.split('#')[0].strip()
            if not line:
                continue
            words = line.split()
            if len(words) == 4 and words[2] == 'if':
                if words[3] not in targets:
                    continue
            elif len(words) != 2:
                raise SystemExit(f'installed-files.txt:{number}: cannot read "{line}"')
            kind, pattern = words[0], words[1]
            if kind not in KINDS:
                raise SystemExit(f'installed-files.txt:{number}: unknown kind {kind}')
            for lang in (langs if '{lang}' in pattern else [None]):
                try:
                    path = pattern.format(lang=lang, **places)
                except KeyError as e:
                    raise SystemExit(f'installed-files.txt:{number}: no placeholder {e}')
                expected[os.path.normpath(path)] = kind
    return expected


def install(meson, build_root, destdir):
    proc = subprocess.run([meson, 'install', '-C', build_root, '--destdir', destdir,
                           '--no-rebuild', '--quiet'],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f'meson install failed:\n{proc.stdout}{proc.stderr}')


def installed_files(destdir):
    found = set()
    for top, dirs, files in os.walk(destdir):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            full = os.path.join(top, name)
            found.add('/' + os.path.relpath(full, destdir))
    return found


# Validators by kind: (destdir, absolute install path) → list of problems.

def check_bin(destdir, path):
    full = destdir + path
    problems = []
    if not os.access(full, os.X_OK):
        problems.append('not executable')
    with open(full, 'rb') as f:
        if f.read(4) != b'\x7fELF':
            problems.append('not an ELF program')
    return problems


def readelf(path, option):
    proc = subprocess.run(['readelf', '--wide', option, path], capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def check_module(destdir, path):
    full = destdir + path
    status, header = readelf(full, '--file-header')
    if status != 0 or not re.search(r'Type:\s+DYN', header):
        return ['not an ELF shared object']
    status, symbols = readelf(full, '--dyn-syms')
    if not re.search(r'\sOBJECT\s+GLOBAL\s+DEFAULT\s+\d+\s+portier_module$', symbols,
                     re.MULTILINE):
        return ['does not export the object portier_module']
    return []


# Loaded on first use, in a module of their own, never linked into the app or portierctl
# (the probe server, a program of its own, links libsoup).
MODULE_LIBRARIES = ('libsoup-3.0.so', 'libnm.so')
MODULE_USERS = ('portier', 'portierctl')


def check_programs_leave_libraries_to_modules(destdir, expected, tap):
    problems = []
    for path, kind in sorted(expected.items()):
        if kind != 'bin' or os.path.basename(path) not in MODULE_USERS or \
                not os.path.exists(destdir + path):
            continue
        _, dynamic = readelf(destdir + path, '--dynamic')
        needed = re.findall(r'\(NEEDED\)\s+Shared library: \[([^]]+)\]', dynamic)
        problems += [f'{path} links {lib}' for lib in needed
                     if lib.startswith(MODULE_LIBRARIES)]
    tap.check('the programs load libsoup and libnm only through their modules', problems)


def check_gschema(destdir, path):
    status, output = validate._run(['glib-compile-schemas', '--strict', '--dry-run',
                                    os.path.dirname(destdir + path)])
    return [output or 'glib-compile-schemas failed'] if status != 0 else []


def check_policy(destdir, path):
    import xml.etree.ElementTree as ET
    problems = validate.xml(destdir + path)
    if problems:
        return problems
    root = ET.parse(destdir + path).getroot()
    if root.tag != 'policyconfig':
        return [f'root element is <{root.tag}>, not <policyconfig>']
    actions = root.findall('action')
    if not actions:
        problems.append('no actions')
    for action in actions:
        if not action.get('id', '').startswith(APP_PREFIX + '.'):
            problems.append(f'action {action.get("id")} is not under {APP_PREFIX}')
        if action.find('defaults') is None:
            problems.append(f'action {action.get("id")} has no <defaults>')
    return problems


def _ini(full, section):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    try:
        parser.read(full)
    except configparser.Error as e:
        return None, [str(e)]
    if not parser.has_section(section):
        return None, [f'no [{section}] section']
    return parser, []


def _program_installed(destdir, command):
    program = command.split()[0] if command.split() else ''
    program = program.lstrip('-@:+!')
    if not os.path.isabs(program):
        return [f'{program or "(nothing)"} is not an absolute path']
    if not os.access(destdir + program, os.X_OK):
        return [f'{program} is not installed']
    return []


def check_dbus_service(destdir, path):
    parser, problems = _ini(destdir + path, 'D-BUS Service')
    if parser is None:
        return problems
    name = parser.get('D-BUS Service', 'Name', fallback='')
    if name + '.service' != os.path.basename(path):
        problems.append(f'Name={name} does not match the file name')
    problems += _program_installed(destdir, parser.get('D-BUS Service', 'Exec', fallback=''))
    return problems


def check_systemd(destdir, path):
    parser, problems = _ini(destdir + path, 'Service')
    if parser is None:
        return problems
    if not parser.has_section('Unit'):
        problems.append('no [Unit] section')
    problems += _program_installed(destdir, parser.get('Service', 'ExecStart', fallback=''))
    if problems or shutil.which('systemd-analyze') is None:
        return problems
    # The unit as systemd reads it, its program pointed into DESTDIR (with --root, the
    # system's own units, which it names, would be missing).
    folder = tempfile.mkdtemp(prefix='portier-unit-')
    try:
        program = parser.get('Service', 'ExecStart').split()[0].lstrip('-@:+!')
        with open(destdir + path) as f:
            text = f.read().replace(program, destdir + program)
        copy = os.path.join(folder, os.path.basename(path))
        with open(copy, 'w') as f:
            f.write(text)
        status, output = validate._run(['systemd-analyze', 'verify', '--man=no', copy])
        if status != 0 or output:
            problems.append(f'systemd-analyze verify: {output or status}')
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return problems


def check_wants(destdir, path):
    """A link in a .wants folder: enables the unit of the same name, which is installed."""
    full = destdir + path
    if not os.path.islink(full):
        return ['not a symbolic link']
    target = os.readlink(full)
    name = os.path.basename(path)
    if target != '../' + name:
        return [f'points to {target}, not ../{name}']
    unit = os.path.normpath(os.path.join(os.path.dirname(path), target))
    parser, problems = _ini(destdir + unit, 'Install')
    if parser is None:
        return problems
    wanted_by = parser.get('Install', 'WantedBy', fallback='').split()
    folder = os.path.basename(os.path.dirname(path))
    if folder.removesuffix('.wants') not in wanted_by:
        problems.append(f'{unit} is not WantedBy={folder.removesuffix(".wants")}')
    return problems


def check_tmpfiles(destdir, path):
    if shutil.which('systemd-tmpfiles') is None:
        return []
    root = tempfile.mkdtemp(prefix='portier-tmpfiles-')
    try:
        os.makedirs(os.path.join(root, 'run'))
        status, output = validate._run(['systemd-tmpfiles', '--create', f'--root={root}',
                                        destdir + path])
        problems = [f'systemd-tmpfiles: {output}'] if status != 0 or output.strip() else []
        for line in open(destdir + path):
            words = line.split()
            if words and not words[0].startswith('#') and \
                    not os.path.exists(root + words[1]):
                problems.append(f'{words[1]} was not made')
        return problems
    finally:
        shutil.rmtree(root, ignore_errors=True)


def check_mo(destdir, path):
    with open(destdir + path, 'rb') as f:
        magic = f.read(4)
    if magic not in (b'\xde\x12\x04\x95', b'\x95\x04\x12\xde'):
        return ['not a compiled gettext catalog']
    status, output = validate._run(['msgunfmt', destdir + path])
    return [output] if status != 0 else []


KINDS = {
    'bin': check_bin,
    'module': check_module,
    'desktop': lambda d, p: validate.desktop(d + p),
    'metainfo': lambda d, p: validate.metainfo(d + p),
    'gschema': check_gschema,
    'svg': lambda d, p: validate.svg(d + p),
    'xml': lambda d, p: validate.xml(d + p),
    'policy': check_policy,
    'dbus-service': check_dbus_service,
    'systemd': check_systemd,
    'wants': check_wants,
    'tmpfiles': check_tmpfiles,
    'mo': check_mo,
    'file': lambda d, p: [],
}


def cross_checks(destdir, places, expected, tap):
    """The files agree with each other: the names one file uses exist in the others."""
    import xml.etree.ElementTree as ET
    app_id = places['app_id']
    desktop = os.path.join(places['datadir'], 'applications', app_id + '.desktop')
    metainfo = os.path.join(places['datadir'], 'metainfo', app_id + '.metainfo.xml')
    if desktop not in expected or metainfo not in expected:
        return
    if not os.path.exists(destdir + desktop) or not os.path.exists(destdir + metainfo):
        return

    problems = []
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(destdir + desktop)
    icon = parser.get('Desktop Entry', 'Icon', fallback='')
    icon_file = os.path.join(places['datadir'], 'icons', 'hicolor', 'scalable', 'apps',
                             icon + '.svg')
    if icon != app_id or not os.path.exists(destdir + icon_file):
        problems.append(f'the desktop file\'s Icon={icon} is not an installed app icon')
    tap.check('desktop file names an installed icon', problems)

    problems = []
    root = ET.parse(destdir + metainfo).getroot()
    if root.findtext('id') != app_id:
        problems.append(f'metainfo id is {root.findtext("id")}, not {app_id}')
    launchable = root.findtext("launchable[@type='desktop-id']")
    if launchable != os.path.basename(desktop):
        problems.append(f'metainfo launchable is {launchable}')
    for binary in root.findall('./provides/binary'):
        if not os.access(destdir + os.path.join(places['bindir'], binary.text), os.X_OK):
            problems.append(f'metainfo provides {binary.text}, which is not installed')
    tap.check('metainfo agrees with the desktop file and the programs', problems)


def main(argv):
    meson, build_root, source_root = argv[1:4]
    places, targets = read_build(build_root)
    expected = expected_files(places, targets, read_linguas(source_root))

    tap = Tap()
    destdir = tempfile.mkdtemp(prefix='portier-install-')
    try:
        install(meson, build_root, destdir)
        found = installed_files(destdir)
        for path, kind in sorted(expected.items()):
            if path not in found:
                tap.check(f'{kind} {path}', ['not installed'])
            else:
                tap.check(f'{kind} {path}', KINDS[kind](destdir, path))
        unexpected = sorted(found - set(expected))
        tap.check('nothing unlisted is installed',
                  [f'{path} is not in tests/packaging/installed-files.txt'
                   for path in unexpected])
        cross_checks(destdir, places, expected, tap)
        check_programs_leave_libraries_to_modules(destdir, expected, tap)
    finally:
        shutil.rmtree(destdir, ignore_errors=True)
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
