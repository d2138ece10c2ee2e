/* portier-welcome-page.c: the first page — what Portier does, in one sentence, three ways
 * in, and the state of things right now
 *
 * The first frame shows only what Portier does and the ways in. "Right Now" appears after
 * it, when Portier starts looking (portier_after_first_frame): the network row follows
 * PortierNetwork as it changes; the router and the firewall are looked for once, in the
 * background. Set PORTIER_DISCOVER_ROUTER=0 to leave the router alone (tests on machines
 * whose network must not be touched: finding a router means asking the home network).
 *
 * The rows say in plain words what each thing means for the person; the names and
 * addresses are in "Technical details", whose rows are made when it is first opened.
 *
 * The page is the window's first frame, and its text is most of what Portier adds to the
 * work before that frame. It looks like a compact AdwStatusPage, whose style draws it
 * (its CSS name is statuspage and its widgets are nested the same way), but it is laid
 * out by widgets of its own, so that:
 *   - its content starts at the top instead of being centred: each of AdwStatusPage's
 *     two centred boxes has GTK 4.8 lay the wrapping text out again at more widths;
 *   - its wrapping labels have a minimum width in characters: without one, GTK finds the
 *     minimum by laying the text out at width 0, a character a line, and Pango shapes the
 *     text again for every line.
 * The main thread's instructions from the start to the end of the first frame (callgrind,
 * tools/bench ui's setting) went from 1030 million to 946 million; the empty libadwaita
 * window's are 766 million. The page looks the same, except that it no longer moves up
 * when "Right Now" appears under it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-after-frame.h"
#include "portier-error.h"
#include "portier-firewall.h"
#include "portier-router.h"
#include "portier-welcome-page.h"

struct _PortierWelcomePage
{
  GtkWidget       parent_instance;

  GCancellable   *cancellable;
  PortierNetwork *network;

  char           *router_detail;
  char           *firewall_detail;

  GtkScrolledWindow *scrolled_window;
  AdwPreferencesGroup *ways_group;
  AdwPreferencesGroup *status_group;
  AdwActionRow   *network_row;
  GtkImage       *network_icon;
  GtkSpinner     *network_spinner;
  AdwActionRow   *router_row;
  GtkSpinner     *router_spinner;
  AdwActionRow   *firewall_row;
  GtkSpinner     *firewall_spinner;
  AdwExpanderRow *technical_row;

  /* Made when technical_row is first opened. */
  AdwActionRow   *connection_detail_row;
  AdwActionRow   *address_detail_row;
  AdwActionRow   *gateway_detail_row;
  AdwActionRow   *router_detail_row;
  AdwActionRow   *firewall_detail_row;
};

G_DEFINE_FINAL_TYPE (PortierWelcomePage, portier_welcome_page, GTK_TYPE_WIDGET)

/* Technical details */

static const char *
or_unknown (const char *text)
{
  /* TRANSLATORS: in "Technical details", for a name or address Portier cannot know */
  return text != NULL && text[0] != '\0' ? text : _("Unknown");
}

static void
set_detail (AdwActionRow *row,
            const char   *text)
{
  if (row != NULL)
    adw_action_row_set_subtitle (row, or_unknown (text));
}

static void
show_network_details (PortierWelcomePage *self)
{
  const PortierNetworkInfo *info = self->network != NULL ?
                                   portier_network_get_info (self->network) : NULL;
  g_autoptr(GString) addresses = g_string_new (NULL);
  g_autofree char *connection = NULL;

  if (self->connection_detail_row == NULL)
    return;

  if (info != NULL && info->connection_name != NULL && info->interface != NULL)
    /* TRANSLATORS: "Home Wi-Fi (wlan0)": the connection's name and its interface */
    connection = g_strdup_printf (_("%s (%s)"), info->connection_name, info->interface);
  else if (info != NULL)
    connection = g_strdup (info->connection_name != NULL ? info->connection_name
                                                         : info->interface);
  if (info != NULL && info->vpn_active == PORTIER_TRISTATE_YES)
    {
      char *with_vpn = g_strdup_printf (
        /* TRANSLATORS: "Home Wi-Fi (wlan0), VPN tun0" */
        _("%s, VPN %s"), or_unknown (connection),
        info->vpn_name != NULL ? info->vpn_name : or_unknown (info->vpn_interface));
      g_free (connection);
      connection = with_vpn;
    }

  if (info != NULL && info->ipv4_address != NULL)
    g_string_append_printf (addresses, "IPv4 %s/%u", info->ipv4_address, info->ipv4_prefix);
  for (guint i = 0; info != NULL && info->ipv6_addresses[i] != NULL; i++)
    g_string_append_printf (addresses, "%sIPv6 %s", addresses->len > 0 ? "\n" : "",
                            info->ipv6_addresses[i]);

  set_detail (self->connection_detail_row, connection);
  set_detail (self->address_detail_row, addresses->str);
  set_detail (self->gateway_detail_row, info != NULL ? info->ipv4_gateway : NULL);
}

