/* portier-openings-page.c: "Ports I opened" — what Portier opened, from its ledger, each
 * with a way to close it (a router forward another program keeps is shown as kept open by
 * that program, and closing leaves it to it)
 *
 * Closing is asked for with PortierOpeningsPage::close and ::close-all, whose default
 * handlers close with the page's opener in a PortierCloseRun, one opening after the other;
 * it goes on when the page is left, so that nothing stays half-closed. What the person should know about it
 * comes out as PortierOpeningsPage::toast.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-openings-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-close-run.h"
#include "portier-error.h"
#include "portier-opening-row.h"
#include "portier-openings-page.h"
#include "portier-text.h"

struct _PortierOpeningsPage
{
  GtkWidget       parent_instance;

  PortierLedger  *ledger;
  PortierCatalog *catalog;
  PortierOpener  *opener;
  guint           n_rows;

  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkListBox     *list_box;
  GtkButton      *close_all_button;
};

G_DEFINE_FINAL_TYPE (PortierOpeningsPage, portier_openings_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CLOSE,
  SIGNAL_CLOSE_ALL,
  SIGNAL_TOAST,
  SIGNAL_TEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_LEDGER,
  PROP_CATALOG,
  PROP_OPENER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * portier_opening_describe_title:
 *
 * Returns: (transfer full): the app's name, the label given, or the port
 */
char *
portier_opening_describe_title (const PortierOpening *opening,
                                PortierCatalog       *catalog)
{
  g_autofree char *described = NULL;

  if (opening->app_id != NULL && catalog != NULL)
    {
      PortierApp *app = portier_catalog_lookup (catalog, opening->app_id);

      if (app != NULL)
        return g_strdup (portier_app_get_name (app));
    }
  if (opening->label != NULL && opening->label[0] != '\0')
    return g_strdup (opening->label);

  described = portier_port_spec_describe (&opening->spec);
  return portier_text_capitalize (described);
}

/* The address friends use for @opening, when the router said it; %NULL otherwise. */
static char *
opening_share (const PortierOpening *opening)
{
  guint port = opening->spec.first;

  if (opening->external_address == NULL)
    return NULL;

  for (guint i = 0; opening->mappings != NULL && i < opening->mappings->len; i++)
    {
      const PortierLedgerMapping *mapping = g_ptr_array_index (opening->mappings, i);
      if (mapping->internal_port == opening->spec.first)
        port = mapping->external_port;
    }
  return g_strdup_printf ("%s:%u", opening->external_address, port);
}

/**
 * portier_opening_describe_state:
 *
 * Returns: (transfer full): the port, how long it stays open, and the address friends use,
 *   one per line
 */
