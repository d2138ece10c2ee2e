/* portierctl-open.c: portierctl open and close — the open transaction on the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <stdio.h>
#include <signal.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-open-run.h"
#include "portier-router.h"
#include "portier-router-forward.h"
#include "portierctl-private.h"

static gboolean quiet;

static void
step_changed_cb (PortierOpener     *opener,
                 int                step,
                 int                status,
                 const char        *message,
                 gpointer           user_data)
{
  const char *mark;

  if (quiet || message == NULL)
    return;

  switch (status)
    {
    case PORTIER_STEP_STATUS_RUNNING:
      mark = "…";
      break;
    case PORTIER_STEP_STATUS_DONE:
      mark = "✓";
      break;
    case PORTIER_STEP_STATUS_FAILED:
      mark = "✗";
      break;
    case PORTIER_STEP_STATUS_UNDONE:
      mark = "↶";
      break;
    default:
      return;
    }
  g_print ("%s %s\n", mark, message);
}

static gboolean
bad_input (const GError *error)
{
  return g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT) ||
         g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
}

static void
print_human_result (const PortierOpenResult *result)
{
  g_autofree char *share = portier_open_result_dup_share (result);

  if (result->error != NULL)
    {
      /* Bad input is explained by its own sentence; anything else by its code. */
      g_autofree char *text = portier_open_result_error_text (result, result->error);

      g_printerr ("%s\n", bad_input (result->error) ? result->error->message : text);
      if (result->alternative_port != 0)
        g_printerr (_("Port %u is free on your router: try “--external-port %u”.\n"),
                    result->alternative_port, result->alternative_port);
      if (result->firewall_command != NULL)
        g_printerr (_("To allow the port yourself, run: %s\n"), result->firewall_command);
      g_printerr (_("Nothing was left open.\n"));
      return;
    }

  if (result->wan_description != NULL)
    g_print ("%s\n", result->wan_description);
  if (result->firewall_command != NULL)
    g_print (_("To allow the port through your firewall, run: %s\n"),
             result->firewall_command);
  if (result->ipv6_only)
    g_print ("%s\n", _("It is open over IPv6 only: the people who connect need IPv6 too "
                       "(most mobile networks and many home connections have it)."));
  if (share != NULL)
    g_print (_("Give your friends this address: %s\n"), share);
  if (result->verify_status == PORTIER_VERIFY_STATUS_UNREACHABLE)
    g_print (_("Run “portierctl diagnose %u/%s” to find out what is in the way.\n"),
             result->spec.first, portier_protocol_to_string (result->spec.protocol));
  g_print (_("Close it again with “portierctl close %s”.\n"), result->id);
}

static void
restored_cb (GObject              *keeper,
             const PortierMapping *mapping,
             gpointer              user_data)
{
  /* TRANSLATORS: %u is a port number */
  g_print (_("The router had lost the forward of port %u; Portier added it again.\n"),
           mapping->internal_port);
}

static void
lost_cb (GObject              *keeper,
         const PortierMapping *mapping,
         const GError         *error,
         gpointer              user_data)
{
  /* TRANSLATORS: %u is a port number, then a sentence saying why */
  g_printerr (_("The forward of port %u could not be kept: %s\n"), mapping->internal_port,
              portier_error_user_message (error));
}

static void
pinhole_restored_cb (GObject              *keeper,
                     const PortierPinhole *old,
                     const PortierPinhole *pinhole,
                     gpointer              user_data)
{
  /* TRANSLATORS: %u is a port number */
  g_print (_("The router had forgotten the way in for IPv6 to port %u; Portier opened it "
             "again.\n"), pinhole->internal_port);
}

static gboolean
stop_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  g_main_context_wakeup (NULL);
  return G_SOURCE_CONTINUE;
}

