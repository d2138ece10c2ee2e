/* portier-welcome-page.c: the first page — what Portier does, in one sentence, the state
 * of things right now, and three ways in
 *
 * The network row follows PortierNetwork as it changes; the router and the firewall are
 * looked for once, in the background, when the page is shown in a window. Set
 * PORTIER_DISCOVER_ROUTER=0 to leave the router alone (tests on machines whose network
 * must not be touched: finding a router means asking the home network).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-firewall.h"
#include "portier-router.h"
#include "portier-welcome-page.h"

struct _PortierWelcomePage
{
  GtkWidget       parent_instance;

  GCancellable   *cancellable;
  PortierNetwork *network;

  AdwStatusPage  *status_page;
  AdwActionRow   *network_row;
  GtkImage       *network_icon;
  GtkSpinner     *network_spinner;
  AdwActionRow   *router_row;
  GtkSpinner     *router_spinner;
  AdwActionRow   *firewall_row;
  GtkSpinner     *firewall_spinner;
};

G_DEFINE_FINAL_TYPE (PortierWelcomePage, portier_welcome_page, GTK_TYPE_WIDGET)

static void
show_network (PortierWelcomePage *self)
{
  const PortierNetworkInfo *info = portier_network_get_info (self->network);
  g_autofree char *subtitle = NULL;
  const char *icon = "network-wired-symbolic";
  const char *name;

  gtk_spinner_set_spinning (self->network_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->network_spinner), FALSE);

  if (info == NULL || !info->connected)
    {
      gtk_image_set_from_icon_name (self->network_icon, "network-offline-symbolic");
      adw_action_row_set_subtitle (self->network_row,
                                   _("Not connected. Connect to your home network first."));
      return;
    }

  if (g_strcmp0 (info->connection_type, "wifi") == 0)
    icon = "network-wireless-symbolic";
  name = info->connection_name != NULL ? info->connection_name : info->interface;

  if (info->vpn_active == PORTIER_TRISTATE_YES)
    {
      icon = "network-vpn-symbolic";
      subtitle = g_strdup_printf (
        /* TRANSLATORS: %s is the VPN's name. A VPN sends everything elsewhere first. */
        _("Through the VPN “%s”. Friends may not be able to reach you while it is on."),
        info->vpn_name != NULL ? info->vpn_name : info->vpn_interface);
    }
  else if (name != NULL && info->ipv4_address != NULL)
    {
      /* TRANSLATORS: "Connected through “Home Wi-Fi” as 192.168.1.20" */
      subtitle = g_strdup_printf (_("Connected through “%s” as %s"), name, info->ipv4_address);
    }
  else if (name != NULL)
    {
      /* TRANSLATORS: %s is the name of the network connection */
      subtitle = g_strdup_printf (_("Connected through “%s”"), name);
    }
  else
    {
      subtitle = g_strdup (_("Connected"));
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
 * @text: a sentence: "Found your router (UPnP)", "No router answered"
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

static void
router_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PortierWelcomePage) self = user_data;
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const PortierRouterInfo *info;
  const char *method;
  const char *name;

  router = portier_router_discover_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (router == NULL)
    {
      g_debug ("No router: %s", error->message);
      portier_welcome_page_set_router_status (self, portier_error_user_message (error), FALSE);
      return;
    }

  info = portier_router_get_info (router);
  method = info->method == PORTIER_ROUTER_METHOD_NATPMP ? "NAT-PMP" : "UPnP";
  name = info->name != NULL && info->name[0] != '\0' ? info->name : info->gateway;

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

  if (name != NULL)
    /* TRANSLATORS: "Found “FRITZ!Box 7590” (UPnP)": the router's name and how Portier
     * talks to it */
    text = g_strdup_printf (_("Found “%s” (%s)"), name, method);
  else
    /* TRANSLATORS: %s is how Portier talks to the router: UPnP or NAT-PMP */
    text = g_strdup_printf (_("Found your router (%s)"), method);
  portier_welcome_page_set_router_status (self, text, TRUE);
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
  g_autofree char *text = NULL;

  firewall = portier_firewall_new_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (firewall == NULL)
    {
      g_debug ("No firewall: %s", error->message);
      portier_welcome_page_set_firewall_status (self, portier_error_user_message (error));
      return;
    }

  switch (portier_firewall_get_mode (firewall))
    {
    case PORTIER_FIREWALL_MODE_HELPER:
    case PORTIER_FIREWALL_MODE_FIREWALLD:
      portier_welcome_page_set_firewall_status (
        self, _("Portier can let a port through, after asking for your password"));
      break;
    case PORTIER_FIREWALL_MODE_MANUAL:
    default:
      backend = portier_firewall_guess_backend ();
      /* TRANSLATORS: %s is the firewall's program, e.g. "ufw" */
      text = g_strdup_printf (_("Portier cannot change it from here (%s); it shows you the "
                                "command if it is in the way"), backend);
      portier_welcome_page_set_firewall_status (self, text);
      break;
    }
}

static void
portier_welcome_page_root (GtkWidget *widget)
{
  PortierWelcomePage *self = PORTIER_WELCOME_PAGE (widget);

  GTK_WIDGET_CLASS (portier_welcome_page_parent_class)->root (widget);

  /* Gathered in the background, once the page is part of a window. */
  if (self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  if (self->network == NULL)
    portier_network_new_async (self->cancellable, network_ready_cb, g_object_ref (self));
  portier_firewall_new_async (self->cancellable, firewall_ready_cb, g_object_ref (self));

  if (g_strcmp0 (g_getenv ("PORTIER_DISCOVER_ROUTER"), "0") != 0)
    portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, self->cancellable,
                                   router_ready_cb, g_object_ref (self));
  else
    portier_welcome_page_set_router_status (self, _("Not checked"), TRUE);
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

  G_OBJECT_CLASS (portier_welcome_page_parent_class)->finalize (object);
}

static void
portier_welcome_page_class_init (PortierWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = portier_welcome_page_dispose;
  object_class->finalize = portier_welcome_page_finalize;
  widget_class->root = portier_welcome_page_root;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, network_row);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, network_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, network_spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, router_row);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, router_spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, firewall_row);
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, firewall_spinner);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_welcome_page_init (PortierWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
