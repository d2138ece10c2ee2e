/* portierctl-open.c: portierctl open and close
 *
 * open runs the steps of an opening in order: this computer's firewall, the router,
 * the test from the internet. Each step is its own function; a later step that fails
 * takes the earlier ones back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "portier-error.h"
#include "portier-router-keeper.h"
#include "portierctl-private.h"

typedef struct
{
  int          lease;
  gboolean     permanent;
  gboolean     no_firewall;
  gboolean     no_router;
  gboolean     no_verify;
  gboolean     json;
  gboolean     hold;
} OpenOptions;

/* ---------------------------------------------------------------------------- steps */

/* This computer's firewall. Not part of this version: open asks for --no-firewall. */
static void
firewall_step_add_json (JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "skipped");
  json_builder_end_object (builder);
}

/* The test from the internet. Not part of this version: open asks for --no-verify. */
static void
verify_step_add_json (JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "skipped");
  json_builder_end_object (builder);
}

static void
router_skipped_add_json (JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "skipped");
  json_builder_end_object (builder);
}

static JsonNode *
opening_json (const PortierPortSpec *spec,
              PortierctlRouterOpen  *router_step)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *share = router_step ? portierctl_router_open_get_share (router_step) : NULL;
  const char *id = router_step ? portierctl_router_open_get_id (router_step) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  if (id != NULL)
    json_builder_add_string_value (builder, id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "port");
  portierctl_add_port_spec (builder, spec);
  json_builder_set_member_name (builder, "firewall");
  firewall_step_add_json (builder);
  json_builder_set_member_name (builder, "router");
  if (router_step != NULL)
    portierctl_router_open_add_json (router_step, builder);
  else
    router_skipped_add_json (builder);
  json_builder_set_member_name (builder, "verify");
  verify_step_add_json (builder);
  json_builder_set_member_name (builder, "share");
  if (share != NULL)
    json_builder_add_string_value (builder, share);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---------------------------------------------------------------------------- --hold */

static void
restored_cb (PortierRouterKeeper  *keeper,
             const PortierMapping *mapping,
             gpointer              user_data)
{
  g_autofree char *port = g_strdup_printf ("%u/%s", mapping->internal_port,
                                           portier_protocol_to_string (mapping->protocol));

  /* TRANSLATORS: %s is a port such as 25565/tcp */
  g_print (_("The router had lost the forward of %s; Portier added it again.\n"), port);
}

static void
renewed_cb (PortierRouterKeeper  *keeper,
            const PortierMapping *mapping,
            gpointer              user_data)
{
  g_debug ("Renewed %u/%s for %u s", mapping->external_port,
           portier_protocol_to_string (mapping->protocol), mapping->lease);
}

static void
lost_cb (PortierRouterKeeper  *keeper,
         const PortierMapping *mapping,
         const GError         *error,
         gpointer              user_data)
{
  g_autofree char *port = g_strdup_printf ("%u/%s", mapping->internal_port,
                                           portier_protocol_to_string (mapping->protocol));

  /* TRANSLATORS: %s is a port such as 25565/tcp, then a sentence saying why */
  g_printerr (_("The forward of %s could not be kept: %s\n"), port,
              portier_error_user_message (error));
  g_debug ("%s", error->message);
}

static void
pinhole_restored_cb (PortierRouterKeeper  *keeper,
                     const PortierPinhole *old,
                     const PortierPinhole *pinhole,
                     gpointer              user_data)
{
  PortierRouterRecord *record = user_data;

  portierctl_router_replace_pinhole (record, old, pinhole);
  /* TRANSLATORS: %u is a port number */
  g_print (_("The router had forgotten the way in for IPv6 to port %u; Portier opened it "
             "again.\n"), pinhole->internal_port);
}

static gboolean
stop_cb (gpointer user_data)
{
  gboolean *stop = user_data;

  *stop = TRUE;
  g_main_context_wakeup (NULL);
  return G_SOURCE_CONTINUE;
}

