/* test-pages.c: each page of the wizard, driven through its real widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "portier-choose-page.h"
#include "portier-details-page.h"
#include "portier-explainer-page.h"
#include "portier-guide-page.h"
#include "portier-opening-row.h"
#include "portier-openings-page.h"
#include "portier-plan.h"
#include "portier-progress-page.h"
#include "portier-result-page.h"
#include "portier-settings.h"
#include "portier-review-page.h"
#include "portier-troubleshoot-page.h"
#include "portier-welcome-page.h"
#include "ui-test-pages.h"
#include "ui-test-util.h"

typedef struct
{
  PortierWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = ui_test_window_new (800, 700);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ui_test_window_destroy (fixture->window);
  ui_test_state_dir_clear ();
}

static GtkWidget *
page_child (Fixture    *fixture,
            GType       type,
            const char *name)
{
  GtkWidget *page = portier_window_get_page (fixture->window);

  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (page, type));
  return ui_test_child (page, type, name);
}

/* Welcome: three ways in, and the network found in the background. */
static void
test_welcome (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *page = portier_window_get_page (fixture->window);
  GtkWidget *network_row;

  g_assert_true (PORTIER_IS_WELCOME_PAGE (page));
  g_assert_nonnull (ui_test_find_row (page, "Let someone reach an app"));
  g_assert_nonnull (ui_test_find_row (page, "Find out why someone can’t connect"));
  g_assert_nonnull (ui_test_find_row (page, "Ports I opened"));
  g_assert_false (gtk_widget_get_visible (ui_test_child (GTK_WIDGET (fixture->window),
                                                         PORTIER_TYPE_WINDOW, "back_button")));

  /* The network is read without blocking; the row follows when it is known. */
  network_row = ui_test_child (page, PORTIER_TYPE_WELCOME_PAGE, "network_row");
  for (guint i = 0; i < 50 && portier_welcome_page_get_network (PORTIER_WELCOME_PAGE (page)) == NULL; i++)
    ui_test_wait_idle ();
  g_assert_nonnull (portier_welcome_page_get_network (PORTIER_WELCOME_PAGE (page)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (network_row)), !=, "Checking…");

  /* Each way in leads to its page, and back. */
  gtk_widget_activate (ui_test_find_row (page, "Let someone reach an app"));
  g_assert_true (PORTIER_IS_CHOOSE_PAGE (portier_window_get_page (fixture->window)));
  g_assert_cmpint (portier_choose_page_get_purpose (
                     PORTIER_CHOOSE_PAGE (portier_window_get_page (fixture->window))), ==,
                   PORTIER_CHOOSE_FOR_OPENING);
  g_assert_true (portier_window_go_back (fixture->window));

  gtk_widget_activate (ui_test_find_row (page, "Find out why someone can’t connect"));
  g_assert_cmpint (portier_choose_page_get_purpose (
                     PORTIER_CHOOSE_PAGE (portier_window_get_page (fixture->window))), ==,
                   PORTIER_CHOOSE_FOR_TROUBLESHOOTING);
  g_assert_true (portier_window_go_back (fixture->window));

  gtk_widget_activate (ui_test_find_row (page, "Ports I opened"));
  g_assert_true (PORTIER_IS_OPENINGS_PAGE (portier_window_get_page (fixture->window)));
  g_assert_true (portier_window_go_back (fixture->window));
  g_assert_false (portier_window_go_back (fixture->window));
  g_assert_true (portier_window_get_page (fixture->window) == page);
}

/* Whether @node, or anything drawn under it, is a shadow with a blur. */
static gboolean
has_blurred_shadow (GskRenderNode *node)
{
  switch ((int) gsk_render_node_get_node_type (node))
    {
    case GSK_OUTSET_SHADOW_NODE:
      return gsk_outset_shadow_node_get_blur_radius (node) > 0;
    case GSK_INSET_SHADOW_NODE:
      return gsk_inset_shadow_node_get_blur_radius (node) > 0;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        if (has_blurred_shadow (gsk_container_node_get_child (node, i)))
          return TRUE;
      return FALSE;
    case GSK_TRANSFORM_NODE:
      return has_blurred_shadow (gsk_transform_node_get_child (node));
    case GSK_CLIP_NODE:
      return has_blurred_shadow (gsk_clip_node_get_child (node));
    case GSK_ROUNDED_CLIP_NODE:
      return has_blurred_shadow (gsk_rounded_clip_node_get_child (node));
    case GSK_OPACITY_NODE:
      return has_blurred_shadow (gsk_opacity_node_get_child (node));
    case GSK_COLOR_MATRIX_NODE:
      return has_blurred_shadow (gsk_color_matrix_node_get_child (node));
    case GSK_DEBUG_NODE:
      return has_blurred_shadow (gsk_debug_node_get_child (node));
    default:
      return FALSE;
    }
}

/* Whether @widget, as it is drawn now, has a blurred shadow anywhere. */
static gboolean
draws_blurred_shadow (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;

  ui_test_wait_idle ();
  ui_test_wait_painted (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return has_blurred_shadow (node);
}

/* The welcome page is the window's first frame: its lists are outlined, not drawn with
 * libadwaita's soft shadow, whose blur's shaders a computer without a GPU compiles before
 * the window shows anything. In high contrast libadwaita's own, stronger outline (and its
 * shadow) come back. */
static void
test_welcome_outlined (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *page = portier_window_get_page (fixture->window);
  GtkWidget *status_group = ui_test_child (page, PORTIER_TYPE_WELCOME_PAGE, "status_group");
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(GSettings) a11y = g_settings_new ("org.gnome.desktop.a11y.interface");

  g_assert_true (PORTIER_IS_WELCOME_PAGE (page));
  g_assert_false (adw_style_manager_get_high_contrast (style));
  g_assert_false (draws_blurred_shadow (page));

  /* The "Right Now" list too, once it shows. */
  for (guint i = 0; i < 50 && !gtk_widget_get_visible (status_group); i++)
    ui_test_wait_idle ();
  g_assert_true (gtk_widget_get_visible (status_group));
  g_assert_false (draws_blurred_shadow (page));

  g_settings_set_boolean (a11y, "high-contrast", TRUE);
  for (guint i = 0; i < 50 && !adw_style_manager_get_high_contrast (style); i++)
    ui_test_wait_idle ();
  g_assert_true (adw_style_manager_get_high_contrast (style));
  g_assert_true (draws_blurred_shadow (page));

  g_settings_reset (a11y, "high-contrast");
  for (guint i = 0; i < 50 && adw_style_manager_get_high_contrast (style); i++)
    ui_test_wait_idle ();
  g_assert_false (adw_style_manager_get_high_contrast (style));
  g_assert_false (draws_blurred_shadow (page));
}

/* The welcome page is the window's first frame: none of the wrapping labels in it is
 * measured by laying it out at width 0 (a character a line; see portier-welcome-page.c).
 * "Right Now" comes a frame later and keeps libadwaita's own rows. */
static void
test_welcome_labels_sized (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *page = portier_window_get_page (fixture->window);
  GtkWidget *status_group = ui_test_child (page, PORTIER_TYPE_WELCOME_PAGE, "status_group");
  g_autoptr(GString) found = g_string_new (NULL);
  g_autoptr(GPtrArray) labels = ui_test_shown_labels (page, NULL);
  guint wrapping = 0;

  g_assert_true (PORTIER_IS_WELCOME_PAGE (page));
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (gtk_widget_is_ancestor (GTK_WIDGET (label), status_group) ||
          !gtk_label_get_wrap (label))
        continue;
      wrapping++;
      if (gtk_label_get_width_chars (label) < 1)
        g_string_append_printf (found, "“%s”\n", gtk_label_get_text (label));
    }
  /* The check looks at something: the title, the description and the ways in wrap. */
  g_assert_cmpuint (wrapping, >=, 8);
  if (found->len > 0)
    g_test_fail_printf ("wrapping labels without a width in characters:\n%s", found->str);
}

