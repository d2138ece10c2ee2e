/* portier-sandbox.c: whether Portier runs inside a Flatpak sandbox
 *
 * Inside Flatpak, Portier cannot install or start a system helper of its own, sees only
 * its own processes in /proc, and talks to the host's firewall only over the D-Bus names
 * its manifest allows. Code that behaves differently there asks
 * portier_sandbox_is_flatpak().
 *
 * Flatpak puts /.flatpak-info into every sandbox; that file is the sign. Tests simulate
 * either case with PORTIER_SANDBOX_ROOT (see portier-sandbox.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-sandbox"

#include "config.h"

#include "portier-sandbox.h"

/**
 * portier_sandbox_get_root:
 *
 * Returns: "/", or the folder PORTIER_SANDBOX_ROOT names (a test hook)
 */
const char *
portier_sandbox_get_root (void)
{
  const char *root = g_getenv (PORTIER_SANDBOX_ROOT_ENV);

  return root != NULL && *root != '\0' ? root : "/";
}

/**
 * portier_sandbox_is_flatpak:
 *
 * Checked afresh on every call (it is one stat()), so tests can switch between the
 * cases.
 *
 * Returns: whether Portier runs inside a Flatpak sandbox
 */
gboolean
portier_sandbox_is_flatpak (void)
{
  g_autofree char *info = g_build_filename (portier_sandbox_get_root (), ".flatpak-info",
                                            NULL);

  return g_file_test (info, G_FILE_TEST_IS_REGULAR);
}
