/* test-firewall.c: the firewall client (PortierFirewall) through each of its ways
 *
 * Each test starts its own dbus-daemon (GTestDBus) and gives PortierFirewall a connection
 * to it in place of the system bus. On that bus stand two fakes:
 *
 * - a fake portier-helper: the skeleton generated from the helper's interface XML, with
 *   scripted answers. The real helper needs root, polkit and the system bus, so it cannot
 *   run in the unit suite; the integration suite drives the real one through portierctl
 *   (tests/integration/test-helper-*.py).
 * - a fake firewalld: the few methods of org.fedoraproject.FirewallD1 the client calls,
 *   answering and failing as firewalld does (error name
 *   org.fedoraproject.FirewallD1.Exception, the message starting with the code word).
 *   The real firewalld needs root and the system bus too.
 *
 * What is checked is the client's side: which calls it makes with which arguments and
 * flags, what it makes of the answers and errors, and what it takes back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-firewall-private.h"
#include "portier-helper1-generated.h"
#include "portier-network.h"

#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_EXCEPTION "org.fedoraproject.FirewallD1.Exception"
#define FIREWALLD_NOT_AUTHORIZED "org.fedoraproject.FirewallD1.NotAuthorizedException"
#define WAIT_SECONDS 20

static const char firewalld_xml[] =
  "<node>"
  "  <interface name='org.fedoraproject.FirewallD1'>"
  "    <method name='getDefaultZone'><arg type='s' direction='out'/></method>"
  "    <method name='queryPanicMode'><arg type='b' direction='out'/></method>"
  "  </interface>"
  "  <interface name='org.fedoraproject.FirewallD1.zone'>"
  "    <method name='getZoneOfInterface'>"
  "      <arg type='s' name='interface' direction='in'/>"
  "      <arg type='s' direction='out'/>"
  "    </method>"
  "    <method name='getZoneSettings2'>"
  "      <arg type='s' name='zone' direction='in'/>"
  "      <arg type='a{sv}' direction='out'/>"
  "    </method>"
  "    <method name='addPort'>"
  "      <arg type='s' name='zone' direction='in'/>"
  "      <arg type='s' name='port' direction='in'/>"
  "      <arg type='s' name='protocol' direction='in'/>"
  "      <arg type='i' name='timeout' direction='in'/>"
  "      <arg type='s' direction='out'/>"
  "    </method>"
  "    <method name='removePort'>"
  "      <arg type='s' name='zone' direction='in'/>"
  "      <arg type='s' name='port' direction='in'/>"
  "      <arg type='s' name='protocol' direction='in'/>"
  "      <arg type='s' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

/* Which fakes a test starts with. */
typedef struct
{
  gboolean helper;
  gboolean helper_activatable;   /* a .service file for the helper that cannot start */
  gboolean firewalld;
} Setup;

static const Setup with_helper = { .helper = TRUE, .firewalld = TRUE };
static const Setup with_firewalld = { .firewalld = TRUE };
static const Setup with_nothing = { 0 };
static const Setup with_activatable_helper = { .helper_activatable = TRUE, .firewalld = TRUE };

typedef struct
{
  GTestDBus          *dbus;
  char               *service_dir;
  GDBusConnection    *client_bus;      /* what PortierFirewall sees */
  GDBusConnection    *helper_bus;      /* where the fake helper lives */
  GDBusConnection    *firewalld_bus;   /* where the fake firewalld lives */
  PortierFirewall    *firewall;

  /* the fake helper */
  PortierDBusHelper1 *helper;
  GPtrArray          *helper_calls;
  guint               next_rule;
  const char         *open_status;     /* what OpenPort answers; "opened" by default */
  const char         *fail_call;       /* a call, as logged up to its first space ... */
  PortierError        fail_code;       /* ... and the PORTIER_ERROR it fails with */
  const char         *query_status[2]; /* QueryPort's answer for tcp and udp */

  /* the fake firewalld */
  guint               firewalld_id[2];
  GPtrArray          *firewalld_calls;
  GPtrArray          *ports;           /* "8003/tcp", as the zone's "ports" */
  gboolean            panic;
  const char         *target;
  const char         *interface_zone;
  const char         *firewalld_fail_call;   /* "addPort 8004/tcp", "removePort 8000/tcp" */
  const char         *firewalld_fail_name;
  const char         *firewalld_fail_message;
} Fixture;

/* ---------------------------------------------------------------------------------- */
/* Waiting                                                                             */

typedef gboolean (*Condition) (gconstpointer data);

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_until (Condition     condition,
            gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake = g_timeout_add (100, wake_cb, NULL);

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

static gboolean
is_set (gconstpointer data)
{
  return *(gpointer const *) data != NULL;
}

static gboolean
is_unset (gconstpointer data)
{
  return *(gpointer const *) data == NULL;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* The result in @slot, which keeps it. */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  wait_until (is_set, slot);
  return *slot;
}

typedef struct
{
  GPtrArray *calls;
  guint      count;
} CallCount;

static gboolean
has_calls (gconstpointer data)
{
  const CallCount *want = data;

  return want->calls->len >= want->count;
}

/* Waits until @calls holds @count calls (a rollback is not waited for by its caller). */
static void
wait_calls (GPtrArray *calls,
            guint      count)
{
  CallCount want = { calls, count };

  wait_until (has_calls, &want);
}

static void
assert_calls (GPtrArray          *calls,
              const char * const *expected)
{
  g_autofree char *want = g_strjoinv ("\n", (char **) expected);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < calls->len; i++)
    g_string_append_printf (got, "%s%s", i > 0 ? "\n" : "", (char *) calls->pdata[i]);
  g_assert_cmpstr (got->str, ==, want);
}

static gboolean
is_interactive (GDBusMethodInvocation *invocation)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);

  return (g_dbus_message_get_flags (message) &
          G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
}

