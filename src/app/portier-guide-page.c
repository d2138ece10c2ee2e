/* portier-guide-page.c: the guide, one step at a time, for when the router will not
 * forward by itself
 *
 * The page shows a PortierGuide (portier-guide.h): which router it is, the step's words,
 * each value to type under the router's own name for the field with a copy button, and
 * "I've Done It — Check Again" (portier_guide_check_async()), which moves on when the
 * step worked or says in a sentence what is still in the way. When the test from the
 * internet gets through, PortierGuidePage::reachable carries the new report; the window
 * shows the result.
 *
 * The step the person is at is remembered in GSettings for the problem and the port, so
 * a guide left (to go to the router, or for the night) opens where it was left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-guide-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-guide-check.h"
#include "portier-guide-page.h"

#define GUIDE_STEPS_KEY "guide-steps"

struct _PortierGuidePage
{
  GtkWidget            parent_instance;

  PortierGuide        *guide;
  GSettings           *settings;      /* nullable: where the step is remembered */
  guint                step;
  GCancellable        *cancellable;   /* of the check running, if any */

  GtkLabel            *title_label;
  GtkLabel            *router_label;
  GtkLabel            *text_label;
  GtkButton           *settings_button;
  AdwPreferencesGroup *values_group;
  GtkLabel            *check_label;
  GtkBox              *status_box;
  GtkSpinner          *status_spinner;
  GtkImage            *status_icon;
  GtkLabel            *status_label;
  GtkButton           *check_button;
  GtkLabel            *check_button_label;
  GtkLabel            *step_label;
  GtkButton           *back_button;
  GtkButton           *next_button;
  GList               *value_rows;    /* the rows in values_group, to remove them */
};

G_DEFINE_FINAL_TYPE (PortierGuidePage, portier_guide_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_REACHABLE,
  N_SIGNALS
};

enum {
  PROP_0,
  PROP_GUIDE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[N_SIGNALS];

typedef enum
{
  STATUS_NONE,
  STATUS_CHECKING,
  STATUS_WORKED,
  STATUS_PROBLEM,
} Status;

/* "no-router-support 25565/tcp": the guide for that problem and port. */
static char *
remember_key (PortierGuidePage *self)
{
  const PortierGuideFacts *facts = portier_guide_get_facts (self->guide);
  g_autofree char *spec = portier_port_spec_to_string (facts->port);

  return g_strdup_printf ("%s %s", portier_guide_problem_to_code (facts->problem), spec);
}

/* Remembers @step for this guide; G_MAXUINT forgets it. */
static void
remember_step (PortierGuidePage *self,
               guint             step)
{
  g_autoptr(GVariant) steps = NULL;
  g_autofree char *key = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name;
  guint32 value;

  if (self->settings == NULL)
    return;

  key = remember_key (self);
  steps = g_settings_get_value (self->settings, GUIDE_STEPS_KEY);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{su}"));
  g_variant_iter_init (&iter, steps);
  while (g_variant_iter_next (&iter, "{&su}", &name, &value))
    if (!g_str_equal (name, key))
      g_variant_builder_add (&builder, "{su}", name, value);
  if (step != G_MAXUINT)
    g_variant_builder_add (&builder, "{su}", key, (guint32) step);
  g_settings_set_value (self->settings, GUIDE_STEPS_KEY, g_variant_builder_end (&builder));
}

static guint
remembered_step (PortierGuidePage *self)
{
  g_autoptr(GVariant) steps = NULL;
  g_autofree char *key = NULL;
  guint32 step;

  if (self->settings == NULL)
    return 0;

  key = remember_key (self);
  steps = g_settings_get_value (self->settings, GUIDE_STEPS_KEY);
  if (!g_variant_lookup (steps, key, "u", &step) ||
      step >= portier_guide_get_n_steps (self->guide))
    return 0;
  return step;
}

static void
show_status (PortierGuidePage *self,
             Status            status,
             const char       *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->status_box), status != STATUS_NONE && text != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), status == STATUS_CHECKING);
  gtk_spinner_set_spinning (self->status_spinner, status == STATUS_CHECKING);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon),
                          status == STATUS_WORKED || status == STATUS_PROBLEM);
  gtk_image_set_from_icon_name (self->status_icon, status == STATUS_WORKED
                                                     ? "emblem-ok-symbolic"
                                                     : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon),
                            status == STATUS_WORKED ? "success" : "warning");
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
}

