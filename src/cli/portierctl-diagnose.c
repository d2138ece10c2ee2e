/* portierctl-diagnose.c: portierctl diagnose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-diagnosis.h"
#include "portier-error.h"
#include "portier-json.h"
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
  json_builder_add_string_value (builder, portierctl_json_verdict (report->verdict));
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->findings->len; i++)
    {
      const PortierFinding *f = g_ptr_array_index (report->findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, f->code);
      json_builder_set_member_name (builder, "layer");
      json_builder_add_string_value (builder, portierctl_json_layer (f->layer));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, portierctl_json_finding_status (f->status));
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