/* The page starts at the top: what the first frame shows stays where it is when "Right
 * Now" appears under it, instead of moving up as a vertically centred page's would. */
static void
test_welcome_stays (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *page = portier_window_get_page (fixture->window);
  GtkWidget *status_group = ui_test_child (page, PORTIER_TYPE_WELCOME_PAGE, "status_group");
  /* The first picture on the page: its icon, at the top. */
  GtkWidget *icon = ui_test_find_type (page, GTK_TYPE_IMAGE);
  graphene_rect_t without, with;

  for (guint i = 0; i < 50 && !gtk_widget_get_visible (status_group); i++)
    ui_test_wait_idle ();
  g_assert_true (gtk_widget_get_visible (status_group));

  gtk_widget_set_visible (status_group, FALSE);
  ui_test_wait_painted (page);
  g_assert_true (gtk_widget_compute_bounds (icon, page, &without));
  gtk_widget_set_visible (status_group, TRUE);
  ui_test_wait_painted (page);
  g_assert_true (gtk_widget_compute_bounds (icon, page, &with));

  g_assert_cmpfloat (without.size.height, >, 0);
  g_assert_cmpfloat_with_epsilon (with.origin.y, without.origin.y, 0.5);
}

/* The shown text under @root, one label a line, leaving out @skip and what is in it. */
static void
collect_shown_text (GtkWidget *root,
                    GtkWidget *skip,
                    GString   *text)
{
  if (root == skip)
    return;
  if (GTK_IS_LABEL (root) && ui_test_is_shown (root))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shown_text (child, skip, text);
}

static const char *
welcome_subtitle (GtkWidget  *page,
                  const char *row)
{
  return adw_action_row_get_subtitle (
    ADW_ACTION_ROW (ui_test_child (page, PORTIER_TYPE_WELCOME_PAGE, row)));
}

static PortierNetwork *
welcome_network (GtkWidget *page)
{
  return portier_welcome_page_get_network (PORTIER_WELCOME_PAGE (page));
}

/* Welcome in plain words: "Right Now" names no interface, address, firewall program or
 * way of talking to the router; those are one click away, in "Technical details". */
static void
test_welcome_plain (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const jargon[] = {
    "nftables", "ufw", "firewalld", "UPnP", "NAT-PMP", "IGD", "eth0", "IPv4", "IPv6", NULL
  };
  PortierRouterInfo router = {
    .method = PORTIER_ROUTER_METHOD_NATPMP,
    .gateway = (char *) "192.168.1.1",
    .external_address = (char *) "203.0.113.7",
    .wan_class = PORTIER_WAN_PUBLIC,
  };
  GtkWidget *page = portier_window_get_page (fixture->window);
  GtkWidget *technical = ui_test_child (page, PORTIER_TYPE_WELCOME_PAGE, "technical_row");
  const PortierNetworkInfo *info;
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GString) details = g_string_new (NULL);

  /* The network and the firewall are looked at after the first frame. */
  for (guint i = 0; i < 50; i++)
    {
      if (welcome_network (page) != NULL &&
          !g_str_equal (welcome_subtitle (page, "firewall_row"), "Checking…"))
        break;
      ui_test_wait_idle ();
    }
  g_assert_nonnull (welcome_network (page));
  g_assert_cmpstr (welcome_subtitle (page, "firewall_row"), !=, "Checking…");
  info = portier_network_get_info (welcome_network (page));

  portier_welcome_page_show_router (PORTIER_WELCOME_PAGE (page), &router, NULL);
  g_assert_cmpstr (welcome_subtitle (page, "router_row"), ==,
                   "Your router can open the way automatically");

  ui_test_wait_painted (page);
  collect_shown_text (page, technical, shown);
  g_assert_nonnull (strstr (shown->str, "Right Now"));
  for (guint i = 0; jargon[i] != NULL; i++)
    g_assert_null (strstr (shown->str, jargon[i]));
  if (info->connected && info->interface != NULL)
    {
      g_assert_cmpstr (welcome_subtitle (page, "network_row"), ==,
                       "Connected to your home network");
      g_assert_null (strstr (shown->str, info->interface));
    }
  if (info->ipv4_address != NULL)
    g_assert_null (strstr (shown->str, info->ipv4_address));

  /* One click away. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (technical), TRUE);
  ui_test_wait_painted (page);
  collect_shown_text (technical, NULL, details);
  g_assert_nonnull (strstr (details->str, "192.168.1.1, NAT-PMP"));
  if (info->interface != NULL)
    g_assert_nonnull (strstr (details->str, info->interface));
  if (info->ipv4_address != NULL)
    g_assert_nonnull (strstr (details->str, info->ipv4_address));
}

/* Search the catalog for Minecraft, pick it, see its port and purpose. */
static void
test_choose_minecraft (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *apps_list;
  GtkWidget *row;
  GtkWidget *technical;
  GtkWidget *port_row;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.reach-app", NULL);
  apps_list = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "apps_list");
  g_assert_nonnull (ui_test_find_row (apps_list, "Terraria"));

  gtk_editable_set_text (GTK_EDITABLE (page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE,
                                                   "search_entry")), "Minecraft");
  ui_test_wait_idle ();

  /* Only the matches are left. */
  g_assert_null (ui_test_find_row (apps_list, "Terraria"));
  g_assert_nonnull (ui_test_find_row (apps_list, "Minecraft: Bedrock Edition"));
  row = ui_test_find_row (apps_list, "Minecraft: Java Edition");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "port 25565 (TCP)");

  gtk_widget_activate (row);
  g_assert_true (PORTIER_IS_DETAILS_PAGE (portier_window_get_page (fixture->window)));
  ui_test_wait_idle ();

  /* The ports are technical facts: folded away in one row, until the person asks. */
  technical = page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "technical_row");
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (technical)));
  g_assert_null (ui_test_find_row (technical, "Port 25565 (TCP)"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (technical), TRUE);
  ui_test_wait_idle ();
  port_row = ui_test_find_row (technical, "Port 25565 (TCP)");
  g_assert_nonnull (port_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (port_row)), ==,
                   "Players joining your world");
  /* The home-network-only console port is shown as staying closed. */
  g_assert_nonnull (ui_test_find_row (technical, "Stays closed: port 25575 (TCP)"));
  /* Low risk: no warning, nothing to confirm. */
  g_assert_false (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE,
                                                "risk_group")));
  g_assert_nonnull (ui_test_find_row (technical, "TCP"));
  g_assert_true (gtk_widget_is_sensitive (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE,
                                                      "continue_button")));
  /* The app's name is the page's heading; the header's title is short enough for a
   * phone (issue 17). */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE,
                                                              "title_label"))), ==,
                   "Minecraft: Java Edition");
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (
                     ui_test_child (GTK_WIDGET (fixture->window), PORTIER_TYPE_WINDOW,
                                    "window_title"))), ==, "Details");
}

