/* portierctl-check.c: portierctl check — is the port reachable from the internet?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-json.h"
#include "portier-probe-client.h"
#include "portierctl-private.h"

static const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };

static void
add_outcome_members (JsonBuilder               *builder,
                     const PortierProbeOutcome *outcome)
{
  g_autofree char *summary = portier_probe_outcome_describe (outcome);

  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, portier_probe_result_to_string (outcome->result));
  portier_json_add_string (builder, "address", outcome->address);
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_int_value (builder, outcome->elapsed_ms);
  portier_json_add_string (builder, "reason", outcome->reason);
  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, summary);
}

static void
print_json (PortierProbeReport *combined,
            PortierApp         *app)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "port");
  portierctl_add_port_spec (builder, combined->spec);
  if (app != NULL)
    {
      json_builder_set_member_name (builder, "app");
      json_builder_add_string_value (builder, portier_app_get_id (app));
    }
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, combined->server_url);
  json_builder_set_member_name (builder, "reachable");
  json_builder_add_boolean_value (builder, portier_probe_report_is_reachable (combined));

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    {
      const PortierProbeOutcome *summary = portier_probe_report_get_summary (combined,
                                                                             families[f]);

      json_builder_set_member_name (builder, portier_socket_family_to_string (families[f]));
      json_builder_begin_object (builder);
      add_outcome_members (builder, summary);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "probes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < combined->outcomes->len; i++)
    {
      const PortierProbeOutcome *outcome = g_ptr_array_index (combined->outcomes, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, outcome->port);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, portier_protocol_to_string (outcome->protocol));
      json_builder_set_member_name (builder, "family");
      json_builder_add_string_value (builder, portier_socket_family_to_string (outcome->family));
      json_builder_set_member_name (builder, "listened");
      json_builder_add_boolean_value (builder, outcome->listened);
      add_outcome_members (builder, outcome);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  portierctl_print_json (root);
}

static void
print_text (PortierProbeReport *combined)
{
  g_print (_("Tested from the internet with %s:\n"), combined->server_url);
  for (guint i = 0; i < combined->outcomes->len; i++)
    {
      const PortierProbeOutcome *outcome = g_ptr_array_index (combined->outcomes, i);
      g_autofree char *summary = portier_probe_outcome_describe (outcome);
      const char *family = outcome->family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4";

      if (outcome->address != NULL)
        /* TRANSLATORS: “25565/tcp over IPv4 (seen from the internet as 203.0.113.7):
         * <a sentence>” */
        g_print (_("%u/%s over %s (seen from the internet as %s): %s\n"), outcome->port,
                 portier_protocol_to_string (outcome->protocol), family, outcome->address,
                 summary);
      else
        /* TRANSLATORS: “25565/tcp over IPv6: <a sentence>” */
        g_print (_("%u/%s over %s: %s\n"), outcome->port,
                 portier_protocol_to_string (outcome->protocol), family, summary);
    }
}

int
portierctl_check (int    argc,
                  char **argv)
{
  g_autofree char *server = NULL;
  gboolean json = FALSE;
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "probe-server", 0, 0, G_OPTION_ARG_STRING, &server,
      N_("The test server to ask (default: $PORTIER_PROBE_SERVER, then the setting, then a "
         "public port-check service)"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up on a test server that has not answered after this many seconds"),
      N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "check", "SPEC",
    _("Test from the internet whether other people can reach a port on this computer, over "
      "IPv4 and over IPv6. SPEC is a port such as 25565/tcp, or an app such as "
      "minecraft-java. While the port is free, Portier listens on it for the test itself. "
      "Exits with 0 when the port is reachable, 1 when it is not or the test could not run."),
    entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(PortierProbeClient) client = NULL;
  g_autoptr(PortierProbeReport) combined = NULL;
  g_autoptr(GError) error = NULL;
  PortierApp *app = NULL;
  gboolean all_reachable = TRUE;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return portierctl_usage_error ("check", _("Give one port or app."));
  if (timeout < 0 || timeout > 600)
    return portierctl_usage_error ("check", _("The timeout is a number of seconds from 1 "
                                              "to 600."));
  if (server != NULL && !portier_probe_client_validate_url (server, &error))
    return portierctl_fail (error);

  if ((specs = portierctl_resolve_spec (argv[1], &app, &error)) == NULL)
    return portierctl_fail (error);

  client = portier_probe_client_new (server);
  if (!portier_probe_client_validate_url (portier_probe_client_get_server_url (client),
                                          &error))
    return portierctl_fail (error);
  if (timeout > 0)
    portier_probe_client_set_timeout (client, (guint) timeout * 1000);

  /* Every port of an app at once: each test has its own listener and token. */
  results = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_set_size (results, specs->len);
  for (guint i = 0; i < specs->len; i++)
    portier_probe_client_check_async (client, g_ptr_array_index (specs, i), NULL,
                                      portierctl_store_result_cb, &results->pdata[i]);

  for (guint i = 0; i < specs->len; i++)
    {
      GAsyncResult **result = (GAsyncResult **) &results->pdata[i];
      g_autoptr(PortierProbeReport) report = NULL;

      report = portier_probe_client_check_finish (client, portierctl_wait (result), &error);
      if (report == NULL)
        return portierctl_fail (error);

      if (combined == NULL)
        combined = portier_probe_report_new (report->spec, report->server_url,
                                             report->fallback);
      for (guint o = 0; o < report->outcomes->len; o++)
        g_ptr_array_add (combined->outcomes,
                         portier_probe_outcome_copy (g_ptr_array_index (report->outcomes, o)));
      if (!portier_probe_report_is_reachable (report))
        all_reachable = FALSE;
    }

  if (json)
    print_json (combined, app);
  else
    print_text (combined);

  return all_reachable ? PORTIERCTL_EXIT_OK : PORTIERCTL_EXIT_FAILED;
}
