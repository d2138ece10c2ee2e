/* portier-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-application"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-application.h"
#include "portier-window.h"

struct _PortierApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PortierApplication, portier_application, ADW_TYPE_APPLICATION)

PortierApplication *
portier_application_new (void)
{
  return g_object_new (PORTIER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/portier_app/Portier",
                       NULL);
}

static void
portier_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (portier_window_new (PORTIER_APPLICATION (app)));

  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Portier developers", NULL };
  PortierApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Portier"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Portier developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/portier-app/portier",
                         "issue-url", "https://github.com/portier-app/portier/issues",
                         "developers", developers,
                         /* TRANSLATORS: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Portier developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
portier_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (portier_application_parent_class)->startup (app);

  /* Windows show the app's own icon; it is in the GResource too, so this also works
   * before installing. */
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
portier_application_class_init (PortierApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = portier_application_activate;
  app_class->startup = portier_application_startup;
}

static void
portier_application_init (PortierApplication *self)
{
}