/* Enter in the search box picks the first match. */
static void
test_choose_search_enter (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *search;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.reach-app", NULL);
  search = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "search_entry");
  gtk_editable_set_text (GTK_EDITABLE (search), "terraria");
  ui_test_wait_idle ();
  ui_test_activate_entry (search);
  g_assert_true (PORTIER_IS_DETAILS_PAGE (portier_window_get_page (fixture->window)));
  g_assert_cmpstr (portier_plan_get_title (portier_details_page_get_plan (
                     PORTIER_DETAILS_PAGE (portier_window_get_page (fixture->window)))), ==,
                   "Terraria");
}

/* A search without a match says what to do instead. */
static void
test_choose_no_match (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *label;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.reach-app", NULL);
  gtk_editable_set_text (GTK_EDITABLE (page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE,
                                                   "search_entry")), "zzzz no such app");
  ui_test_wait_idle ();
  label = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "no_match_label");
  g_assert_true (ui_test_is_shown (label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "“zzzz no such app”"));
  g_assert_false (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE,
                                                "apps_list")));
}

/* "Another port…": what the parser says about bad input is what the person reads. */
static void
test_choose_other_port (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char * const bad[] = { "70000", "abc", "80-70", "25565/sctp", "", NULL };
  GtkWidget *entry;
  GtkWidget *error_label;
  GtkWidget *technical;
  PortierPlan *plan;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.reach-app", NULL);
  entry = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "port_entry");
  error_label = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "port_error_label");

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) expected = NULL;
      g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (bad[i], &expected);

      g_assert_null (spec);
      gtk_editable_set_text (GTK_EDITABLE (entry), bad[i]);
      ui_test_activate_entry (entry);

      g_assert_true (PORTIER_IS_CHOOSE_PAGE (portier_window_get_page (fixture->window)));
      g_assert_true (ui_test_is_shown (error_label));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, expected->message);
      g_assert_true (gtk_widget_has_css_class (entry, "error"));
    }

  /* Typing again clears the complaint. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "19132/ud");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));

  /* "Not sure? Open both": both kinds of connection, unless the person typed one. */
  gtk_widget_activate (ui_test_find_row (portier_window_get_page (fixture->window),
                                         "Not sure? Open both"));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "both_check"))));
  gtk_editable_set_text (GTK_EDITABLE (entry), "7777");
  ui_test_activate_entry (entry);
  g_assert_true (PORTIER_IS_DETAILS_PAGE (portier_window_get_page (fixture->window)));
  plan = portier_details_page_get_plan (PORTIER_DETAILS_PAGE (portier_window_get_page (
                                                               fixture->window)));
  g_assert_cmpint (portier_plan_get_protocols (plan), ==, PORTIER_PROTOCOL_BOTH);
  portier_window_go_back (fixture->window);
  ui_test_wait_idle ();

  gtk_editable_set_text (GTK_EDITABLE (entry), "19132/udp");
  ui_test_activate_entry (entry);
  g_assert_true (PORTIER_IS_DETAILS_PAGE (portier_window_get_page (fixture->window)));
  plan = portier_details_page_get_plan (PORTIER_DETAILS_PAGE (portier_window_get_page (
                                                               fixture->window)));
  g_assert_cmpuint (portier_plan_get_ports (plan)->len, ==, 1);
  g_assert_cmpuint (g_array_index (portier_plan_get_ports (plan), PortierAppPort, 0).spec.first,
                    ==, 19132);
  g_assert_cmpint (portier_plan_get_protocols (plan), ==, PORTIER_PROTOCOL_UDP);
  technical = page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "technical_row");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (technical), TRUE);
  ui_test_wait_idle ();
  g_assert_nonnull (ui_test_find_row (technical, "UDP"));
}

/* "Running on this computer now" lists a program that listens, by name. */
static void
test_choose_running (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *comm = NULL;
  GtkWidget *running;
  GtkWidget *row = NULL;
  guint16 port;

  any = g_inet_socket_address_new_from_string ("0.0.0.0", 0);
  g_socket_listener_add_address (listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_file_get_contents ("/proc/self/comm", &comm, NULL, NULL));
  g_strstrip (comm);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.reach-app", NULL);
  for (guint i = 0; i < 50 && ui_test_find_row (page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE,
                                                            "running_list"),
                                                "Looking for running programs…"); i++)
    ui_test_wait_idle ();
  /* A program Portier does not know is listed below the catalog, with where it waits
   * (issue 17). */
  running = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "unknown_list");
  g_assert_true (ui_test_is_shown (running));

  expected = g_strdup_printf ("port %u (TCP)", port);
  for (GtkWidget *child = gtk_widget_get_first_child (running);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child) &&
        g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (child)), expected) == 0)
      row = child;

  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, comm);

  gtk_widget_activate (row);
  g_assert_true (PORTIER_IS_DETAILS_PAGE (portier_window_get_page (fixture->window)));
  g_assert_cmpstr (portier_plan_get_title (portier_details_page_get_plan (
                     PORTIER_DETAILS_PAGE (portier_window_get_page (fixture->window)))), ==,
                   comm);
}

