/* portierctl-util.c: what the portierctl commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "portier-error.h"
#include "portierctl-private.h"

struct _PortierctlTable
{
  guint      n_columns;
  GPtrArray *rows;   /* of GStrv */
};

GOptionContext *
portierctl_option_context (const char         *command,
                           const char         *parameters,
                           const char         *summary,
                           const GOptionEntry *entries)
{
  g_autofree char *usage = g_strdup_printf ("%s %s", command, parameters);
  GOptionContext *context = g_option_context_new (usage);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/**
 * portierctl_parse_options:
 * @status: (out): the exit status when this returns %FALSE
 *
 * Returns: %FALSE when the command must stop: bad options (@status 2) or --help (0 —
 *   GOptionContext prints the help and exits by itself).
 */
gboolean
portierctl_parse_options (GOptionContext   *context,
                          int              *argc,
                          char           ***argv,
                          int              *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("portierctl: %s\n", error->message);
      g_printerr (_("Try “portierctl --help”.\n"));
      *status = PORTIERCTL_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

int
portierctl_usage_error (const char *command,
                        const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("portierctl: %s\n", message);
  if (command != NULL)
    g_printerr (_("Try “portierctl %s --help”.\n"), command);
  return PORTIERCTL_EXIT_USAGE;
}

/**
 * portierctl_fail:
 *
 * Prints the sentence for @error (its code decides) and the raw detail for the curious.
 *
 * Returns: the exit status for @error: 2 for bad input, else 1
 */
int
portierctl_fail (const GError *error)
{
  if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC) ||
      g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT))
    {
      g_printerr ("portierctl: %s\n", error->message);
      return PORTIERCTL_EXIT_USAGE;
    }

  g_printerr ("portierctl: %s\n", portier_error_user_message (error));
  g_debug ("%s", error->message);
  return PORTIERCTL_EXIT_FAILED;
}

void
portierctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/**
 * portierctl_get_catalog:
 *
 * The catalog, loaded once. A catalog that fails to load is a packaging bug: say so and
 * exit.
 *
 * Returns: (transfer none): the catalog
 */
PortierCatalog *
portierctl_get_catalog (void)
{
  static PortierCatalog *catalog;

  if (catalog == NULL)
    {
      g_autoptr(GError) error = NULL;

      catalog = portier_catalog_new_default (&error);
      if (catalog == NULL)
        {
          g_printerr ("portierctl: the app catalog is damaged: %s\n", error->message);
          exit (PORTIERCTL_EXIT_FAILED);
        }
    }
  return catalog;
}

static gboolean
looks_like_app_id (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p) && *p != '-')
      return FALSE;
  return *text != '\0';
}

/**
 * portierctl_resolve_spec:
 * @text: a port spec or an app id from the catalog
 * @app: (out) (optional) (transfer none): the app, when @text names one
 *
 * Returns: (transfer full) (element-type PortierPortSpec): the ports @text stands for
 */
GPtrArray *
portierctl_resolve_spec (const char  *text,
                         PortierApp **app,
                         GError     **error)
{
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_port_spec_free);
  PortierApp *found = portier_catalog_lookup (portierctl_get_catalog (), text);
  g_autoptr(PortierPortSpec) spec = NULL;
  g_autoptr(GError) local_error = NULL;

  if (app != NULL)
    *app = found;

  if (found != NULL)
    {
      GArray *ports = portier_app_get_ports (found);

      for (guint i = 0; i < ports->len; i++)
        g_ptr_array_add (specs, portier_port_spec_copy (
          &g_array_index (ports, PortierAppPort, i).spec));
      return g_steal_pointer (&specs);
    }

  spec = portier_port_spec_parse (text, &local_error);
  if (spec == NULL)
    {
      if (looks_like_app_id (text) && strchr (text, '/') == NULL)
        g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                     /* TRANSLATORS: %s is what the person typed */
                     _("“%s” is neither a port number nor an app Portier knows. Type a port "
                       "such as 25565, or see the apps with “portierctl apps”."), text);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_ptr_array_add (specs, g_steal_pointer (&spec));
  return g_steal_pointer (&specs);
}

void
portierctl_store_result_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * portierctl_wait:
 * @result: where portierctl_store_result_cb() stores the result
 *
 * Runs the main context until the operation finishes.
 *
 * Returns: (transfer none): *@result
 */
GAsyncResult *
portierctl_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

PortierctlTable *
portierctl_table_new (guint n_columns,
                      ...)
{
  PortierctlTable *table = g_new0 (PortierctlTable, 1);
  GStrv header = g_new0 (char *, n_columns + 1);
  va_list args;

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  va_start (args, n_columns);
  for (guint i = 0; i < n_columns; i++)
    header[i] = g_strdup (va_arg (args, const char *));
  va_end (args);

  g_ptr_array_add (table->rows, header);
  return table;
}

void
portierctl_table_add_row (PortierctlTable *table,
                          ...)
{
  GStrv row = g_new0 (char *, table->n_columns + 1);
  va_list args;

  va_start (args, table);
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *cell = va_arg (args, const char *);
      row[i] = g_strdup (cell != NULL ? cell : "");
    }
  va_end (args);

  g_ptr_array_add (table->rows, row);
}

void
portierctl_table_print (PortierctlTable *table)
{
  g_autofree guint *widths = g_new0 (guint, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);
      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < table->n_columns)
            for (guint pad = (guint) g_utf8_strlen (row[c], -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      g_print ("%s\n", line->str);
    }
}

void
portierctl_table_free (PortierctlTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table);
}

/**
 * portierctl_error_name:
 *
 * Returns: (transfer none): the last part of the error's D-Bus name ("RouterNotFound"),
 *   what the JSON documents call "error_name"; "Failed" for errors of other domains
 */
const char *
portierctl_error_name (const GError *error)
{
  const char *name;

  if (error == NULL || error->domain != PORTIER_ERROR)
    return "Failed";
  name = portier_error_to_dbus_name ((PortierError) error->code);
  return name != NULL ? strrchr (name, '.') + 1 : "Failed";
}

/* Cleans up what a crash or an expired time left behind, before anything else. */
void
portierctl_reconcile (PortierOpener *opener)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierLedger) ledger = portier_ledger_new_default ();

  /* A damaged record is said once: the good entries are kept, a copy is set aside. */
  if (!portier_ledger_load (ledger, &error) &&
      g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT))
    g_printerr ("portierctl: %s\n", portier_error_describe (PORTIER_ERROR_STATE_CORRUPT));
  g_clear_error (&error);

  portier_opener_reconcile_async (opener, NULL, portierctl_store_result_cb, &result);
  if (!portier_opener_reconcile_finish (opener, portierctl_wait (&result), &error))
    g_debug ("reconcile: %s", error->message);
}
