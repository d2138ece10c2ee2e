/* ui-test-pages.c: what the page tests share — finding widgets, sample data
 *
 * Sample data is made with the core's own types and constructors (findings, ledger
 * openings), so a page shows exactly what it would show for the real thing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "portier-choose-page.h"
#include "portier-details-page.h"
#include "portier-findings.h"
#include "portier-guide-page.h"
#include "portier-plan.h"
#include "portier-progress-page.h"
#include "portier-result-page.h"
#include "portier-review-page.h"
#include "portier-troubleshoot-page.h"
#include "ui-test-pages.h"
#include "ui-test-util.h"

static char *state_dir;

static void
remove_state_dir (void)
{
  ui_test_state_dir_clear ();
  g_rmdir (state_dir);
}

/* $PORTIER_STATE_DIR, for the ledger: a temporary folder, made before any thread runs
 * (setenv is not thread-safe) and removed when the test program ends. */
static void
make_state_dir (void)
{
  g_autoptr(GError) error = NULL;

  state_dir = g_dir_make_tmp ("portier-ui-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("PORTIER_STATE_DIR", state_dir, TRUE);
  atexit (remove_state_dir);
}

const char *
ui_test_state_dir (void)
{
  return state_dir;
}

/* Empties the ledger's folder: nothing opened. */
void
ui_test_state_dir_clear (void)
{
  g_autoptr(GDir) handle = g_dir_open (state_dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (state_dir, name, NULL);
      g_remove (path);
    }
}

void
ui_test_init (int    *argc,
              char ***argv)
{
  const char *localedir = g_getenv ("PORTIER_TEST_LOCALEDIR");

  setlocale (LC_ALL, "C.UTF-8");
  /* To look at the pages in another language: PORTIER_TEST_LOCALEDIR=BUILD/po and
   * LANGUAGE=de (test-screenshots only; the other tests check English words). */
  if (localedir != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  make_state_dir ();
  /* The kernel's view of the network: no NetworkManager on a test machine. */
  g_setenv ("PORTIER_NETWORK_SOURCE", "kernel", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* The app's own icons, as PortierApplication finds them (its resource-base-path). */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/portier_app/Portier/icons");
  /* Pages appear at once, so what a test sees is what a person sees at the end. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

PortierWindow *
ui_test_window_new (int width,
                    int height)
{
  PortierWindow *window = portier_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_mapped (GTK_WIDGET (window));
  return window;
}

void
ui_test_window_destroy (PortierWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/**
 * ui_test_child:
 *
 * A template child of @widget, checked for its type.
 */
GtkWidget *
ui_test_child (GtkWidget  *widget,
               GType       type,
               const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

gboolean
ui_test_is_shown (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_visible (w) || !gtk_widget_get_child_visible (w))
      return FALSE;
  return gtk_widget_get_mapped (widget);
}

/**
 * ui_test_find_row:
 *
 * Returns: (nullable): the first shown row under @root whose title is @title
 */
GtkWidget *
ui_test_find_row (GtkWidget  *root,
                  const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) && ui_test_is_shown (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * ui_test_find_label:
 *
 * Returns: (nullable): the first shown label under @root that says @text
 */
GtkWidget *
ui_test_find_label (GtkWidget  *root,
                    const char *text)
{
  if (GTK_IS_LABEL (root) && ui_test_is_shown (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
add_shown_labels (GtkWidget  *widget,
                  const char *skip_class,
                  GPtrArray  *labels)
{
  if (!ui_test_is_shown (widget) ||
      (skip_class != NULL && gtk_widget_has_css_class (widget, skip_class)))
    return;

  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_shown_labels (child, skip_class, labels);
}

/**
 * ui_test_shown_labels:
 * @skip_class: (nullable): leave out what is inside a widget of this style class
 *
 * Returns: (transfer container) (element-type GtkLabel): every label under @root that
 *   is shown, in the order of the widget tree
 */
GPtrArray *
ui_test_shown_labels (GtkWidget  *root,
                      const char *skip_class)
{
  GPtrArray *labels = g_ptr_array_new ();

  add_shown_labels (root, skip_class, labels);
  return labels;
}

GtkWidget *
ui_test_find_type (GtkWidget *root,
                   GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* What pressing Space on a button does: it shows itself pressed for a moment, then
 * clicks. */
void
ui_test_click (GtkWidget *button)
{
  gboolean clicked = FALSE;
  gulong id;

  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_object_ref (button);
  id = g_signal_connect_swapped (button, "clicked", G_CALLBACK (ui_test_set_true), &clicked);
  gtk_widget_activate (button);
  while (!clicked)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (button, id);
  g_object_unref (button);
  ui_test_wait_idle ();
}

void
ui_test_set_true (gboolean *flag)
{
  *flag = TRUE;
}

/* What pressing Enter in @editable does: its text emits "activate". */
void
ui_test_activate_entry (GtkWidget *editable)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (editable));

  g_assert_true (GTK_IS_TEXT (delegate));
  g_signal_emit_by_name (delegate, "activate");
  ui_test_wait_idle ();
}

/* Two openings, as the opener records them: Minecraft until closed, and a port typed by
 * hand for three hours. */
void
ui_test_fill_ledger (void)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (state_dir);
  g_autoptr(PortierOpening) minecraft = NULL;
  g_autoptr(PortierOpening) other = NULL;
  g_autoptr(GError) error = NULL;
  PortierPortSpec minecraft_spec = { 25565, 25565, PORTIER_PROTOCOL_TCP };
  PortierPortSpec other_spec = { 7777, 7777, PORTIER_PROTOCOL_UDP };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  minecraft = portier_opening_new (&minecraft_spec, PORTIER_DURATION_UNTIL_CLOSED);
  minecraft->app_id = g_strdup ("minecraft-java");
  minecraft->state = PORTIER_OPENING_STATE_OPEN;
  minecraft->external_address = g_strdup ("203.0.113.7");
  portier_opening_add_rule (minecraft, "rule-1", "nftables", NULL);
  portier_opening_add_mapping (minecraft, "upnp", "tcp", 25565, 25565, "192.168.1.20", 3600,
                               now);
  g_assert_true (portier_ledger_put (ledger, minecraft, &error));
  g_assert_no_error (error);

  other = portier_opening_new (&other_spec, PORTIER_DURATION_UNTIL);
  other->label = g_strdup ("My test server");
  other->state = PORTIER_OPENING_STATE_OPEN;
  other->expires = now + 3 * 3600;
  g_assert_true (portier_ledger_put (ledger, other, &error));
  g_assert_no_error (error);
}

/* An opening of 25565/tcp that went through every step; @verify_status is the test's. */
PortierOpenResult *
ui_test_open_result_new (PortierVerifyStatus verify_status)
{
  PortierPortSpec spec = { 25565, 25565, PORTIER_PROTOCOL_TCP };
  PortierOpenResult *result = portier_open_result_new (&spec);

  result->id = g_strdup ("sample");
  result->firewall_status = PORTIER_FIREWALL_STATUS_OPENED;
  result->firewall_backend = g_strdup ("firewalld");
  result->firewall_zone = g_strdup ("home");
  result->router_status = PORTIER_ROUTER_STATUS_MAPPED;
  portier_open_result_set_router (result, PORTIER_ROUTER_METHOD_UPNP, PORTIER_WAN_PUBLIC);
  result->external_address = g_strdup ("203.0.113.7");
  result->external_port = 25565;
  result->lease = 3600;
  result->verify_status = verify_status;
  return result;
}

void
ui_test_open_result_free (PortierOpenResult *result)
{
  portier_open_result_free (result);
}

/* A report with the findings of @codes for 25565/tcp, ordered and judged by the core. */
PortierDiagnosisReport *
ui_test_report_new (const char * const *codes)
{
  PortierDiagnosisReport *report = g_new0 (PortierDiagnosisReport, 1);
  PortierFindingFacts facts = { 0 };

  report->spec = (PortierPortSpec) { 25565, 25565, PORTIER_PROTOCOL_TCP };
  facts.spec = &report->spec;
  facts.program = "java";
  facts.lan_address = "192.168.1.20";
  facts.gateway = "192.168.1.1";
  facts.router_address = "100.64.12.34";
  facts.public_address = "198.51.100.23";
  facts.firewall_backend = "nftables";

  report->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_finding_free);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      PortierFinding *finding = portier_finding_new (codes[i], &facts);

      g_assert_nonnull (finding);
      g_ptr_array_add (report->findings, finding);
    }
  report->verdict = portier_findings_order (report->findings);
  return report;
}

/**
 * ui_test_guide_new:
 *
 * The guide for a FRITZ!Box without UPnP (known by its hardware address), for
 * Minecraft's 25565/tcp on this computer at 192.168.1.20.
 *
 * Returns: (transfer full): the guide
 */
PortierGuide *
ui_test_guide_new (void)
{
  g_autoptr(PortierPortSpec) port = portier_port_spec_parse ("25565/tcp", NULL);
  g_autoptr(PortierGuideFacts) facts = NULL;
  g_autoptr(PortierRouterIdentity) router = NULL;
  g_autoptr(GError) error = NULL;
  PortierGuide *guide;

  facts = portier_guide_facts_new (PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, port,
                                   "192.168.1.20", "192.168.1.1");
  facts->app_name = g_strdup ("Minecraft: Java Edition");
  /* AVM's prefix in the IEEE registry. */
  router = portier_router_identity_from_hardware_address ("00:04:0e:12:34:56", "192.168.1.1");
  g_assert_nonnull (router);
  guide = portier_guide_new (facts, router, &error);
  g_assert_no_error (error);
  return guide;
}

/* Accessibility: every control must have a name a screen reader can say. */

static gboolean
has_label_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      if (text != NULL && text[0] != '\0')
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_text (child))
      return TRUE;
  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  /* GTK labels a button by its child, which may be a mere picture: a button's name is
   * checked in its child below. */
  if (!GTK_IS_BUTTON (widget) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (tooltip != NULL && tooltip[0] != '\0')
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
      return title != NULL && title[0] != '\0';
    }
  if (GTK_IS_CHECK_BUTTON (widget))
    {
      const char *label = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
      return label != NULL && label[0] != '\0';
    }
  if (GTK_IS_BUTTON (widget) || GTK_IS_LIST_BOX_ROW (widget))
    return has_label_text (widget);
  return FALSE;
}

/* Library widgets made of several controls name their parts from their own name: the
 * text inside an entry row, the buttons of a spin button, the toggle inside a menu
 * button, the header of an expander row. */
static gboolean
is_named_by_owner (GtkWidget *widget)
{
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    if (ADW_IS_ENTRY_ROW (w) || GTK_IS_SEARCH_ENTRY (w) || GTK_IS_SPIN_BUTTON (w) ||
        GTK_IS_MENU_BUTTON (w) || ADW_IS_EXPANDER_ROW (w) || GTK_IS_DROP_DOWN (w))
      return has_name (w);
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX_ROW (widget))
    return gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget));

  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_EDITABLE (widget) || GTK_IS_MENU_BUTTON (widget) ||
         GTK_IS_DROP_DOWN (widget) || GTK_IS_SCALE (widget);
}