/* Port 22: the risk warning, in the core's words, and a confirmation before going on. */
static void
test_details_risk (Fixture       *fixture,
                   gconstpointer  data)
{
  PortierPortSpec spec = { 22, 22, PORTIER_PROTOCOL_TCP };
  g_autoptr(PortierPlan) plan = portier_plan_new_for_port (&spec, NULL, NULL);
  const char *reason = NULL;
  GtkWidget *risk_row;
  GtkWidget *confirm;
  gboolean confirmed = FALSE;

  g_assert_cmpint (portier_port_spec_get_risk (&spec, &reason), ==, PORTIER_RISK_HIGH);
  portier_window_push_page (fixture->window,
                            portier_details_page_new (plan, PORTIER_DURATION_WHILE_RUNNING, 4),
                            "Port details");
  ui_test_wait_idle ();

  g_assert_true (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE,
                                               "risk_group")));
  risk_row = page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "risk_row");
  /* The core's reason, then one sentence of advice (issue 17). */
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (risk_row)),
                                   reason));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (risk_row)),
                            "strong password"));
  g_assert_true (gtk_widget_has_css_class (risk_row, "risk-high"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (risk_row)), ==,
                   "Strangers will try to get in through this port");
  /* It closes by itself: "For some hours", although the last choice was another, with
   * the unit next to the number. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "hours_check"))));
  g_assert_nonnull (ui_test_find_label (portier_window_get_page (fixture->window), "hours"));

  /* Nothing goes on before the person says they understand. */
  g_signal_connect_swapped (portier_window_get_page (fixture->window), "confirmed",
                            G_CALLBACK (ui_test_set_true), &confirmed);
  g_assert_false (gtk_widget_is_sensitive (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE,
                                                       "continue_button")));
  confirm = page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "confirm_check");
  gtk_widget_activate (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "confirm_row"));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (confirm)));
  g_assert_true (gtk_widget_is_sensitive (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE,
                                                      "continue_button")));
  g_assert_false (confirmed);
  ui_test_click (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "continue_button"));
  g_assert_true (confirmed);
}

/* How long: the default comes from GSettings, the choice goes out with the plan and is
 * remembered as the next default. */
static void
test_details_duration (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.portier_app.Portier");
  g_autofree char *remembered = NULL;
  PortierPlan *plan;
  GtkWidget *search;
  GtkWidget *spin;

  g_settings_set_string (settings, "default-duration", "hours");
  g_settings_set_uint (settings, "duration-hours", 6);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.reach-app", NULL);
  search = page_child (fixture, PORTIER_TYPE_CHOOSE_PAGE, "search_entry");
  gtk_editable_set_text (GTK_EDITABLE (search), "terraria");
  ui_test_wait_idle ();
  ui_test_activate_entry (search);
  plan = portier_details_page_get_plan (PORTIER_DETAILS_PAGE (portier_window_get_page (
                                                               fixture->window)));

  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
    page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "hours_check"))));
  spin = page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "hours_spin");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 6);
  g_assert_true (gtk_widget_is_sensitive (spin));

  gtk_widget_activate (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "until_closed_row"));
  g_assert_false (gtk_widget_is_sensitive (spin));
  ui_test_click (page_child (fixture, PORTIER_TYPE_DETAILS_PAGE, "continue_button"));

  /* On to the review, which says what was chosen. */
  g_assert_cmpint (portier_plan_get_duration (plan), ==, PORTIER_DURATION_UNTIL_CLOSED);
  g_assert_true (PORTIER_IS_REVIEW_PAGE (portier_window_get_page (fixture->window)));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                     page_child (fixture, PORTIER_TYPE_REVIEW_PAGE, "duration_row"))), ==,
                   "It stays open until you close it, even after you quit Portier, log out or "
                   "restart the computer.");
  remembered = g_settings_get_string (settings, "default-duration");
  g_assert_cmpstr (remembered, ==, "until-closed");
  g_settings_reset (settings, "default-duration");
  g_settings_reset (settings, "duration-hours");
}

/* Review: the plan step by step, the password prompt announced. */
static void
test_review (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *steps;
  GtkWidget *firewall;

  ui_test_show_page (fixture->window, "review");
  steps = page_child (fixture, PORTIER_TYPE_REVIEW_PAGE, "steps_group");
  firewall = ui_test_find_row (steps, "Allow port 25565 (TCP) through this computer’s firewall");
  g_assert_nonnull (firewall);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (firewall)), ==,
                   "You will be asked for your password.");
  g_assert_nonnull (ui_test_find_row (steps,
                                      "Ask your router to send port 25565 (TCP) to this computer"));
  g_assert_nonnull (ui_test_find_row (steps, "Test from the internet"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (page_child (fixture,
                                                                 PORTIER_TYPE_REVIEW_PAGE,
                                                                 "open_button"))), ==,
                   "_Open Port");
}

/* Progress: each step as it is reported; no way back but "Stop", which cancels. */
static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  PortierProgressPage *page;
  GCancellable *cancellable;
  GtkWidget *steps;
  GtkWidget *row;

  /* The page as the window shows it while the opener runs; the opener itself runs only
   * in the simulated home network (test-e2e), never on this machine. */
  ui_test_show_page (fixture->window, "review");
  page = PORTIER_PROGRESS_PAGE (portier_progress_page_new (
    portier_review_page_get_plan (PORTIER_REVIEW_PAGE (portier_window_get_page (
                                                         fixture->window)))));
  portier_window_push_page (fixture->window, GTK_WIDGET (page), "Opening");
  g_assert_true (PORTIER_IS_PROGRESS_PAGE (page));

  steps = page_child (fixture, PORTIER_TYPE_PROGRESS_PAGE, "steps_group");
  row = ui_test_find_row (steps, "This computer’s firewall");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Waiting");

  portier_progress_page_set_step (page, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_RUNNING,
                                  "Asking for your password…");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Asking for your password…");
  g_assert_nonnull (ui_test_find_type (row, GTK_TYPE_SPINNER));
  g_assert_true (ui_test_is_shown (ui_test_find_type (row, GTK_TYPE_SPINNER)));
  portier_progress_page_set_step (page, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_DONE, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Done");
  g_assert_false (ui_test_is_shown (ui_test_find_type (row, GTK_TYPE_SPINNER)));
  g_assert_cmpint (portier_progress_page_get_step_status (page, PORTIER_STEP_FIREWALL), ==,
                   PORTIER_STEP_STATUS_DONE);

  /* Going back would leave it half-open: only "Stop and Undo" is offered, and the back
   * button is not shown at all. */
  g_assert_false (gtk_widget_is_sensitive (ui_test_child (GTK_WIDGET (fixture->window),
                                                          PORTIER_TYPE_WINDOW, "back_button")));
  g_assert_false (gtk_widget_get_visible (ui_test_child (GTK_WIDGET (fixture->window),
                                                         PORTIER_TYPE_WINDOW, "back_button")));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.back", NULL);
  g_assert_true (portier_window_get_page (fixture->window) == GTK_WIDGET (page));

  cancellable = portier_progress_page_get_cancellable (page);
  g_assert_false (g_cancellable_is_cancelled (cancellable));
  ui_test_click (page_child (fixture, PORTIER_TYPE_PROGRESS_PAGE, "cancel_button"));
  g_assert_true (g_cancellable_is_cancelled (cancellable));
}

/* Leaving a page cancels its work: the page is gone, its cancellable cancelled. */
static void
test_leaving_cancels (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *page;
  GCancellable *cancellable;

  ui_test_show_page (fixture->window, "troubleshoot");
  page = portier_window_get_page (fixture->window);
  portier_troubleshoot_page_set_checking (PORTIER_TROUBLESHOOT_PAGE (page));
  cancellable = g_object_ref (portier_troubleshoot_page_get_cancellable (
                                PORTIER_TROUBLESHOOT_PAGE (page)));
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);

  g_assert_true (portier_window_go_back (fixture->window));
  for (guint i = 0; i < 20 && page != NULL; i++)
    ui_test_wait_idle ();
  g_assert_null (page);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_object_unref (cancellable);
}

