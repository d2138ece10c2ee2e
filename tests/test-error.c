/* test-error.c: the error domain survives a real D-Bus round trip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "portier-error.h"

static void
test_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint code = 0; code < PORTIER_ERROR_N_ERRORS; code++)
    {
      const char *name = portier_error_to_dbus_name (code);

      g_assert_nonnull (name);
      g_assert_true (g_str_has_prefix (name, "io.github.portier_app.Portier.Error."));
      g_assert_true (g_dbus_is_interface_name (name));
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);

      /* Every code has a sentence of its own, ending like one. */
      g_assert_true (g_str_has_suffix (portier_error_describe (code), "."));
    }
  g_assert_null (portier_error_to_dbus_name (PORTIER_ERROR_N_ERRORS));
}

static void
test_encode_decode (void)
{
  for (guint code = 0; code < PORTIER_ERROR_N_ERRORS; code++)
    {
      g_autoptr(GError) error = g_error_new (PORTIER_ERROR, code, "detail %u", code);
      g_autofree char *name = g_dbus_error_encode_gerror (error);
      g_autoptr(GError) decoded = g_dbus_error_new_for_dbus_error (name, "detail");

      g_assert_cmpstr (name, ==, portier_error_to_dbus_name (code));
      g_assert_error (decoded, PORTIER_ERROR, (gint) code);
    }
}

typedef struct
{
  GDBusServer     *server;
  GDBusConnection *server_side;
  GMainLoop       *loop;
} PeerFixture;

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  guint32 code;

  g_variant_get (parameters, "(u)", &code);
  g_dbus_method_invocation_return_error (invocation, PORTIER_ERROR, (gint) code,
                                         "raised in the peer with code %u", code);
}

static const char introspection[] =
  "<node><interface name='io.github.portier_app.Test'>"
  "<method name='Fail'><arg type='u' direction='in'/></method>"
  "</interface></node>";

static gboolean
new_connection_cb (GDBusServer     *server,
                   GDBusConnection *connection,
                   gpointer         user_data)
{
  static const GDBusInterfaceVTable vtable = { method_call_cb };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection, NULL);
  PeerFixture *fixture = user_data;

  fixture->server_side = g_object_ref (connection);
  g_dbus_connection_register_object (connection, "/test", info->interfaces[0], &vtable,
                                     NULL, NULL, NULL);
  return TRUE;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_peer_round_trip (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("portier-test-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("unix:dir=%s", tmpdir);
  g_autofree char *guid = g_dbus_generate_guid ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) client = NULL;
  g_autoptr(GAsyncResult) connect_result = NULL;
  PeerFixture fixture = { 0 };

  fixture.server = g_dbus_server_new_sync (address, G_DBUS_SERVER_FLAGS_NONE, guid,
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture.server, "new-connection", G_CALLBACK (new_connection_cb),
                    &fixture);
  g_dbus_server_start (fixture.server);

  /* Asynchronous: the server accepts in this thread's main context. */
  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (fixture.server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
                                     store_result_cb, &connect_result);
  while (connect_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  client = g_dbus_connection_new_for_address_finish (connect_result, &error);
  g_assert_no_error (error);

  while (fixture.server_side == NULL)
    g_main_context_iteration (NULL, TRUE);

  for (guint code = 0; code < PORTIER_ERROR_N_ERRORS; code++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) call_error = NULL;
      g_autofree char *expected = g_strdup_printf ("raised in the peer with code %u", code);

      /* Asynchronous, so this thread's main context can serve the call. */
      g_dbus_connection_call (client, NULL, "/test", "io.github.portier_app.Test", "Fail",
                              g_variant_new ("(u)", code), NULL, G_DBUS_CALL_FLAGS_NONE,
                              5000, NULL, store_result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);

      reply = g_dbus_connection_call_finish (client, result, &call_error);
      g_assert_null (reply);
      g_assert_error (call_error, PORTIER_ERROR, (gint) code);
      g_assert_true (g_dbus_error_is_remote_error (call_error));
      g_dbus_error_strip_remote_error (call_error);
      g_assert_cmpstr (call_error->message, ==, expected);
    }

  g_dbus_connection_close_sync (client, NULL, NULL);
  g_dbus_server_stop (fixture.server);
  g_clear_object (&fixture.server_side);
  g_clear_object (&fixture.server);
  g_rmdir (tmpdir);
}

static void
test_user_message (void)
{
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "raw detail");
  g_autoptr(GError) ours = g_error_new_literal (PORTIER_ERROR, PORTIER_ERROR_ROUTER_TABLE_FULL,
                                                "raw detail");

  g_assert_cmpstr (portier_error_user_message (cancelled), ==,
                   portier_error_describe (PORTIER_ERROR_CANCELLED));
  g_assert_cmpstr (portier_error_user_message (other), ==,
                   portier_error_describe (PORTIER_ERROR_FAILED));
  g_assert_cmpstr (portier_error_user_message (ours), ==,
                   portier_error_describe (PORTIER_ERROR_ROUTER_TABLE_FULL));
  /* Never the raw library string. */
  g_assert_null (strstr (portier_error_user_message (ours), "raw detail"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/names", test_names);
  g_test_add_func ("/error/encode-decode", test_encode_decode);
  g_test_add_func ("/error/peer-round-trip", test_peer_round_trip);
  g_test_add_func ("/error/user-message", test_user_message);

  return g_test_run ();
}
