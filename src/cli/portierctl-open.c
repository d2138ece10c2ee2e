/* portierctl-open.c: portierctl open — let other people reach a port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portierctl-private.h"

static void
add_skipped (JsonBuilder *builder,
             const char  *member)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "skipped");
  json_builder_end_object (builder);
}

int
portierctl_open (int    argc,
                 char **argv)
{
  gboolean json = FALSE, permanent = FALSE;
  gboolean no_firewall = FALSE, no_router = FALSE, no_verify = FALSE;
  g_autofree char *app_id = NULL;
  g_autofree char *probe_server = NULL;
  int lease = 0, external_port = 0;
  const GOptionEntry entries[] = {
    { "app", 0, 0, G_OPTION_ARG_STRING, &app_id, N_("The app the port is for"), N_("ID") },
    { "external-port", 0, 0, G_OPTION_ARG_INT, &external_port,
      N_("The port on the router’s side, when it differs"), N_("N") },
    { "lease", 0, 0, G_OPTION_ARG_INT, &lease,
      N_("Close again after this many seconds"), N_("SECONDS") },
    { "permanent", 0, 0, G_OPTION_ARG_NONE, &permanent,
      N_("Keep the port open after a restart"), NULL },
    { "no-firewall", 0, 0, G_OPTION_ARG_NONE, &no_firewall,
      N_("Leave this computer’s firewall alone"), NULL },
    { "no-router", 0, 0, G_OPTION_ARG_NONE, &no_router,
      N_("Leave the router alone"), NULL },
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &no_verify,
      N_("Skip the test from the internet"), NULL },
    { "probe-server", 0, 0, G_OPTION_ARG_STRING, &probe_server,
      N_("The server that tests from the internet"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "open", "SPEC", _("Let other people reach a port (or an app) on this computer."), entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GStrvBuilder) all_ids = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  g_autofree char *joined = NULL;
  PortierApp *app = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return portierctl_usage_error ("open", _("Say which port to open, such as 25565/tcp."));
  if (lease < 0)
    return portierctl_usage_error ("open", _("The lease must be a number of seconds."));
  if (lease > 0 && permanent)
    return portierctl_usage_error ("open", _("Choose either --lease or --permanent, not both."));
  if (external_port < 0 || external_port > G_MAXUINT16)
    return portierctl_usage_error ("open", _("Ports go from 1 to 65535."));
  if (!no_router || !no_verify)
    return portierctl_usage_error ("open",
                                   _("This portierctl can only open this computer’s firewall "
                                     "so far. Add --no-router --no-verify."));

  specs = portierctl_resolve_spec (argv[1], &app, &error);
  if (specs == NULL)
    return portierctl_fail (error);
  if (app == NULL && app_id != NULL)
    app = portier_catalog_lookup (portierctl_get_catalog (), app_id);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "openings");
  json_builder_begin_array (builder);

  status = PORTIERCTL_EXIT_OK;
  for (guint i = 0; i < specs->len && status == PORTIERCTL_EXIT_OK; i++)
    {
      const PortierPortSpec *spec = g_ptr_array_index (specs, i);
      g_auto(GStrv) rule_ids = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "port");
      portierctl_add_port_spec (builder, spec);

      if (no_firewall)
        add_skipped (builder, "firewall");
      else if (!portierctl_firewall_open_step (spec, app != NULL ? portier_app_get_name (app)
                                                                  : NULL,
                                               (guint) lease, permanent, json, builder,
                                               &rule_ids, &error))
        status = PORTIERCTL_EXIT_FAILED;

      if (rule_ids != NULL)
        g_strv_builder_addv (all_ids, (const char **) rule_ids);
      add_skipped (builder, "router");
      add_skipped (builder, "verify");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* Nothing half-open: when one port fails, what was opened for the others goes. */
  ids = g_strv_builder_end (all_ids);
  if (status != PORTIERCTL_EXIT_OK)
    {
      for (guint i = 0; ids[i] != NULL; i++)
        {
          g_autoptr(GError) undo_error = NULL;

          if (!portierctl_firewall_close_rule (ids[i], &undo_error))
            g_warning ("Could not take back %s: %s", ids[i], undo_error->message);
        }
      g_strfreev (ids);
      ids = g_new0 (char *, 1);
    }

  joined = g_strjoinv (",", ids);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, joined);
  if (specs->len == 1)
    {
      /* One port: its fields at the top, as the contract says. */
      json_builder_set_member_name (builder, "port");
      portierctl_add_port_spec (builder, g_ptr_array_index (specs, 0));
    }
  json_builder_end_object (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      JsonObject *object = json_node_get_object (root);
      JsonArray *openings = json_object_get_array_member (object, "openings");

      if (json_array_get_length (openings) == 1)
        {
          JsonObject *only = json_array_get_object_element (openings, 0);

          json_object_set_member (object, "firewall",
                                  json_node_copy (json_object_get_member (only, "firewall")));
          json_object_set_member (object, "router",
                                  json_node_copy (json_object_get_member (only, "router")));
          json_object_set_member (object, "verify",
                                  json_node_copy (json_object_get_member (only, "verify")));
        }
      portierctl_print_json (root);
    }
  else if (status == PORTIERCTL_EXIT_OK && joined[0] != '\0')
    /* TRANSLATORS: %s is what to type to close the port again */
    g_print (_("To close it again, run: portierctl close %s\n"), joined);

  if (status != PORTIERCTL_EXIT_OK && !json)
    {
      if (!g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE))
        return portierctl_fail (error);
      return PORTIERCTL_EXIT_FAILED;
    }
  if (status != PORTIERCTL_EXIT_OK &&
      (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT) ||
       g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC)))
    return PORTIERCTL_EXIT_USAGE;
  return status;
}