static AdwActionRow *
add_detail_row (PortierWelcomePage *self,
                const char         *title)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, _("Checking…"));
  gtk_widget_add_css_class (GTK_WIDGET (row), "property");
  adw_expander_row_add_row (self->technical_row, GTK_WIDGET (row));
  return row;
}

static void
technical_expanded_cb (PortierWelcomePage *self)
{
  if (self->connection_detail_row != NULL ||
      !adw_expander_row_get_expanded (self->technical_row))
    return;

  /* TRANSLATORS: in "Technical details": the network connection and its interface */
  self->connection_detail_row = add_detail_row (self, _("Connection"));
  /* TRANSLATORS: in "Technical details": this computer's IP addresses */
  self->address_detail_row = add_detail_row (self, _("This computer’s addresses"));
  /* TRANSLATORS: in "Technical details": the default gateway's address */
  self->gateway_detail_row = add_detail_row (self, _("Router’s address"));
  /* TRANSLATORS: in "Technical details": how Portier talks to the router (UPnP, NAT-PMP) */
  self->router_detail_row = add_detail_row (self, _("Router"));
  /* TRANSLATORS: in "Technical details": which firewall this computer has */
  self->firewall_detail_row = add_detail_row (self, _("Firewall"));

  show_network_details (self);
  if (self->router_detail != NULL)
    set_detail (self->router_detail_row, self->router_detail);
  if (self->firewall_detail != NULL)
    set_detail (self->firewall_detail_row, self->firewall_detail);
}

static void
set_router_detail (PortierWelcomePage *self,
                   const char         *text)
{
  g_free (self->router_detail);
  self->router_detail = g_strdup (text);
  set_detail (self->router_detail_row, text);
}

static void
set_firewall_detail (PortierWelcomePage *self,
                     const char         *text)
{
  g_free (self->firewall_detail);
  self->firewall_detail = g_strdup (text);
  set_detail (self->firewall_detail_row, text);
}

/* Right Now */

static void
show_network (PortierWelcomePage *self)
{
  const PortierNetworkInfo *info = portier_network_get_info (self->network);
  g_autofree char *subtitle = NULL;
  const char *icon = "network-wired-symbolic";

  gtk_spinner_set_spinning (self->network_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->network_spinner), FALSE);
  show_network_details (self);

  if (info == NULL || !info->connected)
    {
      gtk_image_set_from_icon_name (self->network_icon, "network-offline-symbolic");
      adw_action_row_set_subtitle (self->network_row,
                                   _("Not connected. Connect to your home network first."));
      return;
    }

  if (g_strcmp0 (info->connection_type, "wifi") == 0)
    icon = "network-wireless-symbolic";

  if (info->vpn_active == PORTIER_TRISTATE_YES)
    {
      icon = "network-vpn-symbolic";
      subtitle = g_strdup_printf (
        /* TRANSLATORS: %s is the VPN's name. A VPN sends everything elsewhere first. */
        _("Through the VPN “%s”. Friends may not be able to reach you while it is on."),
        info->vpn_name != NULL ? info->vpn_name : info->vpn_interface);
    }
  else
    {
      /* The connection's name and addresses are in "Technical details". */
      subtitle = g_strdup (_("Connected to your home network"));
    }

  gtk_image_set_from_icon_name (self->network_icon, icon);
  adw_action_row_set_subtitle (self->network_row, subtitle);
}

static void
network_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PortierWelcomePage) self = user_data;
  g_autoptr(PortierNetwork) network = NULL;
  g_autoptr(GError) error = NULL;

  network = portier_network_new_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (network == NULL)
    {
      g_debug ("Cannot read the network: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->network_spinner), FALSE);
      adw_action_row_set_subtitle (self->network_row,
                                   _("Portier cannot see this computer’s network."));
      set_detail (self->connection_detail_row, error->message);
      return;
    }

  portier_welcome_page_set_network (self, network);
}

/**
 * portier_welcome_page_set_network:
 *
 * Shows @network and follows its changes. The page finds the network by itself; this is
 * for a window that already has one, and for tests.
 */
