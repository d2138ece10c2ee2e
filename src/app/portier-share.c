/* portier-share.c: sharing by email, in the person's own mail program
 *
 * The Email portal (org.freedesktop.portal.Email.ComposeEmail) opens a new email in the
 * mail program the person chose, with the subject and text filled in; it is there in
 * Flatpak and on most desktops. Where there is no such portal, a mailto: address opens
 * the mail program the desktop knows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-share"

#include "config.h"

#include "portier-portal.h"
#include "portier-share.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define PORTAL_EMAIL "org.freedesktop.portal.Email"

typedef struct
{
  GtkWindow *parent;
  char      *subject;
  char      *body;
} Email;

static void
email_free (Email *email)
{
  g_clear_object (&email->parent);
  g_free (email->subject);
  g_free (email->body);
  g_free (email);
}

/* The window handle the portal puts its dialog over: X11 only (a Wayland handle must be
 * exported first, and the portal does without one). */
static char *
parent_handle (GtkWindow *parent)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = parent != NULL ? gtk_native_get_surface (GTK_NATIVE (parent)) : NULL;

  if (surface != NULL && GDK_IS_X11_SURFACE (surface))
    return g_strdup_printf ("x11:%lx", (unsigned long) gdk_x11_surface_get_xid (surface));
#endif
  return g_strdup ("");
}

static void
shown_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Without the portal: a mailto: address, for the desktop's mail program. */
static void
share_by_mailto (GTask *task)
{
  Email *email = g_task_get_task_data (task);
  g_autofree char *subject = g_uri_escape_string (email->subject, NULL, FALSE);
  g_autofree char *body = g_uri_escape_string (email->body, NULL, FALSE);
  g_autofree char *uri = g_strdup_printf ("mailto:?subject=%s&body=%s", subject, body);

  gtk_show_uri_full (email->parent, uri, GDK_CURRENT_TIME, g_task_get_cancellable (task),
                     shown_cb, task);
}

static void
composed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GError) error = NULL;
  PortierPortalResponse response = PORTIER_PORTAL_RESPONSE_OTHER;

  results = portier_portal_request_finish (result, &response, &error);
  if (results == NULL && portier_portal_error_is_absent (error))
    {
      g_debug ("No Email portal, so a mailto: address: %s", error->message);
      share_by_mailto (g_steal_pointer (&task));
      return;
    }
  if (results == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (response == PORTIER_PORTAL_RESPONSE_OTHER)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "the Email portal could not write the email");
  else
    /* Written, or closed by the person: nothing more to do either way. */
    g_task_return_boolean (task, TRUE);
}

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Email *email = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GVariantBuilder options;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_debug ("No session bus, so a mailto: address: %s", error->message);
      share_by_mailto (g_steal_pointer (&task));
      return;
    }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "subject", g_variant_new_string (email->subject));
  g_variant_builder_add (&options, "{sv}", "body", g_variant_new_string (email->body));
  parent = parent_handle (email->parent);
  portier_portal_request_async (bus, PORTAL_EMAIL, "ComposeEmail", parent, &options,
                                cancellable, composed_cb,
                                g_steal_pointer (&task));
}

/**
 * portier_share_email_async:
 * @parent: (nullable): the window the mail program opens from
 * @subject: the email's subject
 * @body: its text
 *
 * Opens a new email with @subject and @body in the person's mail program: through the
 * Email portal, or without one through a mailto: address. Fails when neither could open
 * a mail program; the person closing the email is no failure.
 */
void
portier_share_email_async (GtkWindow           *parent,
                           const char          *subject,
                           const char          *body,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Email *email = g_new0 (Email, 1);

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (subject != NULL && body != NULL);

  g_task_set_source_tag (task, portier_share_email_async);
  email->parent = parent != NULL ? g_object_ref (parent) : NULL;
  email->subject = g_strdup (subject);
  email->body = g_strdup (body);
  g_task_set_task_data (task, email, (GDestroyNotify) email_free);

  g_bus_get (G_BUS_TYPE_SESSION, cancellable, bus_cb, g_steal_pointer (&task));
}

gboolean
portier_share_email_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_share_email_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
