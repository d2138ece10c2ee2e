/* portier-listeners.c: which programs listen on which ports
 *
 * Reads /proc/net/{tcp,tcp6,udp,udp6} and maps socket inodes to processes through
 * /proc/<pid>/fd where /proc lets us see them (not for other users' processes unless we
 * are root, and only the sandbox's own inside Flatpak: the owner is then unknown).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-listeners"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-listeners.h"
#include "portier-sandbox.h"

#define TCP_STATE_LISTEN 0x0A
#define UDP_STATE_UNCONNECTED 0x07
#define MAX_PROC_NET_SIZE (64 * 1024 * 1024)

G_DEFINE_BOXED_TYPE (PortierListener, portier_listener,
                     portier_listener_copy, portier_listener_free)

PortierListener *
portier_listener_copy (const PortierListener *self)
{
  PortierListener *copy = g_memdup2 (self, sizeof *self);

  copy->address = g_strdup (self->address);
  copy->process = g_strdup (self->process);
  return copy;
}

void
portier_listener_free (PortierListener *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self->process);
  g_free (self);
}

const char *
portier_bind_scope_to_string (PortierBindScope scope)
{
  switch (scope)
    {
    case PORTIER_BIND_SCOPE_ALL:
      return "all";
    case PORTIER_BIND_SCOPE_LOOPBACK:
      return "loopback";
    case PORTIER_BIND_SCOPE_ADDRESS:
    default:
      return "address";
    }
}

static gboolean
parse_hex (const char *text,
           gsize       len,
           guint32    *value)
{
  guint32 v = 0;

  if (len == 0 || len > 8)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int digit = g_ascii_xdigit_value (text[i]);
      if (digit < 0)
        return FALSE;
      v = (v << 4) | (guint32) digit;
    }
  *value = v;
  return TRUE;
}

/* "0100007F:0CEA" (IPv4) or 32 hex digits ":" port (IPv6). The kernel prints each
 * 32-bit word of the address in host byte order. */
static gboolean
parse_endpoint (const char     *text,
                GSocketFamily   family,
                GInetAddress  **address,
                guint16        *port)
{
  const char *colon = strchr (text, ':');
  gsize addr_len;
  guint32 port_value;

  if (colon == NULL)
    return FALSE;
  addr_len = (gsize) (colon - text);
  if (!parse_hex (colon + 1, strlen (colon + 1), &port_value) || port_value > G_MAXUINT16)
    return FALSE;

  if (family == G_SOCKET_FAMILY_IPV4)
    {
      guint32 word;
      guint8 bytes[4];

      if (addr_len != 8 || !parse_hex (text, 8, &word))
        return FALSE;
      memcpy (bytes, &word, sizeof bytes);
      *address = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV4);
    }
  else
    {
      guint8 bytes[16];

      if (addr_len != 32)
        return FALSE;
      for (guint i = 0; i < 4; i++)
        {
          guint32 word;
          if (!parse_hex (text + i * 8, 8, &word))
            return FALSE;
          memcpy (bytes + i * 4, &word, sizeof word);
        }

      /* ::ffff:a.b.c.d is an IPv4 socket on a dual-stack listener: treat it as IPv4. */
      if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
        *address = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
      else
        *address = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
    }

  *port = (guint16) port_value;
  return TRUE;
}

static PortierBindScope
scope_of (GInetAddress *address)
{
  if (g_inet_address_get_is_any (address))
    return PORTIER_BIND_SCOPE_ALL;
  if (g_inet_address_get_is_loopback (address))
    return PORTIER_BIND_SCOPE_LOOPBACK;
  return PORTIER_BIND_SCOPE_ADDRESS;
}

static gboolean
parse_line (char             *line,
            PortierProtocol   protocol,
            GSocketFamily     family,
            PortierListener **out)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GInetAddress) local = NULL;
  g_autoptr(GInetAddress) remote = NULL;
  guint16 local_port;
  guint16 remote_port;
  guint32 state;
  guint64 uid;
  guint64 inode;
  PortierListener *listener;
  guint n = 0;

  *out = NULL;
  fields = g_strsplit_set (g_strstrip (line), " \t", -1);

  /* Drop the empty fields that runs of white space leave. */
  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (fields[i][0] == '\0')
        {
          g_free (fields[i]);
          continue;
        }
      fields[n++] = fields[i];
    }
  fields[n] = NULL;

  /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode ... */
  if (n < 10)
    return FALSE;

  if (!parse_endpoint (fields[1], family, &local, &local_port) ||
      !parse_endpoint (fields[2], family, &remote, &remote_port))
    return FALSE;
  if (strlen (fields[3]) != 2 || !parse_hex (fields[3], 2, &state))
    return FALSE;
  if (!g_ascii_string_to_unsigned (fields[7], 10, 0, G_MAXUINT32, &uid, NULL) ||
      !g_ascii_string_to_unsigned (fields[9], 10, 0, G_MAXUINT64, &inode, NULL))
    return FALSE;

  if (protocol == PORTIER_PROTOCOL_TCP && state != TCP_STATE_LISTEN)
    return TRUE;
  if (protocol == PORTIER_PROTOCOL_UDP && (state != UDP_STATE_UNCONNECTED || remote_port != 0))
    return TRUE;
  if (local_port == 0)
    return TRUE;

  listener = g_new0 (PortierListener, 1);
  listener->protocol = protocol;
  listener->family = g_inet_address_get_family (local);
  listener->address = g_inet_address_to_string (local);
  listener->port = local_port;
  listener->scope = scope_of (local);
  listener->uid = (guint) uid;
  listener->inode = inode;
  listener->pid = -1;
  *out = listener;
  return TRUE;
}

