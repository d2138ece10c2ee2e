/* portier-module.h: parts of Portier loaded on first use
 *
 * libsoup and libnm, with the two dozen libraries they bring, are not linked into the
 * programs: each sits in a module of its own (portier-http, portier-networkmanager),
 * loaded the first time the self-test or the network watcher needs it. The window's
 * first frame then does not wait for those libraries, and loading the graphics driver
 * does not have to look past them for every one of its symbols.
 *
 * A module exports one symbol, "portier_module": a table of functions whose first field
 * is the table's ABI number. The modules use GLib and their own library only: they call
 * nothing in the core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the modules are looked for instead of where they are installed: the build tree
 * (tests, tools/run, tools/bench). */
#define PORTIER_MODULE_DIR_ENV "PORTIER_MODULE_DIR"

gconstpointer portier_module_get (const char  *name,
                                  guint        abi,
                                  GError     **error);

G_END_DECLS
