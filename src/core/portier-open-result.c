/* portier-open-result.c: what an opening did, step by step, as types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-opener"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "portier-error.h"
#include "portier-open-result.h"

G_DEFINE_BOXED_TYPE (PortierOpenResult, portier_open_result,
                     portier_open_result_copy, portier_open_result_free)

/**
 * portier_open_result_new:
 *
 * Returns: (transfer full): the result of an opening of @spec in which no step ran yet
 */
PortierOpenResult *
portier_open_result_new (const PortierPortSpec *spec)
{
  PortierOpenResult *self = g_new0 (PortierOpenResult, 1);

  self->spec = *spec;
  return self;
}

static GError *
copy_error (const GError *error)
{
  return error != NULL ? g_error_copy (error) : NULL;
}

PortierOpenResult *
portier_open_result_copy (const PortierOpenResult *self)
{
  PortierOpenResult *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->firewall_backend = g_strdup (self->firewall_backend);
  copy->firewall_zone = g_strdup (self->firewall_zone);
  copy->firewall_command = g_strdup (self->firewall_command);
  copy->firewall_rules = g_strdupv (self->firewall_rules);
  copy->firewall_error = copy_error (self->firewall_error);
  copy->forwarded_by = g_strdup (self->forwarded_by);
  copy->external_address = g_strdup (self->external_address);
  copy->router_error = copy_error (self->router_error);
  copy->verify_error = copy_error (self->verify_error);
  copy->error = copy_error (self->error);
  copy->held_by = g_strdup (self->held_by);
  copy->held_by_program = g_strdup (self->held_by_program);
  copy->wan_description = g_strdup (self->wan_description);
  copy->ipv6_address = g_strdup (self->ipv6_address);
  copy->mappings = NULL;
  copy->pinholes = NULL;
  if (self->mappings != NULL)
    {
      copy->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
      for (guint i = 0; i < self->mappings->len; i++)
        g_ptr_array_add (copy->mappings, portier_mapping_copy (self->mappings->pdata[i]));
    }
  if (self->pinholes != NULL)
    {
      copy->pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);
      for (guint i = 0; i < self->pinholes->len; i++)
        g_ptr_array_add (copy->pinholes, portier_pinhole_copy (self->pinholes->pdata[i]));
    }
  return copy;
}

void
portier_open_result_free (PortierOpenResult *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->firewall_backend);
  g_free (self->firewall_zone);
  g_free (self->firewall_command);
  g_strfreev (self->firewall_rules);
  g_clear_error (&self->firewall_error);
  g_free (self->forwarded_by);
  g_free (self->external_address);
  g_clear_error (&self->router_error);
  g_clear_error (&self->verify_error);
  g_clear_error (&self->error);
  g_free (self->held_by);
  g_free (self->held_by_program);
  g_free (self->wan_description);
  g_free (self->ipv6_address);
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->pinholes, g_ptr_array_unref);
  g_free (self);
}

/**
 * portier_open_result_set_router:
 *
 * The router that answered: how Portier asks it, and how it reaches the internet.
 */
void
portier_open_result_set_router (PortierOpenResult   *self,
                                PortierRouterMethod  method,
                                PortierWanClass      wan_class)
{
  self->has_router = TRUE;
  self->router_method = method;
  self->wan_class = wan_class;
  g_clear_pointer (&self->wan_description, g_free);
  if (wan_class != PORTIER_WAN_PUBLIC)
    self->wan_description = g_strdup (portier_wan_class_describe (wan_class));
}

/**
 * portier_open_result_get_router:
 * @method: (out) (optional): how Portier asked the router
 * @wan_class: (out) (optional): how the router reaches the internet
 *
 * Returns: whether a router answered (when not, @method and @wan_class are not set)
 */
gboolean
portier_open_result_get_router (const PortierOpenResult *self,
                                PortierRouterMethod     *method,
                                PortierWanClass         *wan_class)
{
  if (!self->has_router)
    return FALSE;
  if (method != NULL)
    *method = self->router_method;
  if (wan_class != NULL)
    *wan_class = self->wan_class;
  return TRUE;
}

/**
 * portier_open_result_get_ipv6_status:
 *
 * Returns: what became of IPv6 (%PORTIER_IPV6_NONE when the router step did not get
 *   that far)
 */
PortierIpv6Status
portier_open_result_get_ipv6_status (const PortierOpenResult *self)
{
  return self->ipv6_status;
}

/**
 * portier_open_result_get_outcome:
 *
 * Reachable when no step of the transaction failed and the test from the internet got
 * through; untested when nothing failed but the test could not run.
 */
PortierOutcome
portier_open_result_get_outcome (const PortierOpenResult *self)
{
  g_return_val_if_fail (self != NULL, PORTIER_OUTCOME_FAILED);

  if (self->error != NULL ||
      self->firewall_status == PORTIER_FIREWALL_STATUS_FAILED ||
      self->router_status == PORTIER_ROUTER_STATUS_FAILED ||
      self->verify_status == PORTIER_VERIFY_STATUS_UNREACHABLE)
    return PORTIER_OUTCOME_FAILED;

  if (self->verify_status == PORTIER_VERIFY_STATUS_REACHABLE ||
      self->verify_status == PORTIER_VERIFY_STATUS_OPEN)
    return PORTIER_OUTCOME_REACHABLE;

  return PORTIER_OUTCOME_UNTESTED;
}

/**
 * portier_format_address_port:
 *
 * Returns: (transfer full): @address and @port as people type them: `203.0.113.7:25565`,
 *   an IPv6 address in brackets: `[2001:db8::20]:25565`
 */
char *
portier_format_address_port (const char *address,
                             guint16     port)
{
  g_return_val_if_fail (address != NULL, NULL);

  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", address, port);
  return g_strdup_printf ("%s:%u", address, port);
}

/**
 * portier_open_result_dup_share:
 *
 * Returns: (transfer full) (nullable): the address and port friends connect to; %NULL
 *   when the opening failed or the outside address or port is not known
 */
char *
portier_open_result_dup_share (const PortierOpenResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->error != NULL)
    return NULL;
  /* Open over IPv6 alone: a pinhole lets friends in at this computer's own address. */
  if (self->ipv6_only)
    return self->ipv6_address != NULL && self->ipv6_address[0] != '\0'
           ? portier_format_address_port (self->ipv6_address, self->spec.first)
           : NULL;
  if (self->external_address == NULL || self->external_address[0] == '\0' ||
      self->external_port == 0)
    return NULL;
  return portier_format_address_port (self->external_address, self->external_port);
}

/**
 * portier_open_result_error_text:
 * @error: one of @self's errors
 *
 * The sentence to show for @error: when the router refused because another program on
 * this computer uses that outside port, it says so (with the program's name for its
 * forward), never "another device".
 *
 * Returns: (transfer full): the sentence
 */
char *
portier_open_result_error_text (const PortierOpenResult *self,
                                const GError            *error)
{
  g_return_val_if_fail (self != NULL && error != NULL, NULL);

  if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT) &&
      self->held_by_program != NULL)
    {
      if (*self->held_by_program == '\0')
        return g_strdup (_("Another program on this computer already uses this outside port "
                           "on your router, for another port here. Portier will not take it "
                           "away; it can use a different outside port instead."));
      /* TRANSLATORS: %s is the name another program gave its router forward */
      return g_strdup_printf (_("Another program on this computer (“%s”) already uses this "
                                "outside port on your router, for another port here. Portier "
                                "will not take it away; it can use a different outside port "
                                "instead."), self->held_by_program);
    }
  return g_strdup (portier_error_user_message (error));
}
