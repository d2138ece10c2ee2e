/* portier-choose-page.c: which app should be reachable — one running now, one from the
 * catalog, or a port typed by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-choose-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "portier-app-enums.h"
#include "portier-choose-page.h"
#include "portier-choose-row.h"
#include "portier-listeners.h"
#include "portier-plan.h"
#include "portier-text.h"

struct _PortierChoosePage
{
  GtkWidget             parent_instance;

  PortierChoosePurpose  purpose;
  PortierCatalog       *catalog;
  GCancellable         *cancellable;
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filtered;

  GtkScrolledWindow    *scroller;
  GtkLabel             *intro_label;
  GtkListBox           *running_list;
  AdwPreferencesGroup  *running_group;
  AdwPreferencesGroup  *unknown_group;
  GtkListBox           *unknown_list;
  GtkCheckButton       *both_check;
  GtkSearchEntry       *search_entry;
  GtkListBox           *apps_list;
  GtkLabel             *no_match_label;
  AdwEntryRow          *port_entry;
  GtkLabel             *port_error_label;
};

G_DEFINE_FINAL_TYPE (PortierChoosePage, portier_choose_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_PURPOSE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* UDP sockets that every desktop has open (address assignment, finding devices), and
 * nobody means to share. */
static const guint16 system_udp_ports[] = { 67, 68, 546, 547, 1900, 5353 };

static void
choose (PortierChoosePage *self,
        PortierPlan       *plan)
{
  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, plan);
}

/* Catalog */

static GtkWidget *
create_app_row (gpointer item,
                gpointer user_data)
{
  PortierApp *app = item;
  g_autoptr(PortierPlan) plan = portier_plan_new_for_app (app);
  g_autofree char *ports = portier_plan_describe_ports (plan);

  return portier_choose_row_new (portier_app_get_name (app), ports,
                                 portier_text_kind_icon (portier_app_get_category (app)), plan);
}

static gboolean
filter_app (gpointer item,
            gpointer user_data)
{
  PortierChoosePage *self = user_data;

  return portier_app_matches (PORTIER_APP (item),
                              gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
update_no_match (PortierChoosePage *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->apps_list), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->no_match_label), empty);
  if (empty)
    {
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s is what the person searched for */
      text = g_strdup_printf (_("No app Portier knows matches “%s”. If you know its port "
                                "number, type it under “Another port…” below."), query);
      gtk_label_set_text (self->no_match_label, text);
    }
}

static void
search_changed_cb (PortierChoosePage *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_no_match (self);
}

static void
search_activate_cb (PortierChoosePage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->apps_list, 0);

  if (row != NULL && gtk_widget_get_visible (GTK_WIDGET (self->apps_list)))
    gtk_widget_activate (GTK_WIDGET (row));
}

static void
app_row_activated_cb (PortierChoosePage *self,
                      GtkListBoxRow     *row)
{
  PortierPlan *shown = portier_choose_row_get_plan (PORTIER_CHOOSE_ROW (row));
  g_autoptr(PortierPlan) plan = NULL;

  g_return_if_fail (shown != NULL);

  /* A new plan each time: what the next pages choose starts from the app again. */
  plan = portier_plan_new_for_app (portier_plan_get_app (shown));
  choose (self, plan);
}

/* Running now */

static PortierApp *
find_app_for (PortierChoosePage     *self,
              const PortierListener *listener)
{
  GListModel *apps = portier_catalog_get_apps (self->catalog);

  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(PortierApp) app = g_list_model_get_item (apps, i);
      GArray *ports = portier_app_get_ports (app);

      for (guint j = 0; j < ports->len; j++)
        if (portier_port_spec_contains (&g_array_index (ports, PortierAppPort, j).spec,
                                        listener->port, listener->protocol))
          return g_steal_pointer (&app);
    }
  return NULL;
}

static gboolean
worth_showing (const PortierListener *listener)
{
  if (listener->scope == PORTIER_BIND_SCOPE_LOOPBACK)
    return FALSE;
  if (listener->protocol == PORTIER_PROTOCOL_UDP)
    {
      /* Programs talking out, not waiting for anyone: the kernel's short-lived ports. */
      if (listener->port >= 32768)
        return FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (system_udp_ports); i++)
        if (listener->port == system_udp_ports[i])
          return FALSE;
    }
  return TRUE;
}

static void
running_row_activated_cb (PortierChoosePage *self,
                          GtkListBoxRow     *row)
{
  PortierPlan *plan = portier_choose_row_get_plan (PORTIER_CHOOSE_ROW (row));

  if (plan != NULL)
    choose (self, plan);
}