/* Keeps the forwards alive until SIGINT or SIGTERM. */
static void
hold (PortierRouter       *router,
      PortierRouterRecord *record,
      GPtrArray           *steps,
      guint                lease)
{
  g_autoptr(PortierRouterKeeper) keeper = portier_router_keeper_new (router);
  gboolean stop = FALSE;
  guint sigint = g_unix_signal_add (SIGINT, stop_cb, &stop);
  guint sigterm = g_unix_signal_add (SIGTERM, stop_cb, &stop);

  g_signal_connect (keeper, "restored", G_CALLBACK (restored_cb), NULL);
  g_signal_connect (keeper, "renewed", G_CALLBACK (renewed_cb), NULL);
  g_signal_connect (keeper, "lost", G_CALLBACK (lost_cb), NULL);
  g_signal_connect (keeper, "pinhole-restored", G_CALLBACK (pinhole_restored_cb), record);
  for (guint i = 0; i < steps->len; i++)
    {
      GPtrArray *mappings = portierctl_router_open_get_mappings (g_ptr_array_index (steps, i));
      GPtrArray *pinholes = portierctl_router_open_get_pinholes (g_ptr_array_index (steps, i));

      for (guint m = 0; mappings != NULL && m < mappings->len; m++)
        portier_router_keeper_hold (keeper, g_ptr_array_index (mappings, m), lease);
      for (guint p = 0; pinholes != NULL && p < pinholes->len; p++)
        portier_router_keeper_hold_pinhole (keeper, g_ptr_array_index (pinholes, p), lease);
    }

  while (!stop)
    g_main_context_iteration (NULL, TRUE);

  portier_router_keeper_release_all (keeper);
  g_source_remove (sigint);
  g_source_remove (sigterm);
}

static void
close_openings (PortierRouter       *router,
                PortierRouterRecord *record,
                GPtrArray           *steps)
{
  for (guint i = 0; i < steps->len; i++)
    {
      const char *id = portierctl_router_open_get_id (g_ptr_array_index (steps, i));
      g_autoptr(GPtrArray) closed = NULL;
      g_autoptr(GPtrArray) left = NULL;
      g_autoptr(GError) error = NULL;

      if (id == NULL)
        continue;
      if (!portierctl_router_close (router, record, id, &closed, &left, &error))
        g_warning ("Could not close %s: %s", id, error->message);
      else if (left->len > 0)
        g_warning ("%u forwards of %s are still on the router", left->len, id);
    }
}

/* ---------------------------------------------------------------------------- open */

