/* portier-result-page.c: it worked — the address to give friends, what to tell them, and
 * what keeps it open
 *
 * A failed or partial opening goes to the troubleshooter instead; this page shows what
 * worked, so it can also say what could not be tested.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-result-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-result-page.h"
#include "portier-review-page.h"
#include "portier-share.h"

struct _PortierResultPage
{
  GtkWidget            parent_instance;

  PortierPlan         *plan;
  GPtrArray           *results;    /* until constructed */
  gboolean             by_hand;    /* the person made the forward in the router */
  PortierOutcome       outcome;
  guint                n_results;

  AdwStatusPage       *status_page;
  AdwPreferencesGroup *share_group;
  AdwActionRow        *tell_row;
  AdwActionRow        *keep_row;
  AdwPreferencesGroup *steps_group;
  GtkWidget           *share_buttons;
  GtkButton           *copy_button;
  GtkButton           *done_button;

  char                *share;      /* the first address to give */
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (PortierResultPage, portier_result_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLAN,
  PROP_RESULTS,
  PROP_BY_HAND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
status_row (const char *title,
            const char *subtitle,
            const char *icon_name,
            const char *css_class)
{
  GtkWidget *row = adw_action_row_new ();

  if (icon_name != NULL)
    {
      GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                      "icon-name", icon_name,
                                      "valign", GTK_ALIGN_CENTER,
                                      "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                      NULL);

      if (css_class != NULL)
        gtk_widget_add_css_class (icon, css_class);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  return row;
}

static const char *
method_name (const PortierOpenResult *result)
{
  PortierRouterMethod method = PORTIER_ROUTER_METHOD_UPNP;

  portier_open_result_get_router (result, &method, NULL);
  return method == PORTIER_ROUTER_METHOD_NATPMP ? "NAT-PMP" : "UPnP";
}

static void
add_step_rows (PortierResultPage       *self,
               const PortierOpenResult *result)
{
  g_autofree char *firewall_detail = NULL;
  g_autofree char *firewall_tech = NULL;
  g_autofree char *router_title = NULL;
  const char *router_tech = NULL;
  const char *firewall_title;
  const char *firewall_icon = "emblem-ok-symbolic";
  const char *firewall_css = "success";
  const char *router_icon = "emblem-ok-symbolic";
  const char *router_css = "success";
  const char *router_detail = NULL;
  g_autofree char *router_error_text = NULL;
  const char *verify_title;
  const char *verify_icon = "emblem-ok-symbolic";
  const char *verify_css = "success";

  if (result->firewall_status == PORTIER_FIREWALL_STATUS_OPENED)
    {
      firewall_title = _("This computer’s firewall lets it through");
      if (result->firewall_backend != NULL && result->firewall_zone != NULL)
        /* TRANSLATORS: "firewalld, zone “home”": the firewall program and its zone */
        firewall_tech = g_strdup_printf (_("%s, zone “%s”"), result->firewall_backend,
                                         result->firewall_zone);
      else
        firewall_tech = g_strdup (result->firewall_backend);
    }
  else if (result->firewall_status == PORTIER_FIREWALL_STATUS_ALREADY_OPEN)
    firewall_title = _("This computer’s firewall already let it through");
  else if (result->firewall_status == PORTIER_FIREWALL_STATUS_NOT_NEEDED)
    firewall_title = _("This computer has no firewall in the way");
  else if (result->firewall_status == PORTIER_FIREWALL_STATUS_FAILED)
    {
      firewall_title = _("This computer’s firewall was not changed");
      firewall_icon = "dialog-error-symbolic";
      firewall_css = "error";
      if (result->firewall_command != NULL)
        /* TRANSLATORS: %s is a command to type in a terminal */
        firewall_detail = g_strdup_printf (_("Run this command to allow it: %s"),
                                           result->firewall_command);
      else if (result->firewall_error != NULL)
        firewall_detail = g_strdup (portier_error_user_message (result->firewall_error));
    }
  else
    {
      firewall_title = _("This computer’s firewall was left as it is");
      firewall_icon = "action-unavailable-symbolic";
      firewall_css = "dim-label";
      if (result->firewall_command != NULL)
        /* TRANSLATORS: %s is a command to type in a terminal */
        firewall_detail = g_strdup_printf (_("Portier cannot change it from here. If it "
                                             "blocks your friends, run: %s"),
                                           result->firewall_command);
    }
  adw_preferences_group_add (self->steps_group,
                             status_row (firewall_title, firewall_detail, firewall_icon,
                                         firewall_css));

  if (result->router_status == PORTIER_ROUTER_STATUS_MAPPED ||
      result->router_status == PORTIER_ROUTER_STATUS_ALREADY_MAPPED)
    {
      router_title = g_strdup (_("Your router passes it on to this computer"));
      router_tech = method_name (result);
      if (result->external_address != NULL)
        router_detail = result->external_address;
    }
  else if (result->router_status == PORTIER_ROUTER_STATUS_ALREADY_FORWARDED)
    {
      router_title = result->forwarded_by != NULL && result->forwarded_by[0] != '\0'
        /* TRANSLATORS: %s is the name another program gave its router forward */
        ? g_strdup_printf (_("Your router already passes it on to this computer, set up by "
                             "“%s”"), result->forwarded_by)
        : g_strdup (_("Your router already passes it on to this computer, set up by another "
                      "program"));
      if (result->external_address != NULL)
        router_detail = result->external_address;
    }
  else if (result->router_status == PORTIER_ROUTER_STATUS_FAILED)
    {
      router_title = g_strdup (_("Your router did not pass it on"));
      router_icon = "dialog-error-symbolic";
      router_css = "error";
      if (result->router_error != NULL)
        router_detail = router_error_text =
          portier_open_result_error_text (result, result->router_error);
    }
  else
    {
      router_title = g_strdup (_("Your router was left as it is"));
      router_icon = "action-unavailable-symbolic";
      router_css = "dim-label";
    }
  adw_preferences_group_add (self->steps_group,
                             status_row (router_title, router_detail, router_icon,
                                         router_css));

  if (result->verify_status == PORTIER_VERIFY_STATUS_REACHABLE)
    verify_title = _("Reachable from the internet: the test got through");
  else if (result->verify_status == PORTIER_VERIFY_STATUS_OPEN)
    verify_title = _("Reachable from the internet: a program answered the test");
  else if (result->verify_status == PORTIER_VERIFY_STATUS_UNREACHABLE)
    {
      verify_title = _("The test from the internet did not get through");
      verify_icon = "dialog-error-symbolic";
      verify_css = "error";
    }
  else if (result->verify_status == PORTIER_VERIFY_STATUS_UNAVAILABLE)
    {
      verify_title = _("Not tested: the test server did not answer");
      verify_icon = "dialog-question-symbolic";
      verify_css = "dim-label";
    }
  else
    {
      verify_title = _("Not tested from the internet");
      verify_icon = "action-unavailable-symbolic";
      verify_css = "dim-label";
    }
  adw_preferences_group_add (self->steps_group,
                             status_row (verify_title, NULL, verify_icon, verify_css));

  /* How, for those who want to know: folded away. */
  if (firewall_tech != NULL || router_tech != NULL)
    {
      GtkWidget *technical = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (technical), _("Technical details"));
      gtk_widget_add_css_class (technical, "technical-details");
      if (firewall_tech != NULL)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (technical),
                                  /* TRANSLATORS: the row that names the firewall program */
                                  status_row (_("Firewall"), firewall_tech,
                                              "security-high-symbolic", NULL));
      if (router_tech != NULL)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (technical),
                                  /* TRANSLATORS: the row that names how Portier asked the
                                   * router: UPnP or NAT-PMP */
                                  status_row (_("How Portier asked the router"), router_tech,
                                              "network-wired-symbolic", NULL));
      adw_preferences_group_add (self->steps_group, technical);
    }
}