static void
clear_running (PortierChoosePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->running_list))) != NULL)
    gtk_list_box_remove (self->running_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->unknown_list))) != NULL)
    gtk_list_box_remove (self->unknown_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->running_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->unknown_group), FALSE);
}

static void
show_listeners (PortierChoosePage *self,
                GPtrArray         *listeners)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint shown = 0;
  guint unknown = 0;

  clear_running (self);

  for (guint i = 0; i < listeners->len; i++)
    {
      const PortierListener *listener = g_ptr_array_index (listeners, i);
      guint key = ((guint) listener->port << 2) | listener->protocol;
      g_autoptr(PortierApp) app = NULL;
      g_autoptr(PortierPlan) plan = NULL;
      g_autofree char *described = NULL;
      g_autofree char *subtitle = NULL;
      PortierPortSpec spec = { listener->port, listener->port, listener->protocol };
      const char *program = listener->process;
      GtkWidget *row;

      if (!worth_showing (listener) || g_hash_table_contains (seen, GUINT_TO_POINTER (key)))
        continue;
      g_hash_table_add (seen, GUINT_TO_POINTER (key));

      described = portier_port_spec_describe (&spec);
      app = find_app_for (self, listener);

      if (app != NULL)
        {
          plan = portier_plan_new_for_app (app);
          /* TRANSLATORS: "java, on port 25565 (TCP)": a program and where it listens */
          subtitle = program != NULL ? g_strdup_printf (_("%s, on %s"), program, described)
                                     : g_strdup (described);
          row = portier_choose_row_new (portier_app_get_name (app), subtitle,
                                        portier_text_kind_icon (portier_app_get_category (app)), plan);
        }
      else
        {
          /* Below the catalog: Portier only knows where it waits. */
          plan = portier_plan_new_for_port (&spec, program, NULL);
          row = portier_choose_row_new (program != NULL ? program
                                                        /* TRANSLATORS: a program whose name
                                                         * Portier is not allowed to see */
                                                        : _("A program on this computer"),
                                        described, "application-x-executable-symbolic", plan);
          gtk_list_box_append (self->unknown_list, row);
          unknown++;
          continue;
        }

      gtk_list_box_append (self->running_list, row);
      shown++;
    }

  /* Only apps Portier knows above the catalog; nothing there when none runs. */
  gtk_widget_set_visible (GTK_WIDGET (self->running_group), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->unknown_group), unknown > 0);
}

static void
listeners_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PortierChoosePage) self = user_data;
  g_autoptr(GPtrArray) listeners = NULL;
  g_autoptr(GError) error = NULL;

  listeners = portier_listeners_list_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (listeners == NULL)
    {
      g_warning ("Cannot list listening programs: %s", error->message);
      clear_running (self);
      gtk_list_box_append (self->running_list,
                           portier_choose_row_new (
                             _("Portier cannot see which programs are running"),
                             _("Choose your app below instead."), NULL, NULL));
      return;
    }

  show_listeners (self, listeners);
}

/**
 * portier_choose_page_refresh_running:
 *
 * Looks again for programs waiting for connections.
 */
static void
refresh_running (PortierChoosePage *self)
{
  GtkWidget *row;
  GtkWidget *spinner;

  clear_running (self);
  row = portier_choose_row_new (_("Looking for running programs…"), NULL, NULL, NULL);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
  gtk_list_box_append (self->running_list, row);

  portier_listeners_list_async (self->cancellable, listeners_ready_cb, g_object_ref (self));
}

/* Another port */

static void
show_port_error (PortierChoosePage *self,
                 const char        *message)
{
  gtk_label_set_text (self->port_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->port_error_label), message != NULL);

  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->port_entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->port_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->port_entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->port_entry), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->port_entry),
                                  GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->port_entry),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
port_apply_cb (PortierChoosePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->port_entry));
  g_autoptr(PortierPortSpec) spec = NULL;
  g_autoptr(PortierPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  spec = portier_port_spec_parse (text, &error);
  if (spec == NULL)
    {
      /* The parser's messages are written for people, and name what was typed. */
      show_port_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->port_entry));
      return;
    }

  show_port_error (self, NULL);
  /* Not sure which kind of connection: both, unless the person typed one. */
  if (gtk_check_button_get_active (self->both_check) && strchr (text, '/') == NULL)
    spec->protocol = PORTIER_PROTOCOL_BOTH;
  plan = portier_plan_new_for_port (spec, NULL, NULL);
  choose (self, plan);
}

static void
port_changed_cb (PortierChoosePage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->port_error_label)))
    show_port_error (self, NULL);
}