/* ---------------------------------------------------------------------------------- */
/* The fake helper                                                                     */

/* Logs @call and fails the invocation when the test scripted that. */
static gboolean
helper_call (Fixture               *f,
             GDBusMethodInvocation *invocation,
             char                  *call)
{
  g_autofree char *key = g_strdup (call);
  char *space = strchr (key, ' ');

  g_ptr_array_add (f->helper_calls, call);
  if (space != NULL)
    *space = '\0';
  if (f->fail_call != NULL &&
      (g_str_equal (f->fail_call, key) || g_str_has_prefix (call, f->fail_call)))
    {
      g_dbus_method_invocation_return_error_literal (invocation, PORTIER_ERROR, f->fail_code,
                                                     "scripted failure");
      return FALSE;
    }
  return TRUE;
}

static gboolean
handle_open_port (PortierDBusHelper1    *helper,
                  GDBusMethodInvocation *invocation,
                  guint16                first,
                  guint16                last,
                  const char            *protocol,
                  const char            *zone,
                  guint                  timeout,
                  gboolean               permanent,
                  const char            *label,
                  gboolean               interactive,
                  Fixture               *f)
{
  g_autofree char *rule_id = NULL;
  GVariantBuilder info;

  if (!helper_call (f, invocation,
                    g_strdup_printf ("OpenPort %u-%u/%s zone='%s' timeout=%u permanent=%d "
                                     "label='%s' interactive=%d flag=%d",
                                     first, last, protocol, zone, timeout, permanent, label,
                                     interactive, is_interactive (invocation))))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  rule_id = g_str_equal (f->open_status, "opened") ? g_strdup_printf ("rule-%u", ++f->next_rule)
                                                   : g_strdup ("");
  g_variant_builder_init (&info, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&info, "{sv}", "status", g_variant_new_string (f->open_status));
  g_variant_builder_add (&info, "{sv}", "backend", g_variant_new_string ("nftables"));
  g_variant_builder_add (&info, "{sv}", "zone", g_variant_new_string (""));
  portier_dbus_helper1_complete_open_port (helper, invocation, rule_id,
                                           g_variant_builder_end (&info));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_close_port (PortierDBusHelper1    *helper,
                   GDBusMethodInvocation *invocation,
                   const char            *rule_id,
                   gboolean               interactive,
                   Fixture               *f)
{
  if (helper_call (f, invocation,
                   g_strdup_printf ("ClosePort %s interactive=%d flag=%d", rule_id, interactive,
                                    is_interactive (invocation))))
    portier_dbus_helper1_complete_close_port (helper, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_query_port (PortierDBusHelper1    *helper,
                   GDBusMethodInvocation *invocation,
                   guint16                first,
                   guint16                last,
                   const char            *protocol,
                   Fixture               *f)
{
  const char *status = f->query_status[g_str_equal (protocol, "udp") ? 1 : 0];
  GVariantBuilder answer;

  if (!helper_call (f, invocation, g_strdup_printf ("QueryPort %u-%u/%s", first, last,
                                                    protocol)))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  g_variant_builder_init (&answer, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&answer, "{sv}", "backend", g_variant_new_string ("ufw"));
  g_variant_builder_add (&answer, "{sv}", "status", g_variant_new_string (status));
  g_variant_builder_add (&answer, "{sv}", "zone", g_variant_new_string (protocol));
  g_variant_builder_add (&answer, "{sv}", "panic-mode", g_variant_new_boolean (FALSE));
  if (g_str_equal (status, "open"))
    {
      g_autofree char *id = g_strdup_printf ("rule-%s", protocol);

      g_variant_builder_add (&answer, "{sv}", "rule-id", g_variant_new_string (id));
    }
  portier_dbus_helper1_complete_query_port (helper, invocation,
                                            g_variant_builder_end (&answer));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_rules (PortierDBusHelper1    *helper,
                   GDBusMethodInvocation *invocation,
                   Fixture               *f)
{
  g_autoptr(GVariant) rules = NULL;

  if (!helper_call (f, invocation, g_strdup ("ListRules")))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  rules = g_variant_ref_sink (g_variant_new_parsed (
    "[{'id': <'rule-7'>, 'backend': <'firewalld'>, 'first': <@q 27015>, 'last': <@q 27030>,"
    "  'protocol': <'udp'>, 'zone': <'home'>, 'label': <'Game server'>,"
    "  'permanent': <true>, 'created': <@x 1700000000>, 'expires': <@x 1700003600>,"
    "  'uid': <@u 1000>},"
    " {'id': <'rule-8'>, 'first': <@q 8080>, 'last': <@q 8080>, 'protocol': <'tcp'>},"
    " {'id': <'no-protocol'>, 'first': <@q 22>, 'last': <@q 22>},"
    " {'id': <'bad-protocol'>, 'first': <@q 22>, 'last': <@q 22>, 'protocol': <'sctp'>}]"));
  portier_dbus_helper1_complete_list_rules (helper, invocation, rules);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---------------------------------------------------------------------------------- */
/* The fake firewalld                                                                  */

static GVariant *
zone_settings (Fixture *f)
{
  GVariantBuilder settings, ports;

  g_variant_builder_init (&ports, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < f->ports->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (f->ports->pdata[i], "/", 2);

      g_variant_builder_add (&ports, "(ss)", parts[0], parts[1]);
    }
  g_variant_builder_init (&settings, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&settings, "{sv}", "target", g_variant_new_string (f->target));
  g_variant_builder_add (&settings, "{sv}", "ports", g_variant_builder_end (&ports));
  return g_variant_new ("(@a{sv})", g_variant_builder_end (&settings));
}

static gboolean
find_port (Fixture    *f,
           const char *port,
           guint      *index)
{
  return g_ptr_array_find_with_equal_func (f->ports, port, g_str_equal, index);
}

static void
firewalld_method_cb (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *path,
                     const char            *interface,
                     const char            *method,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  Fixture *f = user_data;
  const char *zone = "", *port = "", *protocol = "";
  gint32 timeout = 0;
  g_autofree char *key = NULL;
  g_autofree char *entry = NULL;
  guint index;

  if (g_str_equal (method, "addPort"))
    g_variant_get (parameters, "(&s&s&si)", &zone, &port, &protocol, &timeout);
  else if (g_str_equal (method, "removePort"))
    g_variant_get (parameters, "(&s&s&s)", &zone, &port, &protocol);
  entry = g_strdup_printf ("%s/%s", port, protocol);
  key = g_strdup_printf ("%s %s", method, entry);

  if (g_str_equal (method, "addPort") || g_str_equal (method, "removePort"))
    g_ptr_array_add (f->firewalld_calls,
                     g_strdup_printf ("%s %s %s timeout=%d flag=%d", method, zone, entry,
                                      timeout, is_interactive (invocation)));

  if (f->firewalld_fail_call != NULL &&
      (g_str_equal (f->firewalld_fail_call, key) || g_str_equal (f->firewalld_fail_call, method)))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, f->firewalld_fail_name,
                                                  f->firewalld_fail_message);
      return;
    }

  if (g_str_equal (method, "getDefaultZone"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", "public"));
  else if (g_str_equal (method, "queryPanicMode"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", f->panic));
  else if (g_str_equal (method, "getZoneOfInterface"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(s)", f->interface_zone));
  else if (g_str_equal (method, "getZoneSettings2"))
    g_dbus_method_invocation_return_value (invocation, zone_settings (f));
  else if (g_str_equal (method, "addPort"))
    {
      g_ptr_array_add (f->ports, g_steal_pointer (&entry));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", zone));
    }
  else if (find_port (f, entry, &index))
    {
      g_ptr_array_remove_index (f->ports, index);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", zone));
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("NOT_ENABLED: '%s' not in '%s'", entry,
                                                  zone);

      g_dbus_method_invocation_return_dbus_error (invocation, FIREWALLD_EXCEPTION, message);
    }
}

static const GDBusInterfaceVTable firewalld_vtable = { .method_call = firewalld_method_cb };

/* ---------------------------------------------------------------------------------- */
/* Set-up                                                                              */

static GDBusConnection *
connect_to (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;

  bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (f->dbus),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  return bus;
}

/* Synchronous on purpose: when this returns, the bus knows the name's owner. */
static void
own_name (GDBusConnection *bus,
          const char      *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint answer = 0;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", name, 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &answer);
  g_assert_cmpuint (answer, ==, 1 /* PRIMARY_OWNER */);
}

static void
close_bus (GDBusConnection **bus)
{
  g_autoptr(GError) error = NULL;

  if (*bus == NULL)
    return;
  if (!g_dbus_connection_is_closed (*bus))
    g_dbus_connection_close_sync (*bus, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (bus);
}

typedef struct
{
  GDBusConnection *bus;
  const char      *name;
} NameQuery;

static gboolean
has_no_owner (gconstpointer data)
{
  const NameQuery *query = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = TRUE;

  reply = g_dbus_connection_call_sync (query->bus, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner", g_variant_new ("(s)", query->name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return !owned;
}

/* A fake goes away, as a service does when it exits: its connection closes, and the
 * bus no longer knows its name. (Until the bus has seen it go, a call may still be
 * routed to it and end in NoReply; that is not what these tests are about.) */
static void
disconnect_service (Fixture          *f,
                    GDBusConnection **bus,
                    const char       *name)
{
  NameQuery query = { f->client_bus, name };

  close_bus (bus);
  wait_until (has_no_owner, &query);
}

static void
write_helper_service (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  /* The helper is activatable but cannot start, as when its binary is broken. */
  g_autofree char *text = g_strdup_printf ("[D-BUS Service]\nName=%s\nExec=/bin/false\n",
                                           HELPER_BUS_NAME);

  f->service_dir = g_dir_make_tmp ("test-firewall-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_build_filename (f->service_dir, HELPER_BUS_NAME ".service", NULL);
  g_file_set_contents (file, text, -1, &error);
  g_assert_no_error (error);
  g_test_dbus_add_service_dir (f->dbus, f->service_dir);
}

static void
export_helper (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->helper_bus = connect_to (f);
  f->helper = portier_dbus_helper1_skeleton_new ();
  g_signal_connect (f->helper, "handle-open-port", G_CALLBACK (handle_open_port), f);
  g_signal_connect (f->helper, "handle-close-port", G_CALLBACK (handle_close_port), f);
  g_signal_connect (f->helper, "handle-query-port", G_CALLBACK (handle_query_port), f);
  g_signal_connect (f->helper, "handle-list-rules", G_CALLBACK (handle_list_rules), f);
  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (f->helper), f->helper_bus,
                                    HELPER_OBJECT_PATH, &error);
  g_assert_no_error (error);
  own_name (f->helper_bus, HELPER_BUS_NAME);
}

static void
export_firewalld (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (firewalld_xml, &error);

  g_assert_no_error (error);
  f->firewalld_bus = connect_to (f);
  for (guint i = 0; i < G_N_ELEMENTS (f->firewalld_id); i++)
    {
      f->firewalld_id[i] = g_dbus_connection_register_object (f->firewalld_bus, FIREWALLD_PATH,
                                                              node->interfaces[i],
                                                              &firewalld_vtable, f, NULL,
                                                              &error);
      g_assert_no_error (error);
    }
  own_name (f->firewalld_bus, FIREWALLD_NAME);
}

static PortierFirewall *
make_firewall (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PortierFirewall *firewall;

  portier_firewall_new_for_bus_async (f->client_bus, NULL, store_result_cb, &result);
  firewall = portier_firewall_new_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (firewall);
  return firewall;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const Setup *setup = data;
  const char *ports[] = { "8003/tcp", "8005-8006/tcp", "8001/udp" };

  f->helper_calls = g_ptr_array_new_with_free_func (g_free);
  f->firewalld_calls = g_ptr_array_new_with_free_func (g_free);
  f->ports = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    g_ptr_array_add (f->ports, g_strdup (ports[i]));
  f->open_status = "opened";
  f->query_status[0] = f->query_status[1] = "blocked";
  f->target = "default";
  f->interface_zone = "";

  f->dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  if (setup->helper_activatable)
    write_helper_service (f);
  g_test_dbus_up (f->dbus);

  f->client_bus = connect_to (f);
  if (setup->helper)
    export_helper (f);
  if (setup->firewalld)
    export_firewalld (f);
  f->firewall = make_firewall (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gpointer firewall = f->firewall;

  /* Nothing may keep the firewall alive: every task it started has finished. */
  g_object_add_weak_pointer (firewall, &firewall);
  g_clear_object (&f->firewall);
  wait_until (is_unset, &firewall);

  if (f->helper != NULL && f->helper_bus != NULL && !g_dbus_connection_is_closed (f->helper_bus))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (f->helper));
  g_clear_object (&f->helper);
  for (guint i = 0; i < G_N_ELEMENTS (f->firewalld_id); i++)
    if (f->firewalld_id[i] != 0)
      g_dbus_connection_unregister_object (f->firewalld_bus, f->firewalld_id[i]);
  close_bus (&f->helper_bus);
  close_bus (&f->firewalld_bus);
  close_bus (&f->client_bus);
  g_test_dbus_down (f->dbus);
  g_clear_object (&f->dbus);

  if (f->service_dir != NULL)
    {
      g_autofree char *file = g_build_filename (f->service_dir, HELPER_BUS_NAME ".service",
                                                NULL);

      g_assert_cmpint (g_unlink (file), ==, 0);
      g_assert_cmpint (g_rmdir (f->service_dir), ==, 0);
      g_free (f->service_dir);
    }
  g_ptr_array_unref (f->helper_calls);
  g_ptr_array_unref (f->firewalld_calls);
  g_ptr_array_unref (f->ports);
}

/* ---------------------------------------------------------------------------------- */
/* Calling the client                                                                  */

static PortierFirewallResult *
open_ports (Fixture              *f,
            const char           *text,
            const char           *label,
            guint                 timeout,
            PortierFirewallFlags  flags,
            GError              **error)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (text, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_nonnull (spec);
  portier_firewall_open_async (f->firewall, spec, label, timeout, flags, NULL,
                               store_result_cb, &result);
  return portier_firewall_open_finish (f->firewall, wait_result (&result), error);
}

static gboolean
close_rule (Fixture               *f,
            const char            *rule_id,
            PortierFirewallFlags   flags,
            GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  portier_firewall_close_async (f->firewall, rule_id, flags, NULL, store_result_cb, &result);
  return portier_firewall_close_finish (f->firewall, wait_result (&result), error);
}

static PortierFirewallQuery *
query_ports (Fixture     *f,
             const char  *text,
             GError     **error)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (text, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_nonnull (spec);
  portier_firewall_query_async (f->firewall, spec, NULL, store_result_cb, &result);
  return portier_firewall_query_finish (f->firewall, wait_result (&result), error);
}

static GPtrArray *
list_rules (Fixture  *f,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  portier_firewall_list_rules_async (f->firewall, NULL, store_result_cb, &result);
  return portier_firewall_list_rules_finish (f->firewall, wait_result (&result), error);
}

static void
assert_rule_ids (const PortierFirewallResult *opened,
                 const char * const          *expected)
{
  g_autofree char *got = g_strjoinv (" ", opened->rule_ids);
  g_autofree char *want = g_strjoinv (" ", (char **) expected);

  g_assert_cmpstr (got, ==, want);
}

/* ---------------------------------------------------------------------------------- */
/* Which way                                                                           */

static void
test_choose_helper (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_cmpint (portier_firewall_get_mode (f->firewall), ==, PORTIER_FIREWALL_MODE_HELPER);
  g_assert_cmpstr (portier_firewall_mode_to_string (portier_firewall_get_mode (f->firewall)),
                   ==, "helper");
}

static void
test_choose_firewalld (Fixture       *f,
                       gconstpointer  data)
{
  /* No helper: firewalld directly. */
  g_assert_cmpint (portier_firewall_get_mode (f->firewall), ==,
                   PORTIER_FIREWALL_MODE_FIREWALLD);
  g_assert_cmpstr (portier_firewall_mode_to_string (portier_firewall_get_mode (f->firewall)),
                   ==, "firewalld");
}

static void
test_choose_manual (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_cmpint (portier_firewall_get_mode (f->firewall), ==, PORTIER_FIREWALL_MODE_MANUAL);
  g_assert_cmpstr (portier_firewall_mode_to_string (portier_firewall_get_mode (f->firewall)),
                   ==, "manual");
}

static void
test_choose_activatable (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;

  /* Not running but activatable: the helper is chosen and started. This one cannot
   * start, so there is no proxy for it, and the firewall is left to the person (even
   * though firewalld runs: the computer has a helper, it is broken). */
  g_assert_cmpint (portier_firewall_get_mode (f->firewall), ==, PORTIER_FIREWALL_MODE_MANUAL);

  opened = open_ports (f, "25565/tcp", "Game", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_assert_null (opened);
  g_assert_cmpuint (f->firewalld_calls->len, ==, 0);
}

/* ---------------------------------------------------------------------------------- */
/* The helper                                                                          */

static void
test_helper_open (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  const char *calls[] = {
    "OpenPort 25565-25565/tcp zone='' timeout=3600 permanent=0 label='Minecraft' "
    "interactive=1 flag=1",
    "OpenPort 27015-27030/udp zone='' timeout=0 permanent=1 label='' interactive=0 flag=0",
    NULL
  };
  const char *first_ids[] = { "rule-1", NULL };
  const char *second_ids[] = { "rule-2", NULL };

  opened = open_ports (f, "25565/tcp", "Minecraft", 3600, PORTIER_FIREWALL_FLAGS_INTERACTIVE,
                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->status, ==, "opened");
  g_assert_cmpstr (opened->backend, ==, "nftables");
  g_assert_cmpstr (opened->zone, ==, "");
  assert_rule_ids (opened, first_ids);
  g_clear_pointer (&opened, portier_firewall_result_free);

  /* No label is an empty label; permanent is passed on. */
  opened = open_ports (f, "27015-27030/udp", NULL, 0, PORTIER_FIREWALL_FLAGS_PERMANENT, &error);
  g_assert_no_error (error);
  assert_rule_ids (opened, second_ids);
  assert_calls (f->helper_calls, calls);
}

static void
test_helper_open_both (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  const char *calls[] = {
    "OpenPort 3478-3479/tcp zone='' timeout=0 permanent=0 label='Call' interactive=0 flag=0",
    "OpenPort 3478-3479/udp zone='' timeout=0 permanent=0 label='Call' interactive=0 flag=0",
    NULL
  };
  const char *ids[] = { "rule-1", "rule-2", NULL };
  const char *none[] = { NULL };

  opened = open_ports (f, "3478-3479/both", "Call", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->status, ==, "opened");
  assert_rule_ids (opened, ids);
  assert_calls (f->helper_calls, calls);
  g_clear_pointer (&opened, portier_firewall_result_free);

  /* A rule made outside Portier already lets both in: nothing to take back later. */
  f->open_status = "already-open";
  opened = open_ports (f, "3478-3479/both", "Call", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->status, ==, "already-open");
  assert_rule_ids (opened, none);
}

static void
test_helper_open_rollback (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  const char *calls[] = {
    "OpenPort 3478-3478/tcp zone='' timeout=0 permanent=0 label='Call' interactive=1 flag=1",
    "OpenPort 3478-3478/udp zone='' timeout=0 permanent=0 label='Call' interactive=1 flag=1",
    "ClosePort rule-1 interactive=0 flag=0",
    NULL
  };

  /* udp is refused: nothing half-open, tcp's rule goes again. */
  f->fail_call = "OpenPort 3478-3478/udp";
  f->fail_code = PORTIER_ERROR_NOT_AUTHORIZED;
  opened = open_ports (f, "3478/both", "Call", 0, PORTIER_FIREWALL_FLAGS_INTERACTIVE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED);
  g_assert_null (opened);
  wait_calls (f->helper_calls, 3);
  assert_calls (f->helper_calls, calls);
}

static void
test_helper_close (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *calls[] = {
    "ClosePort rule-4 interactive=1 flag=1",
    "ClosePort rule-5 interactive=0 flag=0",
    "ClosePort gone interactive=0 flag=0",
    NULL
  };
  const char *firewalld_calls[] = { "removePort public 8003/tcp timeout=0 flag=1", NULL };

  g_assert_true (close_rule (f, "rule-4", PORTIER_FIREWALL_FLAGS_INTERACTIVE, &error));
  g_assert_no_error (error);
  g_assert_true (close_rule (f, "rule-5", PORTIER_FIREWALL_FLAGS_NONE, &error));
  g_assert_no_error (error);

  /* The helper's error arrives with its code. */
  f->fail_call = "ClosePort gone";
  f->fail_code = PORTIER_ERROR_NOT_FOUND;
  g_assert_false (close_rule (f, "gone", PORTIER_FIREWALL_FLAGS_NONE, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_calls (f->helper_calls, calls);

  /* A rule made through firewalld directly (before the helper was installed) is closed
   * there, not by the helper. */
  g_assert_true (close_rule (f, "firewalld:public:8003:tcp", PORTIER_FIREWALL_FLAGS_INTERACTIVE,
                             &error));
  g_assert_no_error (error);
  assert_calls (f->helper_calls, calls);
  assert_calls (f->firewalld_calls, firewalld_calls);
}

static void
test_helper_query (Fixture       *f,
                   gconstpointer  data)
{
  const struct
  {
    const char *spec;
    const char *tcp;
    const char *udp;
    const char *status;
    const char *rule_id;
  } cases[] = {
    { "25565/tcp", "open", "blocked", "open", "rule-tcp" },
    { "25565/udp", "open", "blocked", "blocked", NULL },
    { "25565/both", "open", "open", "open", "rule-udp" },
    { "25565/both", "open", "blocked", "blocked", NULL },
    { "25565/both", "blocked", "open", "blocked", "rule-udp" },
    { "25565/both", "open", "unknown", "unknown", NULL },
    { "25565/both", "unknown", "unknown", "unknown", NULL },
  };
  const char *calls[] = { "QueryPort 8000-8010/tcp", "QueryPort 8000-8010/udp", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s: tcp %s, udp %s", cases[i].spec, cases[i].tcp, cases[i].udp);
      f->query_status[0] = cases[i].tcp;
      f->query_status[1] = cases[i].udp;
      query = query_ports (f, cases[i].spec, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (query->status, ==, cases[i].status);
      g_assert_cmpstr (query->backend, ==, "ufw");
      g_assert_cmpstr (query->rule_id, ==, cases[i].rule_id);
      g_assert_false (query->panic_mode);
      g_clear_pointer (&query, portier_firewall_query_free);
    }

  g_ptr_array_set_size (f->helper_calls, 0);
  query = query_ports (f, "8000-8010/both", &error);
  g_assert_no_error (error);
  assert_calls (f->helper_calls, calls);
  /* The answer for both is udp's, with the status of both. */
  g_assert_cmpstr (query->zone, ==, "udp");
  g_clear_pointer (&query, portier_firewall_query_free);

  f->fail_call = "QueryPort";
  f->fail_code = PORTIER_ERROR_FIREWALL_PANIC_MODE;
  query = query_ports (f, "8000", &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_PANIC_MODE);
  g_assert_null (query);
}

static void
test_helper_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = list_rules (f, &error);
  PortierFirewallRule *rule;

  g_assert_no_error (error);
  /* The entries without a usable protocol are left out. */
  g_assert_cmpuint (rules->len, ==, 2);

  rule = rules->pdata[0];
  g_assert_cmpstr (rule->id, ==, "rule-7");
  g_assert_cmpstr (rule->backend, ==, "firewalld");
  g_assert_cmpuint (rule->spec.first, ==, 27015);
  g_assert_cmpuint (rule->spec.last, ==, 27030);
  g_assert_cmpint (rule->spec.protocol, ==, PORTIER_PROTOCOL_UDP);
  g_assert_cmpstr (rule->zone, ==, "home");
  g_assert_cmpstr (rule->label, ==, "Game server");
  g_assert_true (rule->permanent);
  g_assert_cmpint (rule->created, ==, 1700000000);
  g_assert_cmpint (rule->expires, ==, 1700003600);
  g_assert_cmpuint (rule->uid, ==, 1000);

  rule = rules->pdata[1];
  g_assert_cmpstr (rule->id, ==, "rule-8");
  g_assert_cmpstr (rule->backend, ==, "");
  g_assert_cmpstr (rule->zone, ==, "");
  g_assert_cmpstr (rule->label, ==, "");
  g_assert_cmpint (rule->spec.protocol, ==, PORTIER_PROTOCOL_TCP);
  g_assert_false (rule->permanent);
  g_assert_cmpint (rule->expires, ==, 0);
  g_clear_pointer (&rules, g_ptr_array_unref);

  f->fail_call = "ListRules";
  f->fail_code = PORTIER_ERROR_STATE_CORRUPT;
  rules = list_rules (f, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT);
  g_assert_null (rules);
}

static void
test_helper_gone (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;

  /* The helper goes away after the client chose it (it crashed, or was removed). */
  disconnect_service (f, &f->helper_bus, HELPER_BUS_NAME);

  opened = open_ports (f, "25565/tcp", "Game", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_assert_null (opened);
  g_clear_error (&error);
  query = query_ports (f, "25565/tcp", &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_assert_null (query);
  g_clear_error (&error);
  g_assert_false (close_rule (f, "rule-1", PORTIER_FIREWALL_FLAGS_NONE, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_assert_cmpuint (f->firewalld_calls->len, ==, 0);
}

/* ---------------------------------------------------------------------------------- */
/* firewalld directly                                                                  */

static char *
joined_ports (Fixture *f)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ports = NULL;

  for (guint i = 0; i < f->ports->len; i++)
    g_strv_builder_add (builder, f->ports->pdata[i]);
  ports = g_strv_builder_end (builder);
  return g_strjoinv (" ", ports);
}

static void
test_firewalld_open (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_autofree char *before = joined_ports (f);
  g_autofree char *after = NULL;
  const char *ids[] = {
    "firewalld:public:8000-8002:tcp",
    "firewalld:public:8004:tcp",
    "firewalld:public:8007-8010:tcp",
    NULL
  };
  const char *calls[] = {
    "addPort public 8000-8002/tcp timeout=600 flag=1",
    "addPort public 8004/tcp timeout=600 flag=1",
    "addPort public 8007-8010/tcp timeout=600 flag=1",
    "removePort public 8000-8002/tcp timeout=0 flag=0",
    "removePort public 8004/tcp timeout=0 flag=0",
    "removePort public 8007-8010/tcp timeout=0 flag=0",
    NULL
  };

  /* 8003 and 8005-8006 are open already (8001 only for udp): only the rest is added. */
  opened = open_ports (f, "8000-8010/tcp", "Web", 600, PORTIER_FIREWALL_FLAGS_INTERACTIVE,
                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->status, ==, "opened");
  g_assert_cmpstr (opened->backend, ==, "firewalld");
  g_assert_cmpstr (opened->zone, ==, "public");
  assert_rule_ids (opened, ids);

  /* ... and only that is removed again: the zone is as it was. */
  for (guint i = 0; opened->rule_ids[i] != NULL; i++)
    {
      g_assert_true (close_rule (f, opened->rule_ids[i], PORTIER_FIREWALL_FLAGS_NONE, &error));
      g_assert_no_error (error);
    }
  assert_calls (f->firewalld_calls, calls);
  after = joined_ports (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_firewalld_open_nothing_to_do (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  const char *none[] = { NULL };

  opened = open_ports (f, "8005-8006/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->status, ==, "already-open");
  assert_rule_ids (opened, none);
  g_clear_pointer (&opened, portier_firewall_result_free);

  /* A zone that accepts everything needs nothing. */
  f->target = "ACCEPT";
  opened = open_ports (f, "9000/both", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->status, ==, "not-needed");
  assert_rule_ids (opened, none);
  g_assert_cmpuint (f->firewalld_calls->len, ==, 0);

  /* Runtime rules only. */
  g_clear_pointer (&opened, portier_firewall_result_free);
  opened = open_ports (f, "9000/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_PERMANENT, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED);
  g_assert_null (opened);
}

static void
test_firewalld_zone (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_autofree char *route = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;
  const char *expected = "public";

  /* The zone of the interface toward the gateway, when this computer has a default route
   * and firewalld binds that interface to a zone; else the default zone. */
  f->interface_zone = "home";
  if (g_file_get_contents ("/proc/net/route", &route, NULL, NULL))
    portier_network_parse_route (route, &interface, &gateway);
  if (interface != NULL)
    expected = "home";

  opened = open_ports (f, "9000/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->zone, ==, expected);
  g_assert_cmpstr (opened->rule_ids[0], ==,
                   g_str_equal (expected, "home") ? "firewalld:home:9000:tcp"
                                                  : "firewalld:public:9000:tcp");
}

static void
test_firewalld_errors (Fixture       *f,
                       gconstpointer  data)
{
  const struct
  {
    const char   *name;
    const char   *message;
    PortierError  expected;
  } cases[] = {
    { FIREWALLD_EXCEPTION, "PANIC_MODE", PORTIER_ERROR_FIREWALL_PANIC_MODE },
    { FIREWALLD_EXCEPTION, "PANIC_MODE: all traffic is dropped",
      PORTIER_ERROR_FIREWALL_PANIC_MODE },
    /* the code word is the first word, exactly; not a word somewhere in the text */
    { FIREWALLD_EXCEPTION, "INVALID_PORT: PANIC_MODE", PORTIER_ERROR_FIREWALL_FAILED },
    { FIREWALLD_EXCEPTION, "PANIC_MODE_X", PORTIER_ERROR_FIREWALL_FAILED },
    { FIREWALLD_EXCEPTION, "INVALID_ZONE: public", PORTIER_ERROR_FIREWALL_FAILED },
    { "org.example.Other", "PANIC_MODE", PORTIER_ERROR_FAILED },
    { FIREWALLD_NOT_AUTHORIZED, "Not Authorized(polkit): org.fedoraproject.FirewallD1.all",
      PORTIER_ERROR_NOT_AUTHORIZED },
    { "org.fedoraproject.slip.dbus.service.PolKit.NotAuthorizedException."
      "org.fedoraproject.FirewallD1.all", "", PORTIER_ERROR_NOT_AUTHORIZED },
    { "org.freedesktop.DBus.Error.AccessDenied", "no", PORTIER_ERROR_NOT_AUTHORIZED },
    { "org.fedoraproject.FirewallD1.SomethingNew", "", PORTIER_ERROR_FIREWALL_FAILED },
  };

  f->firewalld_fail_call = "addPort 9000/tcp";
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PortierFirewallResult) opened = NULL;

      g_test_message ("%s: %s", cases[i].name, cases[i].message);
      f->firewalld_fail_name = cases[i].name;
      f->firewalld_fail_message = cases[i].message;
      opened = open_ports (f, "9000/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
      g_assert_error (error, PORTIER_ERROR, (int) cases[i].expected);
      g_assert_null (opened);
    }
}

static void
test_firewalld_panic (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;

  /* In panic mode nothing is tried. */
  f->panic = TRUE;
  opened = open_ports (f, "9000/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_PANIC_MODE);
  g_assert_null (opened);
  g_assert_cmpuint (f->firewalld_calls->len, ==, 0);
}

static void
test_firewalld_rollback (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_autofree char *before = joined_ports (f);
  g_autofree char *after = NULL;
  const char *range_calls[] = {
    "addPort public 8000-8002/tcp timeout=0 flag=0",
    "addPort public 8004/tcp timeout=0 flag=0",
    "removePort public 8000-8002/tcp timeout=0 flag=0",
    NULL
  };
  const char *both_calls[] = {
    "addPort public 9000/tcp timeout=0 flag=1",
    "addPort public 9000/udp timeout=0 flag=1",
    "removePort public 9000/tcp timeout=0 flag=0",
    NULL
  };

  /* The second range of one protocol is refused: the first goes again. */
  f->firewalld_fail_call = "addPort 8004/tcp";
  f->firewalld_fail_name = FIREWALLD_NOT_AUTHORIZED;
  f->firewalld_fail_message = "Not Authorized(polkit): org.fedoraproject.FirewallD1.all";
  opened = open_ports (f, "8000-8004/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED);
  g_assert_null (opened);
  wait_calls (f->firewalld_calls, 3);
  assert_calls (f->firewalld_calls, range_calls);
  after = joined_ports (f);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);
  g_clear_pointer (&after, g_free);

  /* udp is refused after tcp was added: tcp goes again. */
  g_ptr_array_set_size (f->firewalld_calls, 0);
  f->firewalld_fail_call = "addPort 9000/udp";
  opened = open_ports (f, "9000/both", "Web", 0, PORTIER_FIREWALL_FLAGS_INTERACTIVE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED);
  g_assert_null (opened);
  wait_calls (f->firewalld_calls, 3);
  assert_calls (f->firewalld_calls, both_calls);
  after = joined_ports (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_firewalld_close (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *calls[] = {
    "removePort public 8003/tcp timeout=0 flag=1",
    "removePort public 8003/tcp timeout=0 flag=0",
    "removePort public 8005-8006/tcp timeout=0 flag=0",
    NULL
  };

  g_assert_true (close_rule (f, "firewalld:public:8003:tcp", PORTIER_FIREWALL_FLAGS_INTERACTIVE,
                             &error));
  g_assert_no_error (error);

  /* Already closed is closed (firewalld says NOT_ENABLED). */
  g_assert_true (close_rule (f, "firewalld:public:8003:tcp", PORTIER_FIREWALL_FLAGS_NONE,
                             &error));
  g_assert_no_error (error);

  /* NOT_ENABLED elsewhere in the text is not the code word. */
  f->firewalld_fail_call = "removePort";
  f->firewalld_fail_name = FIREWALLD_EXCEPTION;
  f->firewalld_fail_message = "INVALID_ZONE: NOT_ENABLED";
  g_assert_false (close_rule (f, "firewalld:public:8005-8006:tcp", PORTIER_FIREWALL_FLAGS_NONE,
                              &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED);
  g_clear_error (&error);

  /* Ids firewalld mode did not hand out are not firewalld's to close. */
  g_assert_false (close_rule (f, "rule-1", PORTIER_FIREWALL_FLAGS_NONE, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (close_rule (f, "firewalld:public:http:tcp", PORTIER_FIREWALL_FLAGS_NONE,
                              &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (close_rule (f, "firewalld:public:80:sctp", PORTIER_FIREWALL_FLAGS_NONE,
                              &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  assert_calls (f->firewalld_calls, calls);
}

static void
test_firewalld_query_list (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;
  g_autoptr(GPtrArray) rules = NULL;

  /* firewalld is not read here, and keeps no record of Portier's rules (the ledger does). */
  query = query_ports (f, "8003/both", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (query->status, ==, "unknown");
  g_assert_cmpstr (query->backend, ==, "firewalld");
  g_assert_cmpstr (query->zone, ==, "");
  g_assert_null (query->rule_id);

  rules = list_rules (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 0);
}

static void
test_firewalld_gone (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;

  disconnect_service (f, &f->firewalld_bus, FIREWALLD_NAME);
  f->firewalld_id[0] = f->firewalld_id[1] = 0;

  opened = open_ports (f, "9000/tcp", "Web", 0, PORTIER_FIREWALL_FLAGS_NONE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_assert_null (opened);
  g_clear_error (&error);
  g_assert_false (close_rule (f, "firewalld:public:9000:tcp", PORTIER_FIREWALL_FLAGS_NONE,
                              &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
}

/* ---------------------------------------------------------------------------------- */
/* By hand                                                                             */

static void
test_manual_way (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;
  g_autoptr(GPtrArray) rules = NULL;

  opened = open_ports (f, "25565/both", "Game", 0, PORTIER_FIREWALL_FLAGS_INTERACTIVE, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_assert_null (opened);
  g_clear_error (&error);

  g_assert_false (close_rule (f, "rule-1", PORTIER_FIREWALL_FLAGS_NONE, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A rule from firewalld mode, and firewalld has gone since: unavailable, not unknown. */
  g_assert_false (close_rule (f, "firewalld:public:9000:tcp", PORTIER_FIREWALL_FLAGS_NONE,
                              &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE);
  g_clear_error (&error);

  query = query_ports (f, "25565/both", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (query->status, ==, "unknown");
  g_assert_cmpstr (query->backend, ==, "");
  g_assert_cmpstr (query->zone, ==, "");

  rules = list_rules (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 0);
}

static void
test_manual_command (void)
{
  const struct
  {
    const char *spec;
    const char *backend;
    const char *command;
  } cases[] = {
    { "25565/tcp", "ufw", "sudo ufw allow 25565/tcp" },
    { "27015-27030/both", "ufw",
      "sudo ufw allow 27015:27030/tcp\nsudo ufw allow 27015:27030/udp" },
    { "3478/udp", "ufw", "sudo ufw allow 3478/udp" },
    { "25565/udp", "nftables", "sudo nft insert rule inet filter input udp dport 25565 accept" },
    { "8000-8010/both", "nftables",
      "sudo nft insert rule inet filter input tcp dport 8000-8010 accept\n"
      "sudo nft insert rule inet filter input udp dport 8000-8010 accept" },
    { "8000-8010/tcp", "firewalld", "sudo firewall-cmd --add-port=8000-8010/tcp" },
    { "25565/both", "firewalld",
      "sudo firewall-cmd --add-port=25565/tcp\nsudo firewall-cmd --add-port=25565/udp" },
    /* an unknown firewall gets nft's command */
    { "80/tcp", "iptables-legacy", "sudo nft insert rule inet filter input tcp dport 80 accept" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (cases[i].spec, NULL);
      g_autofree char *command = NULL;

      g_assert_nonnull (spec);
      command = portier_firewall_manual_command (spec, cases[i].backend);
      g_assert_cmpstr (command, ==, cases[i].command);
    }
}

static void
test_guess_backend (void)
{
  g_autofree char *backend = portier_firewall_guess_backend ();

  g_assert_true (g_str_equal (backend, "firewalld") || g_str_equal (backend, "ufw") ||
                 g_str_equal (backend, "nftables"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, setup, fixture_set_up, func, fixture_tear_down)

  ADD ("/firewall/choose/helper", &with_helper, test_choose_helper);
  ADD ("/firewall/choose/firewalld", &with_firewalld, test_choose_firewalld);
  ADD ("/firewall/choose/manual", &with_nothing, test_choose_manual);
  ADD ("/firewall/choose/activatable", &with_activatable_helper, test_choose_activatable);
  ADD ("/firewall/helper/open", &with_helper, test_helper_open);
  ADD ("/firewall/helper/open-both", &with_helper, test_helper_open_both);
  ADD ("/firewall/helper/open-rollback", &with_helper, test_helper_open_rollback);
  ADD ("/firewall/helper/close", &with_helper, test_helper_close);
  ADD ("/firewall/helper/query", &with_helper, test_helper_query);
  ADD ("/firewall/helper/list", &with_helper, test_helper_list);
  ADD ("/firewall/helper/gone", &with_helper, test_helper_gone);
  ADD ("/firewall/firewalld/open", &with_firewalld, test_firewalld_open);
  ADD ("/firewall/firewalld/nothing-to-do", &with_firewalld, test_firewalld_open_nothing_to_do);
  ADD ("/firewall/firewalld/zone", &with_firewalld, test_firewalld_zone);
  ADD ("/firewall/firewalld/errors", &with_firewalld, test_firewalld_errors);
  ADD ("/firewall/firewalld/panic", &with_firewalld, test_firewalld_panic);
  ADD ("/firewall/firewalld/rollback", &with_firewalld, test_firewalld_rollback);
  ADD ("/firewall/firewalld/close", &with_firewalld, test_firewalld_close);
  ADD ("/firewall/firewalld/query-list", &with_firewalld, test_firewalld_query_list);
  ADD ("/firewall/firewalld/gone", &with_firewalld, test_firewalld_gone);
  ADD ("/firewall/manual/way", &with_nothing, test_manual_way);
  g_test_add_func ("/firewall/manual/command", test_manual_command);
  g_test_add_func ("/firewall/manual/guess-backend", test_guess_backend);

#undef ADD

  return g_test_run ();
}