/* Result: the address to give, a copy button that copies it, what to tell friends. */
static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
test_result (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *share_row;
  GtkWidget *copy;
  g_autofree char *copied = NULL;
  GdkClipboard *clipboard;

  ui_test_show_page (fixture->window, "result");
  g_assert_cmpint (portier_result_page_get_outcome (PORTIER_RESULT_PAGE (
                     portier_window_get_page (fixture->window))), ==,
                   PORTIER_OUTCOME_REACHABLE);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (
                     page_child (fixture, PORTIER_TYPE_RESULT_PAGE, "status_page"))), ==,
                   "Your Friends Can Join Now");

  share_row = ui_test_find_row (page_child (fixture, PORTIER_TYPE_RESULT_PAGE, "share_group"),
                                "203.0.113.7:25565");
  g_assert_nonnull (share_row);
  g_assert_nonnull (ui_test_find_row (page_child (fixture, PORTIER_TYPE_RESULT_PAGE,
                                                  "steps_group"),
                                      "Reachable from the internet: the test got through"));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                              page_child (fixture, PORTIER_TYPE_RESULT_PAGE, "tell_row"))),
                            "Multiplayer"));

  /* A labelled button copies it; a sentence says the address can change. */
  copy = page_child (fixture, PORTIER_TYPE_RESULT_PAGE, "copy_button");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (copy)), ==, "_Copy Address");
  g_assert_true (ui_test_is_shown (copy));
  g_assert_nonnull (ui_test_find_label (
    portier_window_get_page (fixture->window),
    "This address can change, for example when your router restarts. “Ports I opened” in "
    "Portier always shows the current one."));
  ui_test_click (copy);
  clipboard = gtk_widget_get_clipboard (copy);
  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, &copied);
  while (copied == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (copied, ==, "203.0.113.7:25565");

  /* "Done" goes home. */
  ui_test_click (page_child (fixture, PORTIER_TYPE_RESULT_PAGE, "done_button"));
  g_assert_true (PORTIER_IS_WELCOME_PAGE (portier_window_get_page (fixture->window)));
}

/* The outcome of an opening decides where the wizard goes. */
static void
test_result_outcome (void)
{
  static const struct
  {
    PortierVerifyStatus  verify;
    PortierRouterStatus  router;
    PortierOutcome       outcome;
  } cases[] = {
    { PORTIER_VERIFY_STATUS_REACHABLE, PORTIER_ROUTER_STATUS_MAPPED, PORTIER_OUTCOME_REACHABLE },
    { PORTIER_VERIFY_STATUS_OPEN, PORTIER_ROUTER_STATUS_ALREADY_MAPPED,
      PORTIER_OUTCOME_REACHABLE },
    { PORTIER_VERIFY_STATUS_UNAVAILABLE, PORTIER_ROUTER_STATUS_MAPPED,
      PORTIER_OUTCOME_UNTESTED },
    { PORTIER_VERIFY_STATUS_SKIPPED, PORTIER_ROUTER_STATUS_MAPPED, PORTIER_OUTCOME_UNTESTED },
    { PORTIER_VERIFY_STATUS_UNREACHABLE, PORTIER_ROUTER_STATUS_MAPPED, PORTIER_OUTCOME_FAILED },
    { PORTIER_VERIFY_STATUS_SKIPPED, PORTIER_ROUTER_STATUS_FAILED, PORTIER_OUTCOME_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PortierOpenResult *result = ui_test_open_result_new (cases[i].verify);
      g_autofree char *share = NULL;

      result->router_status = cases[i].router;
      g_assert_cmpint (portier_open_result_get_outcome (result), ==, cases[i].outcome);

      result->external_address = (g_free (result->external_address), g_strdup ("2001:db8::7"));
      share = portier_open_result_dup_share (result);
      g_assert_cmpstr (share, ==, "[2001:db8::7]:25565");
      ui_test_open_result_free (result);
    }
}

/* How many shown labels under @root contain @text. */
static guint
count_text (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = ui_test_shown_labels (root, NULL);
  guint n = 0;

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      n++;
  return n;
}

/* Troubleshooter: carrier-grade NAT is the first problem, in the core's words, with a
 * phone and the exact words to say to the provider, and no button (only the provider
 * can fix it). Each message appears once; the app is called by its name (issue 17). */
static void
test_troubleshoot_cgnat (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const codes[] = {
    "listening", "host-firewall-open", "mapping-present", "cgnat", "unreachable", NULL
  };
  g_autoptr(PortierDiagnosisReport) report = ui_test_report_new (codes);
  const PortierFinding *first = portier_diagnosis_report_get_first_problem (report);
  PortierTroubleshootPage *page;
  GtkWidget *first_row;
  GtkWidget *technical;
  const char *subtitle;

  g_assert_cmpstr (first->code, ==, "cgnat");
  ui_test_show_page (fixture->window, "troubleshoot");
  page = PORTIER_TROUBLESHOOT_PAGE (portier_window_get_page (fixture->window));
  g_assert_cmpstr (portier_diagnosis_report_get_first_problem (
                     portier_troubleshoot_page_get_report (page))->code, ==, "cgnat");

  first_row = page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "first_row");
  g_assert_true (ui_test_is_shown (first_row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first_row)), ==,
                   first->summary);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (first_row));
  g_assert_true (g_str_has_prefix (subtitle, "Call your internet provider and say: “"));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (
                     page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "first_icon"))), ==,
                   "call-start-symbolic");
  g_assert_false (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE,
                                                "fix_button")));
  /* "Check again" and a way to close what was opened, always there. */
  g_assert_true (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE,
                                               "check_button")));
  g_assert_true (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE,
                                               "close_opened_button")));

  /* Everything that was checked is in the technical details, folded away; with them
   * open, every message is on the page once. */
  technical = ui_test_find_row (GTK_WIDGET (page), "Technical details");
  g_assert_nonnull (technical);
  g_assert_true (gtk_widget_has_css_class (technical, "technical-details"));
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (technical)));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (technical), TRUE);
  ui_test_wait_idle ();
  for (guint i = 0; i < report->findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (report->findings, i);

      if (g_str_equal (finding->code, "listening"))
        continue;
      g_assert_cmpuint (count_text (GTK_WIDGET (page), finding->summary), ==, 1);
      if (finding->detail != NULL)
        g_assert_cmpuint (count_text (GTK_WIDGET (page), finding->detail), ==, 1);
    }
  g_assert_cmpuint (count_text (GTK_WIDGET (page), subtitle), ==, 1);
  /* The app by its name, not the process's. */
  g_assert_cmpuint (count_text (GTK_WIDGET (page),
                                "Minecraft: Java Edition is waiting for connections."), ==, 1);
  g_assert_cmpuint (count_text (GTK_WIDGET (page), "java"), ==, 0);
}