static void
show_outcome (PortierResultPage *self)
{
  g_autofree char *ports = portier_plan_describe_ports (self->plan);
  g_autofree char *description = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), "outcome-good");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), "outcome-bad");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_page),
                            self->outcome == PORTIER_OUTCOME_FAILED ? "outcome-bad"
                                                                    : "outcome-good");

  switch (self->outcome)
    {
    case PORTIER_OUTCOME_REACHABLE:
      adw_status_page_set_icon_name (self->status_page, "emblem-ok-symbolic");
      adw_status_page_set_title (self->status_page, _("Your Friends Can Join Now"));
      /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565
       * (TCP)" */
      description = g_strdup_printf (_("Portier tested it from the internet: %s can be "
                                       "reached."),
                                     portier_plan_get_app (self->plan) != NULL
                                       ? portier_plan_get_title (self->plan) : ports);
      break;
    case PORTIER_OUTCOME_UNTESTED:
      adw_status_page_set_icon_name (self->status_page, "emblem-ok-symbolic");
      adw_status_page_set_title (self->status_page, _("It Should Work Now"));
      description = g_strdup (_("Your firewall and router are set up, but Portier could not "
                                "test it from the internet. Ask a friend to try."));
      break;
    case PORTIER_OUTCOME_FAILED:
    default:
      adw_status_page_set_icon_name (self->status_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->status_page, _("Not Reachable Yet"));
      description = g_strdup (_("Some of it worked, but your friends cannot get through yet."));
      break;
    }
  adw_status_page_set_description (self->status_page, description);
}

