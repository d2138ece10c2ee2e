/* test-listeners.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <unistd.h>

#include "portier-listeners.h"

static GPtrArray *
parse_fixture (const char      *name,
               PortierProtocol  protocol,
               GSocketFamily    family)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "proc-net", name,
                                                 NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);

  listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_listener_free);
  g_assert_true (portier_listeners_parse_proc_net (contents, length, protocol, family,
                                                   listeners, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&listeners);
}

static void
assert_listener (GPtrArray        *listeners,
                 guint             index,
                 const char       *address,
                 guint16           port,
                 GSocketFamily     family,
                 PortierBindScope  scope,
                 guint             uid,
                 guint64           inode)
{
  const PortierListener *listener;

  g_assert_cmpuint (index, <, listeners->len);
  listener = g_ptr_array_index (listeners, index);
  g_assert_cmpstr (listener->address, ==, address);
  g_assert_cmpuint (listener->port, ==, port);
  g_assert_cmpint (listener->family, ==, family);
  g_assert_cmpint (listener->scope, ==, scope);
  g_assert_cmpuint (listener->uid, ==, uid);
  g_assert_cmpuint (listener->inode, ==, inode);
  g_assert_cmpint (listener->pid, ==, -1);
  g_assert_null (listener->process);
}

static void
test_tcp4 (void)
{
  g_autoptr(GPtrArray) l = parse_fixture ("tcp", PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4);

  /* Established and TIME_WAIT connections are not listeners. */
  g_assert_cmpuint (l->len, ==, 3);
  assert_listener (l, 0, "127.0.0.1", 631, G_SOCKET_FAMILY_IPV4,
                   PORTIER_BIND_SCOPE_LOOPBACK, 0, 17017);
  assert_listener (l, 1, "0.0.0.0", 25565, G_SOCKET_FAMILY_IPV4,
                   PORTIER_BIND_SCOPE_ALL, 1000, 42001);
  assert_listener (l, 2, "192.168.1.1", 8080, G_SOCKET_FAMILY_IPV4,
                   PORTIER_BIND_SCOPE_ADDRESS, 1000, 42002);
}

static void
test_tcp6 (void)
{
  g_autoptr(GPtrArray) l = parse_fixture ("tcp6", PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6);

  /* Line 3 has a 34-digit address and is skipped. */
  g_assert_cmpuint (l->len, ==, 4);
  assert_listener (l, 0, "::", 8000, G_SOCKET_FAMILY_IPV6, PORTIER_BIND_SCOPE_ALL, 1000, 51001);
  assert_listener (l, 1, "::1", 631, G_SOCKET_FAMILY_IPV6, PORTIER_BIND_SCOPE_LOOPBACK, 0,
                   51002);
  /* A v4-mapped address is an IPv4 listener. */
  assert_listener (l, 2, "127.0.0.1", 9090, G_SOCKET_FAMILY_IPV4,
                   PORTIER_BIND_SCOPE_LOOPBACK, 1000, 51003);
  assert_listener (l, 3, "2001:db8::1", 5001, G_SOCKET_FAMILY_IPV6,
                   PORTIER_BIND_SCOPE_ADDRESS, 1000, 51005);
}

static void
test_udp4 (void)
{
  g_autoptr(GPtrArray) l = parse_fixture ("udp", PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4);

  /* A connected socket and a socket on port 0 are skipped; tabs are white space too. */
  g_assert_cmpuint (l->len, ==, 3);
  assert_listener (l, 0, "0.0.0.0", 19132, G_SOCKET_FAMILY_IPV4, PORTIER_BIND_SCOPE_ALL,
                   1000, 61001);
  assert_listener (l, 1, "127.0.0.53", 53, G_SOCKET_FAMILY_IPV4,
                   PORTIER_BIND_SCOPE_LOOPBACK, 102, 61002);
  assert_listener (l, 2, "0.0.0.0", 5353, G_SOCKET_FAMILY_IPV4, PORTIER_BIND_SCOPE_ALL, 0,
                   61004);
  g_assert_cmpint (((PortierListener *) g_ptr_array_index (l, 0))->protocol, ==,
                   PORTIER_PROTOCOL_UDP);
}

static void
test_udp6_truncated (void)
{
  g_autoptr(GPtrArray) l = parse_fixture ("udp6", PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV6);

  g_assert_cmpuint (l->len, ==, 1);
  assert_listener (l, 0, "::", 22000, G_SOCKET_FAMILY_IPV6, PORTIER_BIND_SCOPE_ALL, 1000,
                   71001);
}

static void
test_garbled (void)
{
  g_autoptr(GPtrArray) l = parse_fixture ("garbled", PORTIER_PROTOCOL_TCP,
                                          G_SOCKET_FAMILY_IPV4);

  /* Only the one good line survives. */
  g_assert_cmpuint (l->len, ==, 1);
  assert_listener (l, 0, "127.0.0.1", 22, G_SOCKET_FAMILY_IPV4, PORTIER_BIND_SCOPE_LOOPBACK, 0,
                   17021);
}