/* Problems in the order to fix them: the app that is not running comes before the
 * provider (issue 17). */
static void
test_troubleshoot_order (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const codes[] = {
    "cgnat", "no-listener", "host-firewall-open", "mapping-present", "unreachable", NULL
  };
  g_autoptr(PortierDiagnosisReport) report = ui_test_report_new (codes);
  g_autoptr(PortierPlan) plan = portier_plan_new_for_app (
    portier_catalog_lookup (portier_window_get_catalog (fixture->window), "minecraft-java"));
  GtkWidget *page = portier_troubleshoot_page_new_for_plan (plan, &report->spec, NULL);
  GtkWidget *next;
  GtkWidget *second;

  portier_troubleshoot_page_set_report (PORTIER_TROUBLESHOOT_PAGE (page), report);
  portier_window_push_page (fixture->window, page, "Find Problems");
  ui_test_wait_idle ();

  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                     page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "first_row"))), ==,
                   "Start Minecraft: Java Edition on this computer, then check again.");
  next = page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "next_list");
  second = gtk_widget_get_first_child (next);
  g_assert_nonnull (second);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (second)),
                                   "Call your internet provider"));
}

/* A problem Portier can fix gets a button, which says which fix. */
static void
on_fix (PortierTroubleshootPage *page,
        guint                    action,
        const char              *code,
        gpointer                 user_data)
{
  char **seen = user_data;

  *seen = g_strdup_printf ("%u %s", action, code);
}

static void
test_troubleshoot_fix (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char * const codes[] = {
    "listening", "host-firewall-open", "mapping-missing", "unreachable", NULL
  };
  g_autoptr(PortierDiagnosisReport) report = ui_test_report_new (codes);
  g_autofree char *seen = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *page = portier_troubleshoot_page_new (&report->spec);
  GtkWidget *button;

  portier_troubleshoot_page_set_report (PORTIER_TROUBLESHOOT_PAGE (page), report);
  portier_window_push_page (fixture->window, page, "Find Problems");
  ui_test_wait_idle ();

  button = page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "fix_button");
  g_assert_true (ui_test_is_shown (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==,
                   "_Ask the Router to Forward It");
  g_signal_connect (page, "fix", G_CALLBACK (on_fix), &seen);
  ui_test_click (button);
  expected = g_strdup_printf ("%u mapping-missing", PORTIER_FIX_ADD_MAPPING);
  g_assert_cmpstr (seen, ==, expected);
}

/* A problem the guide leads through: the fix button says so, and asks for the guide. */
static void
test_troubleshoot_guide (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const codes[] = {
    "listening", "host-firewall-open", "no-router-support", "unreachable", NULL
  };
  g_autoptr(PortierDiagnosisReport) report = ui_test_report_new (codes);
  g_autofree char *seen = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *page = portier_troubleshoot_page_new (&report->spec);
  GtkWidget *button;

  /* As the diagnosis gives it: the guide, and the finding it is for. */
  report->guide = ui_test_guide_new ();
  ((PortierFinding *) portier_diagnosis_report_get_first_problem (report))->action =
    PORTIER_FIX_FOLLOW_GUIDE;
  portier_troubleshoot_page_set_report (PORTIER_TROUBLESHOOT_PAGE (page), report);
  portier_window_push_page (fixture->window, page, "What Is in the Way");
  ui_test_wait_idle ();

  button = page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "fix_button");
  g_assert_true (ui_test_is_shown (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Show Me How, Step by Step");
  g_signal_connect (page, "fix", G_CALLBACK (on_fix), &seen);
  ui_test_click (button);
  expected = g_strdup_printf ("%u no-router-support", PORTIER_FIX_FOLLOW_GUIDE);
  g_assert_cmpstr (seen, ==, expected);
  /* The window's leading to the guide is in tests/ui/test-e2e.c, with the real report. */
}

static const char *
guide_label (GtkWidget  *page,
             const char *name)
{
  return gtk_label_get_label (GTK_LABEL (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, name)));
}

static gboolean
guide_can (GtkWidget  *page,
           const char *button)
{
  GtkWidget *widget = ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, button);

  return ui_test_is_shown (widget) && gtk_widget_is_sensitive (widget);
}

static char *
clipboard_text (GtkWidget *widget)
{
  GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (widget));
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  return g_value_dup_string (&value);
}

/* Each step's values: the router's name for the field, the value, and a copy button that
 * says what it copies. */
static void
assert_guide_values (GtkWidget              *page,
                     const PortierGuideStep *step)
{
  GtkWidget *group = ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "values_group");

  g_assert_cmpint (ui_test_is_shown (group), ==, step->values->len > 0);
  for (guint i = 0; i < step->values->len; i++)
    {
      const PortierGuideValue *value = g_ptr_array_index (step->values, i);
      g_autofree char *label = g_strdup_printf ("Copy %s: %s", value->field, value->value);
      g_autofree char *copied = NULL;
      g_autofree char *problem = NULL;
      GtkWidget *row = ui_test_find_row (group, value->field);
      GtkWidget *copy;

      g_assert_nonnull (row);
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, value->value);
      copy = ui_test_find_type (row, GTK_TYPE_BUTTON);
      g_assert_nonnull (copy);
      problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (copy),
                                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label);
      g_assert_null (problem);
      ui_test_click (copy);
      copied = clipboard_text (copy);
      g_assert_cmpstr (copied, ==, value->value);
    }
}

/* The guide: one step at a time, Back and Next, the values with their copy buttons, and
 * the step remembered when the guide is left. */
