/* portier-rule.c: one firewall rule the helper made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include "portier-rule.h"

G_DEFINE_BOXED_TYPE (PortierRule, portier_rule, portier_rule_copy, portier_rule_free)

PortierRule *
portier_rule_new (void)
{
  PortierRule *self = g_new0 (PortierRule, 1);

  self->zone = g_strdup ("");
  self->label = g_strdup ("");
  self->boot_id = g_strdup ("");
  return self;
}

PortierRule *
portier_rule_copy (const PortierRule *self)
{
  PortierRule *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->backend = g_strdup (self->backend);
  copy->zone = g_strdup (self->zone);
  copy->label = g_strdup (self->label);
  copy->boot_id = g_strdup (self->boot_id);
  copy->owner = g_strdup (self->owner);
  copy->nft_handles = g_strdupv (self->nft_handles);
  copy->runtime_ranges = g_strdupv (self->runtime_ranges);
  copy->permanent_ranges = g_strdupv (self->permanent_ranges);
  return copy;
}

void
portier_rule_free (PortierRule *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->backend);
  g_free (self->zone);
  g_free (self->label);
  g_free (self->boot_id);
  g_free (self->owner);
  g_strfreev (self->nft_handles);
  g_strfreev (self->runtime_ranges);
  g_strfreev (self->permanent_ranges);
  g_free (self);
}

/**
 * portier_rule_get_tag:
 *
 * Returns: the comment that marks the rule in ufw and nftables: `portier:<id>`
 */
char *
portier_rule_get_tag (const PortierRule *self)
{
  return g_strdup_printf ("portier:%s", self->id);
}

/**
 * portier_rule_to_variant:
 *
 * Returns: (transfer floating): the rule as ListRules shows it
 */
GVariant *
portier_rule_to_variant (const PortierRule *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string (self->id));
  g_variant_builder_add (&builder, "{sv}", "backend", g_variant_new_string (self->backend));
  g_variant_builder_add (&builder, "{sv}", "first", g_variant_new_uint16 (self->first));
  g_variant_builder_add (&builder, "{sv}", "last", g_variant_new_uint16 (self->last));
  g_variant_builder_add (&builder, "{sv}", "protocol",
                         g_variant_new_string (portier_protocol_to_string (self->protocol)));
  g_variant_builder_add (&builder, "{sv}", "zone", g_variant_new_string (self->zone));
  g_variant_builder_add (&builder, "{sv}", "label", g_variant_new_string (self->label));
  g_variant_builder_add (&builder, "{sv}", "permanent", g_variant_new_boolean (self->permanent));
  g_variant_builder_add (&builder, "{sv}", "created", g_variant_new_int64 (self->created));
  g_variant_builder_add (&builder, "{sv}", "expires", g_variant_new_int64 (self->expires));
  g_variant_builder_add (&builder, "{sv}", "uid", g_variant_new_uint32 (self->uid));
  return g_variant_builder_end (&builder);
}

/**
 * portier_rule_is_while_running:
 *
 * Returns: whether @self lasts only while the program that asked for it runs: it is
 *   neither permanent nor timed, and ends when its owner leaves the bus
 */
gboolean
portier_rule_is_while_running (const PortierRule *self)
{
  return !self->permanent && self->expires == 0;
}
