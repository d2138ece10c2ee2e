/* portier-review-page.c: the plan in plain words, step by step, before anything changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-review-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-review-page.h"

struct _PortierReviewPage
{
  GtkWidget            parent_instance;

  PortierPlan         *plan;
  char                *gateway;

  GtkLabel            *intro_label;
  AdwPreferencesGroup *steps_group;
  AdwActionRow        *duration_row;
  GtkButton           *open_button;
};

G_DEFINE_FINAL_TYPE (PortierReviewPage, portier_review_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CONFIRMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PLAN,
  PROP_GATEWAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * portier_duration_describe:
 *
 * Returns: (transfer full): how long an opening stays open, as a sentence
 */
char *
portier_duration_describe (PortierDuration duration,
                           guint           hours)
{
  switch (duration)
    {
    case PORTIER_DURATION_UNTIL:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "It stays open for %u hour, then closes by itself, "
                                           "even if the computer sleeps or restarts meanwhile.",
                                           "It stays open for %u hours, then closes by itself, "
                                           "even if the computer sleeps or restarts meanwhile.",
                                           hours),
                              hours);
    case PORTIER_DURATION_UNTIL_CLOSED:
      return g_strdup (_("It stays open until you close it, even after you quit Portier, "
                         "log out or restart the computer."));
    case PORTIER_DURATION_WHILE_RUNNING:
    default:
      return g_strdup (_("It stays open while Portier is running, also while the computer "
                         "sleeps. It closes when you quit Portier, when you log out, and "
                         "when the computer restarts."));
    }
}

static void
add_step (PortierReviewPage *self,
          guint              number,
          const char        *title,
          const char        *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = g_strdup_printf ("%u", number);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (label, 24, -1);
  gtk_widget_add_css_class (label, "title-3");
  gtk_widget_add_css_class (label, "accent");
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), label);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (self->steps_group, row);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_CONFIRMED], 0);
}

/**
 * portier_review_page_new:
 * @gateway: (nullable): the router's address in the home network, when known
 */
GtkWidget *
portier_review_page_new (PortierPlan *plan,
                         const char  *gateway)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);

  return g_object_new (PORTIER_TYPE_REVIEW_PAGE, "plan", plan, "gateway", gateway, NULL);
}

static void
portier_review_page_constructed (GObject *object)
{
  PortierReviewPage *self = PORTIER_REVIEW_PAGE (object);
  PortierPlan *plan = self->plan;
  const char *gateway = self->gateway;
  g_autofree char *ports = NULL;
  g_autofree char *intro = NULL;
  g_autofree char *firewall = NULL;
  g_autofree char *router = NULL;
  g_autofree char *router_detail = NULL;
  g_autofree char *duration = NULL;
  guint n_ports;

  G_OBJECT_CLASS (portier_review_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_PLAN (plan));
  ports = portier_plan_describe_ports (plan);
  n_ports = portier_plan_get_ports (plan)->len;

  /* TRANSLATORS: %s is the app's name */
  intro = g_strdup_printf (_("To let your friends reach %s, Portier will do three things:"),
                           portier_plan_get_title (plan));
  gtk_label_set_text (self->intro_label, intro);

  /* TRANSLATORS: %s is e.g. "port 25565 (TCP)" */
  firewall = g_strdup_printf (_("Allow %s through this computer’s firewall"), ports);
  add_step (self, 1, firewall, _("You will be asked for your password."));

  /* TRANSLATORS: %s is e.g. "port 25565 (TCP)" */
  router = g_strdup_printf (_("Ask your router to send %s to this computer"), ports);
  if (gateway != NULL)
    /* TRANSLATORS: %s is the router's address in the home network, e.g. 192.168.1.1 */
    router_detail = g_strdup_printf (_("Your router (%s) passes connections from the internet "
                                       "on to this computer. Nothing else in your home "
                                       "changes."), gateway);
  else
    router_detail = g_strdup (_("Your router passes connections from the internet on to this "
                                "computer. Nothing else in your home changes."));
  add_step (self, 2, router, router_detail);

  add_step (self, 3, _("Test from the internet"),
            _("A test server on the internet connects to your address, to make sure your "
              "friends will get through."));

  duration = portier_duration_describe (portier_plan_get_duration (plan),
                                        portier_plan_get_hours (plan));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->duration_row), duration);

  gtk_button_set_label (self->open_button,
                        g_dngettext (GETTEXT_PACKAGE, "_Open Port", "_Open Ports", n_ports));
}

static void
portier_review_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PortierReviewPage *self = PORTIER_REVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_GATEWAY:
      g_value_set_string (value, self->gateway);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_review_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PortierReviewPage *self = PORTIER_REVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    case PROP_GATEWAY:
      self->gateway = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/**
 * portier_review_page_get_plan:
 *
 * Returns: (transfer none): the plan shown
 */
PortierPlan *
portier_review_page_get_plan (PortierReviewPage *self)
{
  g_return_val_if_fail (PORTIER_IS_REVIEW_PAGE (self), NULL);
  return self->plan;
}

static void
portier_review_page_dispose (GObject *object)
{
  PortierReviewPage *self = PORTIER_REVIEW_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_REVIEW_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->gateway, g_free);

  G_OBJECT_CLASS (portier_review_page_parent_class)->dispose (object);
}

static void
portier_review_page_class_init (PortierReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_review_page_constructed;
  object_class->get_property = portier_review_page_get_property;
  object_class->set_property = portier_review_page_set_property;
  object_class->dispose = portier_review_page_dispose;

  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, PORTIER_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The router's address in the home network, when known. */
  properties[PROP_GATEWAY] =
    g_param_spec_string ("gateway", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortierReviewPage::confirmed:
   *
   * The person agreed to the plan.
   */
  signals[SIGNAL_CONFIRMED] = g_signal_new ("confirmed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierReviewPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, PortierReviewPage, steps_group);
  gtk_widget_class_bind_template_child (widget_class, PortierReviewPage, duration_row);
  gtk_widget_class_bind_template_child (widget_class, PortierReviewPage, open_button);
  gtk_widget_class_install_action (widget_class, "review.open", NULL, open_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_review_page_init (PortierReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