static void
test_not_a_table (void)
{
  static const char *cases[] = { "", "hello\nworld\n", "local_address\0hidden" };
  static const gsize lengths[] = { 0, 12, 20 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) l = g_ptr_array_new_with_free_func (
        (GDestroyNotify) portier_listener_free);
      g_autoptr(GError) error = NULL;

      g_assert_false (portier_listeners_parse_proc_net (cases[i], lengths[i],
                                                        PORTIER_PROTOCOL_TCP,
                                                        G_SOCKET_FAMILY_IPV4, l, &error));
      g_assert_nonnull (error);
      g_assert_cmpuint (l->len, ==, 0);
    }

  /* A header alone is an empty table. */
  {
    g_autoptr(GPtrArray) l = g_ptr_array_new_with_free_func (
      (GDestroyNotify) portier_listener_free);
    const char *header = "  sl  local_address rem_address   st\n";

    g_assert_true (portier_listeners_parse_proc_net (header, strlen (header),
                                                     PORTIER_PROTOCOL_TCP,
                                                     G_SOCKET_FAMILY_IPV4, l, NULL));
    g_assert_cmpuint (l->len, ==, 0);
  }
}

static void
test_filter (void)
{
  g_autoptr(GPtrArray) l = parse_fixture ("tcp", PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4);
  g_autoptr(PortierPortSpec) tcp = portier_port_spec_parse ("25565/both", NULL);
  g_autoptr(PortierPortSpec) udp = portier_port_spec_parse ("25565/udp", NULL);
  g_autoptr(GPtrArray) found = portier_listeners_filter (l, tcp);
  g_autoptr(GPtrArray) none = portier_listeners_filter (l, udp);

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (((PortierListener *) g_ptr_array_index (found, 0))->port, ==, 25565);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static const PortierListener *
find (GPtrArray       *listeners,
      PortierProtocol  protocol,
      guint16          port)
{
  for (guint i = 0; i < listeners->len; i++)
    {
      const PortierListener *listener = g_ptr_array_index (listeners, i);
      if (listener->protocol == protocol && listener->port == port)
        return listener;
    }
  return NULL;
}

static guint16
bind_socket (GSocketType      type,
             GSocketProtocol  protocol,
             const char      *address_text,
             GSocket        **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (address_text);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (address), type, protocol,
                                            &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, bind_address, TRUE, &error));
  g_assert_no_error (error);
  if (type == G_SOCKET_TYPE_STREAM)
    {
      g_assert_true (g_socket_listen (socket, &error));
      g_assert_no_error (error);
    }
  local = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *out = g_steal_pointer (&socket);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

static void
test_live (void)
{
  g_autoptr(GSocket) tcp = NULL;
  g_autoptr(GSocket) udp = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *comm = NULL;
  const PortierListener *found;
  guint16 tcp_port;
  guint16 udp_port;

  tcp_port = bind_socket (G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, "127.0.0.1", &tcp);
  udp_port = bind_socket (G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, "0.0.0.0", &udp);

  portier_listeners_list_async (NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  listeners = portier_listeners_list_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (listeners);

  g_assert_true (g_file_get_contents ("/proc/self/comm", &comm, NULL, NULL));
  g_strstrip (comm);

  found = find (listeners, PORTIER_PROTOCOL_TCP, tcp_port);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->address, ==, "127.0.0.1");
  g_assert_cmpint (found->scope, ==, PORTIER_BIND_SCOPE_LOOPBACK);
  g_assert_cmpint (found->pid, ==, getpid ());
  g_assert_cmpstr (found->process, ==, comm);
  g_assert_cmpuint (found->uid, ==, getuid ());

  found = find (listeners, PORTIER_PROTOCOL_UDP, udp_port);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->address, ==, "0.0.0.0");
  g_assert_cmpint (found->scope, ==, PORTIER_BIND_SCOPE_ALL);
  g_assert_cmpint (found->pid, ==, getpid ());

  /* Closed sockets are gone from the next reading. */
  g_socket_close (tcp, NULL);
  g_clear_pointer (&listeners, g_ptr_array_unref);
  listeners = portier_listeners_read ("/proc", &error);
  g_assert_no_error (error);
  g_assert_null (find (listeners, PORTIER_PROTOCOL_TCP, tcp_port));
  g_assert_nonnull (find (listeners, PORTIER_PROTOCOL_UDP, udp_port));
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  portier_listeners_list_async (cancellable, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  listeners = portier_listeners_list_finish (result, &error);
  g_assert_null (listeners);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_no_proc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listeners = portier_listeners_read ("/nonexistent-proc", &error);

  g_assert_null (listeners);
  g_assert_nonnull (error);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/listeners/parse/tcp4", test_tcp4);
  g_test_add_func ("/listeners/parse/tcp6", test_tcp6);
  g_test_add_func ("/listeners/parse/udp4", test_udp4);
  g_test_add_func ("/listeners/parse/udp6-truncated", test_udp6_truncated);
  g_test_add_func ("/listeners/parse/garbled", test_garbled);
  g_test_add_func ("/listeners/parse/not-a-table", test_not_a_table);
  g_test_add_func ("/listeners/filter", test_filter);
  g_test_add_func ("/listeners/live", test_live);
  g_test_add_func ("/listeners/cancelled", test_cancelled);
  g_test_add_func ("/listeners/no-proc", test_no_proc);

  return g_test_run ();
}
