/* portier-background.c: asking to keep running without a window, inside Flatpak
 *
 * The Background portal (org.freedesktop.portal.Background.RequestBackground) decides
 * whether a sandboxed app may go on running when its last window closes; without its
 * word the desktop may stop the app, and with it the renewal of the router's leases.
 * The request is one D-Bus call; the answer comes as the Response signal of a request
 * object whose path is known in advance from the handle token. The same request asks,
 * or stops asking, to be started at login: then Portier cleans up what ended while the
 * person was away and keeps what is still open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-background"

#include "config.h"

#include "portier-background.h"
#include "portier-error.h"

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"
#define PORTAL_REQUEST "org.freedesktop.portal.Request"

typedef struct
{
  GDBusConnection *bus;
  char            *handle;
  guint            response_id;
  gboolean         answered;
} Request;

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
  g_autoptr(GVariant) results = NULL;
  gboolean allowed = FALSE;
  guint32 response;

  if (request->answered)
    return;
  request->answered = TRUE;
  g_dbus_connection_signal_unsubscribe (bus, request->response_id);
  request->response_id = 0;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &allowed);

  if (response != 0 || !allowed)
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED,
                             "running in the background was not allowed (response %u)",
                             response);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
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

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (request->answered)
    return;

  if (reply == NULL)
    {
      request->answered = TRUE;
      g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
      request->response_id = 0;
      g_task_return_error (task, g_steal_pointer (&error));
      /* The reference the Response handler would have dropped. */
      g_object_unref (task);
      return;
    }

  /* Old portals do not take the token; they answer on the path they give. */
  {
    const char *handle = NULL;

    g_variant_get (reply, "(&o)", &handle);
    if (g_strcmp0 (handle, request->handle) != 0)
      {
        g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
        g_free (request->handle);
        request->handle = g_strdup (handle);
        request->response_id =
          g_dbus_connection_signal_subscribe (request->bus, PORTAL_BUS_NAME, PORTAL_REQUEST,
                                              "Response", request->handle, NULL,
                                              G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                              response_cb, task, NULL);
      }
  }
}

/**
 * portier_background_request_async:
 * @bus: the session bus
 * @reason: why, in a sentence the portal may show
 * @autostart: (nullable) (array zero-terminated=1): the command to start at login, or
 *   %NULL for none (which also takes back an earlier one)
 *
 * Asks the Background portal to let Portier run on without a window. Finishes with
 * %PORTIER_ERROR_NOT_AUTHORIZED when the person or the desktop says no.
 */
void
portier_background_request_async (GDBusConnection     *bus,
                                  const char          *reason,
                                  const char * const  *autostart,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  GVariantBuilder options;

  g_task_set_source_tag (task, portier_background_request_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  request->bus = g_object_ref (bus);
  sender = g_strdelimit (g_strdup (g_dbus_connection_get_unique_name (bus) + 1), ".", '_');
  token = g_strdup_printf ("portier%u", g_random_int_range (0, G_MAXINT32));
  request->handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);

  /* Subscribed before the call, so the answer cannot come first. */
  request->response_id =
    g_dbus_connection_signal_subscribe (bus, PORTAL_BUS_NAME, PORTAL_REQUEST, "Response",
                                        request->handle, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                        response_cb, task, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart",
                         g_variant_new_boolean (autostart != NULL));
  if (autostart != NULL)
    g_variant_builder_add (&options, "{sv}", "commandline",
                           g_variant_new_strv (autostart, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, PORTAL_BACKGROUND,
                          "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          call_cb, g_object_ref (task));
  /* The task's own reference belongs to the Response handler. */
}

gboolean
portier_background_request_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_background_request_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
