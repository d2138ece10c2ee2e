#!/usr/bin/python3
"""The Flatpak manifests are valid, pinned, and ask for nothing more than Portier needs.

    check-flatpak.py SOURCE_ROOT

flatpak-builder cannot download the GNOME runtime here, so the manifests are checked
statically: valid JSON; every downloaded source pinned by a sha256 (archives, files) or
a commit (git); the app itself built from its release tag (release manifest) or from
this tree (Devel manifest); exactly the permissions of DESIGN.md. TAP output.
"""
import json
import os
import re
import sys

APP_ID = 'io.github.portier_app.Portier'
PROJECT_GIT = 'https://github.com/portier-app/portier.git'

# DESIGN.md, "Packaging": the network, a display, the system bus names Portier talks to.
# --share=ipc is what --socket=fallback-x11 needs. Nothing else: no file system, no
# session or system bus at large, no org.freedesktop.Flatpak (that would be a way out).
PERMISSIONS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--system-talk-name=org.freedesktop.NetworkManager',
    '--system-talk-name=org.fedoraproject.FirewallD1',
    '--system-talk-name=io.github.portier_app.Portier.Helper1',
    # Only for PrepareForSleep: after waking, the router's forwards are looked at again.
    '--system-talk-name=org.freedesktop.login1',
}

# What the Flatpak bundles because the GNOME 47 runtime does not have it.
BUNDLED = {
    'miniupnpc': r'/miniupnpc-2\.3\.\d+\.tar\.gz$',
    'libnatpmp': r'/libnatpmp-\d{8}\.tar\.gz$',
    'libnm': r'/NetworkManager-1\.\d+\.\d+\.tar\.xz$',
}

SHA256 = re.compile(r'^[0-9a-f]{64}$')
COMMIT = re.compile(r'^[0-9a-f]{40}$')


class Tap:
    def __init__(self):
        self.results = []

    def check(self, name, problems):
        self.results.append((name, list(problems)))

    def finish(self):
        print(f'1..{len(self.results)}')
        failed = 0
        for number, (name, problems) in enumerate(self.results, 1):
            print(('not ok' if problems else 'ok') + f' {number} - {name}')
            for problem in problems:
                print(f'# {problem}')
            failed += bool(problems)
        return 1 if failed else 0


def load_json(path, problems):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f'{os.path.basename(path)}: {e}')
        return None


def walk_modules(modules, base_dir, problems, found):
    """Collects (module, the file it came from) for every module, nested ones too."""
    for module in modules or []:
        origin = None
        if isinstance(module, str):
            origin = os.path.join(base_dir, module)
            module = load_json(origin, problems)
            if module is None:
                continue
        if not isinstance(module, dict) or 'name' not in module:
            problems.append(f'a module without a name in {origin or "the manifest"}')
            continue
        found.append((module, origin))
        walk_modules(module.get('modules'), os.path.dirname(origin) if origin else base_dir,
                     problems, found)


def check_third_party_source(module, source, flatpak_dir):
    problems = []
    kind = source.get('type')
    name = module['name']
    if kind in ('archive', 'file') and 'url' in source:
        urls = [source['url']] + source.get('mirror-urls', [])
        for url in urls:
            if not url.startswith('https://'):
                problems.append(f'{name}: {url} is not https')
        if not SHA256.match(source.get('sha256', '')):
            problems.append(f'{name}: {source["url"]} has no sha256')
        for weaker in ('md5', 'sha1'):
            if weaker in source:
                problems.append(f'{name}: uses {weaker}; only sha256 pins a download')
    elif kind == 'git':
        if not source.get('url', '').startswith('https://'):
            problems.append(f'{name}: git url {source.get("url")} is not https')
        if not COMMIT.match(source.get('commit', '')):
            problems.append(f'{name}: git source is not pinned to a commit')
        if 'branch' in source:
            problems.append(f'{name}: git source follows a branch')
    elif kind in ('patch', 'file') and 'path' in source:
        if not os.path.isfile(os.path.join(flatpak_dir, source['path'])):
            problems.append(f'{name}: {source["path"]} is not in flatpak/')
    elif kind in ('shell', 'script', 'inline'):
        pass
    else:
        problems.append(f'{name}: source type {kind} is not allowed')
    return problems


