/* portier-module.c: parts of Portier loaded on first use (see portier-module.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-module"

#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-module.h"

/* Loaded modules by name; never unloaded. */
static GHashTable *loaded;
G_LOCK_DEFINE_STATIC (loaded);

static gconstpointer
load (const char  *name,
      GError     **error)
{
  const char *dir = g_getenv (PORTIER_MODULE_DIR_ENV);
  g_autofree char *file = g_strdup_printf ("portier-%s.so", name);
  g_autofree char *path = g_build_filename (dir != NULL && *dir != '\0' ? dir : PORTIER_MODULEDIR,
                                            file, NULL);
  GModule *module;
  gpointer table = NULL;

  /* Local binding: the module's libraries stay out of the programs' global scope. */
  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_debug ("Cannot load %s: %s", path, g_module_error ());
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                   _("A part of Portier is missing (%s). Reinstalling Portier should bring it back."),
                   file);
      return NULL;
    }
  if (!g_module_symbol (module, "portier_module", &table) || table == NULL)
    {
      g_debug ("%s has no table of functions: %s", path, g_module_error ());
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                   _("A part of Portier is damaged (%s). Reinstalling Portier should mend it."),
                   file);
      g_module_close (module);
      return NULL;
    }
  g_module_make_resident (module);
  return table;
}

/**
 * portier_module_get:
 * @name: the module, without "portier-" and ".so": "http", "networkmanager"
 * @abi: the ABI number of the table the caller was built with
 *
 * Loads the module the first time; the same table after that. Safe from any thread.
 *
 * Returns: (transfer none): the module's table of functions, or %NULL with @error set
 *   when it is missing or from another build of Portier
 */
gconstpointer
portier_module_get (const char  *name,
                    guint        abi,
                    GError     **error)
{
  gconstpointer table;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  G_LOCK (loaded);
  if (loaded == NULL)
    loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  table = g_hash_table_lookup (loaded, name);
  if (table == NULL)
    {
      table = load (name, error);
      if (table != NULL)
        g_hash_table_insert (loaded, g_strdup (name), (gpointer) table);
    }
  G_UNLOCK (loaded);

  if (table != NULL && *(const guint *) table != abi)
    {
      g_debug ("portier-%s.so has ABI %u, Portier wants %u", name, *(const guint *) table, abi);
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                   _("A part of Portier is from another version (portier-%s.so). Reinstalling Portier should mend it."),
                   name);
      return NULL;
    }
  return table;
}
