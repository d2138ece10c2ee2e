/* portier-portal.c: one request to a desktop portal, and its answer
 *
 * A portal request is one D-Bus call to org.freedesktop.portal.Desktop; the answer comes
 * as the Response signal of a request object whose path is known in advance from the
 * handle token. Used for the Background portal (portier-background.c) and the Email
 * portal (portier-share.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-portal"

#include "config.h"

#include "portier-portal.h"

#define PORTAL_REQUEST "org.freedesktop.portal.Request"

typedef struct
{
  GDBusConnection *bus;
  char            *handle;
  guint            response_id;
  gboolean         answered;
} Request;

typedef struct
{
  PortierPortalResponse  response;
  GVariant              *results;
} Answer;

static void
request_free (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_free (request);
}

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->results, g_variant_unref);
  g_free (answer);
}

static void
request_stop (Request *request)
{
  request->answered = TRUE;
  g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  request->response_id = 0;
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  Answer *answer;
  guint32 response;

  if (request->answered)
    return;
  request_stop (request);

  answer = g_new0 (Answer, 1);
  g_variant_get (parameters, "(u@a{sv})", &response, &answer->results);
  answer->response = MIN (response, PORTIER_PORTAL_RESPONSE_OTHER);
  g_task_return_pointer (task, answer, (GDestroyNotify) answer_free);
  g_object_unref (task);
}

static void
subscribe (Request *request,
           GTask   *task)
{
  request->response_id =
    g_dbus_connection_signal_subscribe (request->bus, PORTIER_PORTAL_BUS_NAME,
                                        PORTAL_REQUEST, "Response", request->handle, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                        response_cb, task, NULL);
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (request->answered)
    return;

  if (reply == NULL)
    {
      request_stop (request);
      g_task_return_error (task, g_steal_pointer (&error));
      /* The reference the Response handler would have dropped. */
      g_object_unref (task);
      return;
    }

  /* Old portals do not take the token; they answer on the path they give. */
  g_variant_get (reply, "(&o)", &handle);
  if (g_strcmp0 (handle, request->handle) != 0)
    {
      g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
      g_free (request->handle);
      request->handle = g_strdup (handle);
      subscribe (request, task);
    }
}

/**
 * portier_portal_request_async:
 * @bus: the session bus
 * @interface: the portal, such as "org.freedesktop.portal.Email"
 * @method: its method that makes a request, taking (parent window, options)
 * @parent_window: the window handle for the portal's dialog, or ""
 * @options: (transfer full): the method's options (a{sv}), ended here; the handle
 *   token is added
 *
 * Makes a portal request and waits for its Response. Fails with the D-Bus error when
 * the call fails (portier_portal_error_is_absent() tells when there is no such portal).
 */
void
portier_portal_request_async (GDBusConnection     *bus,
                              const char          *interface,
                              const char          *method,
                              const char          *parent_window,
                              GVariantBuilder     *options,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;

  g_task_set_source_tag (task, portier_portal_request_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  request->bus = g_object_ref (bus);
  sender = g_strdelimit (g_strdup (g_dbus_connection_get_unique_name (bus) + 1), ".", '_');
  token = g_strdup_printf ("portier%u", g_random_int_range (0, G_MAXINT32));
  request->handle = g_strdup_printf (PORTIER_PORTAL_OBJECT_PATH "/request/%s/%s", sender,
                                     token);

  /* Subscribed before the call, so the answer cannot come first. */
  subscribe (request, task);

  g_variant_builder_add (options, "{sv}", "handle_token", g_variant_new_string (token));
  g_dbus_connection_call (bus, PORTIER_PORTAL_BUS_NAME, PORTIER_PORTAL_OBJECT_PATH,
                          interface, method,
                          g_variant_new ("(sa{sv})", parent_window, options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          call_cb, g_object_ref (task));
  /* The task's own reference belongs to the Response handler. */
}

/**
 * portier_portal_request_finish:
 * @response: (out): how the request ended
 *
 * Returns: (transfer full): the results of the request (a{sv}), or %NULL with @error
 *   when it could not be made
 */
GVariant *
portier_portal_request_finish (GAsyncResult           *result,
                               PortierPortalResponse  *response,
                               GError                **error)
{
  Answer *answer;
  GVariant *results;

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_portal_request_async, NULL);
  g_return_val_if_fail (response != NULL, NULL);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return NULL;
  *response = answer->response;
  results = g_steal_pointer (&answer->results);
  answer_free (answer);
  return results;
}

/**
 * portier_portal_error_is_absent:
 *
 * Whether @error says there is no portal (no portal service, or not this one).
 */
gboolean
portier_portal_error_is_absent (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED);
}