/* Back, Next and the main button, for the step and whether a check runs. */
static void
update_actions (PortierGuidePage *self)
{
  guint n = portier_guide_get_n_steps (self->guide);
  const PortierGuideStep *step = portier_guide_get_step (self->guide, self->step);
  gboolean checking = self->cancellable != NULL;
  gboolean has_check = step->check != PORTIER_GUIDE_CHECK_NONE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guide.back", self->step > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guide.next", self->step + 1 < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guide.check", !checking);

  /* A step with nothing to check has "Continue" instead; the last such step ends the
   * guide, with nothing left to press. */
  gtk_widget_set_visible (GTK_WIDGET (self->check_button), has_check || self->step + 1 < n);
  gtk_label_set_text_with_mnemonic (self->check_button_label,
                                    has_check ? _("I’ve Done It — _Check Again")
                                              : _("_Continue"));
}

/* The router, by the name the person knows it by. */
static char *
router_display_name (PortierGuidePage *self)
{
  const PortierRouterIdentity *router = portier_guide_get_router (self->guide);

  if (!portier_router_family_is_generic (router->family))
    return g_strdup (portier_router_family_get_name (router->family));
  if (router->vendor != NULL && router->model != NULL)
    return g_strdup_printf ("%s %s", router->vendor, router->model);
  if (router->model != NULL)
    return g_strdup (router->model);
  return g_strdup (router->vendor);
}

static GtkWidget *
value_row (const PortierGuideValue *value)
{
  g_autofree char *copy_label = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *copy;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value->field);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value->value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "guide-value");

  copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _("Copy"));
  /* TRANSLATORS: the copy button's name for screen readers; the first %s is what the
   * router calls the field (“Port”), the second what goes in it (“25565”) */
  copy_label = g_strdup_printf (_("Copy %s: %s"), value->field, value->value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  copy_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "guide.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "(ss)", value->field, value->value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
  return row;
}

static gboolean
step_uses_settings (const PortierGuideStep *step)
{
  switch (step->kind)
    {
    case PORTIER_GUIDE_STEP_OPEN_SETTINGS:
    case PORTIER_GUIDE_STEP_RESERVE_ADDRESS:
    case PORTIER_GUIDE_STEP_ENABLE_UPNP:
    case PORTIER_GUIDE_STEP_FORWARD:
    case PORTIER_GUIDE_STEP_FIX_FORWARD:
    case PORTIER_GUIDE_STEP_ALLOW_IPV6:
      return TRUE;
    case PORTIER_GUIDE_STEP_EXPLAIN:
    case PORTIER_GUIDE_STEP_BRIDGE_MODE:
    case PORTIER_GUIDE_STEP_FORWARD_OUTER:
    case PORTIER_GUIDE_STEP_IPV6:
    case PORTIER_GUIDE_STEP_ASK_PROVIDER:
    case PORTIER_GUIDE_STEP_RELAY:
    default:
      return FALSE;
    }
}

static void
show_step (PortierGuidePage *self)
{
  const PortierGuideStep *step = portier_guide_get_step (self->guide, self->step);
  const PortierRouterIdentity *router = portier_guide_get_router (self->guide);
  g_autofree char *counter = NULL;

  /* TRANSLATORS: where the person is in the guide: “Step 2 of 5” */
  counter = g_strdup_printf (_("Step %u of %u"), self->step + 1,
                             portier_guide_get_n_steps (self->guide));
  gtk_label_set_text (self->step_label, counter);
  gtk_label_set_text (self->title_label, step->title);
  gtk_label_set_text (self->text_label, step->text);
  gtk_label_set_text (self->check_label, step->check_text != NULL ? step->check_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->check_label), step->check_text != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_button),
                          router->admin_url != NULL && step_uses_settings (step));

  for (GList *l = self->value_rows; l != NULL; l = l->next)
    adw_preferences_group_remove (self->values_group, l->data);
  g_clear_pointer (&self->value_rows, g_list_free);
  for (guint i = 0; step->values != NULL && i < step->values->len; i++)
    {
      GtkWidget *row = value_row (g_ptr_array_index (step->values, i));

      adw_preferences_group_add (self->values_group, row);
      self->value_rows = g_list_append (self->value_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->values_group), self->value_rows != NULL);

  update_actions (self);
}