static void
test_guide (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(PortierGuide) guide = ui_test_guide_new ();
  g_autoptr(GSettings) settings = portier_settings_new ();
  guint n = portier_guide_get_n_steps (guide);
  gboolean seen_forward = FALSE;
  GtkWidget *page;

  g_assert_nonnull (settings);
  g_settings_reset (settings, "guide-steps");
  g_assert_cmpuint (n, >=, 3);
  page = portier_guide_page_new (guide, settings);
  portier_window_push_page (fixture->window, page, "Guide");
  ui_test_wait_idle ();

  g_assert_cmpstr (guide_label (page, "router_label"), ==, "Your router: FRITZ!Box");
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, 0);

  for (guint i = 0; i < n; i++)
    {
      const PortierGuideStep *step = portier_guide_get_step (guide, i);
      g_autofree char *counter = g_strdup_printf ("Step %u of %u", i + 1, n);

      g_assert_cmpstr (guide_label (page, "step_label"), ==, counter);
      g_assert_cmpstr (guide_label (page, "title_label"), ==, step->title);
      g_assert_cmpstr (guide_label (page, "text_label"), ==, step->text);
      g_assert_cmpint (guide_can (page, "back_button"), ==, i > 0);
      g_assert_cmpint (guide_can (page, "next_button"), ==, i + 1 < n);
      g_assert_cmpstr (guide_label (page, "check_button_label"), ==,
                       step->check != PORTIER_GUIDE_CHECK_NONE ? "I’ve Done It — _Check Again"
                                                               : "_Continue");
      /* The router's settings are a button away where they are needed. */
      if (step->kind == PORTIER_GUIDE_STEP_OPEN_SETTINGS ||
          step->kind == PORTIER_GUIDE_STEP_FORWARD)
        g_assert_true (guide_can (page, "settings_button"));
      if (step->kind == PORTIER_GUIDE_STEP_FORWARD)
        {
          /* The FRITZ!Box's own word for this computer, with its address. */
          GtkWidget *row = ui_test_find_row (page, "Device");

          g_assert_nonnull (row);
          g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                           "192.168.1.20");
          seen_forward = TRUE;
        }
      assert_guide_values (page, step);

      if (i + 1 < n)
        ui_test_click (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "next_button"));
      ui_test_wait_idle ();
    }
  g_assert_true (seen_forward);
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, n - 1);

  /* Back once, then leave: the guide opens again where it was left. */
  ui_test_click (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "back_button"));
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, n - 2);
  portier_window_go_back (fixture->window);
  ui_test_wait_idle ();
  page = portier_guide_page_new (guide, settings);
  portier_window_push_page (fixture->window, page, "Guide");
  ui_test_wait_idle ();
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, n - 2);
  g_assert_true (guide_can (page, "back_button"));

  /* Another port's guide starts at its beginning. */
  {
    g_autoptr(PortierPortSpec) port = portier_port_spec_parse ("27015/udp", NULL);
    g_autoptr(PortierGuideFacts) facts = portier_guide_facts_new (
      PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, port, "192.168.1.20", "192.168.1.1");
    g_autoptr(PortierGuide) other = portier_guide_new (facts,
                                                       portier_guide_get_router (guide), NULL);
    GtkWidget *other_page;

    g_assert_nonnull (other);
    other_page = portier_guide_page_new (other, settings);
    g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (other_page)), ==, 0);
    g_object_unref (g_object_ref_sink (other_page));
  }

  g_settings_reset (settings, "guide-steps");
}

/* Ports I opened: the ledger's openings, each with its close button. */
static void
on_close (PortierOpeningsPage *page,
          const char          *id,
          gpointer             user_data)
{
  char **closed = user_data;

  *closed = g_strdup (id);
  g_signal_stop_emission_by_name (page, "close");
}

static void
on_test (const PortierOpening **tested,
         const PortierOpening  *opening)
{
  *tested = opening;
}

static void
test_openings (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = NULL;
  g_autofree char *closed = NULL;
  PortierOpeningsPage *page;
  PortierOpening *minecraft = NULL;
  GPtrArray *openings;
  GtkWidget *row;
  GtkWidget *button;

  /* Nothing yet. */
  ui_test_show_page (fixture->window, "openings");
  page = PORTIER_OPENINGS_PAGE (portier_window_get_page (fixture->window));
  g_assert_cmpuint (portier_openings_page_get_n_rows (page), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (
                     page_child (fixture, PORTIER_TYPE_OPENINGS_PAGE, "stack"))), ==, "empty");

  ui_test_fill_ledger ();
  ui_test_show_page (fixture->window, "openings");
  page = PORTIER_OPENINGS_PAGE (portier_window_get_page (fixture->window));
  g_assert_cmpuint (portier_openings_page_get_n_rows (page), ==, 2);

  row = ui_test_find_row (GTK_WIDGET (page), "Minecraft: Java Edition");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "Open until you close it"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "Friends use 203.0.113.7:25565"));
  g_assert_nonnull (ui_test_find_row (GTK_WIDGET (page), "My test server"));
  g_assert_true (ui_test_is_shown (page_child (fixture, PORTIER_TYPE_OPENINGS_PAGE,
                                               "close_all_button")));

  ledger = portier_ledger_new (ui_test_state_dir ());
  g_assert_true (portier_ledger_load (ledger, NULL));
  openings = portier_ledger_get_openings (ledger);
  for (guint i = 0; i < openings->len; i++)
    if (g_strcmp0 (((PortierOpening *) g_ptr_array_index (openings, i))->app_id,
                   "minecraft-java") == 0)
      minecraft = g_ptr_array_index (openings, i);
  g_assert_nonnull (minecraft);

  /* A router forward another program keeps is shown as kept open by that program. */
  {
    g_autoptr(PortierOpening) kept = portier_opening_copy (minecraft);
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    g_autofree char *own_state = portier_opening_describe_state (minecraft, now);
    g_autofree char *kept_state = NULL;

    ((PortierLedgerMapping *) kept->mappings->pdata[0])->kept_by = g_strdup ("Some App");
    kept_state = portier_opening_describe_state (kept, now);
    g_assert_nonnull (strstr (kept_state, "Kept open by “Some App”"));
    g_assert_null (strstr (own_state, "Kept open"));
  }

  /* Each row copies its address and tests it again (issue 17); the test would run the
   * troubleshooter, which talks to the network: here, the request is what is checked. */
  {
    g_autofree char *copied = NULL;
    const PortierOpening *tested = NULL;

    button = ui_test_child (row, PORTIER_TYPE_OPENING_ROW, "copy_button");
    g_assert_true (ui_test_is_shown (button));
    ui_test_click (button);
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (button), NULL, clipboard_read_cb,
                                   &copied);
    while (copied == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpstr (copied, ==, "203.0.113.7:25565");

    g_signal_handlers_block_matched (page, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     fixture->window);
    g_signal_connect_swapped (page, "test", G_CALLBACK (on_test), &tested);
    button = ui_test_child (row, PORTIER_TYPE_OPENING_ROW, "test_button");
    g_assert_true (ui_test_is_shown (button));
    ui_test_click (button);
    g_assert_nonnull (tested);
    g_assert_cmpstr (tested->app_id, ==, "minecraft-java");
    g_assert_true (PORTIER_IS_OPENINGS_PAGE (portier_window_get_page (fixture->window)));
    g_signal_handlers_unblock_matched (page, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                       fixture->window);
  }
  /* "Close All" is a plain button; it asks first. */
  g_assert_false (gtk_widget_has_css_class (page_child (fixture, PORTIER_TYPE_OPENINGS_PAGE,
                                                        "close_all_button"),
                                            "destructive-action"));

  /* The page would close it with the opener, which talks to the router: that runs in
   * the simulated home network only (test-e2e). Here, the request is what is checked, and
   * on_close() stops it before the page's own handler closes anything. */
  g_signal_connect (page, "close", G_CALLBACK (on_close), &closed);
  button = ui_test_child (row, PORTIER_TYPE_OPENING_ROW, "close_button");
  ui_test_click (button);
  g_assert_cmpstr (closed, ==, minecraft->id);
}