int
portierctl_open (int    argc,
                 char **argv)
{
  OpenOptions options = { .lease = -1 };
  g_autofree char *app_id = NULL;
  g_autofree char *external_port_text = NULL;
  g_autofree char *probe_server = NULL;
  const GOptionEntry entries[] = {
    { "app", 0, 0, G_OPTION_ARG_STRING, &app_id,
      N_("The app the port is for (an id from “portierctl apps”)"), N_("ID") },
    { "external-port", 0, 0, G_OPTION_ARG_STRING, &external_port_text,
      N_("The port people use from outside, or “any” for a free one"), N_("PORT") },
    { "lease", 0, 0, G_OPTION_ARG_INT, &options.lease,
      N_("How long the router keeps the forward (default: one hour)"), N_("SECONDS") },
    { "permanent", 0, 0, G_OPTION_ARG_NONE, &options.permanent,
      N_("Ask the router to keep the forward until it is closed"), NULL },
    { "no-firewall", 0, 0, G_OPTION_ARG_NONE, &options.no_firewall,
      N_("Leave this computer’s firewall alone"), NULL },
    { "no-router", 0, 0, G_OPTION_ARG_NONE, &options.no_router,
      N_("Leave the router alone"), NULL },
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &options.no_verify,
      N_("Do not test from the internet"), NULL },
    { "probe-server", 0, 0, G_OPTION_ARG_STRING, &probe_server,
      N_("The test server to use"), N_("URL") },
    { "hold", 0, 0, G_OPTION_ARG_NONE, &options.hold,
      N_("Stay, keep the forward alive, and close it on Ctrl+C"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "open", "SPEC",
    _("Let other people reach SPEC on this computer: a port such as 25565, 19132/udp, "
      "2456-2458/udp or 22000/both, or an app such as minecraft-java."),
    entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portierctl_router_open_free);
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(PortierRouterRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) discover_error = NULL;
  PortierApp *app = NULL;
  const char *label = NULL;
  int external_port = 0;
  guint lease;
  gboolean failed = FALSE;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return portierctl_usage_error ("open", _("Give one port or app to open."));
  if (options.permanent && options.lease >= 0)
    return portierctl_usage_error ("open", _("Give either --lease or --permanent, not both."));
  if (options.lease != -1 && (options.lease < 1 || options.lease > PORTIER_ROUTER_MAX_LEASE))
    return portierctl_usage_error ("open", _("A lease is 1 to 604800 seconds (one week)."));
  lease = options.permanent ? 0 : options.lease > 0 ? (guint) options.lease
                                                    : PORTIER_ROUTER_DEFAULT_LEASE;

  if (external_port_text != NULL)
    {
      guint64 value;

      if (g_str_equal (external_port_text, "any"))
        external_port = -1;
      else if (g_ascii_string_to_unsigned (external_port_text, 10, 1, 65535, &value, NULL))
        external_port = (int) value;
      else
        return portierctl_usage_error ("open",
                                       _("--external-port is a port from 1 to 65535, "
                                         "or “any”."));
    }

  if (!options.no_firewall)
    return portierctl_usage_error ("open",
                                   _("Opening this computer’s firewall is not part of this "
                                     "version yet. Run again with --no-firewall."));
  if (!options.no_verify)
    return portierctl_usage_error ("open",
                                   _("The test from the internet is not part of this "
                                     "version yet. Run again with --no-verify."));

  specs = portierctl_resolve_spec (argv[1], &app, &error);
  if (specs == NULL)
    return portierctl_fail (error);
  if (app_id != NULL)
    {
      if (portier_catalog_lookup (portierctl_get_catalog (), app_id) == NULL)
        return portierctl_usage_error ("open", _("“%s” is not an app Portier knows."), app_id);
      label = app_id;
    }
  else if (app != NULL)
    label = portier_app_get_id (app);
  if (external_port != 0 && specs->len > 1)
    return portierctl_usage_error ("open",
                                   _("--external-port works with one port or range only."));
  if (external_port > 0)
    {
      const PortierPortSpec *spec = g_ptr_array_index (specs, 0);

      if (external_port + (spec->last - spec->first) > 65535)
        return portierctl_usage_error ("open", _("The outside ports would go past 65535."));
    }

  if (!options.no_router)
    {
      record = portierctl_router_load_record ();
      router = portierctl_router_discover (&discover_error);
      for (guint i = 0; i < specs->len && !failed; i++)
        {
          PortierctlRouterOpen *step = portierctl_router_open (router, discover_error, record,
                                                               g_ptr_array_index (specs, i),
                                                               label, external_port, lease);
          g_ptr_array_add (steps, step);
          failed = !portierctl_router_open_succeeded (step);
        }
    }

  /* One failure takes back the ports this command already opened. */
  if (failed && router != NULL)
    {
      g_autoptr(GPtrArray) done = g_ptr_array_new ();

      for (guint i = 0; i + 1 < steps->len; i++)
        g_ptr_array_add (done, g_ptr_array_index (steps, i));
      close_openings (router, record, done);
    }

  if (options.json)
    {
      if (specs->len == 1)
        {
          g_autoptr(JsonNode) root = opening_json (g_ptr_array_index (specs, 0),
                                                   steps->len > 0 ? steps->pdata[0] : NULL);
          portierctl_print_json (root);
        }
      else
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "openings");
          json_builder_begin_array (builder);
          for (guint i = 0; i < specs->len; i++)
            {
              g_autoptr(JsonNode) one = opening_json (g_ptr_array_index (specs, i),
                                                      i < steps->len ? steps->pdata[i] : NULL);
              json_builder_add_value (builder, g_steal_pointer (&one));
            }
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "rolled_back");
          json_builder_add_boolean_value (builder, failed && specs->len > 1);
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          portierctl_print_json (root);
        }
    }
  else if (options.no_router)
    g_print (_("Nothing was changed.\n"));
  else
    for (guint i = 0; i < steps->len; i++)
      portierctl_router_open_print (g_ptr_array_index (steps, i), options.hold && !failed);

  if (failed)
    {
      const GError *last = portierctl_router_open_get_error (steps->pdata[steps->len - 1]);

      return g_error_matches (last, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT)
             ? PORTIERCTL_EXIT_USAGE : PORTIERCTL_EXIT_FAILED;
    }

  if (options.hold && router != NULL)
    {
      hold (router, record, steps, lease);
      close_openings (router, record, steps);
      if (!options.json)
        g_print (_("Closed.\n"));
    }
  return PORTIERCTL_EXIT_OK;
}

