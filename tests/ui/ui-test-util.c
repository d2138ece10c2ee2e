/* ui-test-util.c: what the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-util.h"

void
ui_test_wait_mapped (GtkWidget *widget)
{
  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);
}

/* Lets pending layout, drawing and idle callbacks run. */
void
ui_test_wait_idle (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_once (200, (GSourceOnceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Waits until @widget's window has painted a frame since now. */
void
ui_test_wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
}

/**
 * ui_test_save_png:
 *
 * Renders @widget as it is on screen into $PORTIER_SCREENSHOT_DIR/@name.png, when that
 * variable is set. Screenshots are for people to look at, and for the AppStream data.
 */
void
ui_test_save_png (GtkWidget  *widget,
                  const char *name)
{
  const char *dir = g_getenv ("PORTIER_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL)
    return;

  ui_test_wait_idle ();
  ui_test_wait_painted (widget);
  g_mkdir_with_parents (dir, 0755);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/**
 * ui_test_desktop_connect:
 *
 * A connection of its own to @bus, for a part of the desktop played by the test
 * (ui_test_desktop_serve()). Closed with ui_test_desktop_close().
 */
GDBusConnection *
ui_test_desktop_connect (GTestDBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *desktop;

  desktop = g_dbus_connection_new_for_address_sync (
    g_test_dbus_get_bus_address (bus),
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);
  return desktop;
}

/**
 * ui_test_desktop_serve:
 * @name: the bus name the desktop's side owns
 *
 * Serves @interface at @path for @vtable on @desktop, and owns @name, before anyone
 * asks for it.
 */
void
ui_test_desktop_serve (GDBusConnection            *desktop,
                       const char                 *name,
                       const char                 *path,
                       GDBusInterfaceInfo         *interface,
                       const GDBusInterfaceVTable *vtable,
                       gpointer                    user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 owned = 0;

  g_dbus_connection_register_object (desktop, path, interface, vtable, user_data, NULL,
                                     &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (desktop, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", name, 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &owned);
  /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
  g_assert_cmpuint (owned, ==, 1);
}

/* Closes what ui_test_desktop_connect() opened: its names and objects go with it. */
void
ui_test_desktop_close (GDBusConnection *desktop)
{
  g_dbus_connection_close_sync (desktop, NULL, NULL);
  g_object_unref (desktop);
}

/**
 * ui_test_portal_answer:
 * @options: the request's options, for its handle token
 * @results: (transfer floating): the Response's results (a{sv})
 *
 * Answers a portal request as xdg-desktop-portal does: the request's path first, its
 * Response after.
 */
void
ui_test_portal_answer (GDBusMethodInvocation *invocation,
                       GVariant              *options,
                       guint32                response,
                       GVariant              *results)
{
  g_autoptr(GDBusConnection) connection =
    g_object_ref (g_dbus_method_invocation_get_connection (invocation));
  g_autofree char *sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  g_autofree char *escaped = g_strdelimit (g_strdup (sender + 1), ".", '_');
  g_autofree char *handle = NULL;
  const char *token = "t";

  g_variant_lookup (options, "handle_token", "&s", &token);
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", escaped, token);
  /* The invocation is gone with its answer; the connection and sender are kept. */
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));
  g_dbus_connection_emit_signal (connection, sender, handle,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(u@a{sv})", response, results), NULL);
}