void
portier_welcome_page_set_network (PortierWelcomePage *self,
                                  PortierNetwork     *network)
{
  g_return_if_fail (PORTIER_IS_WELCOME_PAGE (self));
  g_return_if_fail (PORTIER_IS_NETWORK (network));

  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_set_object (&self->network, network);
  g_signal_connect_object (network, "changed", G_CALLBACK (show_network), self,
                           G_CONNECT_SWAPPED);
  show_network (self);
}

/**
 * portier_welcome_page_get_network:
 *
 * Returns: (transfer none) (nullable): the network, once it is known
 */
PortierNetwork *
portier_welcome_page_get_network (PortierWelcomePage *self)
{
  g_return_val_if_fail (PORTIER_IS_WELCOME_PAGE (self), NULL);
  return self->network;
}

/**
 * portier_welcome_page_set_router_status:
 * @text: a sentence in plain words: "Your router can open the way automatically"
 */
void
portier_welcome_page_set_router_status (PortierWelcomePage *self,
                                        const char         *text,
                                        gboolean            found)
{
  g_return_if_fail (PORTIER_IS_WELCOME_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->router_spinner), FALSE);
  adw_action_row_set_subtitle (self->router_row, text);
  if (found)
    gtk_widget_remove_css_class (GTK_WIDGET (self->router_row), "warning");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->router_row), "warning");
}

void
portier_welcome_page_set_firewall_status (PortierWelcomePage *self,
                                          const char         *text)
{
  g_return_if_fail (PORTIER_IS_WELCOME_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->firewall_spinner), FALSE);
  adw_action_row_set_subtitle (self->firewall_row, text);
}

/**
 * portier_welcome_page_show_router:
 * @info: (nullable): the router found, or %NULL when none answered
 * @error: (nullable): why none was found
 *
 * Says what the router found means for the person; its name, address and the way Portier
 * talks to it go to "Technical details".
 */
void
portier_welcome_page_show_router (PortierWelcomePage      *self,
                                  const PortierRouterInfo *info,
                                  const GError            *error)
{
  g_autofree char *detail = NULL;
  g_autofree char *method = NULL;
  const char *name;

  g_return_if_fail (PORTIER_IS_WELCOME_PAGE (self));

  if (info == NULL)
    {
      /* The error's message names the ways a router can be asked. */
      set_router_detail (self, error != NULL ? portier_error_user_message (error) : NULL);
      portier_welcome_page_set_router_status (
        self, _("Your router did not answer, so Portier cannot ask it to open the way."),
        FALSE);
      return;
    }

  if (info->method == PORTIER_ROUTER_METHOD_NATPMP)
    method = g_strdup ("NAT-PMP");
  else if (info->igd_version > 0)
    method = g_strdup_printf ("UPnP IGDv%u", info->igd_version);
  else
    method = g_strdup ("UPnP");
  name = info->name != NULL && info->name[0] != '\0' ? info->name : NULL;
  if (name != NULL)
    /* TRANSLATORS: in "Technical details": "FRITZ!Box 7590 at 192.168.178.1, UPnP IGDv2" */
    detail = g_strdup_printf (_("%s at %s, %s"), name, or_unknown (info->gateway), method);
  else
    /* TRANSLATORS: in "Technical details": "192.168.1.1, NAT-PMP" */
    detail = g_strdup_printf (_("%s, %s"), or_unknown (info->gateway), method);
  set_router_detail (self, detail);

  switch (info->wan_class)
    {
    case PORTIER_WAN_CGNAT:
      portier_welcome_page_set_router_status (
        self, _("Found your router, but your provider shares its internet address with "
                "other customers (carrier-grade NAT): friends cannot reach you through it."),
        FALSE);
      return;
    case PORTIER_WAN_DOUBLE_NAT:
      portier_welcome_page_set_router_status (
        self, _("Found your router, but it sits behind a second router, which would have "
                "to forward the port too."), FALSE);
      return;
    case PORTIER_WAN_DISCONNECTED:
      portier_welcome_page_set_router_status (
        self, _("Found your router, but it is not connected to the internet."), FALSE);
      return;
    case PORTIER_WAN_PUBLIC:
    case PORTIER_WAN_NO_PUBLIC_ADDRESS:
    case PORTIER_WAN_UNKNOWN:
    default:
      break;
    }

  portier_welcome_page_set_router_status (
    self, _("Your router can open the way automatically"), TRUE);
}

static void
router_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PortierWelcomePage) self = user_data;
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GError) error = NULL;

  router = portier_router_discover_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (router == NULL)
    g_debug ("No router: %s", error->message);
  portier_welcome_page_show_router (self, router != NULL ? portier_router_get_info (router)
                                                         : NULL, error);
}

