#!/usr/bin/python3
"""Writes the app catalog's translatable text as C for xgettext.

    catalog-strings.py apps.json OUTPUT.c

xgettext cannot read JSON. The catalog's name, note and purpose texts are translated
at run time (g_dgettext in src/core/portier-catalog.c), so this writes each of them as
an N_() call with a comment for translators into a file that only xgettext reads (it
is never compiled). po/POTFILES.in lists the output, which xgettext finds in the build
folder.
"""
import json
import sys


def c_string(text):
    escaped = (text.replace('\\', '\\\\').replace('"', '\\"')
               .replace('\n', '\\n').replace('\t', '\\t'))
    return f'"{escaped}"'


def comment(text):
    return '/* TRANSLATORS: ' + text.replace('*/', '* /') + ' */'


def main(argv):
    source, output = argv[1], argv[2]
    with open(source, encoding='utf-8') as f:
        catalog = json.load(f)

    lines = []
    for app in catalog['apps']:
        app_id, name = app['id'], app['name']
        lines.append(comment(f'the name of an app in the catalog ({app_id}); '
                             'keep product names as they are'))
        lines.append(f'N_({c_string(name)});')
        lines.append(comment(f'a note shown with {name} ({app_id})'))
        lines.append(f'N_({c_string(app["note"])});')
        for key, what in (('ports', 'what a port of'), ('lan_only', 'what a private port of')):
            for port in app.get(key, []):
                lines.append(comment(f'{what} {name} is for ({port["spec"]})'))
                lines.append(f'N_({c_string(port["purpose"])});')
        lines.append('')

    # At the end, where xgettext does not take it for a comment on a string.
    lines.append('/* Generated from data/apps.json by data/catalog-strings.py for xgettext.')
    lines.append(' * Not compiled; edit data/apps.json instead. */')
    lines.append('')
    with open(output, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))


if __name__ == '__main__':
    main(sys.argv)
