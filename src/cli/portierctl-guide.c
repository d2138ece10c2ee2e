/* portierctl-guide.c: the step-by-step guide, in portierctl diagnose and portierctl guide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-guide-check.h"
#include "portier-json.h"
#include "portierctl-json.h"
#include "portierctl-private.h"

static const char *
source_text (PortierRouterSource source)
{
  switch (source)
    {
    case PORTIER_ROUTER_SOURCE_UPNP:
      return _("as it names itself");
    case PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS:
      return _("by its hardware address");
    case PORTIER_ROUTER_SOURCE_PAGE_TITLE:
      return _("by its settings page");
    case PORTIER_ROUTER_SOURCE_NONE:
    default:
      return NULL;
    }
}

/* The name to show for the router: its model when known, else its family's name. */
static const char *
router_shown_name (const PortierRouterIdentity *router)
{
  if (router->model != NULL)
    return router->model;
  if (!portier_router_family_is_generic (router->family))
    return portier_router_family_get_name (router->family);
  return router->vendor;
}

void
portierctl_print_guide (PortierGuide *guide)
{
  const PortierRouterIdentity *router = portier_guide_get_router (guide);
  const char *name = router_shown_name (router);
  const char *source = source_text (router->source);
  guint n = portier_guide_get_n_steps (guide);

  if (name != NULL && source != NULL)
    /* TRANSLATORS: the first %s is the router's name (FRITZ!Box 7590), the second how
     * Portier recognized it (“by its hardware address”) */
    g_print (_("Step by step, for your router: %s (recognized %s).\n"), name, source);
  else
    g_print ("%s\n", _("Step by step, for your router:"));

  for (guint i = 0; i < n; i++)
    {
      const PortierGuideStep *step = portier_guide_get_step (guide, i);

      g_print ("\n");
      /* TRANSLATORS: "Step 2 of 5: Keep this computer's address" */
      g_print (_("Step %u of %u: %s\n"), i + 1, n, step->title);
      g_print ("    %s\n", step->text);
      for (guint k = 0; k < step->values->len; k++)
        {
          const PortierGuideValue *value = g_ptr_array_index (step->values, k);

          g_print ("      %s: %s\n", value->field, value->value);
        }
      if (step->check != PORTIER_GUIDE_CHECK_NONE)
        /* TRANSLATORS: %s says how Portier checks the step */
        g_print ("    → %s\n", step->check_text);
    }
}

void
portierctl_add_guide_json (JsonBuilder  *builder,
                           PortierGuide *guide)
{
  const PortierRouterIdentity *router = portier_guide_get_router (guide);
  const PortierGuideFacts *facts = portier_guide_get_facts (guide);
  guint n = portier_guide_get_n_steps (guide);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "problem");
  json_builder_add_string_value (builder, portier_guide_problem_to_code (facts->problem));
  json_builder_set_member_name (builder, "router");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "family");
  json_builder_add_string_value (builder, portier_router_family_get_id (router->family));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, portier_router_family_get_name (router->family));
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, portier_router_source_to_string (router->source));
  portier_json_add_string (builder, "vendor", router->vendor);
  portier_json_add_string (builder, "model", router->model);
  portier_json_add_string (builder, "admin_url", router->admin_url);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      const PortierGuideStep *step = portier_guide_get_step (guide, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, portier_guide_step_kind_to_string (step->kind));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, step->title);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, step->text);
      json_builder_set_member_name (builder, "values");
      json_builder_begin_array (builder);
      for (guint k = 0; k < step->values->len; k++)
        {
          const PortierGuideValue *value = g_ptr_array_index (step->values, k);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, value->field);
          json_builder_set_member_name (builder, "value");
          json_builder_add_string_value (builder, value->value);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "check");
      json_builder_add_string_value (builder, portier_guide_check_to_string (step->check));
      json_builder_set_member_name (builder, "check_text");
      json_builder_add_string_value (builder, step->check_text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* --check N: "check again" for step N (counted from 1). */
static int
check_step (PortierGuide *guide,
            guint         step,
            const char   *probe_server,
            gboolean      json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierDiagnosisReport) report = NULL;
  g_autofree char *message = NULL;
  gboolean passed;

  portier_guide_check_async (guide, step - 1, probe_server, NULL,
                             portierctl_store_result_cb, &result);
  passed = portier_guide_check_finish (guide, portierctl_wait (&result), &message, &report,
                                       &error);
  if (error != NULL)
    {
      if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT))
        return portierctl_usage_error ("guide", "%s", error->message);
      return portierctl_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "step");
      json_builder_add_int_value (builder, step);
      json_builder_set_member_name (builder, "check");
      json_builder_add_string_value (builder, portier_guide_check_to_string (
                                       portier_guide_get_step (guide, step - 1)->check));
      json_builder_set_member_name (builder, "passed");
      json_builder_add_boolean_value (builder, passed);
      portier_json_add_string (builder, "message", message);
      if (report != NULL)
        {
          json_builder_set_member_name (builder, "verdict");
          json_builder_add_string_value (builder, portierctl_json_verdict (report->verdict));
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    {
      g_print ("%s %s\n", passed ? "✓" : "✗",
               message != NULL ? message : _("Nothing to check: go on with the next step."));
    }
  return passed ? PORTIERCTL_EXIT_OK : PORTIERCTL_EXIT_FAILED;
}

