/* portierctl-list.c: portierctl list — what Portier opened, and the router's forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-opener.h"
#include "portier-router.h"
#include "portierctl-private.h"

static const char *
made_by (PortierMappingOwner owner)
{
  switch (owner)
    {
    case PORTIER_MAPPING_OWNER_PORTIER:
      return _("Portier, for this computer");
    case PORTIER_MAPPING_OWNER_THIS_COMPUTER:
      return _("another program on this computer");
    case PORTIER_MAPPING_OWNER_OTHER_DEVICE:
    default:
      return _("another device");
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
  g_autoptr(PortierLedger) ledger = portier_ledger_new_default ();
  g_autoptr(PortierOpener) opener = NULL;
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) discover_error = NULL;
  GPtrArray *openings;
  const char *lan_address = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return portierctl_usage_error ("list", _("“list” takes no port."));

  opener = portier_opener_new (ledger);
  portierctl_reconcile (opener);
  portier_ledger_load (ledger, NULL);
  openings = portier_ledger_get_openings (ledger);

  portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, NULL,
                                 portierctl_store_result_cb, &result);
  router = portier_router_discover_finish (portierctl_wait (&result), &discover_error);
  if (router != NULL)
    {
      g_autoptr(GAsyncResult) list_result = NULL;

      lan_address = portier_router_get_lan_address (router);
      portier_router_list_mappings_async (router, NULL, portierctl_store_result_cb,
                                          &list_result);
      mappings = portier_router_list_mappings_finish (router, portierctl_wait (&list_result),
                                                      &error);
    }
  if (mappings == NULL)
    g_debug ("no router mappings: %s", error != NULL ? error->message : "no router");

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "openings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < openings->len; i++)
        portier_opening_serialize (openings->pdata[i], builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "router_mappings");
      json_builder_begin_array (builder);
      for (guint i = 0; mappings != NULL && i < mappings->len; i++)
        {
          const PortierMapping *m = g_ptr_array_index (mappings, i);

          portierctl_add_mapping (builder, m, portier_mapping_get_owner (m, lan_address));
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "router");
      portierctl_router_add_info_json (builder,
                                       router != NULL ? portier_router_get_info (router) : NULL,
                                       discover_error);
      /* NAT-PMP cannot list a router's forwards. */
      json_builder_set_member_name (builder, "router_can_list");
      json_builder_add_boolean_value (builder, mappings != NULL);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
      return PORTIERCTL_EXIT_OK;
    }

  if (openings->len == 0)
    g_print (_("Portier has nothing open.\n"));
  else
    {
      g_autoptr(PortierctlTable) table = portierctl_table_new (
        4, _("ID"), _("Port"), _("App"), _("Until"));

      for (guint i = 0; i < openings->len; i++)
        {
          const PortierOpening *o = g_ptr_array_index (openings, i);
          g_autofree char *spec = portier_port_spec_to_string (&o->spec);
          g_autofree char *until = NULL;

          if (o->duration == PORTIER_DURATION_UNTIL)
            {
              g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (o->expires);
              until = g_date_time_format (when, "%x %X");
            }
          else if (o->duration == PORTIER_DURATION_UNTIL_CLOSED)
            until = g_strdup (_("closed"));
          else
            until = g_strdup (_("Portier stops"));
          portierctl_table_add_row (table, o->id, spec, o->app_id != NULL ? o->app_id : "",
                                    until);
        }
      portierctl_table_print (table);
    }

  if (mappings != NULL)
    {
      g_autoptr(PortierctlTable) table = portierctl_table_new (
        4, _("Outside port"), _("Sent to"), _("Description"), _("Made by"));

      g_print ("\n%s\n", _("Forwards on the router:"));
      for (guint i = 0; i < mappings->len; i++)
        {
          const PortierMapping *m = g_ptr_array_index (mappings, i);
          g_autofree char *outside = g_strdup_printf ("%u/%s", m->external_port,
                                                      portier_protocol_to_string (m->protocol));
          g_autofree char *to = g_strdup_printf ("%s:%u", m->internal_client, m->internal_port);

          portierctl_table_add_row (table, outside, to, m->description,
                                    made_by (portier_mapping_get_owner (m, lan_address)));
        }
      portierctl_table_print (table);
    }
  else
    g_print ("\n%s\n", _("No router answered, so its forwards cannot be shown."));

  return PORTIERCTL_EXIT_OK;
}
