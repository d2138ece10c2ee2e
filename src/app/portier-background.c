/* portier-background.c: asking to keep running without a window, inside Flatpak
 *
 * The Background portal (org.freedesktop.portal.Background.RequestBackground) decides
 * whether a sandboxed app may go on running when its last window closes; without its
 * word the desktop may stop the app, and with it the renewal of the router's leases.
 * The request is a portal request (portier-portal.c). The same request asks,
 * or stops asking, to be started at login: then Portier cleans up what ended while the
 * person was away and keeps what is still open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-background"

#include "config.h"

#include "portier-background.h"
#include "portier-error.h"
#include "portier-portal.h"

#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GError) error = NULL;
  PortierPortalResponse response = PORTIER_PORTAL_RESPONSE_OTHER;
  gboolean allowed = FALSE;

  results = portier_portal_request_finish (result, &response, &error);
  if (results == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_variant_lookup (results, "background", "b", &allowed);
  if (response != PORTIER_PORTAL_RESPONSE_SUCCESS || !allowed)
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED,
                             "running in the background was not allowed (response %u)",
                             response);
  else
    g_task_return_boolean (task, TRUE);
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
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GVariantBuilder options;

  g_task_set_source_tag (task, portier_background_request_async);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart",
                         g_variant_new_boolean (autostart != NULL));
  if (autostart != NULL)
    g_variant_builder_add (&options, "{sv}", "commandline",
                           g_variant_new_strv (autostart, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  portier_portal_request_async (bus, PORTAL_BACKGROUND, "RequestBackground", "", &options,
                                cancellable, request_cb, g_steal_pointer (&task));
}

gboolean
portier_background_request_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_background_request_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
