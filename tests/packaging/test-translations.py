#!/usr/bin/python3
"""Translations: every translatable source is in po/POTFILES.in, and every language of
po/LINGUAS is complete.

    test-translations.py SOURCE_ROOT BUILD_ROOT

1. Scans the tree for files with translatable text (_(), N_(), C_(), NC_(), g_dgettext
   and friends in C; translatable="yes" in UI files; desktop files, metainfo, polkit
   policies, GSettings schemas with summaries; the app catalog) and fails for each
   one POTFILES.in misses.
2. Extracts a fresh template from the sources, as `ninja portier-pot` does (into a
   temporary folder), and checks that the catalog's text is in it.
3. For every language of LINGUAS: its .po file passes `msgfmt --check`, has no fuzzy
   or untranslated message, and, merged with the fresh template, still has none
   (a string added to the sources and not translated fails here) and no obsolete ones.

TAP output.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# meson's 'glib' preset for i18n.gettext (mesonbuild/modules/i18n.py), which
# po/meson.build uses.
XGETTEXT_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

# Folders that hold no translatable source of the programs.
SKIP_DIRS = {'.git', 'po', 'tests', 'tools', 'flatpak', 'subprojects', '.flatpak-builder',
             'docs'}

# Files xgettext cannot read, and the generated file POTFILES.in lists in their place.
STAND_INS = {'data/apps.json': 'data/apps-catalog-strings.c',
             'data/guide/routers.json': 'data/guide-router-strings.c'}

C_CALL = re.compile(r'(?<![\w.>])(?:_|N_|C_|NC_|Q_|g_dgettext|g_dcgettext|g_dngettext|'
                    r'g_dpgettext2?|ngettext|dgettext|gettext)\s*\(')
UI_TRANSLATABLE = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')


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


def is_build_dir(path):
    return os.path.exists(os.path.join(path, 'meson-private')) or \
        os.path.exists(os.path.join(path, 'build.ninja'))


def has_translatable_text(path, relpath):
    name = os.path.basename(path)
    if relpath in STAND_INS:
        return True
    if name.endswith(('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in',
                      '.policy', '.policy.in')):
        return True
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if name.endswith(('.c', '.h')):
        return C_CALL.search(text) is not None
    if name.endswith('.ui'):
        return UI_TRANSLATABLE.search(text) is not None
    if name.endswith('.blp'):
        return '_(' in text
    if name.endswith('.gschema.xml'):
        return '<summary' in text or '<description' in text
    return False


def translatable_files(source_root):
    found = set()
    for top, dirs, files in os.walk(source_root):
        rel_top = os.path.relpath(top, source_root)
        dirs[:] = sorted(d for d in dirs
                         if not (rel_top == '.' and d in SKIP_DIRS)
                         and not d.startswith('.')
                         and not is_build_dir(os.path.join(top, d)))
        for name in files:
            path = os.path.join(top, name)
            relpath = os.path.normpath(os.path.relpath(path, source_root))
            if has_translatable_text(path, relpath):
                found.add(relpath)
    return found


def read_list(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                entries.append(os.path.normpath(line))
    return entries


def check_potfiles(source_root, build_root, potfiles, tap):
    listed = set(potfiles)
    problems = []
    for relpath in sorted(translatable_files(source_root)):
        wanted = STAND_INS.get(relpath, relpath)
        if wanted not in listed:
            hint = f' (as {wanted})' if wanted != relpath else ''
            problems.append(f'{relpath} has translatable text; add it to po/POTFILES.in{hint}')
    tap.check('po/POTFILES.in lists every file with translatable text', problems)

    problems = [f'po/POTFILES.in lists {entry}, which does not exist'
                for entry in potfiles
                if not os.path.exists(os.path.join(source_root, entry))
                and not os.path.exists(os.path.join(build_root, entry))]
    problems += [f'po/POTFILES.in lists {entry} twice'
                 for entry in sorted(listed) if potfiles.count(entry) > 1]
    tap.check('po/POTFILES.in lists only files that exist, once', problems)


def run(argv, **kwargs):
    proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    return proc.returncode, proc.stdout + proc.stderr


def make_template(source_root, build_root, tmp):
    pot = os.path.join(tmp, 'portier.pot')
    env = dict(os.environ, GETTEXTDATADIRS=os.path.join(source_root, 'po'))
    status, output = run(['xgettext', '--package-name=portier', '-p', tmp,
                          '-f', os.path.join(source_root, 'po', 'POTFILES.in'),
                          '-D', source_root, '-D', build_root, '-k_', '-o', pot]
                         + XGETTEXT_ARGS, env=env)
    return pot if status == 0 else None, output


def msgids(pot):
    status, output = run(['msgcat', '--no-wrap', '--sort-output', pot])
    return set(re.findall(r'^msgid "(.*)"$', output, re.M))


def po_escape(text):
    """@text as msgcat --no-wrap writes it between the quotes of a msgid."""
    return text.replace('\\', '\\\\').replace('"', '\\"')


def check_catalog_in_template(source_root, pot, tap):
    with open(os.path.join(source_root, 'data', 'apps.json'), encoding='utf-8') as f:
        catalog = json.load(f)
    wanted = set()
    for app in catalog['apps']:
        wanted |= {app['name'], app['note']}
        wanted |= {p['purpose'] for p in app.get('ports', []) + app.get('lan_only', [])}
    have = msgids(pot)
    escaped = {po_escape(w) for w in wanted}
    tap.check('the catalog\'s names, notes and purposes are in the template',
              [f'missing: {w}' for w in sorted(escaped - have)])


# What every router family of the guide must have (src/core/portier-router-family.c reads
# the same), and which of its texts are translated.
ROUTER_REQUIRED = ('where', 'add', 'save', 'upnp', 'reserve', 'ipv6')
ROUTER_OPTIONAL = ('admin_app', 'protocol_both')
ROUTER_FIELDS_REQUIRED = ('address', 'internal_port', 'external_port', 'protocol')
ROUTER_FAMILIES = ('fritzbox', 'tp-link', 'netgear', 'asus', 'linksys', 'unifi', 'openwrt',
                   'mikrotik', 'huawei', 'zte', 'sagemcom', 'technicolor', 'arris', 'google',
                   'eero', 'generic')


def router_texts(source_root):
    """{family id: [its translatable texts]}, and the problems of the data."""
    with open(os.path.join(source_root, 'data', 'guide', 'routers.json'), encoding='utf-8') as f:
        families = json.load(f)['families']
    texts, problems = {}, []
    for family in families:
        fid = family.get('id', '?')
        wanted = []
        for key in ROUTER_REQUIRED:
            if not family.get(key):
                problems.append(f'{fid}: no “{key}”')
            else:
                wanted.append(family[key])
        wanted += [family[key] for key in ROUTER_OPTIONAL if family.get(key)]
        fields = family.get('fields') or {}
        for key in ROUTER_FIELDS_REQUIRED:
            if not fields.get(key):
                problems.append(f'{fid}: no field “{key}”')
            else:
                wanted.append(fields[key])
        if fields.get('name'):
            wanted.append(fields['name'])
        # The settings page is admin_url, else the gateway's address; or a phone app.
        if family.get('admin_url') and family.get('admin_app'):
            problems.append(f'{fid}: both a settings page and an app')
        texts[fid] = wanted
    problems += [f'no family “{fid}”' for fid in ROUTER_FAMILIES if fid not in texts]
    return texts, problems


def check_guide_families(source_root, pot, langs, tap):
    texts, problems = router_texts(source_root)
    tap.check('every router family of the guide has all its texts and fields', problems)
    if pot is None:
        return
    have = msgids(pot)
    tap.check('every router family\'s texts are in the template',
              [f'{fid}: missing: {w}' for fid, words in sorted(texts.items())
               for w in words if po_escape(w) not in have])
    for lang in langs:
        po = os.path.join(source_root, 'po', lang + '.po')
        translated = set()
        if os.path.isfile(po):
            status, output = run(['msgattrib', '--no-wrap', '--translated', '--no-fuzzy',
                                  '--no-obsolete', po])
            translated = set(re.findall(r'^msgid "(.+)"$', output, re.M))
        tap.check(f'{lang}: every router family of the guide is translated',
                  [f'{fid}: not translated: {w}' for fid, words in sorted(texts.items())
                   for w in words if po_escape(w) not in translated])


def statistics(po):
    """(translated, fuzzy, untranslated) from msgfmt --statistics, or the error."""
    status, output = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po])
    if status != 0:
        return None, output.strip()
    numbers = {}
    for count, kind in re.findall(r'(\d+) (translated|fuzzy|untranslated)', output):
        numbers[kind] = int(count)
    return (numbers.get('translated', 0), numbers.get('fuzzy', 0),
            numbers.get('untranslated', 0)), output.strip()


def list_messages(po, *flags):
    status, output = run(['msgattrib', '--no-wrap', *flags, po])
    return re.findall(r'^(?:#~ )?msgid "(.+)"$', output, re.M)


def check_language(source_root, lang, pot, tmp, tap):
    po = os.path.join(source_root, 'po', lang + '.po')
    if not os.path.isfile(po):
        tap.check(f'{lang}: po/{lang}.po exists', ['missing'])
        return

    problems = []
    counts, output = statistics(po)
    if counts is None:
        problems.append(f'msgfmt --check: {output}')
    else:
        translated, fuzzy, untranslated = counts
        if translated == 0:
            problems.append('nothing is translated')
        problems += [f'fuzzy: {m}' for m in list_messages(po, '--only-fuzzy',
                                                              '--no-obsolete')]
        problems += [f'untranslated: {m}' for m in list_messages(po, '--untranslated',
                                                                     '--no-obsolete')]
        if (fuzzy or untranslated) and not problems:
            problems.append(output)
    with open(po, encoding='utf-8') as f:
        header = f.read(4000)
    if f'"Language: {lang}\\n"' not in header:
        problems.append(f'the header does not say Language: {lang}')
    if 'charset=UTF-8' not in header:
        problems.append('the header does not say charset=UTF-8')
    if '"Plural-Forms: ' not in header:
        problems.append('the header has no Plural-Forms')
    tap.check(f'{lang}: po/{lang}.po is valid and fully translated', problems)

    if pot is None:
        return
    merged = os.path.join(tmp, lang + '.po')
    status, output = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot])
    if status != 0:
        tap.check(f'{lang}: translates every string of the current sources', [output])
        return
    problems = [f'not translated yet: {m}'
                for m in list_messages(merged, '--untranslated', '--no-obsolete')]
    problems += [f'no longer in the sources (run ninja portier-update-po): {m}'
                 for m in list_messages(merged, '--only-obsolete')]
    tap.check(f'{lang}: translates every string of the current sources', problems)


def main(argv):
    source_root, build_root = argv[1], argv[2]
    tap = Tap()
    potfiles = read_list(os.path.join(source_root, 'po', 'POTFILES.in'))
    check_potfiles(source_root, build_root, potfiles, tap)

    with tempfile.TemporaryDirectory(prefix='portier-po-') as tmp:
        pot, output = make_template(source_root, build_root, tmp)
        tap.check('xgettext extracts a template from POTFILES.in',
                  [] if pot else [output.strip()])
        if pot:
            check_catalog_in_template(source_root, pot, tap)

        langs = read_list(os.path.join(source_root, 'po', 'LINGUAS'))
        tap.check('po/LINGUAS names at least one language', [] if langs else ['empty'])
        check_guide_families(source_root, pot, langs, tap)
        for lang in langs:
            check_language(source_root, lang, pot, tmp, tap)
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
