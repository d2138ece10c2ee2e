/* portierctl-listening.c: portierctl listening — who listens on which port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-json.h"
#include "portier-listeners.h"
#include "portierctl-private.h"

static const char *
describe_scope (PortierBindScope scope)
{
  switch (scope)
    {
    case PORTIER_BIND_SCOPE_ALL:
      return _("other computers");
    case PORTIER_BIND_SCOPE_LOOPBACK:
      return _("this computer only");
    case PORTIER_BIND_SCOPE_ADDRESS:
    default:
      return _("one network");
    }
}

static void
print_json (GPtrArray *listeners)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "listeners");
  json_builder_begin_array (builder);
  for (guint i = 0; i < listeners->len; i++)
    {
      const PortierListener *listener = g_ptr_array_index (listeners, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, listener->port);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, portier_protocol_to_string (listener->protocol));
      json_builder_set_member_name (builder, "family");
      json_builder_add_string_value (builder,
                                     listener->family == G_SOCKET_FAMILY_IPV6 ? "ipv6" : "ipv4");
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, listener->address);
      json_builder_set_member_name (builder, "scope");
      json_builder_add_string_value (builder, portier_bind_scope_to_string (listener->scope));
      json_builder_set_member_name (builder, "pid");
      if (listener->pid > 0)
        json_builder_add_int_value (builder, listener->pid);
      else
        json_builder_add_null_value (builder);
      portier_json_add_string (builder, "process", listener->process);
      json_builder_set_member_name (builder, "uid");
      json_builder_add_int_value (builder, listener->uid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  portierctl_print_json (root);
}

static void
print_table (GPtrArray *listeners)
{
  g_autoptr(PortierctlTable) table = portierctl_table_new (
    5,
    /* TRANSLATORS: column headings of portierctl listening */
    _("Port"), _("Protocol"), _("Address"), _("Reachable from"), _("Program"));

  for (guint i = 0; i < listeners->len; i++)
    {
      const PortierListener *listener = g_ptr_array_index (listeners, i);
      g_autofree char *port = g_strdup_printf ("%u", listener->port);
      g_autofree char *program = NULL;

      if (listener->process != NULL)
        program = g_strdup_printf ("%s (%d)", listener->process, listener->pid);
      else
        /* TRANSLATORS: the program that listens cannot be seen */
        program = g_strdup (_("unknown"));

      portierctl_table_add_row (table, port, portier_protocol_to_string (listener->protocol),
                                listener->address, describe_scope (listener->scope), program);
    }
  portierctl_table_print (table);
}

int
portierctl_listening (int    argc,
                      char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "listening", "[SPEC]",
    _("Show which programs on this computer wait for connections, and on which ports. "
      "SPEC (a port such as 25565/tcp, or an app such as minecraft-java) shows only those "
      "ports."),
    entries);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc > 2)
    return portierctl_usage_error ("listening", _("Give at most one port or app."));

  if (argc == 2 && (specs = portierctl_resolve_spec (argv[1], NULL, &error)) == NULL)
    return portierctl_fail (error);

  portier_listeners_list_async (NULL, portierctl_store_result_cb, &result);
  listeners = portier_listeners_list_finish (portierctl_wait (&result), &error);
  if (listeners == NULL)
    return portierctl_fail (error);

  if (specs != NULL)
    {
      g_autoptr(GPtrArray) matching = g_ptr_array_new_with_free_func (
        (GDestroyNotify) portier_listener_free);

      for (guint i = 0; i < specs->len; i++)
        {
          g_autoptr(GPtrArray) some = portier_listeners_filter (listeners,
                                                                g_ptr_array_index (specs, i));
          g_ptr_array_extend_and_steal (matching, g_steal_pointer (&some));
        }
      g_ptr_array_unref (listeners);
      listeners = g_steal_pointer (&matching);
    }

  if (json)
    print_json (listeners);
  else if (listeners->len == 0)
    g_print (_("No program is waiting for connections on %s.\n"),
             specs != NULL ? argv[1] : _("any port"));
  else
    print_table (listeners);

  return PORTIERCTL_EXIT_OK;
}