/**
 * portier_result_page_add_result:
 *
 * Shows the outcome of opening one of the plan's ports; the page's outcome is the worst
 * of all.
 */
void
portier_result_page_add_result (PortierResultPage       *self,
                                const PortierOpenResult *result)
{
  g_autofree char *share = NULL;
  PortierOutcome outcome;

  g_return_if_fail (PORTIER_IS_RESULT_PAGE (self));
  g_return_if_fail (result != NULL);

  outcome = portier_open_result_get_outcome (result);
  if (self->n_results == 0 || outcome > self->outcome)
    self->outcome = outcome;
  self->n_results++;

  share = portier_open_result_dup_share (result);
  if (share != NULL)
    {
      GtkWidget *row = status_row (share, NULL, NULL, NULL);

      gtk_widget_add_css_class (row, "share-address");
      if (self->share == NULL)
        {
          /* The buttons under the address are for the first one. */
          self->share = g_strdup (share);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", share);
          gtk_widget_set_visible (GTK_WIDGET (self->share_buttons), TRUE);
        }
      else
        {
          g_autofree char *copy_label = NULL;
          GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

          gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (copy, "flat");
          gtk_widget_set_tooltip_text (copy, _("Copy Address"));
          /* TRANSLATORS: the copy button's name for screen readers; %s is an address */
          copy_label = g_strdup_printf (_("Copy the address %s"), share);
          gtk_accessible_update_property (GTK_ACCESSIBLE (copy),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "result.copy");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "s", share);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
        }
      adw_preferences_group_add (self->share_group, row);
    }

  add_step_rows (self, result);
  show_outcome (self);
}

PortierOutcome
portier_result_page_get_outcome (PortierResultPage *self)
{
  g_return_val_if_fail (PORTIER_IS_RESULT_PAGE (self), PORTIER_OUTCOME_FAILED);
  return self->outcome;
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  const char *text = g_variant_get_string (parameter, NULL);
  GtkWidget *overlay;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      /* TRANSLATORS: shown briefly after copying; %s is the address */
      g_autofree char *title = g_strdup_printf (_("Copied %s"), text);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
    }
}

static void
shared_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PortierResultPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay;

  if (portier_share_email_finish (result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Sharing by email: %s", error->message);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                 adw_toast_new (_("Portier could not open an email program. "
                                                  "Copy the address instead.")));
}