/**
 * portier_listeners_parse_proc_net:
 * @contents: the text of one /proc/net/{tcp,tcp6,udp,udp6} file
 * @protocol: %PORTIER_PROTOCOL_TCP or %PORTIER_PROTOCOL_UDP
 * @family: the family the file is for
 * @listeners: (element-type PortierListener): where listening sockets are appended
 *
 * Lines that cannot be read (truncated, garbled) are skipped: the kernel's format is
 * fixed, so one odd line is no reason to lose the others.
 *
 * Returns: %FALSE only when @contents is not such a file at all
 */
gboolean
portier_listeners_parse_proc_net (const char       *contents,
                                  gsize             length,
                                  PortierProtocol   protocol,
                                  GSocketFamily     family,
                                  GPtrArray        *listeners,
                                  GError          **error)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  guint skipped = 0;

  g_return_val_if_fail (protocol == PORTIER_PROTOCOL_TCP || protocol == PORTIER_PROTOCOL_UDP,
                        FALSE);
  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6,
                        FALSE);

  copy = g_strndup (contents, length);
  if (strlen (copy) != length || strstr (copy, "local_address") == NULL)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                           "not a /proc/net socket table");
      return FALSE;
    }

  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      PortierListener *listener = NULL;

      if (lines[i][0] == '\0')
        continue;
      if (!parse_line (lines[i], protocol, family, &listener))
        skipped++;
      else if (listener != NULL)
        g_ptr_array_add (listeners, listener);
    }

  if (skipped > 0)
    g_debug ("skipped %u unreadable lines", skipped);

  return TRUE;
}

/**
 * portier_listeners_resolve_owners:
 * @proc_root: normally "/proc"
 *
 * Fills in pid and process name where /proc shows who owns each socket inode.
 */
