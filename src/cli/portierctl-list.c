/* portierctl-list.c: portierctl list — what Portier opened, and the router's forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portierctl-private.h"

static gboolean
is_ours (PortierRouterRecord  *record,
         const PortierMapping *mapping,
         const char           *lan_address)
{
  return portier_mapping_is_ours (mapping, lan_address) ||
         portier_router_record_is_recorded (record, mapping);
}

static void
add_openings_json (JsonBuilder         *builder,
                   PortierRouterRecord *record)
{
  GPtrArray *openings = portier_router_record_get_openings (record);

  json_builder_begin_array (builder);
  for (guint i = 0; i < openings->len; i++)
    {
      const PortierRouterOpening *opening = g_ptr_array_index (openings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, opening->id);
      json_builder_set_member_name (builder, "port");
      portierctl_add_port_spec (builder, &opening->spec);
      json_builder_set_member_name (builder, "app");
      if (opening->label != NULL)
        json_builder_add_string_value (builder, opening->label);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, opening->created);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, portier_router_method_to_string (opening->method));
      json_builder_set_member_name (builder, "mappings");
      json_builder_begin_array (builder);
      for (guint m = 0; m < opening->mappings->len; m++)
        portierctl_router_add_mapping_json (builder, g_ptr_array_index (opening->mappings, m),
                                            TRUE);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "pinholes");
      json_builder_add_int_value (builder, opening->pinholes->len);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_tables (PortierRouterRecord *record,
              GPtrArray           *mappings,
              const char          *lan_address)
{
  GPtrArray *openings = portier_router_record_get_openings (record);

  if (openings->len == 0)
    g_print (_("Portier has nothing open.\n"));
  else
    {
      g_autoptr(PortierctlTable) table = portierctl_table_new (
        4,
        /* TRANSLATORS: column headings of portierctl list */
        _("Id"), _("Port"), _("App"), _("Outside"));

      for (guint i = 0; i < openings->len; i++)
        {
          const PortierRouterOpening *opening = g_ptr_array_index (openings, i);
          g_autofree char *spec = portier_port_spec_to_string (&opening->spec);
          g_autoptr(GString) outside = g_string_new (NULL);

          for (guint m = 0; m < opening->mappings->len; m++)
            {
              const PortierMapping *mapping = g_ptr_array_index (opening->mappings, m);
              g_string_append_printf (outside, "%s%u/%s", m > 0 ? " " : "",
                                      mapping->external_port,
                                      portier_protocol_to_string (mapping->protocol));
            }
          portierctl_table_add_row (table, opening->id, spec,
                                    opening->label ? opening->label : "", outside->str);
        }
      portierctl_table_print (table);
    }

  if (mappings == NULL)
    return;
  g_print ("\n");
  if (mappings->len == 0)
    g_print (_("The router forwards nothing.\n"));
  else
    {
      g_autoptr(PortierctlTable) table = portierctl_table_new (
        5,
        /* TRANSLATORS: column headings of the router's forwards in portierctl list */
        _("Outside"), _("To"), _("Description"), _("Lease"), _("By Portier"));

      for (guint i = 0; i < mappings->len; i++)
        {
          const PortierMapping *mapping = g_ptr_array_index (mappings, i);
          g_autofree char *outside = g_strdup_printf (
            "%u/%s", mapping->external_port, portier_protocol_to_string (mapping->protocol));
          g_autofree char *to = g_strdup_printf ("%s:%u", mapping->internal_client,
                                                 mapping->internal_port);
          g_autofree char *lease = mapping->lease > 0
                                   /* TRANSLATORS: a number of seconds, shortly */
                                   ? g_strdup_printf (_("%u s"), mapping->lease)
                                   : g_strdup (_("permanent"));

          portierctl_table_add_row (table, outside, to, mapping->description, lease,
                                    is_ours (record, mapping, lan_address) ? _("yes")
                                                                           : _("no"));
        }
      portierctl_table_print (table);
    }
}

int
portierctl_list (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "list", "", _("Show what Portier opened, and every forward on the router."), entries);
  g_autoptr(PortierRouterRecord) record = NULL;
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) list_error = NULL;
  const char *lan_address = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return portierctl_usage_error ("list", _("list takes no port."));

  record = portierctl_router_load_record ();
  router = portierctl_router_discover (&error);
  if (router != NULL)
    {
      lan_address = portier_router_get_lan_address (router);
      mappings = portierctl_router_list (router, &list_error);
      if (mappings == NULL)
        g_debug ("No list from the router: %s", list_error->message);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "openings");
      add_openings_json (builder, record);
      json_builder_set_member_name (builder, "router_mappings");
      json_builder_begin_array (builder);
      for (guint i = 0; mappings != NULL && i < mappings->len; i++)
        {
          const PortierMapping *mapping = g_ptr_array_index (mappings, i);
          portierctl_router_add_mapping_json (builder, mapping,
                                              is_ours (record, mapping, lan_address));
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "router_can_list");
      json_builder_add_boolean_value (builder, mappings != NULL);
      json_builder_set_member_name (builder, "router");
      portierctl_router_add_info_json (builder,
                                       router ? portier_router_get_info (router) : NULL, error);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    {
      print_tables (record, mappings, lan_address);
      if (router == NULL)
        g_print ("\n%s\n", portier_error_user_message (error));
      else if (mappings == NULL)
        g_print ("\n%s\n", _("This router cannot list its forwards (NAT-PMP)."));
    }
  return PORTIERCTL_EXIT_OK;
}
