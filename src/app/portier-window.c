/* portier-window.c: the main window, which leads through the wizard's pages
 *
 * Navigation is a stack of pages with a back button: each step pushes its page; going
 * back removes the page, which cancels whatever it was doing. Which page follows which is
 * in portier-window-actions.c; the pages do their work themselves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-window"

#include "config.h"


#include "portier-application.h"
#include "portier-explainer-page.h"
#include "portier-progress-page.h"
#include "portier-settings.h"
#include "portier-welcome-page.h"
#include "portier-window-private.h"

struct _PortierWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  PortierCatalog       *catalog;
  PortierLedger        *ledger;
  PortierOpener        *opener;
  GPtrArray            *history;   /* the pages, from the welcome page to the visible one */
  GPtrArray            *leaving;   /* pages being animated away */
  guint                 serial;
  guint                 remove_id;

  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkButton            *back_button;
  GtkStack             *pages;
  PortierWelcomePage   *welcome_page;
};

G_DEFINE_FINAL_TYPE (PortierWindow, portier_window, ADW_TYPE_APPLICATION_WINDOW)

PortierWindow *
portier_window_new (PortierApplication *application)
{
  return g_object_new (PORTIER_TYPE_WINDOW, "application", application, NULL);
}

/* Navigation */

gboolean
portier_window_can_go_back (PortierWindow *self)
{
  GtkWidget *page;

  if (self->history->len <= 1)
    return FALSE;

  /* While a port is being opened, "Stop" undoes it; leaving would not say so. */
  page = g_ptr_array_index (self->history, self->history->len - 1);
  if (PORTIER_IS_PROGRESS_PAGE (page) &&
      gtk_widget_is_sensitive (page) &&
      !g_cancellable_is_cancelled (
        portier_progress_page_get_cancellable (PORTIER_PROGRESS_PAGE (page))))
    return FALSE;

  return TRUE;
}

static void
update_header (PortierWindow *self)
{
  GtkWidget *page = portier_window_get_page (self);
  GtkStackPage *stack_page = gtk_stack_get_page (self->pages, page);
  gboolean back = portier_window_can_go_back (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", back);
  /* While an operation runs, there is no way back: "Stop and undo" is the way out. */
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.explain",
                                 !PORTIER_IS_EXPLAINER_PAGE (page));
  adw_window_title_set_title (self->window_title, gtk_stack_page_get_title (stack_page));
}

static gboolean
remove_leaving_cb (gpointer user_data)
{
  PortierWindow *self = user_data;

  self->remove_id = 0;

  /* After the animation; the stack says when it is over. */
  if (gtk_stack_get_transition_running (self->pages))
    return G_SOURCE_REMOVE;

  while (self->leaving->len > 0)
    {
      GtkWidget *page = g_ptr_array_steal_index (self->leaving, self->leaving->len - 1);

      /* The page is disposed here, which cancels whatever it was doing. */
      gtk_stack_remove (self->pages, page);
      g_object_unref (page);
    }
  return G_SOURCE_REMOVE;
}

/* Pages left are removed from the main loop, not from inside a handler of one of their
 * own buttons. */
static void
remove_leaving (PortierWindow *self)
{
  if (self->leaving->len > 0 && self->remove_id == 0)
    self->remove_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, remove_leaving_cb, self, NULL);
}

static void
leave_page (PortierWindow *self,
            GtkWidget     *page)
{
  g_ptr_array_add (self->leaving, g_object_ref (page));
}

/**
 * portier_window_push_page:
 * @page: (transfer floating): the next page
 *
 * Shows @page, after the visible one.
 */
void
portier_window_push_page (PortierWindow *self,
                          GtkWidget     *page,
                          const char    *title)
{
  g_autofree char *name = NULL;

  g_return_if_fail (PORTIER_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));

  name = g_strdup_printf ("page-%u", ++self->serial);
  gtk_stack_add_titled (self->pages, page, name, title);
  g_ptr_array_add (self->history, page);
  gtk_stack_set_visible_child (self->pages, page);
  update_header (self);
  remove_leaving (self);
}

/**
 * portier_window_go_back:
 *
 * Returns: %TRUE if there was a page to go back to
 */
gboolean
portier_window_go_back (PortierWindow *self)
{
  GtkWidget *page;

  g_return_val_if_fail (PORTIER_IS_WINDOW (self), FALSE);

  if (self->history->len <= 1)
    return FALSE;

  page = g_ptr_array_steal_index (self->history, self->history->len - 1);
  leave_page (self, page);
  gtk_stack_set_visible_child (self->pages,
                               g_ptr_array_index (self->history, self->history->len - 1));
  update_header (self);
  remove_leaving (self);
  return TRUE;
}

/**
 * portier_window_go_home:
 *
 * Back to the welcome page; every other page is left.
 */
void
portier_window_go_home (PortierWindow *self)
{
  g_return_if_fail (PORTIER_IS_WINDOW (self));

  while (self->history->len > 1)
    leave_page (self, g_ptr_array_steal_index (self->history, self->history->len - 1));
  gtk_stack_set_visible_child (self->pages, GTK_WIDGET (self->welcome_page));
  update_header (self);
  remove_leaving (self);
}

/* Keeps only the welcome page under the next page pushed: for pages after which going
 * back makes no sense (the result of an opening). */