/* "Close What Portier Opened…" on the troubleshooter closes what Portier opened for the
 * app, after asking; Cancel closes nothing (issue 17). Closing itself talks to the router
 * and the firewall helper: the close run's unit tests (test-opener) and test-e2e do that. */
static void
test_troubleshoot_close (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const codes[] = {
    "listening", "host-firewall-open", "mapping-present", "cgnat", "unreachable", NULL
  };
  g_autoptr(PortierDiagnosisReport) report = ui_test_report_new (codes);
  g_autoptr(PortierPlan) plan = portier_plan_new_for_app (
    portier_catalog_lookup (portier_window_get_catalog (fixture->window), "minecraft-java"));
  g_autoptr(PortierLedger) ledger = portier_ledger_new (ui_test_state_dir ());
  GtkWidget *page;
  GtkWidget *closed_label;
  AdwMessageDialog *dialog;
  GPtrArray *openings;

  /* Nothing opened yet: it says so, and asks nothing. */
  page = g_object_new (PORTIER_TYPE_TROUBLESHOOT_PAGE, "spec", &report->spec, "plan", plan,
                       "opener", portier_window_get_opener (fixture->window), NULL);
  portier_troubleshoot_page_set_report (PORTIER_TROUBLESHOOT_PAGE (page), report);
  portier_window_push_page (fixture->window, page, "Find Problems");
  ui_test_wait_idle ();
  closed_label = page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "closed_label");
  g_assert_false (ui_test_is_shown (closed_label));
  ui_test_click (page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "close_opened_button"));
  ui_test_wait_idle ();
  g_assert_null (ui_test_find_dialog ());
  g_assert_true (ui_test_is_shown (closed_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (closed_label)), ==,
                   "Portier has nothing open for Minecraft: Java Edition.");

  /* Minecraft's port is open: it asks first. */
  ui_test_fill_ledger ();
  ui_test_click (page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE, "close_opened_button"));
  ui_test_wait_idle ();
  dialog = ui_test_find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Close What Portier Opened?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Minecraft: Java Edition"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  ui_test_save_png (GTK_WIDGET (dialog), "troubleshoot-close-dialog");

  /* Cancel: nothing is closed, nothing is being closed. */
  adw_message_dialog_response (dialog, "cancel");
  ui_test_wait_idle ();
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (portier_ledger_load (ledger, NULL));
  openings = portier_ledger_get_openings (ledger);
  g_assert_cmpuint (openings->len, ==, 2);
  for (guint i = 0; i < openings->len; i++)
    g_assert_cmpint (((PortierOpening *) g_ptr_array_index (openings, i))->state, ==,
                     PORTIER_OPENING_STATE_OPEN);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (closed_label)), ==,
                   "Portier has nothing open for Minecraft: Java Edition.");
  g_assert_true (gtk_widget_is_sensitive (page_child (fixture, PORTIER_TYPE_TROUBLESHOOT_PAGE,
                                                      "close_opened_button")));
}

/* Whether the window's main menu offers @action. */
static gboolean
menu_offers (PortierWindow *window,
             const char    *action)
{
  GtkWidget *header = ui_test_child (GTK_WIDGET (window), PORTIER_TYPE_WINDOW, "header_bar");
  GtkWidget *button = ui_test_find_type (header, GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu;

  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
    {
      GMenuModel *section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

      for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
        {
          g_autofree char *name = NULL;

          if (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s",
                                               &name) &&
              g_str_equal (name, action))
            {
              g_object_unref (section);
              return TRUE;
            }
        }
      g_clear_object (&section);
    }
  return FALSE;
}

/* "What is a port?" is in the main menu on every page (the header keeps its room for the
 * title, issue 17), and only one deep. */
static void
test_explainer (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const pages[] = {
    "welcome", "choose", "details", "review", "result", "troubleshoot", "openings", NULL
  };

  g_assert_true (menu_offers (fixture->window, "wizard.explain"));

  for (guint i = 0; pages[i] != NULL; i++)
    {
      GtkWidget *before;
      guint depth;

      ui_test_show_page (fixture->window, pages[i]);
      before = portier_window_get_page (fixture->window);
      depth = portier_window_get_depth (fixture->window);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                                 "wizard.explain", NULL));
      ui_test_wait_idle ();
      g_assert_true (PORTIER_IS_EXPLAINER_PAGE (portier_window_get_page (fixture->window)));
      g_assert_nonnull (ui_test_find_label (portier_window_get_page (fixture->window),
                                            "A port is an apartment number"));
      g_assert_nonnull (ui_test_find_label (portier_window_get_page (fixture->window),
                                            "Your router is the doorman"));
      /* Only one deep: asking again on the explainer stays there. */
      gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.explain", NULL);
      g_assert_cmpuint (portier_window_get_depth (fixture->window), ==, depth + 1);

      gtk_widget_activate_action (GTK_WIDGET (fixture->window), "wizard.back", NULL);
      g_assert_true (portier_window_get_page (fixture->window) == before);
      g_assert_cmpuint (portier_window_get_depth (fixture->window), ==, depth);
    }
}

/* The window's size comes from GSettings and goes back there when it closes. */
static void
test_window_state (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.portier_app.Portier");
  PortierWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 712);
  g_settings_set_int (settings, "window-height", 533);
  window = portier_window_new (NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 712);
  g_assert_cmpint (height, ==, 533);

  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_mapped (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_close (GTK_WINDOW (window));
  ui_test_wait_idle ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 480);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/ui/pages/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("welcome", test_welcome);
  ADD ("welcome/plain", test_welcome_plain);
  ADD ("welcome/outlined", test_welcome_outlined);
  ADD ("welcome/labels-sized", test_welcome_labels_sized);
  ADD ("welcome/stays", test_welcome_stays);
  ADD ("choose/minecraft", test_choose_minecraft);
  ADD ("choose/search-enter", test_choose_search_enter);
  ADD ("choose/no-match", test_choose_no_match);
  ADD ("choose/other-port", test_choose_other_port);
  ADD ("choose/running", test_choose_running);
  ADD ("details/risk", test_details_risk);
  ADD ("details/duration", test_details_duration);
  ADD ("review", test_review);
  ADD ("progress", test_progress);
  ADD ("leaving-cancels", test_leaving_cancels);
  ADD ("result", test_result);
  g_test_add_func ("/ui/pages/result/outcome", test_result_outcome);
  ADD ("troubleshoot/cgnat", test_troubleshoot_cgnat);
  ADD ("troubleshoot/order", test_troubleshoot_order);
  ADD ("troubleshoot/fix", test_troubleshoot_fix);
  ADD ("troubleshoot/guide", test_troubleshoot_guide);
  ADD ("troubleshoot/close", test_troubleshoot_close);
  ADD ("guide", test_guide);
  ADD ("openings", test_openings);
  ADD ("explainer", test_explainer);
  g_test_add_func ("/ui/pages/window-state", test_window_state);

  return g_test_run ();
}