def check_manifest(path, devel, version, options, tap):
    flatpak_dir = os.path.dirname(path)
    label = os.path.basename(path)
    problems = []
    manifest = load_json(path, problems)
    tap.check(f'{label} is valid JSON', problems)
    if manifest is None:
        return None

    expected_id = APP_ID + ('.Devel' if devel else '')
    problems = []
    if manifest.get('id', manifest.get('app-id')) != expected_id:
        problems.append(f'id is {manifest.get("id")}, not {expected_id}')
    for key, value in (('runtime', 'org.gnome.Platform'), ('runtime-version', '47'),
                       ('sdk', 'org.gnome.Sdk'), ('command', 'portier')):
        if manifest.get(key) != value:
            problems.append(f'{key} is {manifest.get(key)!r}, not {value!r}')
    tap.check(f'{label}: {expected_id} on GNOME 47', problems)

    args = manifest.get('finish-args', [])
    problems = [f'asks for {arg}, which Portier does not need'
                for arg in args if arg not in PERMISSIONS]
    problems += [f'does not ask for {arg}' for arg in sorted(PERMISSIONS - set(args))]
    problems += [f'{arg} twice' for arg in set(args) if args.count(arg) > 1]
    tap.check(f'{label}: exactly the permissions Portier needs', problems)

    problems = []
    modules = []
    walk_modules(manifest.get('modules'), flatpak_dir, problems, modules)
    app_modules = [m for m, origin in modules if m['name'] == 'portier']
    others = [(m, origin) for m, origin in modules if m['name'] != 'portier']
    for module, origin in others:
        for source in module.get('sources', []):
            problems += check_third_party_source(module, source, flatpak_dir)
    tap.check(f'{label}: every bundled library is pinned by checksum or commit', problems)

    problems = []
    names = {m['name']: m for m, origin in others}
    for name, pattern in BUNDLED.items():
        if name not in names:
            problems.append(f'{name} is not bundled')
            continue
        urls = [s.get('url', '') for s in names[name].get('sources', [])]
        if not any(re.search(pattern, url) for url in urls):
            problems.append(f'{name}: no release tarball matching {pattern}')
    tap.check(f'{label}: bundles miniupnpc 2.3, libnatpmp and libnm', problems)

    problems = []
    if len(app_modules) != 1 or modules[-1][0] is not app_modules[0]:
        problems.append('portier must be the one last module')
    else:
        app = app_modules[0]
        opts = app.get('config-opts', [])
        for opt in opts:
            name = opt[2:].split('=')[0] if opt.startswith('-D') else None
            if name is not None and name not in options:
                problems.append(f'{opt}: meson_options.txt has no option {name}')
        for needed in ('-Dhelper=disabled', '-Dprobe_server=disabled'):
            if needed not in opts:
                problems.append(f'the Flatpak cannot install the helper: {needed} is missing')
        if devel != ('-Ddevelopment=true' in opts):
            problems.append('-Ddevelopment=true belongs to the Devel manifest only')
        sources = app.get('sources', [])
        if len(sources) != 1:
            problems.append('portier has one source')
        elif devel:
            if sources[0].get('type') != 'dir' or sources[0].get('path') != '..':
                problems.append('the Devel manifest builds this tree ("type": "dir", "..")')
        else:
            source = sources[0]
            if source.get('type') != 'git' or source.get('url') != PROJECT_GIT:
                problems.append(f'the release manifest builds {PROJECT_GIT}')
            if source.get('tag') != 'v' + version:
                problems.append(f'the release manifest builds tag v{version}, '
                                f'not {source.get("tag")}')
            if 'commit' in source and not COMMIT.match(source['commit']):
                problems.append(f'commit {source["commit"]} is not a commit id')
            if 'branch' in source:
                problems.append('the release manifest follows a branch')
    tap.check(f'{label}: portier built {"from this tree" if devel else "from its release tag"},'
              ' without the helper and probe server', problems)
    return [origin or json.dumps(m, sort_keys=True) for m, origin in others]


def read_project(source_root):
    with open(os.path.join(source_root, 'meson.build'), encoding='utf-8') as f:
        version = re.search(r"version:\s*'([^']+)'", f.read()).group(1)
    with open(os.path.join(source_root, 'meson_options.txt'), encoding='utf-8') as f:
        options = set(re.findall(r"option\(\s*'([^']+)'", f.read()))
    return version, options


def main(argv):
    source_root = argv[1]
    version, options = read_project(source_root)
    flatpak_dir = os.path.join(source_root, 'flatpak')
    tap = Tap()
    release = check_manifest(os.path.join(flatpak_dir, APP_ID + '.json'), False,
                             version, options, tap)
    devel = check_manifest(os.path.join(flatpak_dir, APP_ID + '.Devel.json'), True,
                           version, options, tap)
    if release is not None and devel is not None:
        tap.check('both manifests bundle the same libraries',
                  [] if release == devel else ['the bundled modules differ'])
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
