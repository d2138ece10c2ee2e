/* fuzz-proc-net.c: libFuzzer target for the /proc/net socket table parser
 *
 * The first byte picks the table (tcp, tcp6, udp, udp6); the rest is its text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "portier-listeners.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GPtrArray) listeners = NULL;
  PortierProtocol protocol;
  GSocketFamily family;

  if (size < 1)
    return 0;

  protocol = (data[0] & 1) ? PORTIER_PROTOCOL_UDP : PORTIER_PROTOCOL_TCP;
  family = (data[0] & 2) ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
  listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_listener_free);

  if (portier_listeners_parse_proc_net ((const char *) data + 1, size - 1, protocol, family,
                                        listeners, NULL))
    {
      for (guint i = 0; i < listeners->len; i++)
        {
          const PortierListener *listener = g_ptr_array_index (listeners, i);

          g_assert_true (listener->port != 0);
          g_assert_true (listener->protocol == protocol);
          g_assert_nonnull (listener->address);
          g_assert_true (g_utf8_validate (listener->address, -1, NULL));
        }
    }
  else
    g_assert_cmpuint (listeners->len, ==, 0);

  return 0;
}