char *
portier_opening_describe_state (const PortierOpening *opening,
                                gint64                now)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *described = portier_port_spec_describe (&opening->spec);
  g_autofree char *share = NULL;

  g_string_append (text, described);
  g_string_append_c (text, '\n');

  switch (opening->state)
    {
    case PORTIER_OPENING_STATE_OPENING:
      g_string_append (text, _("Being opened…"));
      break;
    case PORTIER_OPENING_STATE_CLOSING:
      g_string_append (text, _("Being closed…"));
      break;
    case PORTIER_OPENING_STATE_OPEN:
    default:
      switch (opening->duration)
        {
        case PORTIER_DURATION_UNTIL:
          {
            g_autoptr(GDateTime) expires = g_date_time_new_from_unix_local (opening->expires);
            g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);
            g_autofree char *when = NULL;

            if (expires == NULL || today == NULL)
              break;
            if (g_date_time_get_day_of_year (expires) == g_date_time_get_day_of_year (today) &&
                g_date_time_get_year (expires) == g_date_time_get_year (today))
              when = g_date_time_format (expires, "%H:%M");
            else
              /* TRANSLATORS: a strftime format for a time on another day, e.g. "Monday 14:00" */
              when = g_date_time_format (expires, _("%A %H:%M"));
            /* TRANSLATORS: %s is a time, e.g. "14:00" */
            g_string_append_printf (text, _("Open until %s, then it closes by itself"), when);
          }
          break;
        case PORTIER_DURATION_UNTIL_CLOSED:
          g_string_append (text, _("Open until you close it"));
          break;
        case PORTIER_DURATION_WHILE_RUNNING:
        default:
          g_string_append (text, _("Open while Portier is running"));
          break;
        }
      break;
    }

  /* Another program's forward: Portier found it and leaves it to that program; closing
   * here closes only what Portier made. */
  for (guint i = 0; opening->mappings != NULL && i < opening->mappings->len; i++)
    {
      const PortierLedgerMapping *mapping = g_ptr_array_index (opening->mappings, i);

      if (mapping->kept_by == NULL)
        continue;
      g_string_append_c (text, '\n');
      if (mapping->kept_by[0] != '\0')
        /* TRANSLATORS: %s is the name another program gave its router forward */
        g_string_append_printf (text, _("Kept open by “%s”"), mapping->kept_by);
      else
        g_string_append (text, _("Kept open by another program"));
      break;
    }

  share = opening_share (opening);
  if (share != NULL)
    {
      g_string_append_c (text, '\n');
      /* TRANSLATORS: "Friends use 203.0.113.7:25565" */
      g_string_append_printf (text, _("Friends use %s"), share);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
opening_row (PortierOpeningsPage  *self,
             const PortierOpening *opening,
             gint64                now)
{
  g_autofree char *title = portier_opening_describe_title (opening, self->catalog);
  g_autofree char *subtitle = portier_opening_describe_state (opening, now);
  g_autofree char *described = portier_port_spec_describe (&opening->spec);
  g_autofree char *close_label = NULL;
  g_autofree char *share = opening_share (opening);

  /* TRANSLATORS: the close button's name for screen readers: "Close port 25565 (TCP)
   * for Minecraft" */
  close_label = g_strdup_printf (_("Close %s for %s"), described, title);
  return portier_opening_row_new (opening->id, title, subtitle, close_label, share,
                                  opening->state != PORTIER_OPENING_STATE_OPEN);
}

/**
 * portier_openings_page_set_busy:
 *
 * Shows that the opening @id is being closed (or no longer is).
 */
void
portier_openings_page_set_busy (PortierOpeningsPage *self,
                                const char          *id,
                                gboolean             busy)
{
  g_return_if_fail (PORTIER_IS_OPENINGS_PAGE (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (id == NULL ||
          g_strcmp0 (portier_opening_row_get_opening_id (PORTIER_OPENING_ROW (row)), id) == 0)
        portier_opening_row_set_busy (PORTIER_OPENING_ROW (row), busy);
    }
}

/**
 * portier_openings_page_reload:
 *
 * Reads the ledger again and shows what it holds.
 */
void
portier_openings_page_reload (PortierOpeningsPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  GPtrArray *openings;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_if_fail (PORTIER_IS_OPENINGS_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->n_rows = 0;

  if (!portier_ledger_load (self->ledger, &error))
    {
      g_warning ("Cannot read %s: %s", portier_ledger_get_path (self->ledger), error->message);
      adw_status_page_set_description (self->error_page, portier_error_user_message (error));
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  openings = portier_ledger_get_openings (self->ledger);
  for (guint i = 0; i < openings->len; i++)
    {
      gtk_list_box_append (self->list_box,
                           opening_row (self, g_ptr_array_index (openings, i), now));
      self->n_rows++;
    }

  gtk_stack_set_visible_child_name (self->stack, self->n_rows > 0 ? "list" : "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->close_all_button), self->n_rows > 1);
}

guint
portier_openings_page_get_n_rows (PortierOpeningsPage *self)
{
  g_return_val_if_fail (PORTIER_IS_OPENINGS_PAGE (self), 0);
  return self->n_rows;
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);

  portier_openings_page_set_busy (PORTIER_OPENINGS_PAGE (widget), id, TRUE);
  g_signal_emit (widget, signals[SIGNAL_CLOSE], 0, id);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  const char *text = g_variant_get_string (parameter, NULL);
  g_autofree char *title = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  /* TRANSLATORS: shown briefly after copying; %s is the address */
  title = g_strdup_printf (_("Copied %s"), text);
  g_signal_emit (widget, signals[SIGNAL_TOAST], 0, title);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PortierOpeningsPage *self = PORTIER_OPENINGS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  GPtrArray *openings = portier_ledger_get_openings (self->ledger);

  for (guint i = 0; i < openings->len; i++)
    {
      const PortierOpening *opening = g_ptr_array_index (openings, i);

      if (g_strcmp0 (opening->id, id) == 0)
        {
          g_signal_emit (self, signals[SIGNAL_TEST], 0, opening);
          return;
        }
    }
}

static void
close_all_response_cb (AdwMessageDialog    *dialog,
                       const char          *response,
                       PortierOpeningsPage *self)
{
  if (g_strcmp0 (response, "close") != 0)
    return;

  portier_openings_page_set_busy (self, NULL, TRUE);
  g_signal_emit (self, signals[SIGNAL_CLOSE_ALL], 0);
}

static void
close_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            _("Close All Ports?"),
                            _("People on the internet will no longer reach the apps on "
                              "this computer. You can open them again at any time.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "close", _("Close _All"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_all_response_cb), widget, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Closing: a PortierCloseRun, one opening after the other, each one whole */

static void
closed_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(PortierOpeningsPage) self = user_data;
  g_autoptr(GPtrArray) results = NULL;

  results = portier_close_run_execute_finish (PORTIER_CLOSE_RUN (source), res, NULL);
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      const PortierCloseResult *result = g_ptr_array_index (results, i);

      if (result->error != NULL)
        g_signal_emit (self, signals[SIGNAL_TOAST], 0,
                       portier_error_user_message (result->error));
    }
  if (results != NULL && portier_close_run_count_failed (results) == 0)
    g_signal_emit (self, signals[SIGNAL_TOAST], 0,
                   g_dngettext (GETTEXT_PACKAGE, "Closed. Nothing is left open.",
                                "All closed. Nothing is left open.", results->len));
  portier_openings_page_reload (self);
}

/* Closing goes on when the page is left: nothing must stay half-closed. */
static void
close_ids (PortierOpeningsPage *self,
           const char * const  *ids)
{
  g_autoptr(PortierCloseRun) run = portier_close_run_new (self->opener, ids, TRUE);

  portier_close_run_execute_async (run, NULL, closed_cb, g_object_ref (self));
}

static void
portier_openings_page_real_close (PortierOpeningsPage *self,
                                  const char          *id)
{
  const char * const ids[] = { id, NULL };

  if (self->opener == NULL)
    return;
  close_ids (self, ids);
}

static void
portier_openings_page_real_close_all (PortierOpeningsPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  GPtrArray *openings;

  if (self->opener == NULL)
    return;
  if (portier_ledger_load (self->ledger, NULL))
    {
      openings = portier_ledger_get_openings (self->ledger);
      for (guint i = 0; i < openings->len; i++)
        g_strv_builder_add (builder, ((PortierOpening *) g_ptr_array_index (openings, i))->id);
    }
  ids = g_strv_builder_end (builder);
  close_ids (self, (const char * const *) ids);
}

/**
 * portier_openings_page_new:
 * @catalog: (nullable): for the apps' names
 * @opener: (nullable): what closes; without one, the page only asks
 *   (#PortierOpeningsPage::close and ::close-all then close nothing)
 */
GtkWidget *
portier_openings_page_new (PortierLedger  *ledger,
                           PortierCatalog *catalog,
                           PortierOpener  *opener)
{
  g_return_val_if_fail (PORTIER_IS_LEDGER (ledger), NULL);

  return g_object_new (PORTIER_TYPE_OPENINGS_PAGE, "ledger", ledger, "catalog", catalog,
                       "opener", opener, NULL);
}

static void
portier_openings_page_constructed (GObject *object)
{
  PortierOpeningsPage *self = PORTIER_OPENINGS_PAGE (object);

  G_OBJECT_CLASS (portier_openings_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_LEDGER (self->ledger));
  portier_openings_page_reload (self);
}

static void
portier_openings_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PortierOpeningsPage *self = PORTIER_OPENINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LEDGER:
      g_value_set_object (value, self->ledger);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_OPENER:
      g_value_set_object (value, self->opener);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_openings_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PortierOpeningsPage *self = PORTIER_OPENINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LEDGER:
      self->ledger = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_OPENER:
      self->opener = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_openings_page_dispose (GObject *object)
{
  PortierOpeningsPage *self = PORTIER_OPENINGS_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_OPENINGS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->ledger);
  g_clear_object (&self->catalog);
  g_clear_object (&self->opener);

  G_OBJECT_CLASS (portier_openings_page_parent_class)->dispose (object);
}

static void
portier_openings_page_class_init (PortierOpeningsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_openings_page_constructed;
  object_class->get_property = portier_openings_page_get_property;
  object_class->set_property = portier_openings_page_set_property;
  object_class->dispose = portier_openings_page_dispose;

  properties[PROP_LEDGER] =
    g_param_spec_object ("ledger", NULL, NULL, PORTIER_TYPE_LEDGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, PORTIER_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPENER] =
    g_param_spec_object ("opener", NULL, NULL, PORTIER_TYPE_OPENER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortierOpeningsPage::close:
   * @id: the opening to close
   *
   * The default handler closes it with the page's opener.
   */
  signals[SIGNAL_CLOSE] = g_signal_new_class_handler (
    "close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
    G_CALLBACK (portier_openings_page_real_close), NULL, NULL, NULL,
    G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PortierOpeningsPage::close-all:
   *
   * The person confirmed closing everything; the default handler closes it all.
   */
  signals[SIGNAL_CLOSE_ALL] = g_signal_new_class_handler (
    "close-all", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
    G_CALLBACK (portier_openings_page_real_close_all), NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PortierOpeningsPage::toast:
   * @title: a sentence for the person: what closing did, or why it did not
   */
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PortierOpeningsPage::test:
   * @opening: (type gpointer): the opening to test again, as the ledger holds it
   *
   * The person wants to know whether friends can still reach it.
   */
  signals[SIGNAL_TEST] = g_signal_new ("test", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-openings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningsPage, close_all_button);
  gtk_widget_class_install_action (widget_class, "openings.close", "s", close_action);
  gtk_widget_class_install_action (widget_class, "openings.close-all", NULL, close_all_action);
  gtk_widget_class_install_action (widget_class, "openings.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "openings.test", "s", test_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_openings_page_init (PortierOpeningsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