static void
show_purpose (PortierChoosePage *self)
{
  if (self->purpose == PORTIER_CHOOSE_FOR_TROUBLESHOOTING)
    gtk_label_set_text (self->intro_label, _("Which app can’t your friends reach?"));
  else
    gtk_label_set_text (self->intro_label, _("Which app should your friends reach?"));
}

GtkWidget *
portier_choose_page_new (PortierCatalog       *catalog,
                         PortierChoosePurpose  purpose)
{
  g_return_val_if_fail (PORTIER_IS_CATALOG (catalog), NULL);

  return g_object_new (PORTIER_TYPE_CHOOSE_PAGE, "catalog", catalog, "purpose", purpose, NULL);
}

static void
portier_choose_page_constructed (GObject *object)
{
  PortierChoosePage *self = PORTIER_CHOOSE_PAGE (object);
  PortierCatalog *catalog = self->catalog;

  G_OBJECT_CLASS (portier_choose_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_CATALOG (catalog));
  show_purpose (self);

  self->filter = gtk_custom_filter_new (filter_app, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (portier_catalog_get_apps (catalog)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_bind_model (self->apps_list, G_LIST_MODEL (self->filtered),
                           create_app_row, self, NULL);
  update_no_match (self);

  refresh_running (self);
}

static void
portier_choose_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PortierChoosePage *self = PORTIER_CHOOSE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_PURPOSE:
      g_value_set_enum (value, self->purpose);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_choose_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PortierChoosePage *self = PORTIER_CHOOSE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_PURPOSE:
      self->purpose = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

PortierChoosePurpose
portier_choose_page_get_purpose (PortierChoosePage *self)
{
  g_return_val_if_fail (PORTIER_IS_CHOOSE_PAGE (self), PORTIER_CHOOSE_FOR_OPENING);
  return self->purpose;
}

static void
portier_choose_page_map (GtkWidget *widget)
{
  PortierChoosePage *self = PORTIER_CHOOSE_PAGE (widget);

  GTK_WIDGET_CLASS (portier_choose_page_parent_class)->map (widget);
  gtk_search_entry_set_key_capture_widget (self->search_entry, widget);
}

static void
portier_choose_page_unroot (GtkWidget *widget)
{
  /* Leaving the page stops what it was doing. */
  g_cancellable_cancel (PORTIER_CHOOSE_PAGE (widget)->cancellable);

  GTK_WIDGET_CLASS (portier_choose_page_parent_class)->unroot (widget);
}

static void
portier_choose_page_dispose (GObject *object)
{
  PortierChoosePage *self = PORTIER_CHOOSE_PAGE (object);
  GtkWidget *child;

  /* Leaving the page stops what it was doing. */
  g_cancellable_cancel (self->cancellable);

  if (self->apps_list != NULL)
    gtk_list_box_bind_model (self->apps_list, NULL, NULL, NULL, NULL);
  if (self->search_entry != NULL)
    gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_CHOOSE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (portier_choose_page_parent_class)->dispose (object);
}

static void
portier_choose_page_finalize (GObject *object)
{
  PortierChoosePage *self = PORTIER_CHOOSE_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (portier_choose_page_parent_class)->finalize (object);
}

static void
portier_choose_page_class_init (PortierChoosePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_choose_page_constructed;
  object_class->get_property = portier_choose_page_get_property;
  object_class->set_property = portier_choose_page_set_property;
  object_class->dispose = portier_choose_page_dispose;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, PORTIER_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PURPOSE] =
    g_param_spec_enum ("purpose", NULL, NULL, PORTIER_TYPE_CHOOSE_PURPOSE,
                       PORTIER_CHOOSE_FOR_OPENING,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->unroot = portier_choose_page_unroot;
  object_class->finalize = portier_choose_page_finalize;
  widget_class->map = portier_choose_page_map;

  /**
   * PortierChoosePage::chosen:
   * @plan: the app or port, as a #PortierPlan
   */
  signals[SIGNAL_CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, PORTIER_TYPE_PLAN);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-choose-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, running_list);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, running_group);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, unknown_group);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, unknown_list);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, both_check);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, apps_list);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, no_match_label);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, port_entry);
  gtk_widget_class_bind_template_child (widget_class, PortierChoosePage, port_error_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_choose_page_init (PortierChoosePage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate",
                           G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->apps_list, "row-activated",
                           G_CALLBACK (app_row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->unknown_list, "row-activated",
                          G_CALLBACK (running_row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->running_list, "row-activated",
                           G_CALLBACK (running_row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_entry, "apply",
                           G_CALLBACK (port_apply_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_entry, "entry-activated",
                           G_CALLBACK (port_apply_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_entry, "changed",
                           G_CALLBACK (port_changed_cb), self, G_CONNECT_SWAPPED);
}