/**
 * portier_guide_page_set_step:
 * @step: the index of the step to show
 *
 * Shows @step, stops a check that was running, and remembers where the person is.
 */
void
portier_guide_page_set_step (PortierGuidePage *self,
                             guint             step)
{
  g_return_if_fail (PORTIER_IS_GUIDE_PAGE (self));
  g_return_if_fail (step < portier_guide_get_n_steps (self->guide));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->step = step;
  show_status (self, STATUS_NONE, NULL);
  show_step (self);
  remember_step (self, step);
}

guint
portier_guide_page_get_step (PortierGuidePage *self)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE_PAGE (self), 0);
  return self->step;
}

/**
 * portier_guide_page_get_guide:
 *
 * Returns: (transfer none): the guide shown
 */
PortierGuide *
portier_guide_page_get_guide (PortierGuidePage *self)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE_PAGE (self), NULL);
  return self->guide;
}

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortierGuidePage) self = user_data;
  g_autoptr(PortierDiagnosisReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean passed;

  passed = portier_guide_check_finish (PORTIER_GUIDE (source), result, &message, &report,
                                       &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  if (error != NULL)
    {
      g_debug ("Checking step %u: %s", self->step + 1, error->message);
      show_status (self, STATUS_PROBLEM, portier_error_user_message (error));
      update_actions (self);
      return;
    }

  /* Friends can reach it: the guide is over, whichever step it was. */
  if (report != NULL && report->verdict == PORTIER_VERDICT_REACHABLE)
    {
      remember_step (self, G_MAXUINT);
      update_actions (self);
      g_signal_emit (self, signals[SIGNAL_REACHABLE], 0, report);
      return;
    }

  if (passed && self->step + 1 < portier_guide_get_n_steps (self->guide))
    {
      portier_guide_page_set_step (self, self->step + 1);
      show_status (self, STATUS_WORKED, message);
      return;
    }

  show_status (self, passed ? STATUS_WORKED : STATUS_PROBLEM, message);
  update_actions (self);
}

/**
 * portier_guide_page_check:
 *
 * Checks whether the step shown worked, the way the step says; moves on when it did.
 */
void
portier_guide_page_check (PortierGuidePage *self)
{
  g_return_if_fail (PORTIER_IS_GUIDE_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (portier_guide_get_step (self->guide, self->step)->check != PORTIER_GUIDE_CHECK_NONE)
    /* TRANSLATORS: shown while "Check Again" runs (it can take a few seconds) */
    show_status (self, STATUS_CHECKING, _("Checking whether it works now…"));
  update_actions (self);
  portier_guide_check_async (self->guide, self->step, NULL, self->cancellable, check_cb,
                             g_object_ref (self));
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  portier_guide_page_check (PORTIER_GUIDE_PAGE (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (widget);

  if (self->step > 0)
    portier_guide_page_set_step (self, self->step - 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (widget);

  if (self->step + 1 < portier_guide_get_n_steps (self->guide))
    portier_guide_page_set_step (self, self->step + 1);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  const char *field;
  const char *value;
  GtkWidget *overlay;

  g_variant_get (parameter, "(&s&s)", &field, &value);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), value);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      /* A toast's title is markup. */
      g_autofree char *escaped = g_markup_escape_text (field, -1);
      /* TRANSLATORS: shown briefly after copying; %s is what the router calls the field */
      g_autofree char *title = g_strdup_printf (_("Copied. Paste it into “%s”."), escaped);

      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
    }
}

static void
show_launch_error (PortierGuidePage *self,
                   const GError     *error)
{
  const PortierRouterIdentity *router = portier_guide_get_router (self->guide);
  g_autofree char *text = NULL;

  g_debug ("Opening %s: %s", router->admin_url, error->message);
  /* TRANSLATORS: %s is the router's settings address, such as http://192.168.1.1/ */
  text = g_strdup_printf (_("Portier could not open a web browser. Open one yourself and "
                            "type %s into its address bar."), router->admin_url);
  show_status (self, STATUS_PROBLEM, text);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortierGuidePage) self = user_data;
  g_autoptr(GError) error = NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_uri_launcher_launch_finish (GTK_URI_LAUNCHER (source), result, &error) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    show_launch_error (self, error);
  G_GNUC_END_IGNORE_DEPRECATIONS
}
#else
static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortierGuidePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_launch_error (self, error);
}
#endif

