/* portier-http-module.h: the portier-http module's table (libsoup 3), for the self-test's
 * requests to the test server and the look at the router's own page
 *
 * Sessions and requests are libsoup's objects, seen here only as GObjects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTIER_HTTP_MODULE_ABI 1

/* The answers' statuses Portier tells apart. */
enum
{
  PORTIER_HTTP_OK = 200,
  PORTIER_HTTP_BAD_REQUEST = 400,
  PORTIER_HTTP_UNAUTHORIZED = 401,
  PORTIER_HTTP_FORBIDDEN = 403,
  PORTIER_HTTP_TOO_MANY_REQUESTS = 429,
  PORTIER_HTTP_SERVICE_UNAVAILABLE = 503,
};

typedef struct
{
  guint abi;   /* PORTIER_HTTP_MODULE_ABI */

  /* A session that never uses a proxy. @connectable (optional): where every request
   * goes, whatever its address says. @timeout_s: also the idle timeout; 0 for libsoup's
   * defaults, as is 0 for @max_conns_per_host. */
  GObject      *(*session_new) (GSocketConnectable *connectable,
                                guint               timeout_s,
                                guint               max_conns_per_host,
                                const char         *user_agent);
  /* A request; @body (optional) goes as @content_type. With @no_redirect an answer that
   * sends on elsewhere is returned as it is. */
  GObject      *(*request_new) (const char         *method,
                                GUri               *uri,
                                GBytes             *body,
                                const char         *content_type,
                                gboolean            no_redirect);
  void          (*send_async)  (GObject            *session,
                                GObject            *request,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
  /* The answer's body, once its status and headers are in. */
  GInputStream *(*send_finish) (GObject            *session,
                                GAsyncResult       *result,
                                GError            **error);
  guint         (*get_status)  (GObject            *request);
  const char   *(*get_header)  (GObject            *request,
                                const char         *name);
  /* One parameter of a header's "name=value, name=\"value\"" list, or NULL. */
  char         *(*get_param)   (const char         *list,
                                const char         *name);
} PortierHttpModule;

G_END_DECLS
