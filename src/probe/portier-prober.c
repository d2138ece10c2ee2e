/* portier-prober.c: connects back to a client and tells what answered
 *
 * TCP: connect; the client's temporary listener sends its token on accept (reachable);
 * anything else that accepts the connection is some other program (open). UDP: send the
 * token a few times; the client's temporary listener echoes it (reachable), any other
 * datagram from that port means some program answered (open), an ICMP “port unreachable”
 * means nothing listens (refused).
 *
 * Sockets are non-blocking and driven by the main context: thousands of probes can be
 * pending at once without a thread each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "portier-prober.h"

/* The longest token the prober compares; longer ones never come from the server. */
#define TOKEN_MAX 256
/* UDP: how many times the token is sent within the read timeout. */
#define UDP_SENDS 3

struct _PortierProber
{
  GObject parent_instance;

  guint   connect_timeout_ms;
  guint   read_timeout_ms;
};

G_DEFINE_FINAL_TYPE (PortierProber, portier_prober, G_TYPE_OBJECT)

typedef struct
{
  GSocket             *socket;
  GSource             *io_source;
  GSource             *timer_source;
  GSource             *resend_source;
  GSource             *cancel_source;
  PortierProtocol      protocol;
  char                *token;           /* NULL: only connect (Transmission-style check) */
  gsize                token_length;
  guint8               buffer[TOKEN_MAX];
  gsize                received;
  guint                sends;
  gint64               started_us;
  gboolean             connected;

  PortierProbeVerdict  verdict;
  const char          *detail;
  guint                elapsed_ms;
} Probe;

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
probe_free (Probe *probe)
{
  clear_source (&probe->io_source);
  clear_source (&probe->timer_source);
  clear_source (&probe->resend_source);
  clear_source (&probe->cancel_source);
  if (probe->socket != NULL)
    g_socket_close (probe->socket, NULL);
  g_clear_object (&probe->socket);
  g_free (probe->token);
  g_free (probe);
}

static void
portier_prober_class_init (PortierProberClass *klass)
{
}

static void
portier_prober_init (PortierProber *self)
{
}

PortierProber *
portier_prober_new (guint connect_timeout_ms,
                    guint read_timeout_ms)
{
  PortierProber *self = g_object_new (PORTIER_TYPE_PROBER, NULL);

  self->connect_timeout_ms = connect_timeout_ms;
  self->read_timeout_ms = read_timeout_ms;
  return self;
}

/* Ends the probe: every source goes, the socket closes, the task returns. Takes the
 * reference the running probe held on @task. */
