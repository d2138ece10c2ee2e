/* portierctl-apps.c: portierctl apps — the catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portierctl-private.h"

static void
add_ports (JsonBuilder *builder,
           GArray      *ports)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < ports->len; i++)
    {
      const PortierAppPort *port = &g_array_index (ports, PortierAppPort, i);
      g_autofree char *text = portier_port_spec_to_string (&port->spec);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "spec");
      json_builder_add_string_value (builder, text);
      json_builder_set_member_name (builder, "port");
      portierctl_add_port_spec (builder, &port->spec);
      json_builder_set_member_name (builder, "purpose");
      json_builder_add_string_value (builder, port->purpose);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
join_ports (GArray *ports)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < ports->len; i++)
    {
      g_autofree char *spec = portier_port_spec_to_string (
        &g_array_index (ports, PortierAppPort, i).spec);
      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", spec);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

int
portierctl_apps (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "apps", "[SEARCH…]", _("List the apps Portier knows, with the ports each one needs."),
    entries);
  g_autofree char *query = NULL;
  GListModel *apps;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;

  query = argc > 1 ? g_strjoinv (" ", argv + 1) : NULL;
  apps = portier_catalog_get_apps (portierctl_get_catalog ());

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "apps");
      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
        {
          g_autoptr(PortierApp) app = g_list_model_get_item (apps, i);

          if (!portier_app_matches (app, query))
            continue;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, portier_app_get_id (app));
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, portier_app_get_name (app));
          json_builder_set_member_name (builder, "category");
          json_builder_add_string_value (builder, portier_app_get_category (app));
          json_builder_set_member_name (builder, "icon");
          json_builder_add_string_value (builder, portier_app_get_icon_name (app));
          json_builder_set_member_name (builder, "risk");
          json_builder_add_string_value (builder,
                                         portier_risk_to_string (portier_app_get_risk (app)));
          json_builder_set_member_name (builder, "note");
          json_builder_add_string_value (builder, portier_app_get_note (app));
          json_builder_set_member_name (builder, "ports");
          add_ports (builder, portier_app_get_ports (app));
          json_builder_set_member_name (builder, "lan_only");
          add_ports (builder, portier_app_get_lan_only (app));
          json_builder_set_member_name (builder, "source");
          json_builder_add_string_value (builder, portier_app_get_source (app));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    {
      g_autoptr(PortierctlTable) table = portierctl_table_new (
        3,
        /* TRANSLATORS: column heading: the name to type, such as minecraft-java */
        _("ID"),
        /* TRANSLATORS: column heading */
        _("App"),
        /* TRANSLATORS: column heading: the ports an app needs */
        _("Ports"));
      guint shown = 0;

      for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
        {
          g_autoptr(PortierApp) app = g_list_model_get_item (apps, i);
          g_autofree char *ports = NULL;

          if (!portier_app_matches (app, query))
            continue;
          ports = join_ports (portier_app_get_ports (app));
          portierctl_table_add_row (table, portier_app_get_id (app),
                                    portier_app_get_name (app), ports);
          shown++;
        }

      if (shown == 0)
        {
          g_print (_("No app matches “%s”. You can still open any port by its number.\n"),
                   query);
          return PORTIERCTL_EXIT_OK;
        }
      portierctl_table_print (table);
    }

  return PORTIERCTL_EXIT_OK;
}
