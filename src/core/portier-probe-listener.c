/* portier-probe-listener.c: the temporary listener of a reachability test
 *
 * While the port is free, Portier listens on it itself for the length of one test: over
 * TCP it sends the one-time token to whoever connects, over UDP it echoes a datagram
 * that carries the token (and nothing else: it is no echo service for strangers). The
 * probe server recognizes its token, so “reachable” means this computer, not some other
 * device the router happens to forward the port to.
 *
 * It listens on every address of IPv4 and of IPv6, like an app would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "portier-probe-listener.h"

#define TOKEN_MAX 256

typedef struct
{
  PortierProbeListener *listener;   /* unowned: owns this */
  GSocket              *socket;
  GSource              *source;
} Endpoint;

struct _PortierProbeListener
{
  GObject          parent_instance;

  PortierProtocol  protocol;
  char            *token;
  gsize            token_length;
  Endpoint        *endpoints[2];     /* IPv4, IPv6; either may be NULL */
  guint            n_answered;
};

G_DEFINE_FINAL_TYPE (PortierProbeListener, portier_probe_listener, G_TYPE_OBJECT)

static void
endpoint_free (Endpoint *endpoint)
{
  if (endpoint == NULL)
    return;
  if (endpoint->source != NULL)
    {
      g_source_destroy (endpoint->source);
      g_source_unref (endpoint->source);
    }
  g_socket_close (endpoint->socket, NULL);
  g_object_unref (endpoint->socket);
  g_free (endpoint);
}

static void
portier_probe_listener_finalize (GObject *object)
{
  PortierProbeListener *self = PORTIER_PROBE_LISTENER (object);

  endpoint_free (self->endpoints[0]);
  endpoint_free (self->endpoints[1]);
  g_free (self->token);

  G_OBJECT_CLASS (portier_probe_listener_parent_class)->finalize (object);
}

static void
portier_probe_listener_class_init (PortierProbeListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_probe_listener_finalize;
}

static void
portier_probe_listener_init (PortierProbeListener *self)
{
}

static gboolean
tcp_incoming_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Endpoint *endpoint = user_data;
  PortierProbeListener *self = endpoint->listener;

  while (TRUE)
    {
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, NULL);
      g_autofree char *line = NULL;

      if (client == NULL)
        return G_SOURCE_CONTINUE;

      /* A few bytes into a fresh socket: they fit its buffer, the send does not block. */
      line = g_strconcat (self->token, "\n", NULL);
      g_socket_set_blocking (client, FALSE);
      if (g_socket_send (client, line, self->token_length + 1, NULL, NULL) > 0)
        self->n_answered++;
      g_socket_close (client, NULL);
    }
}

static gboolean
udp_incoming_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Endpoint *endpoint = user_data;
  PortierProbeListener *self = endpoint->listener;

  while (TRUE)
    {
      g_autoptr(GSocketAddress) sender = NULL;
      char buffer[TOKEN_MAX];
      gssize n;

      n = g_socket_receive_from (socket, &sender, buffer, sizeof buffer, NULL, NULL);
      if (n < 0)
        return G_SOURCE_CONTINUE;
      if ((gsize) n == self->token_length && memcmp (buffer, self->token, (gsize) n) == 0 &&
          g_socket_send_to (socket, sender, buffer, (gsize) n, NULL, NULL) == n)
        self->n_answered++;
    }
}

static Endpoint *
endpoint_new (PortierProbeListener  *self,
              GSocketFamily          family,
              guint16                port,
              GError               **error)
{
  gboolean tcp = self->protocol == PORTIER_PROTOCOL_TCP;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, port);
  Endpoint *endpoint;

  socket = g_socket_new (family, tcp ? G_SOCKET_TYPE_STREAM : G_SOCKET_TYPE_DATAGRAM,
                         tcp ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
  g_socket_set_blocking (socket, FALSE);

  /* UDP without address reuse: with it, two sockets could share the port, and the
   * listener could steal an app's datagrams. */
  if (!g_socket_bind (socket, address, tcp, error))
    return NULL;
  if (tcp)
    {
      g_socket_set_listen_backlog (socket, 16);
      if (!g_socket_listen (socket, error))
        return NULL;
    }

  endpoint = g_new0 (Endpoint, 1);
  endpoint->listener = self;
  endpoint->socket = g_steal_pointer (&socket);
  endpoint->source = g_socket_create_source (endpoint->socket, G_IO_IN, NULL);
  g_source_set_callback (endpoint->source,
                         G_SOURCE_FUNC (tcp ? tcp_incoming_cb : udp_incoming_cb), endpoint,
                         NULL);
  g_source_attach (endpoint->source, g_main_context_get_thread_default ());
  return endpoint;
}

/**
 * portier_probe_listener_new:
 * @protocol: %PORTIER_PROTOCOL_TCP or %PORTIER_PROTOCOL_UDP
 * @token: the one-time token
 *
 * Listens on @port of every IPv4 and IPv6 address until the listener is dropped. IPv6
 * may be missing (when this computer has it switched off); IPv4 may not.
 *
 * Returns: (transfer full): the listener, or %NULL with %G_IO_ERROR_ADDRESS_IN_USE when
 *   a program already uses the port (in either family), or another error when this
 *   process may not listen on it (ports below 1024)
 */
PortierProbeListener *
portier_probe_listener_new (guint16           port,
                            PortierProtocol   protocol,
                            const char       *token,
                            GError          **error)
{
  g_autoptr(PortierProbeListener) self = NULL;
  g_autoptr(GError) v6_error = NULL;

  g_return_val_if_fail (port > 0, NULL);
  g_return_val_if_fail (protocol == PORTIER_PROTOCOL_TCP || protocol == PORTIER_PROTOCOL_UDP,
                        NULL);
  g_return_val_if_fail (token != NULL && strlen (token) <= TOKEN_MAX, NULL);

  self = g_object_new (PORTIER_TYPE_PROBE_LISTENER, NULL);
  self->protocol = protocol;
  self->token = g_strdup (token);
  self->token_length = strlen (token);

  self->endpoints[0] = endpoint_new (self, G_SOCKET_FAMILY_IPV4, port, error);
  if (self->endpoints[0] == NULL)
    return NULL;

  self->endpoints[1] = endpoint_new (self, G_SOCKET_FAMILY_IPV6, port, &v6_error);
  if (self->endpoints[1] == NULL)
    {
      if (g_error_matches (v6_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_propagate_error (error, g_steal_pointer (&v6_error));
          return NULL;
        }
      g_debug ("Temporary listener without IPv6: %s", v6_error->message);
    }

  return g_steal_pointer (&self);
}

gboolean
portier_probe_listener_has_family (PortierProbeListener *self,
                                   GSocketFamily         family)
{
  g_return_val_if_fail (PORTIER_IS_PROBE_LISTENER (self), FALSE);

  return self->endpoints[family == G_SOCKET_FAMILY_IPV6 ? 1 : 0] != NULL;
}

/**
 * portier_probe_listener_get_n_answered:
 *
 * Returns: how many times the listener has answered with the token
 */
guint
portier_probe_listener_get_n_answered (PortierProbeListener *self)
{
  g_return_val_if_fail (PORTIER_IS_PROBE_LISTENER (self), 0);

  return self->n_answered;
}