/* --hold: keeps the forwards alive until Ctrl+C (or SIGTERM), then closes the openings. */
static int
hold_and_close (PortierOpener *opener,
                GPtrArray     *results)
{
  gboolean stop = FALSE;
  guint sigint = g_unix_signal_add (SIGINT, stop_cb, &stop);
  guint sigterm = g_unix_signal_add (SIGTERM, stop_cb, &stop);
  GObject *keeper;
  int status = PORTIERCTL_EXIT_OK;

  for (guint i = 0; i < results->len; i++)
    print_human_result (results->pdata[i]);

  portier_opener_hold (opener);
  while (!stop && (keeper = portier_opener_get_keeper (opener)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!stop)
    {
      g_signal_connect (keeper, "restored", G_CALLBACK (restored_cb), NULL);
      g_signal_connect (keeper, "lost", G_CALLBACK (lost_cb), NULL);
      g_signal_connect (keeper, "pinhole-restored", G_CALLBACK (pinhole_restored_cb), NULL);
      g_print (_("Portier keeps the forward alive until you stop it with Ctrl+C.\n"));
    }

  while (!stop)
    g_main_context_iteration (NULL, TRUE);

  portier_opener_release (opener);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  for (guint i = 0; i < results->len; i++)
    {
      const PortierOpenResult *result = g_ptr_array_index (results, i);
      g_autoptr(GAsyncResult) async_result = NULL;
      g_autoptr(GError) error = NULL;

      if (result->id == NULL || result->id[0] == '\0')
        continue;
      portier_opener_close_async (opener, result->id, TRUE, NULL, portierctl_store_result_cb,
                                  &async_result);
      if (!portier_opener_close_finish (opener, portierctl_wait (&async_result), &error))
        {
          g_printerr ("portierctl: %s\n", portier_error_user_message (error));
          status = PORTIERCTL_EXIT_FAILED;
        }
    }
  if (status == PORTIERCTL_EXIT_OK)
    g_print (_("Closed.\n"));
  return status;
}

int
portierctl_open (int    argc,
                 char **argv)
{
  gboolean json = FALSE, permanent = FALSE, no_firewall = FALSE, no_router = FALSE;
  gboolean no_verify = FALSE, hold = FALSE;
  g_autofree char *external_text = NULL;
  int external_port = 0;
  gint64 lease = -1;
  g_autofree char *app_id = NULL;
  g_autofree char *probe_server = NULL;
  const GOptionEntry entries[] = {
    { "app", 0, 0, G_OPTION_ARG_STRING, &app_id, N_("The app this port is for"), N_("ID") },
    { "external-port", 0, 0, G_OPTION_ARG_STRING, &external_text,
      N_("The port people on the internet use, if it must differ; “any” takes a free one "
         "when another device has the port"), N_("PORT") },
    { "hold", 0, 0, G_OPTION_ARG_NONE, &hold,
      N_("Stay running and keep the router’s forward alive until stopped, then close"),
      NULL },
    { "lease", 0, 0, G_OPTION_ARG_INT64, &lease,
      N_("Close it again after this many seconds (default: one hour)"), N_("SECONDS") },
    { "permanent", 0, 0, G_OPTION_ARG_NONE, &permanent, N_("Keep it open until closed"),
      NULL },
    { "no-firewall", 0, 0, G_OPTION_ARG_NONE, &no_firewall,
      N_("Leave this computer’s firewall alone"), NULL },
    { "no-router", 0, 0, G_OPTION_ARG_NONE, &no_router, N_("Leave the router alone"), NULL },
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &no_verify,
      N_("Skip the test from the internet"), NULL },
    { "probe-server", 0, 0, G_OPTION_ARG_STRING, &probe_server,
      N_("The test server to use"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "open", "SPEC",
    _("Let people on the internet reach a port of this computer: allow it through the "
      "firewall, ask the router to forward it, and test it from outside. SPEC is a port "
      "such as 25565/tcp, or an app such as minecraft-java."),
    entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) all_options = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(PortierOpener) opener = NULL;
  g_autoptr(PortierOpenRun) run = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  PortierApp *app = NULL;
  gboolean failed = FALSE;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return portierctl_usage_error ("open", _("Say which port or app to open."));
  if (permanent && lease != -1)
    return portierctl_usage_error ("open", _("Choose either --lease or --permanent."));
  if (lease != -1 && (lease < 1 || lease > 7 * 24 * 3600))
    return portierctl_usage_error ("open", _("The lease is a number of seconds from 1 to "
                                             "604800 (one week)."));
  if (external_text != NULL && g_strcmp0 (external_text, "any") != 0)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (external_text, 10, 1, G_MAXUINT16, &value, NULL))
        return portierctl_usage_error ("open", _("The outside port must be from 1 to 65535, "
                                                 "or “any”."));
      external_port = (int) value;
    }
  if ((specs = portierctl_resolve_spec (argv[1], &app, &error)) == NULL)
    return portierctl_fail (error);
  if (app_id != NULL && portier_catalog_lookup (portierctl_get_catalog (), app_id) == NULL)
    return portierctl_usage_error ("open", _("“%s” is not an app Portier knows."), app_id);
  if (app != NULL && app_id == NULL)
    app_id = g_strdup (portier_app_get_id (app));
  if (external_port != 0 && specs->len > 1)
    return portierctl_usage_error ("open", _("--external-port needs a single port."));

  quiet = json;
  /* In a terminal, polkit can ask for the password right here. */
  if (!no_firewall)
    portierctl_start_password_agent ();
  opener = portier_opener_new (NULL);
  g_signal_connect (opener, "step-changed", G_CALLBACK (step_changed_cb), NULL);
  portierctl_reconcile (opener);

  /* An app with several ports opens them all, or none: a failure undoes the others. */
  all_options = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_open_options_free);
  for (guint i = 0; i < specs->len; i++)
    {
      PortierOpenOptions *options = portier_open_options_new (specs->pdata[i]);

      options->app_id = g_strdup (app_id);
      options->external_port = (guint16) external_port;
      options->any_external_port = g_strcmp0 (external_text, "any") == 0;
      options->firewall = !no_firewall;
      options->router = !no_router;
      options->verify = !no_verify;
      options->interactive = TRUE;
      options->probe_server = g_strdup (probe_server);
      if (permanent)
        options->duration = PORTIER_DURATION_UNTIL_CLOSED;
      else if (hold && lease == -1 && !json)
        /* Open while this command runs: its end (a crash too) closes it. */
        options->duration = PORTIER_DURATION_WHILE_RUNNING;
      else
        {
          options->duration = PORTIER_DURATION_UNTIL;
          options->seconds = lease != -1 ? (guint) lease : 3600;
        }
      g_ptr_array_add (all_options, options);
    }

  run = portier_open_run_new (opener, all_options, FALSE);
  portier_open_run_execute_async (run, NULL, portierctl_store_result_cb, &async_result);
  results = portier_open_run_execute_finish (run, portierctl_wait (&async_result), &error);
  if (results == NULL)
    return portierctl_fail (error);
  failed = portier_open_run_get_failed (results) != NULL;

  if (hold && !failed && !json)
    return hold_and_close (opener, results);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      if (results->len == 1)
        portierctl_add_open_result (builder, results->pdata[0]);
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "app");
          json_builder_add_string_value (builder, app_id);
          json_builder_set_member_name (builder, "openings");
          json_builder_begin_array (builder);
          for (guint i = 0; i < results->len; i++)
            portierctl_add_open_result (builder, results->pdata[i]);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    for (guint i = 0; i < results->len; i++)
      print_human_result (results->pdata[i]);

  if (failed)
    {
      const GError *e = ((PortierOpenResult *) results->pdata[results->len - 1])->error;

      /* Input the router module found too big (more ports than it forwards at once) is
       * bad input, like any other. */
      if (bad_input (e))
        return PORTIERCTL_EXIT_USAGE;
      return PORTIERCTL_EXIT_FAILED;
    }
  return PORTIERCTL_EXIT_OK;
}