static void
firewall_ready_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PortierWelcomePage) self = user_data;
  g_autoptr(PortierFirewall) firewall = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *detail = NULL;

  firewall = portier_firewall_new_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (firewall == NULL)
    {
      g_debug ("No firewall: %s", error->message);
      set_firewall_detail (self, error->message);
      portier_welcome_page_set_firewall_status (self, portier_error_user_message (error));
      return;
    }

  backend = portier_firewall_guess_backend ();
  switch (portier_firewall_get_mode (firewall))
    {
    case PORTIER_FIREWALL_MODE_HELPER:
      /* TRANSLATORS: in "Technical details": %s is the firewall, e.g. "nftables" */
      detail = g_strdup_printf (_("%s, changed through Portier’s helper"), backend);
      portier_welcome_page_set_firewall_status (
        self, _("Portier can let a port through, after asking for your password"));
      break;
    case PORTIER_FIREWALL_MODE_FIREWALLD:
      detail = g_strdup ("firewalld");
      portier_welcome_page_set_firewall_status (
        self, _("Portier can let a port through, after asking for your password"));
      break;
    case PORTIER_FIREWALL_MODE_MANUAL:
    default:
      /* TRANSLATORS: in "Technical details": %s is the firewall, e.g. "ufw" */
      detail = g_strdup_printf (_("%s, which Portier cannot change from here"), backend);
      portier_welcome_page_set_firewall_status (
        self, _("Portier cannot change it from here. If it is in the way, Portier shows "
                "you what to do."));
      break;
    }
  set_firewall_detail (self, detail);
}

/* After the first frame: "Right Now" appears, and Portier starts looking. */
static void
start_looking (GtkWidget *widget)
{
  PortierWelcomePage *self = PORTIER_WELCOME_PAGE (widget);

  if (self->cancellable != NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->status_group), TRUE);

  self->cancellable = g_cancellable_new ();
  if (self->network == NULL)
    portier_network_new_async (self->cancellable, network_ready_cb, g_object_ref (self));
  portier_firewall_new_async (self->cancellable, firewall_ready_cb, g_object_ref (self));

  if (g_strcmp0 (g_getenv ("PORTIER_DISCOVER_ROUTER"), "0") != 0)
    portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, self->cancellable,
                                   router_ready_cb, g_object_ref (self));
  else
    {
      set_router_detail (self, _("Not checked"));
      portier_welcome_page_set_router_status (self, _("Not checked"), TRUE);
    }
}

static void
portier_welcome_page_dispose (GObject *object)
{
  PortierWelcomePage *self = PORTIER_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_WELCOME_PAGE);

  g_clear_object (&self->network);

  G_OBJECT_CLASS (portier_welcome_page_parent_class)->dispose (object);
}

static void
portier_welcome_page_finalize (GObject *object)
{
  PortierWelcomePage *self = PORTIER_WELCOME_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->router_detail);
  g_free (self->firewall_detail);

  G_OBJECT_CLASS (portier_welcome_page_parent_class)->finalize (object);
}

static void
portier_welcome_page_class_init (PortierWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = portier_welcome_page_dispose;
  object_class->finalize = portier_welcome_page_finalize;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, ways_group);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, status_group);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, network_row);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, network_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, network_spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, router_row);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, router_spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, firewall_row);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, firewall_spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, technical_row);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statuspage");
}

/* The page's lists are in the window's first frame. libadwaita's soft shadow under a
 * list is blurred in a buffer of its own, and without a GPU the blur's shaders are
 * compiled on the processor before the window shows anything (about 10 ms of the
 * start-up, tools/bench ui): the lists are outlined instead (portier.css). High contrast
 * keeps libadwaita's own, stronger outline. */
static void
update_outline (PortierWelcomePage *self)
{
  GtkWidget *groups[] = { GTK_WIDGET (self->ways_group), GTK_WIDGET (self->status_group) };
  gboolean high_contrast =
    adw_style_manager_get_high_contrast (adw_style_manager_get_default ());

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      if (high_contrast)
        gtk_widget_remove_css_class (groups[i], "outlined");
      else
        gtk_widget_add_css_class (groups[i], "outlined");
    }
}

static void
portier_welcome_page_init (PortierWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update_outline (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (update_outline), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->technical_row, "notify::expanded",
                           G_CALLBACK (technical_expanded_cb), self, G_CONNECT_SWAPPED);
  portier_after_first_frame (GTK_WIDGET (self), start_looking);
}
