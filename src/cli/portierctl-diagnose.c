/* portierctl-diagnose.c: portierctl diagnose and list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-diagnosis.h"
#include "portier-error.h"
#include "portier-json.h"
#include "portier-opener.h"
#include "portier-router.h"
#include "portierctl-private.h"

static const char *
mark_of (PortierFindingStatus status)
{
  switch (status)
    {
    case PORTIER_FINDING_OK:
      return "✓";
    case PORTIER_FINDING_PROBLEM:
      return "✗";
    case PORTIER_FINDING_WARNING:
      return "!";
    case PORTIER_FINDING_UNKNOWN:
    default:
      return "?";
    }
}

static void
print_report (const PortierDiagnosisReport *report)
{
  const PortierFinding *first = portier_diagnosis_report_get_first_problem (report);
  g_autofree char *port = portier_port_spec_describe (&report->spec);

  switch (report->verdict)
    {
    case PORTIER_VERDICT_REACHABLE:
      g_print (_("People on the internet can reach %s.\n\n"), port);
      break;
    case PORTIER_VERDICT_NOT_REACHABLE:
      g_print (_("People on the internet cannot reach %s.\n\n"), port);
      break;
    case PORTIER_VERDICT_UNKNOWN:
    default:
      g_print (_("Portier could not find out whether people on the internet can reach "
                 "%s.\n\n"), port);
      break;
    }

  if (first != NULL)
    {
      g_print (_("What to do first: %s\n"), first->fix != NULL ? first->fix : first->summary);
      g_print ("\n");
    }

  for (guint i = 0; i < report->findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (report->findings, i);

      g_print ("%s %s\n", mark_of (finding->status), finding->summary);
      if (finding->status != PORTIER_FINDING_OK)
        {
          g_print ("    %s\n", finding->detail);
          if (finding->fix != NULL && finding != first)
            g_print ("    → %s\n", finding->fix);
        }
    }

  if (report->guide != NULL)
    {
      g_print ("\n");
      portierctl_print_guide (report->guide);
    }
}

static void
add_report (JsonBuilder                  *builder,
            const PortierDiagnosisReport *report)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "port");
  portierctl_add_port_spec (builder, &report->spec);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, portier_verdict_to_string (report->verdict));
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->findings->len; i++)
    {
      const PortierFinding *f = g_ptr_array_index (report->findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, f->code);
      json_builder_set_member_name (builder, "layer");
      json_builder_add_string_value (builder, portier_layer_to_string (f->layer));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, portier_finding_status_to_string (f->status));
      json_builder_set_member_name (builder, "summary");
      json_builder_add_string_value (builder, f->summary);
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, f->detail);
      portier_json_add_string (builder, "fix", f->fix);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (report->guide != NULL)
    {
      json_builder_set_member_name (builder, "guide");
      portierctl_add_guide_json (builder, report->guide);
    }
  json_builder_end_object (builder);
}

int
portierctl_diagnose (int    argc,
                     char **argv)
{
  gboolean json = FALSE;
  g_autofree char *probe_server = NULL;
  const GOptionEntry entries[] = {
    { "probe-server", 0, 0, G_OPTION_ARG_STRING, &probe_server,
      N_("The test server to use"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "diagnose", "SPEC",
    _("Find out why people on the internet cannot reach a port of this computer, layer by "
      "layer, and what to do about it."),
    entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return portierctl_usage_error ("diagnose", _("Say which port or app to look at."));
  if ((specs = portierctl_resolve_spec (argv[1], NULL, &error)) == NULL)
    return portierctl_fail (error);

  reports = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_diagnosis_report_free);
  for (guint i = 0; i < specs->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      PortierDiagnosisReport *report;

      portier_diagnosis_run_async (specs->pdata[i], probe_server, NULL,
                                   portierctl_store_result_cb, &result);
      report = portier_diagnosis_run_finish (portierctl_wait (&result), &error);
      if (report == NULL)
        return portierctl_fail (error);
      g_ptr_array_add (reports, report);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      if (reports->len == 1)
        add_report (builder, reports->pdata[0]);
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "reports");
          json_builder_begin_array (builder);
          for (guint i = 0; i < reports->len; i++)
            add_report (builder, reports->pdata[i]);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    for (guint i = 0; i < reports->len; i++)
      {
        if (i > 0)
          g_print ("\n");
        print_report (reports->pdata[i]);
      }

  return PORTIERCTL_EXIT_OK;
}

void
portierctl_add_mapping (JsonBuilder          *builder,
                        const PortierMapping *m,
                        PortierMappingOwner   owner)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "external_port");
  json_builder_add_int_value (builder, m->external_port);
  json_builder_set_member_name (builder, "internal_client");
  json_builder_add_string_value (builder, m->internal_client != NULL ? m->internal_client : "");
  json_builder_set_member_name (builder, "internal_port");
  json_builder_add_int_value (builder, m->internal_port);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, portier_protocol_to_string (m->protocol));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, m->description != NULL ? m->description : "");
  json_builder_set_member_name (builder, "lease");
  json_builder_add_int_value (builder, m->lease);
  json_builder_set_member_name (builder, "owner");
  json_builder_add_string_value (builder, portier_mapping_owner_to_string (owner));
  json_builder_set_member_name (builder, "ours");
  json_builder_add_boolean_value (builder, owner == PORTIER_MAPPING_OWNER_PORTIER);
  json_builder_end_object (builder);
}

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