/* Forwards Portier made for this computer that no record names any more (the record was
 * lost, or made elsewhere): found on the router by their tag and this computer's address.
 * Under NAT-PMP the router cannot list them, but it only ever removes this computer's own
 * forwards, so the ports of @spec can be removed by asking. Never another device's. */
static void
sweep_router (const PortierPortSpec *spec,
              GPtrArray             *closed,
              GPtrArray             *errors)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GAsyncResult) remove_result = NULL;
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) ours = NULL;
  g_autoptr(GError) error = NULL;
  const char *lan;

  portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, NULL,
                                 portierctl_store_result_cb, &result);
  router = portier_router_discover_finish (portierctl_wait (&result), &error);
  if (router == NULL)
    return;
  lan = portier_router_get_lan_address (router);

  portier_router_list_mappings_async (router, NULL, portierctl_store_result_cb, &list_result);
  all = portier_router_list_mappings_finish (router, portierctl_wait (&list_result), &error);
  if (all != NULL)
    ours = portier_router_filter_ours (all, lan, spec);
  else if (spec != NULL && portier_router_get_method (router) == PORTIER_ROUTER_METHOD_NATPMP)
    {
      ours = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
      for (guint port = spec->first; port <= spec->last; port++)
        for (PortierProtocol p = PORTIER_PROTOCOL_TCP; p <= PORTIER_PROTOCOL_UDP; p <<= 1)
          if (spec->protocol & p)
            {
              PortierMapping *mapping = g_new0 (PortierMapping, 1);

              mapping->method = PORTIER_ROUTER_METHOD_NATPMP;
              mapping->protocol = p;
              mapping->internal_port = mapping->external_port = (guint16) port;
              mapping->internal_client = g_strdup (lan);
              g_ptr_array_add (ours, mapping);
            }
    }
  if (ours == NULL || ours->len == 0)
    return;

  g_clear_error (&error);
  portier_router_unforward_async (router, ours, NULL, NULL, portierctl_store_result_cb,
                                  &remove_result);
  if (!portier_router_unforward_finish (router, portierctl_wait (&remove_result), NULL, NULL,
                                        &error))
    {
      g_ptr_array_add (errors, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < ours->len; i++)
    g_ptr_array_add (closed, portier_mapping_copy (ours->pdata[i]));
}