int
portierctl_guide (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  int check = 0;
  g_autofree char *probe_server = NULL;
  const GOptionEntry entries[] = {
    { "check", 0, 0, G_OPTION_ARG_INT, &check,
      N_("Check whether step N worked (“check again”)"), N_("N") },
    { "probe-server", 0, 0, G_OPTION_ARG_STRING, &probe_server,
      N_("The test server to use"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "guide", "SPEC",
    _("Show the steps to set up your router by hand when it will not forward a port by "
      "itself, and check each step."),
    entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PortierDiagnosisReport) report = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return portierctl_usage_error ("guide", _("Say which port or app to look at."));
  if (check < 0)
    return portierctl_usage_error ("guide", _("Steps are counted from 1."));
  if ((specs = portierctl_resolve_spec (argv[1], NULL, &error)) == NULL)
    return portierctl_fail (error);
  /* The guide is the router's: one port of an app stands for them all. */
  portier_diagnosis_run_async (specs->pdata[0], probe_server, NULL,
                               portierctl_store_result_cb, &result);
  report = portier_diagnosis_run_finish (portierctl_wait (&result), &error);
  if (report == NULL)
    return portierctl_fail (error);

  if (report->guide != NULL && check > 0)
    return check_step (report->guide, (guint) check, probe_server, json);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "port");
      portierctl_add_port_spec (builder, &report->spec);
      json_builder_set_member_name (builder, "verdict");
      json_builder_add_string_value (builder, portierctl_json_verdict (report->verdict));
      json_builder_set_member_name (builder, "guide");
      if (report->guide != NULL)
        portierctl_add_guide_json (builder, report->guide);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else if (report->guide != NULL)
    portierctl_print_guide (report->guide);
  else
    {
      /* Nothing to guide through is an answer, not a failure. */
      const PortierFinding *first = portier_diagnosis_report_get_first_problem (report);

      if (first != NULL)
        /* TRANSLATORS: %s is the troubleshooter's sentence about the first problem */
        g_print (_("Your router needs no steps by hand. What is in the way: %s\n"),
                 first->summary);
      else
        g_print ("%s\n", _("Your router needs no steps by hand: nothing stands in the way "
                           "there."));
      g_print (_("Run “portierctl diagnose %s” for everything Portier found.\n"), argv[1]);
    }
  if (check > 0 && report->guide == NULL)
    return PORTIERCTL_EXIT_FAILED;
  return PORTIERCTL_EXIT_OK;
}