void
portier_listeners_resolve_owners (GPtrArray  *listeners,
                                  const char *proc_root)
{
  g_autoptr(GHashTable) by_inode = NULL;
  g_autoptr(GDir) proc = NULL;
  const char *name;
  guint unresolved = 0;

  by_inode = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  for (guint i = 0; i < listeners->len; i++)
    {
      PortierListener *listener = g_ptr_array_index (listeners, i);
      if (listener->inode != 0)
        {
          g_hash_table_insert (by_inode, &listener->inode, listener);
          unresolved++;
        }
    }

  if (unresolved == 0 || (proc = g_dir_open (proc_root, 0, NULL)) == NULL)
    return;

  while (unresolved > 0 && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *fd_path = NULL;
      g_autoptr(GDir) fds = NULL;
      const char *fd_name;
      guint64 pid;

      if (!g_ascii_string_to_unsigned (name, 10, 1, G_MAXINT, &pid, NULL))
        continue;

      fd_path = g_build_filename (proc_root, name, "fd", NULL);
      if ((fds = g_dir_open (fd_path, 0, NULL)) == NULL)
        continue;

      while ((fd_name = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link_path = g_build_filename (fd_path, fd_name, NULL);
          g_autofree char *target = g_file_read_link (link_path, NULL);
          PortierListener *listener;
          guint64 inode;
          gsize len;

          if (target == NULL || !g_str_has_prefix (target, "socket:["))
            continue;
          len = strlen (target);
          if (target[len - 1] != ']')
            continue;
          target[len - 1] = '\0';
          if (!g_ascii_string_to_unsigned (target + 8, 10, 1, G_MAXUINT64, &inode, NULL))
            continue;

          listener = g_hash_table_lookup (by_inode, &inode);
          if (listener == NULL || listener->pid != -1)
            continue;

          {
            g_autofree char *comm_path = g_build_filename (proc_root, name, "comm", NULL);
            g_autofree char *comm = NULL;

            listener->pid = (int) pid;
            if (g_file_get_contents (comm_path, &comm, NULL, NULL))
              listener->process = g_strdup (g_strstrip (comm));
          }
          unresolved--;
        }
    }
}

static gint
compare_listeners (gconstpointer a,
                   gconstpointer b)
{
  const PortierListener *la = *(PortierListener * const *) a;
  const PortierListener *lb = *(PortierListener * const *) b;

  if (la->port != lb->port)
    return la->port < lb->port ? -1 : 1;
  if (la->protocol != lb->protocol)
    return la->protocol < lb->protocol ? -1 : 1;
  if (la->family != lb->family)
    return la->family < lb->family ? -1 : 1;
  return g_strcmp0 (la->address, lb->address);
}

/* One entry per protocol, address and port: SO_REUSEPORT groups and forked servers
 * show the same socket many times. */
static void
deduplicate (GPtrArray *listeners)
{
  g_ptr_array_sort (listeners, compare_listeners);
  for (guint i = 1; i < listeners->len;)
    {
      if (compare_listeners (&listeners->pdata[i - 1], &listeners->pdata[i]) == 0)
        {
          PortierListener *kept = g_ptr_array_index (listeners, i - 1);
          PortierListener *dup = g_ptr_array_index (listeners, i);

          if (kept->process == NULL && dup->process != NULL)
            {
              kept->pid = dup->pid;
              kept->process = g_steal_pointer (&dup->process);
            }
          g_ptr_array_remove_index (listeners, i);
        }
      else
        i++;
    }
}

/**
 * portier_listeners_read:
 * @proc_root: normally "/proc"
 *
 * Blocking: reads the socket tables and resolves owners. Call it from a worker thread
 * (portier_listeners_list_async() does).
 *
 * Returns: (transfer full) (element-type PortierListener): sorted by port
 */
GPtrArray *
portier_listeners_read (const char  *proc_root,
                        GError     **error)
{
  static const struct
  {
    const char      *file;
    PortierProtocol  protocol;
    GSocketFamily    family;
  } tables[] = {
    { "tcp", PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV4 },
    { "tcp6", PORTIER_PROTOCOL_TCP, G_SOCKET_FAMILY_IPV6 },
    { "udp", PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV4 },
    { "udp6", PORTIER_PROTOCOL_UDP, G_SOCKET_FAMILY_IPV6 },
  };
  g_autoptr(GPtrArray) listeners = NULL;
  guint tables_read = 0;

  listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_listener_free);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *path = g_build_filename (proc_root, "net", tables[i].file, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize length;

      /* IPv6 may be disabled: its tables are then missing, which is fine. */
      if (!g_file_get_contents (path, &contents, &length, &local_error))
        {
          g_debug ("%s: %s", path, local_error->message);
          continue;
        }
      if (length > MAX_PROC_NET_SIZE ||
          !portier_listeners_parse_proc_net (contents, length, tables[i].protocol,
                                             tables[i].family, listeners, &local_error))
        {
          g_warning ("%s: %s", path,
                     local_error != NULL ? local_error->message : "too large");
          continue;
        }
      tables_read++;
    }

  if (tables_read == 0)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                           _("Portier cannot see which programs listen on this computer."));
      return NULL;
    }

  /* Inside Flatpak, /proc shows only the sandbox's own processes: the programs that
   * listen run outside it, so who they are stays unknown (pid -1, no process name)
   * rather than half-known. */
  if (portier_sandbox_is_flatpak ())
    g_debug ("Inside the Flatpak sandbox: the programs that listen cannot be named");
  else
    portier_listeners_resolve_owners (listeners, proc_root);
  deduplicate (listeners);
  return g_steal_pointer (&listeners);
}

/**
 * portier_listeners_filter:
 *
 * Returns: (transfer full) (element-type PortierListener): the listeners on @spec's ports
 */
GPtrArray *
portier_listeners_filter (GPtrArray             *listeners,
                          const PortierPortSpec *spec)
{
  GPtrArray *matching = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_listener_free);

  for (guint i = 0; i < listeners->len; i++)
    {
      const PortierListener *listener = g_ptr_array_index (listeners, i);

      if (portier_port_spec_contains (spec, listener->port, listener->protocol))
        g_ptr_array_add (matching, portier_listener_copy (listener));
    }
  return matching;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *listeners;

  if (g_task_return_error_if_cancelled (task))
    return;

  listeners = portier_listeners_read ("/proc", &error);
  if (listeners == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, listeners, (GDestroyNotify) g_ptr_array_unref);
}

void
portier_listeners_list_async (GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_listeners_list_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
portier_listeners_list_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == portier_listeners_list_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