/* The opening that holds this firewall rule, so a rule id closes its whole opening. */
static const char *
find_by_rule_id (PortierLedger *ledger,
                 const char    *rule_id)
{
  GPtrArray *openings = portier_ledger_get_openings (ledger);

  for (guint i = 0; i < openings->len; i++)
    {
      const PortierOpening *opening = g_ptr_array_index (openings, i);

      for (guint j = 0; j < opening->rules->len; j++)
        if (g_strcmp0 (((PortierLedgerRule *) opening->rules->pdata[j])->rule_id, rule_id) == 0)
          return opening->id;
    }
  return NULL;
}

int
portierctl_close (int    argc,
                  char **argv)
{
  gboolean json = FALSE, all = FALSE;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Close everything Portier opened"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "close", "(ID | SPEC | --all)",
    _("Close what Portier opened: the router’s forward and the firewall rule. Only what "
      "Portier made is removed."),
    entries);
  g_autoptr(PortierOpener) opener = NULL;
  g_autoptr(PortierLedger) ledger = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) closed = g_ptr_array_new ();
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GPtrArray) forwards = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_mapping_free);
  g_autoptr(GPtrArray) sweep_specs = NULL;
  guint swept_before;
  g_autoptr(GError) error = NULL;
  GPtrArray *openings;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if ((all && argc != 1) || (!all && argc != 2))
    return portierctl_usage_error ("close", _("Say what to close: an id from “portierctl "
                                              "list”, a port, an app, or --all."));

  ledger = portier_ledger_new_default ();
  opener = portier_opener_new (ledger);
  portierctl_start_password_agent ();
  portierctl_reconcile (opener);
  if (!portier_ledger_load (ledger, &error) &&
      !g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT))
    return portierctl_fail (error);
  g_clear_error (&error);
  openings = portier_ledger_get_openings (ledger);

  if (all)
    for (guint i = 0; i < openings->len; i++)
      g_ptr_array_add (ids, g_strdup (((PortierOpening *) openings->pdata[i])->id));
  else if (portier_ledger_lookup (ledger, argv[1]) != NULL)
    g_ptr_array_add (ids, g_strdup (argv[1]));
  else if (find_by_rule_id (ledger, argv[1]) != NULL)
    g_ptr_array_add (ids, g_strdup (find_by_rule_id (ledger, argv[1])));
  else
    {
      g_autoptr(GPtrArray) specs = portierctl_resolve_spec (argv[1], NULL, &error);

      if (specs == NULL)
        return portierctl_fail (error);
      for (guint i = 0; i < specs->len; i++)
        {
          g_autoptr(GPtrArray) found = portier_ledger_find (ledger, specs->pdata[i]);
          for (guint j = 0; j < found->len; j++)
            {
              const char *id = ((PortierOpening *) found->pdata[j])->id;
              if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
                g_ptr_array_add (ids, g_strdup (id));
            }
        }
      sweep_specs = g_steal_pointer (&specs);
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      GError *close_error = NULL;
      const PortierOpening *opening = portier_ledger_lookup (ledger, ids->pdata[i]);

      for (guint m = 0; opening != NULL && m < opening->mappings->len; m++)
        {
          const PortierLedgerMapping *lm = g_ptr_array_index (opening->mappings, m);
          PortierMapping *mapping;

          if (lm->kept_by != NULL)
            continue;  /* another program's: left as it is */
          mapping = g_new0 (PortierMapping, 1);

          mapping->external_port = lm->external_port;
          mapping->internal_port = lm->internal_port;
          portier_protocol_from_string (lm->protocol, &mapping->protocol);
          mapping->internal_client = g_strdup (lm->internal_client);
          mapping->lease = lm->lease;
          g_ptr_array_add (forwards, mapping);
        }

      portier_opener_close_async (opener, ids->pdata[i], TRUE, NULL,
                                  portierctl_store_result_cb, &result);
      if (portier_opener_close_finish (opener, portierctl_wait (&result), &close_error))
        g_ptr_array_add (closed, ids->pdata[i]);
      else
        g_ptr_array_add (errors, close_error);
    }

  /* What no record names any more, on the router. */
  swept_before = forwards->len;
  if (all)
    sweep_router (NULL, forwards, errors);
  for (guint i = 0; sweep_specs != NULL && i < sweep_specs->len; i++)
    sweep_router (sweep_specs->pdata[i], forwards, errors);
  if (!all && ids->len == 0 && forwards->len == swept_before && errors->len == 0)
    g_ptr_array_add (errors, g_error_new (PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                                          _("Portier has not opened %s."), argv[1]));

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "closed");
      json_builder_begin_array (builder);
      for (guint i = 0; i < closed->len; i++)
        json_builder_add_string_value (builder, closed->pdata[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      for (guint i = 0; i < errors->len; i++)
        json_builder_add_string_value (builder,
                                       portier_error_user_message (errors->pdata[i]));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "router");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, errors->len > 0 ? "failed"
                                              : forwards->len > 0 ? "closed" : "nothing");
      json_builder_set_member_name (builder, "closed");
      json_builder_begin_array (builder);
      for (guint i = 0; errors->len == 0 && i < forwards->len; i++)
        portierctl_add_mapping (builder, forwards->pdata[i], PORTIER_MAPPING_OWNER_PORTIER);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      if (errors->len > 0 && ((GError *) errors->pdata[0])->domain == PORTIER_ERROR)
        {
          json_builder_set_member_name (builder, "error_code");
          json_builder_add_string_value (builder, portierctl_error_name (errors->pdata[0]));
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    {
      if (closed->len > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, "Closed %u opening.\n", "Closed %u openings.\n",
                              closed->len), closed->len);
      else if (forwards->len > swept_before)
        g_print (_("Removed forwards Portier had made on the router.\n"));
      else if (errors->len == 0)
        g_print (_("Portier has nothing open.\n"));
      for (guint i = 0; i < errors->len; i++)
        {
          const GError *e = errors->pdata[i];
          g_printerr ("portierctl: %s\n",
                      g_error_matches (e, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND)
                        ? e->message : portier_error_user_message (e));
        }
    }

  return errors->len > 0 ? PORTIERCTL_EXIT_FAILED : PORTIERCTL_EXIT_OK;
}