static void
check_names (GtkWidget *widget,
             GString   *problems)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (is_control (widget) && !has_name (widget) && !is_named_by_owner (widget))
    {
      GtkWidget *parent = gtk_widget_get_parent (widget);
      g_string_append_printf (problems, "%s (in %s) has no accessible name\n",
                              G_OBJECT_TYPE_NAME (widget),
                              parent != NULL ? G_OBJECT_TYPE_NAME (parent) : "nothing");
    }

  /* Composite controls take the focus in a part: the toggle of a menu button, the text
   * of an entry. */
  if (is_control (widget) && gtk_widget_get_sensitive (widget) &&
      !gtk_widget_get_focusable (widget) && !GTK_IS_EDITABLE (widget) &&
      !GTK_IS_MENU_BUTTON (widget) && !GTK_IS_DROP_DOWN (widget) &&
      !is_named_by_owner (widget))
    g_string_append_printf (problems, "%s cannot be reached with the keyboard\n",
                            G_OBJECT_TYPE_NAME (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_names (child, problems);
}

/**
 * ui_test_check_names:
 *
 * Returns: (transfer full): one line for each control under @root without an
 *   accessible name (a label, a tooltip or the accessible label property), or that the
 *   keyboard cannot reach; empty when there is none
 */
GString *
ui_test_check_names (GtkWidget *root)
{
  GString *problems = g_string_new (NULL);

  check_names (root, problems);
  return problems;
}

/* Pages, reached the way a person reaches them */

/**
 * ui_test_choose_app:
 * @action: the window's action that leads to the list of apps: wizard.reach-app or
 *   wizard.troubleshoot
 * @search: what the person types to find the app
 *
 * Finds the app @app_id in the list of apps and chooses it.
 */
void
ui_test_choose_app (PortierWindow *window,
                    const char    *action,
                    const char    *search,
                    const char    *app_id)
{
  PortierApp *app = portier_catalog_lookup (portier_window_get_catalog (window), app_id);
  GtkWidget *page;
  GtkWidget *row;

  gtk_widget_activate_action (GTK_WIDGET (window), action, NULL);
  page = portier_window_get_page (window);
  g_assert_true (PORTIER_IS_CHOOSE_PAGE (page));
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (page, PORTIER_TYPE_CHOOSE_PAGE,
                                                      "search_entry")), search);
  ui_test_wait_idle ();

  g_assert_nonnull (app);
  row = ui_test_find_row (ui_test_child (page, PORTIER_TYPE_CHOOSE_PAGE, "apps_list"),
                          portier_app_get_name (app));
  g_assert_nonnull (row);
  gtk_widget_activate (row);
}

