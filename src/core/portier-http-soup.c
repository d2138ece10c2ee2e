/* portier-http-soup.c: the portier-http module, libsoup 3 behind PortierHttpModule
 *
 * Built as a module of its own and loaded on first use (portier-module.h); it calls
 * nothing in the core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-http"

#include "config.h"

#include <gmodule.h>
#include <libsoup/soup.h>

#include "portier-http-module.h"

static GObject *
session_new (GSocketConnectable *connectable,
             guint               timeout_s,
             guint               max_conns_per_host,
             const char         *user_agent)
{
  const char *names[6];
  GValue values[6] = { G_VALUE_INIT };
  guint n = 0;
  GObject *session;

  /* No proxy: the other end must see this computer's own address, and a request to the
   * router must go to the router on this network, nowhere else. */
  names[n] = "proxy-resolver";
  g_value_init (&values[n], G_TYPE_PROXY_RESOLVER);
  n++;
  names[n] = "user-agent";
  g_value_init (&values[n], G_TYPE_STRING);
  g_value_set_string (&values[n++], user_agent);
  if (connectable != NULL)
    {
      names[n] = "remote-connectable";
      g_value_init (&values[n], G_TYPE_SOCKET_CONNECTABLE);
      g_value_set_object (&values[n++], connectable);
    }
  if (timeout_s > 0)
    {
      names[n] = "timeout";
      g_value_init (&values[n], G_TYPE_UINT);
      g_value_set_uint (&values[n++], timeout_s);
      names[n] = "idle-timeout";
      g_value_init (&values[n], G_TYPE_UINT);
      g_value_set_uint (&values[n++], timeout_s);
    }
  if (max_conns_per_host > 0)
    {
      names[n] = "max-conns-per-host";
      g_value_init (&values[n], G_TYPE_INT);
      g_value_set_int (&values[n++], (int) MIN (max_conns_per_host, G_MAXINT));
    }

  session = g_object_new_with_properties (SOUP_TYPE_SESSION, n, names, values);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);
  return session;
}

static GObject *
request_new (const char *method,
             GUri       *uri,
             GBytes     *body,
             const char *content_type,
             gboolean    no_redirect)
{
  SoupMessage *msg = soup_message_new_from_uri (method, uri);

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  if (no_redirect)
    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  return G_OBJECT (msg);
}

static void
send_async (GObject            *session,
            GObject            *request,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  soup_session_send_async (SOUP_SESSION (session), SOUP_MESSAGE (request), G_PRIORITY_DEFAULT,
                           cancellable, callback, user_data);
}

static GInputStream *
send_finish (GObject       *session,
             GAsyncResult  *result,
             GError       **error)
{
  return soup_session_send_finish (SOUP_SESSION (session), result, error);
}

static guint
get_status (GObject *request)
{
  return soup_message_get_status (SOUP_MESSAGE (request));
}

static const char *
get_header (GObject    *request,
            const char *name)
{
  return soup_message_headers_get_one (
    soup_message_get_response_headers (SOUP_MESSAGE (request)), name);
}

static char *
get_param (const char *list,
           const char *name)
{
  GHashTable *params = soup_header_parse_param_list (list);
  char *value = g_strdup (g_hash_table_lookup (params, name));

  soup_header_free_param_list (params);
  return value;
}

G_MODULE_EXPORT const PortierHttpModule portier_module = {
  .abi = PORTIER_HTTP_MODULE_ABI,
  .session_new = session_new,
  .request_new = request_new,
  .send_async = send_async,
  .send_finish = send_finish,
  .get_status = get_status,
  .get_header = get_header,
  .get_param = get_param,
};