static void
complete (GTask               *task,
          PortierProbeVerdict  verdict,
          const char          *detail)
{
  Probe *probe = g_task_get_task_data (task);

  clear_source (&probe->io_source);
  clear_source (&probe->timer_source);
  clear_source (&probe->resend_source);
  clear_source (&probe->cancel_source);
  if (probe->socket != NULL)
    g_socket_close (probe->socket, NULL);

  probe->verdict = verdict;
  probe->detail = detail;
  probe->elapsed_ms = (guint) ((g_get_monotonic_time () - probe->started_us) / 1000);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
complete_with_error (GTask        *task,
                     const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    complete (task, PORTIER_PROBE_VERDICT_REFUSED, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    complete (task, PORTIER_PROBE_VERDICT_TIMEOUT, "unreachable");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    complete (task, PORTIER_PROBE_VERDICT_TIMEOUT, NULL);
  else
    {
      g_debug ("Probe failed: %s", error->message);
      complete (task, PORTIER_PROBE_VERDICT_ERROR, NULL);
    }
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  if (probe->protocol == PORTIER_PROTOCOL_TCP && probe->connected)
    /* It accepted the connection, but never said the token: some other program. */
    complete (task, PORTIER_PROBE_VERDICT_OPEN, "silent");
  else
    complete (task, PORTIER_PROBE_VERDICT_TIMEOUT, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  clear_source (&probe->io_source);
  clear_source (&probe->timer_source);
  clear_source (&probe->resend_source);
  clear_source (&probe->cancel_source);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
restart_timer (GTask *task,
               guint  timeout_ms)
{
  Probe *probe = g_task_get_task_data (task);

  clear_source (&probe->timer_source);
  probe->timer_source = g_timeout_source_new (timeout_ms);
  g_source_set_callback (probe->timer_source, timeout_cb, task, NULL);
  g_source_attach (probe->timer_source, g_task_get_context (task));
}

static void
watch (GTask        *task,
       GIOCondition  condition,
       gboolean    (*callback) (GSocket *, GIOCondition, gpointer))
{
  Probe *probe = g_task_get_task_data (task);

  clear_source (&probe->io_source);
  probe->io_source = g_socket_create_source (probe->socket, condition, NULL);
  g_source_set_callback (probe->io_source, G_SOURCE_FUNC (callback), task, NULL);
  g_source_attach (probe->io_source, g_task_get_context (task));
}

/* The bytes so far decide, or more are needed (returns FALSE). */
static gboolean
judge_bytes (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  gsize compare = MIN (probe->received, probe->token_length);

  if (memcmp (probe->buffer, probe->token, compare) != 0)
    {
      complete (task, PORTIER_PROBE_VERDICT_OPEN, NULL);
      return TRUE;
    }
  if (probe->received >= probe->token_length)
    {
      complete (task, PORTIER_PROBE_VERDICT_REACHABLE, NULL);
      return TRUE;
    }
  return FALSE;
}

static gboolean
tcp_readable_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_socket_receive (socket, (char *) probe->buffer + probe->received,
                        probe->token_length - probe->received, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* It accepted, then closed or reset without the token: some other program. */
      complete (task, PORTIER_PROBE_VERDICT_OPEN, n == 0 ? "closed" : "reset");
      return G_SOURCE_REMOVE;
    }

  probe->received += (gsize) n;
  if (judge_bytes (task))
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

static void
tcp_connected (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  PortierProber *self = g_task_get_source_object (task);

  probe->connected = TRUE;
  if (probe->token == NULL)
    {
      complete (task, PORTIER_PROBE_VERDICT_OPEN, NULL);
      return;
    }
  restart_timer (task, self->read_timeout_ms);
  watch (task, G_IO_IN | G_IO_HUP | G_IO_ERR, tcp_readable_cb);
}

static gboolean
tcp_writable_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_socket_check_connect_result (socket, &error))
    complete_with_error (task, error);
  else
    tcp_connected (task);
  return G_SOURCE_REMOVE;
}

static void
udp_send (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  probe->sends++;
  if (g_socket_send (probe->socket, probe->token, probe->token_length, NULL, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    complete_with_error (task, error);
}

static gboolean
udp_resend_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  if (probe->sends >= UDP_SENDS)
    {
      g_clear_pointer (&probe->resend_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  /* udp_send() may complete the probe, which destroys this source: say “continue” then,
   * so GLib does not destroy it a second time. */
  udp_send (task);
  return G_SOURCE_CONTINUE;
}

static gboolean
udp_readable_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_socket_receive (socket, (char *) probe->buffer, sizeof probe->buffer, NULL, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      complete_with_error (task, error);
      return G_SOURCE_REMOVE;
    }

  if ((gsize) n == probe->token_length &&
      memcmp (probe->buffer, probe->token, probe->token_length) == 0)
    complete (task, PORTIER_PROBE_VERDICT_REACHABLE, NULL);
  else
    complete (task, PORTIER_PROBE_VERDICT_OPEN, NULL);
  return G_SOURCE_REMOVE;
}

/**
 * portier_prober_run_async:
 * @target: the client's address and the port to test
 * @protocol: %PORTIER_PROTOCOL_TCP or %PORTIER_PROTOCOL_UDP
 * @token: (nullable): what the client's temporary listener answers with; %NULL (TCP
 *   only) to learn only whether anything accepts the connection
 *
 * Never fails but for cancellation: what happened is the verdict.
 */
void
portier_prober_run_async (PortierProber       *self,
                          GInetSocketAddress  *target,
                          PortierProtocol      protocol,
                          const char          *token,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Probe *probe;
  GSocketFamily family;

  g_return_if_fail (PORTIER_IS_PROBER (self));
  g_return_if_fail (protocol == PORTIER_PROTOCOL_TCP || protocol == PORTIER_PROTOCOL_UDP);
  g_return_if_fail (token != NULL || protocol == PORTIER_PROTOCOL_TCP);
  g_return_if_fail (token == NULL || strlen (token) <= TOKEN_MAX);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_prober_run_async);

  probe = g_new0 (Probe, 1);
  probe->protocol = protocol;
  probe->token = g_strdup (token);
  probe->token_length = token != NULL ? strlen (token) : 0;
  probe->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  family = g_socket_address_get_family (G_SOCKET_ADDRESS (target));
  probe->socket = g_socket_new (family,
                                protocol == PORTIER_PROTOCOL_TCP ? G_SOCKET_TYPE_STREAM
                                                                 : G_SOCKET_TYPE_DATAGRAM,
                                protocol == PORTIER_PROTOCOL_TCP ? G_SOCKET_PROTOCOL_TCP
                                                                 : G_SOCKET_PROTOCOL_UDP,
                                &error);
  if (probe->socket == NULL)
    {
      g_debug ("Cannot make a probe socket: %s", error->message);
      complete (g_steal_pointer (&task), PORTIER_PROBE_VERDICT_ERROR, NULL);
      return;
    }
  g_socket_set_blocking (probe->socket, FALSE);

  /* From here on, the running probe holds the reference until complete(). */
  task = g_object_ref (task);

  if (cancellable != NULL)
    {
      probe->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (probe->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (probe->cancel_source, g_task_get_context (task));
    }

  if (protocol == PORTIER_PROTOCOL_TCP)
    {
      restart_timer (task, self->connect_timeout_ms);
      if (g_socket_connect (probe->socket, G_SOCKET_ADDRESS (target), NULL, &error))
        tcp_connected (task);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
        watch (task, G_IO_OUT, tcp_writable_cb);
      else
        complete_with_error (task, error);
      return;
    }

  /* A connected UDP socket receives only from the target, and hears its ICMP errors. */
  if (!g_socket_connect (probe->socket, G_SOCKET_ADDRESS (target), NULL, &error))
    {
      complete_with_error (task, error);
      return;
    }
  restart_timer (task, self->read_timeout_ms);
  watch (task, G_IO_IN | G_IO_ERR, udp_readable_cb);
  probe->resend_source = g_timeout_source_new (MAX (self->read_timeout_ms / UDP_SENDS, 1));
  g_source_set_callback (probe->resend_source, udp_resend_cb, task, NULL);
  g_source_attach (probe->resend_source, g_task_get_context (task));
  udp_send (task);
}

/**
 * portier_prober_run_finish:
 * @elapsed_ms: (out) (optional): how long the probe took
 * @detail: (out) (optional) (transfer none): a word more about the verdict, or %NULL:
 *   `unreachable` (an ICMP error instead of silence), `silent`, `closed`, `reset` (what
 *   the program that was not the client's listener did)
 */
PortierProbeVerdict
portier_prober_run_finish (PortierProber  *self,
                           GAsyncResult   *result,
                           guint          *elapsed_ms,
                           const char    **detail,
                           GError        **error)
{
  Probe *probe;

  g_return_val_if_fail (g_task_is_valid (result, self), PORTIER_PROBE_VERDICT_ERROR);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return PORTIER_PROBE_VERDICT_ERROR;

  probe = g_task_get_task_data (G_TASK (result));
  if (elapsed_ms != NULL)
    *elapsed_ms = probe->elapsed_ms;
  if (detail != NULL)
    *detail = probe->detail;
  return probe->verdict;
}

const char *
portier_probe_verdict_to_string (PortierProbeVerdict verdict)
{
  switch (verdict)
    {
    case PORTIER_PROBE_VERDICT_REACHABLE:
      return "reachable";
    case PORTIER_PROBE_VERDICT_OPEN:
      return "open";
    case PORTIER_PROBE_VERDICT_REFUSED:
      return "refused";
    case PORTIER_PROBE_VERDICT_TIMEOUT:
      return "timeout";
    case PORTIER_PROBE_VERDICT_ERROR:
    default:
      return "error";
    }
}

/**
 * portier_prober_check_route:
 * @target: an address a request asks to be probed
 *
 * Asks the kernel where a packet to @target would go, and sends nothing: connect() on a
 * UDP socket only picks the route and the source address. A packet to one of this host's
 * own addresses (on any interface, or a local route) leaves from that very address; a
 * broadcast address needs a permission the socket does not have.
 *
 * Returns: %PORTIER_PROBE_TARGET_OWN_ADDRESS, %PORTIER_PROBE_TARGET_BROADCAST, or
 *   %PORTIER_PROBE_TARGET_OK (also when there is no route: the probe then says so)
 */
PortierProbeTarget
portier_prober_check_route (GInetAddress *target)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (target, 9);
  struct sockaddr_storage native, local;
  socklen_t length = sizeof local;
  gsize size = g_inet_address_get_native_size (target);
  PortierProbeTarget verdict = PORTIER_PROBE_TARGET_OK;
  int fd;

  if (!g_socket_address_to_native (address, &native, sizeof native, NULL))
    return PORTIER_PROBE_TARGET_OK;
  fd = socket (native.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return PORTIER_PROBE_TARGET_OK;

  if (connect (fd, (struct sockaddr *) &native, g_socket_address_get_native_size (address)) < 0)
    {
      if (errno == EACCES)
        verdict = PORTIER_PROBE_TARGET_BROADCAST;
    }
  else if (getsockname (fd, (struct sockaddr *) &local, &length) == 0)
    {
      const guint8 *bytes = g_inet_address_to_bytes (target);
      const void *source = local.ss_family == AF_INET
                             ? (const void *) &((struct sockaddr_in *) &local)->sin_addr
                             : (const void *) &((struct sockaddr_in6 *) &local)->sin6_addr;

      if (local.ss_family == native.ss_family && memcmp (source, bytes, size) == 0)
        verdict = PORTIER_PROBE_TARGET_OWN_ADDRESS;
    }
  close (fd);
  return verdict;
}