/* Shares the address the way most people share things: by email, in their own mail
 * program (portier-share.c). */
static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PortierResultPage *self = PORTIER_RESULT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;

  if (self->share == NULL)
    return;

  /* TRANSLATORS: the subject of the email that shares the address; %s is the app */
  subject = g_strdup_printf (_("Join me in %s"), portier_plan_get_title (self->plan));
  /* TRANSLATORS: the email that shares the address; %s is the address, on a line of its
   * own so that it can be copied without the full stop */
  body = g_strdup_printf (_("Join me! Connect to this address in the app:\n\n%s\n"),
                          self->share);
  portier_share_email_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, subject, body,
                             self->cancellable, shared_cb, g_object_ref (self));
}

/**
 * portier_result_page_new:
 *
 * A page for the outcome of opening @plan; the results are added to it.
 */
GtkWidget *
portier_result_page_new (PortierPlan *plan)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);

  return g_object_new (PORTIER_TYPE_RESULT_PAGE, "plan", plan, NULL);
}

/**
 * portier_result_page_new_with_results:
 * @results: (element-type PortierOpenResult): one for each port
 *
 * A page for the outcome of opening @plan.
 */
GtkWidget *
portier_result_page_new_with_results (PortierPlan *plan,
                                      GPtrArray   *results)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);
  g_return_val_if_fail (results != NULL, NULL);

  return g_object_new (PORTIER_TYPE_RESULT_PAGE, "plan", plan, "results", results, NULL);
}

static void
portier_result_page_constructed (GObject *object)
{
  PortierResultPage *self = PORTIER_RESULT_PAGE (object);
  PortierPlan *plan = self->plan;
  PortierApp *app;
  g_autofree char *duration = NULL;

  G_OBJECT_CLASS (portier_result_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_PLAN (plan));
  app = portier_plan_get_app (plan);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tell_row),
                                 app != NULL
                                   ? portier_app_get_note (app)
                                   : _("Ask them to connect to the address above in the same "
                                       "app. It only works while your app is running."));

  if (self->by_hand)
    duration = g_strdup (_("The forward you made stays in your router until you delete it "
                           "there."));
  else
    duration = portier_duration_describe (portier_plan_get_duration (plan),
                                          portier_plan_get_hours (plan));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->keep_row), duration);

  /* Given at construction: shown now, and not kept. */
  for (guint i = 0; self->results != NULL && i < self->results->len; i++)
    portier_result_page_add_result (self, g_ptr_array_index (self->results, i));
  g_clear_pointer (&self->results, g_ptr_array_unref);
  show_outcome (self);
}

static void
portier_result_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PortierResultPage *self = PORTIER_RESULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_result_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PortierResultPage *self = PORTIER_RESULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    case PROP_RESULTS:
      self->results = g_value_dup_boxed (value);
      break;
    case PROP_BY_HAND:
      self->by_hand = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_result_page_dispose (GObject *object)
{
  PortierResultPage *self = PORTIER_RESULT_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_RESULT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->share, g_free);

  G_OBJECT_CLASS (portier_result_page_parent_class)->dispose (object);
}

static void
portier_result_page_class_init (PortierResultPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_result_page_constructed;
  object_class->get_property = portier_result_page_get_property;
  object_class->set_property = portier_result_page_set_property;
  object_class->dispose = portier_result_page_dispose;

  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, PORTIER_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Of PortierOpenResult: what opening each port did. */
  properties[PROP_RESULTS] =
    g_param_spec_boxed ("results", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The router's forward was made by hand (the guide), not by Portier. */
  properties[PROP_BY_HAND] =
    g_param_spec_boolean ("by-hand", NULL, NULL, FALSE,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-result-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, share_group);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, tell_row);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, keep_row);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, steps_group);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, done_button);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PortierResultPage, share_buttons);
  gtk_widget_class_install_action (widget_class, "result.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "result.share", NULL, share_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_result_page_init (PortierResultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