void
portier_window_forget_history (PortierWindow *self)
{
  while (self->history->len > 1)
    leave_page (self, g_ptr_array_steal_index (self->history, self->history->len - 1));
}

/**
 * portier_window_get_page:
 *
 * Returns: (transfer none) (nullable): the page shown now; %NULL once the window is
 *   destroyed (work a page started may end after that)
 */
GtkWidget *
portier_window_get_page (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);

  if (self->history == NULL || self->history->len == 0)
    return NULL;
  return g_ptr_array_index (self->history, self->history->len - 1);
}

/**
 * portier_window_get_depth:
 *
 * Returns: how many pages lead to the visible one, the welcome page included
 */
guint
portier_window_get_depth (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), 0);
  return self->history->len;
}

void
portier_window_add_toast (PortierWindow *self,
                          const char    *title)
{
  g_return_if_fail (PORTIER_IS_WINDOW (self));

  /* Destroyed: nobody is left to read it. */
  if (self->toast_overlay == NULL)
    return;
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/**
 * portier_window_get_ledger:
 *
 * Returns: (transfer none): the record of what Portier opened
 */
PortierLedger *
portier_window_get_ledger (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);
  return self->ledger;
}

/**
 * portier_window_get_catalog:
 *
 * Returns: (transfer none) (nullable): the apps Portier knows
 */
PortierCatalog *
portier_window_get_catalog (PortierWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);

  /* Read when first needed, not before the first frame. */
  if (self->catalog == NULL)
    {
      self->catalog = portier_catalog_new_default (&error);
      if (self->catalog == NULL)
        g_warning ("The app catalog is broken: %s", error->message);
    }
  return self->catalog;
}

/**
 * portier_window_get_opener:
 *
 * Returns: (transfer none): what opens and closes ports
 */
PortierOpener *
portier_window_get_opener (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);
  return self->opener;
}

/**
 * portier_window_get_settings:
 *
 * Returns: (transfer none): Portier's settings
 */
GSettings *
portier_window_get_settings (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);
  return self->settings;
}

/**
 * portier_window_get_gateway:
 *
 * Returns: (nullable): the home router's address, as the welcome page found it
 */
const char *
portier_window_get_gateway (PortierWindow *self)
{
  PortierNetwork *network = portier_welcome_page_get_network (self->welcome_page);
  const PortierNetworkInfo *info = network != NULL ? portier_network_get_info (network) : NULL;

  return info != NULL ? info->ipv4_gateway : NULL;
}

static void
transition_running_cb (PortierWindow *self)
{
  remove_leaving (self);
}

static void
back_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 PortierWindow   *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.back", NULL);
}

/* Window state */

static void
load_window_state (PortierWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (PortierWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
portier_window_close_request (GtkWindow *window)
{
  save_window_state (PORTIER_WINDOW (window));

  return GTK_WINDOW_CLASS (portier_window_parent_class)->close_request (window);
}

static void
portier_window_dispose (GObject *object)
{
  PortierWindow *self = PORTIER_WINDOW (object);

  g_clear_handle_id (&self->remove_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_WINDOW);

  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->leaving, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_clear_object (&self->ledger);
  g_clear_object (&self->opener);

  G_OBJECT_CLASS (portier_window_parent_class)->dispose (object);
}

/* The application's ledger and opener, which outlive the window (they keep what was
 * opened in the background); a window of its own (tests) makes its own. */
static void
portier_window_constructed (GObject *object)
{
  PortierWindow *self = PORTIER_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (portier_window_parent_class)->constructed (object);

  if (PORTIER_IS_APPLICATION (app))
    {
      self->ledger = g_object_ref (portier_application_get_ledger (PORTIER_APPLICATION (app)));
      self->opener = g_object_ref (portier_application_get_opener (PORTIER_APPLICATION (app)));
    }
  else
    {
      self->ledger = portier_ledger_new_default ();
      self->opener = portier_opener_new (self->ledger);
    }
}

static void
portier_window_class_init (PortierWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = portier_window_constructed;
  object_class->dispose = portier_window_dispose;
  window_class->close_request = portier_window_close_request;

  g_type_ensure (PORTIER_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/portier_app/Portier/portier-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, welcome_page);

  portier_window_actions_install (widget_class);
}

/* Portier's additions to the style, once for each display. */
static void
load_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (g_object_get_data (G_OBJECT (display), "portier-style") != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/portier_app/Portier/portier.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "portier-style", g_object_ref (provider),
                          g_object_unref);
}

static void
portier_window_init (PortierWindow *self)
{
  GtkGesture *back_click;

  gtk_widget_init_template (GTK_WIDGET (self));
  load_style (GTK_WIDGET (self));

  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->history = g_ptr_array_new ();
  self->leaving = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->history, self->welcome_page);

  self->settings = portier_settings_new ();
  load_window_state (self);

  g_signal_connect_object (self->pages, "notify::transition-running",
                           G_CALLBACK (transition_running_cb), self, G_CONNECT_SWAPPED);

  /* The mouse's back button goes back, as in a browser. */
  back_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (back_click), 8);
  g_signal_connect_object (back_click, "pressed", G_CALLBACK (back_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (back_click));

  update_header (self);
}