/* The router's settings in the web browser; in the Flatpak through the OpenURI portal. */
static void
open_settings_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (widget);
  const char *uri = portier_guide_get_router (self->guide)->admin_url;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (uri == NULL)
    return;

#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

    gtk_uri_launcher_launch (launcher, window, NULL, launched_cb, g_object_ref (self));
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_show_uri_full (window, uri, GDK_CURRENT_TIME, NULL, launched_cb, g_object_ref (self));
#endif
}

/**
 * portier_guide_page_new:
 * @settings: (nullable): where the step the person is at is remembered
 *
 * A page for @guide, at the step it was left at before (or the first).
 */
GtkWidget *
portier_guide_page_new (PortierGuide *guide,
                        GSettings    *settings)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE (guide), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (PORTIER_TYPE_GUIDE_PAGE, "guide", guide, "settings", settings, NULL);
}

static void
portier_guide_page_constructed (GObject *object)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (object);
  g_autofree char *router = NULL;
  g_autofree char *router_text = NULL;

  G_OBJECT_CLASS (portier_guide_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_GUIDE (self->guide));
  g_return_if_fail (portier_guide_get_n_steps (self->guide) > 0);

  router = router_display_name (self);
  if (router != NULL)
    /* TRANSLATORS: %s is the router's name, such as FRITZ!Box */
    router_text = g_strdup_printf (_("Your router: %s"), router);
  gtk_label_set_text (self->router_label, router_text != NULL ? router_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->router_label), router_text != NULL);

  self->step = remembered_step (self);
  show_step (self);
}

static void
portier_guide_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (object);

  switch (prop_id)
    {
    case PROP_GUIDE:
      g_value_set_object (value, self->guide);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_guide_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (object);

  switch (prop_id)
    {
    case PROP_GUIDE:
      self->guide = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_guide_page_unroot (GtkWidget *widget)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (widget);

  /* Leaving the page stops the check; the step is remembered. */
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      show_status (self, STATUS_NONE, NULL);
      update_actions (self);
    }

  GTK_WIDGET_CLASS (portier_guide_page_parent_class)->unroot (widget);
}

static void
portier_guide_page_dispose (GObject *object)
{
  PortierGuidePage *self = PORTIER_GUIDE_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->value_rows, g_list_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_GUIDE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->guide);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (portier_guide_page_parent_class)->dispose (object);
}

static void
portier_guide_page_class_init (PortierGuidePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_guide_page_constructed;
  object_class->get_property = portier_guide_page_get_property;
  object_class->set_property = portier_guide_page_set_property;
  object_class->dispose = portier_guide_page_dispose;
  widget_class->unroot = portier_guide_page_unroot;

  properties[PROP_GUIDE] =
    g_param_spec_object ("guide", NULL, NULL, PORTIER_TYPE_GUIDE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortierGuidePage::reachable:
   * @report: the troubleshooter's report that says so
   *
   * "Check again" found the port reachable from the internet: the guide is over.
   */
  signals[SIGNAL_REACHABLE] = g_signal_new ("reachable", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, PORTIER_TYPE_DIAGNOSIS_REPORT);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-guide-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, router_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, text_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, settings_button);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, values_group);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, check_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, status_box);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, check_button);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, check_button_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, step_label);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, back_button);
  gtk_widget_class_bind_template_child (widget_class, PortierGuidePage, next_button);
  gtk_widget_class_install_action (widget_class, "guide.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "guide.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "guide.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "guide.copy", "(ss)", copy_action);
  gtk_widget_class_install_action (widget_class, "guide.open-settings", NULL,
                                   open_settings_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_guide_page_init (PortierGuidePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
