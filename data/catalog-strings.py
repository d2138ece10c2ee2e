#!/usr/bin/python3
"""Writes the translatable text of Portier's JSON data as C for xgettext.

    catalog-strings.py apps.json OUTPUT.c
    catalog-strings.py guide/routers.json OUTPUT.c

xgettext cannot read JSON. The catalog's name, note and purpose texts, and the guide's
router texts (where a router keeps its port forwards, what it calls its fields), are
translated at run time (g_dgettext in src/core/portier-catalog.c and
src/core/portier-router-family.c), so this writes each of them as an N_() call with a
comment for translators into a file that only xgettext reads (it is never compiled).
po/POTFILES.in lists the outputs, which xgettext finds in the build folder.
"""
import json
import sys


def c_string(text):
    escaped = (text.replace('\\', '\\\\').replace('"', '\\"')
               .replace('\n', '\\n').replace('\t', '\\t'))
    return f'"{escaped}"'


def comment(text):
    return '/* TRANSLATORS: ' + text.replace('*/', '* /') + ' */'


# The guide's texts of a router family (data/guide/routers.json), with what each is for.
ROUTER_TEXTS = (
    ('where', 'where {name} keeps its port forwards (a menu path, “>” between the menus)'),
    ('add', 'how to start a new port forward on {name}'),
    ('save', 'how to save a port forward on {name}'),
    ('upnp', 'how to switch UPnP on, on {name}'),
    ('reserve', 'how to keep a computer\'s address on {name} (a DHCP reservation)'),
    ('ipv6', 'how to allow incoming IPv6 connections on {name}'),
    ('admin_app', 'the phone app {name} is set up with'),
    ('protocol_both', 'what {name} calls the choice of both protocols, TCP and UDP'),
)
ROUTER_FIELDS = ('name', 'address', 'internal_port', 'external_port', 'protocol')

ROUTER_HINT = ('; write what the router shows in your language where you know it, '
               'else translate it plainly')


def router_strings(data):
    """The texts of every family, each once (gettext merges repeats anyway)."""
    lines = []
    for family in data['families']:
        name = family['name'] if family['id'] != 'generic' else 'any other router'
        for key, what in ROUTER_TEXTS:
            if family.get(key):
                lines.append(comment(what.format(name=name) + ROUTER_HINT))
                lines.append(f'N_({c_string(family[key])});')
        for field in ROUTER_FIELDS:
            if family['fields'].get(field):
                lines.append(comment(f'the label of a field ({field}) in the port forward form '
                                     f'of {name}' + ROUTER_HINT))
                lines.append(f'N_({c_string(family["fields"][field])});')
        lines.append('')
    return lines


def main(argv):
    source, output = argv[1], argv[2]
    with open(source, encoding='utf-8') as f:
        catalog = json.load(f)

    if 'families' in catalog:
        lines = router_strings(catalog)
        lines.append(f'/* Generated from data/guide/routers.json by data/catalog-strings.py '
                     'for xgettext.')
        lines.append(' * Not compiled; edit data/guide/routers.json instead. */')
        lines.append('')
        with open(output, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        return

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
