/* portier-sandbox.h: whether Portier runs inside a Flatpak sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Test hook: the folder Portier takes for the root of the file system when it looks for
 * signs of a sandbox. Point it at a folder holding a ".flatpak-info" file to simulate
 * running inside Flatpak, or at an empty folder to simulate running outside. Unset, the
 * root is "/". Only for tests. */
#define PORTIER_SANDBOX_ROOT_ENV "PORTIER_SANDBOX_ROOT"

const char *portier_sandbox_get_root   (void);
gboolean    portier_sandbox_is_flatpak (void);

G_END_DECLS