static void
show_details (PortierWindow *window,
              const char    *search,
              const char    *app_id)
{
  ui_test_choose_app (window, "wizard.reach-app", search, app_id);
  g_assert_true (PORTIER_IS_DETAILS_PAGE (portier_window_get_page (window)));
}

/**
 * ui_test_show_review:
 * @search: what the person types to find the app
 *
 * Leads @window to the review page of the app @app_id, with the details' defaults.
 */
void
ui_test_show_review (PortierWindow *window,
                     const char    *search,
                     const char    *app_id)
{
  show_details (window, search, app_id);
  gtk_widget_activate_action (portier_window_get_page (window), "details.continue", NULL);
  g_assert_true (PORTIER_IS_REVIEW_PAGE (portier_window_get_page (window)));
}

/**
 * ui_test_show_page:
 * @page: welcome, choose, details, details-risk, review, progress, result, troubleshoot,
 *   troubleshoot-not-running, guide (at the forward by hand), guide-open (its first
 *   step), openings or explainer
 *
 * Leads @window to @page, with sample data where the page shows the outcome of
 * something.
 */
void
ui_test_show_page (PortierWindow *window,
                   const char    *page)
{
  portier_window_go_home (window);

  if (g_str_equal (page, "welcome"))
    ;
  else if (g_str_equal (page, "choose"))
    gtk_widget_activate_action (GTK_WIDGET (window), "wizard.reach-app", NULL);
  else if (g_str_equal (page, "details"))
    show_details (window, "minecraft java", "minecraft-java");
  else if (g_str_equal (page, "details-risk"))
    show_details (window, "ssh", "ssh");
  else if (g_str_equal (page, "review") || g_str_equal (page, "progress"))
    {
      ui_test_show_review (window, "minecraft java", "minecraft-java");
      if (g_str_equal (page, "progress"))
        {
          PortierProgressPage *progress;

          /* Shown as the opener shows it, in the opener's words, without opening
           * anything on this machine. */
          progress = PORTIER_PROGRESS_PAGE (portier_progress_page_new (
            portier_review_page_get_plan (PORTIER_REVIEW_PAGE (
              portier_window_get_page (window)))));
          portier_window_push_page (window, GTK_WIDGET (progress), _("Opening"));
          portier_progress_page_set_step (progress, PORTIER_STEP_FIREWALL,
                                          PORTIER_STEP_STATUS_DONE,
                                          "This computer’s firewall lets the port in.");
          portier_progress_page_set_step (progress, PORTIER_STEP_ROUTER,
                                          PORTIER_STEP_STATUS_RUNNING,
                                          "Asking your router to send the port to this "
                                          "computer…");
        }
    }
  else if (g_str_equal (page, "result"))
    {
      PortierCatalog *catalog = portier_window_get_catalog (window);
      g_autoptr(PortierPlan) plan = portier_plan_new_for_app (
        portier_catalog_lookup (catalog, "minecraft-java"));
      PortierOpenResult *result = ui_test_open_result_new (PORTIER_VERIFY_STATUS_REACHABLE);
      GtkWidget *widget = portier_result_page_new (plan);

      portier_result_page_add_result (PORTIER_RESULT_PAGE (widget), result);
      ui_test_open_result_free (result);
      portier_window_push_page (window, widget, _("Done"));
    }
  else if (g_str_equal (page, "troubleshoot") ||
           g_str_equal (page, "troubleshoot-not-running"))
    {
      static const char * const cgnat[] = {
        "listening", "host-firewall-open", "mapping-present", "cgnat", "unreachable", NULL
      };
      /* The app is not running, and the provider shares addresses: first things first. */
      static const char * const not_running[] = {
        "no-listener", "host-firewall-open", "mapping-present", "cgnat", "unreachable", NULL
      };
      PortierDiagnosisReport *report = ui_test_report_new (
        g_str_equal (page, "troubleshoot") ? cgnat : not_running);
      g_autoptr(PortierPlan) plan = portier_plan_new_for_app (
        portier_catalog_lookup (portier_window_get_catalog (window), "minecraft-java"));
      GtkWidget *widget = portier_troubleshoot_page_new_for_plan (plan, &report->spec, NULL);

      portier_troubleshoot_page_set_report (PORTIER_TROUBLESHOOT_PAGE (widget), report);
      portier_diagnosis_report_free (report);
      portier_window_push_page (window, widget, _("Find Problems"));
    }
  else if (g_str_equal (page, "guide") || g_str_equal (page, "guide-open"))
    {
      g_autoptr(PortierGuide) guide = ui_test_guide_new ();
      GtkWidget *widget = portier_guide_page_new (guide, NULL);
      guint step = 0;

      /* The forward by hand, with every value to type; or the first step. */
      if (g_str_equal (page, "guide"))
        while (step + 1 < portier_guide_get_n_steps (guide) &&
               portier_guide_get_step (guide, step)->kind != PORTIER_GUIDE_STEP_FORWARD)
          step++;
      portier_guide_page_set_step (PORTIER_GUIDE_PAGE (widget), step);
      portier_window_push_page (window, widget, _("Guide"));
    }
  else if (g_str_equal (page, "openings"))
    gtk_widget_activate_action (GTK_WIDGET (window), "wizard.openings", NULL);
  else if (g_str_equal (page, "explainer"))
    gtk_widget_activate_action (GTK_WIDGET (window), "wizard.explain", NULL);
  else
    g_assert_not_reached ();

  ui_test_wait_idle ();
}

/**
 * ui_test_find_dialog:
 *
 * Returns: (transfer none) (nullable): the message dialog shown now
 */
AdwMessageDialog *
ui_test_find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}