/* ---------------------------------------------------------------------------- close */

int
portierctl_close (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Close everything Portier opened"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "close", "(ID | SPEC | --all)",
    _("Close what Portier opened: one opening by its id (see “portierctl list”), every "
      "opening of a port or app, or everything."),
    entries);
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(PortierRouterRecord) record = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;
  const char *target;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if ((all && argc != 1) || (!all && argc != 2))
    return portierctl_usage_error ("close", _("Give one id, port or app, or --all."));
  target = all ? NULL : argv[1];

  /* Bad input is bad input, router or not. */
  record = portierctl_router_load_record ();
  if (target != NULL && portier_router_record_lookup (record, target) == NULL)
    {
      g_autoptr(GPtrArray) specs = portierctl_resolve_spec (target, NULL, &error);
      if (specs == NULL)
        return portierctl_fail (error);
    }

  router = portierctl_router_discover (&error);
  if (router == NULL)
    return portierctl_fail (error);

  if (!portierctl_router_close (router, record, target, &closed, &left, &error))
    return portierctl_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "router");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, left->len > 0 ? "failed"
                                              : closed->len > 0 ? "closed" : "nothing");
      json_builder_set_member_name (builder, "closed");
      json_builder_begin_array (builder);
      for (guint i = 0; i < closed->len; i++)
        portierctl_router_add_mapping_json (builder, g_ptr_array_index (closed, i), TRUE);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "left");
      json_builder_begin_array (builder);
      for (guint i = 0; i < left->len; i++)
        portierctl_router_add_mapping_json (builder, g_ptr_array_index (left, i), TRUE);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else if (closed->len == 0 && left->len == 0)
    g_print (_("Portier had nothing open there.\n"));
  else
    {
      for (guint i = 0; i < closed->len; i++)
        {
          const PortierMapping *mapping = g_ptr_array_index (closed, i);

          /* TRANSLATORS: %u/%s is a port such as 25565/tcp */
          g_print (_("The router no longer forwards %u/%s.\n"), mapping->external_port,
                   portier_protocol_to_string (mapping->protocol));
        }
      for (guint i = 0; i < left->len; i++)
        {
          const PortierMapping *mapping = g_ptr_array_index (left, i);

          g_printerr (_("The router did not remove the forward of %u/%s. "
                        "Try again, or remove it in the router’s settings.\n"),
                      mapping->external_port, portier_protocol_to_string (mapping->protocol));
        }
    }

  return left->len > 0 ? PORTIERCTL_EXIT_FAILED : PORTIERCTL_EXIT_OK;
}
