/* portier-rule-store.h: the helper's record of the rules it made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "portier-rule.h"

G_BEGIN_DECLS

/* The most rules the record holds; OpenPort is refused past it. */
#define PORTIER_RULE_STORE_MAX_RULES 4096

#define PORTIER_TYPE_RULE_STORE (portier_rule_store_get_type ())

G_DECLARE_FINAL_TYPE (PortierRuleStore, portier_rule_store, PORTIER, RULE_STORE, GObject)

PortierRuleStore  *portier_rule_store_new        (const char        *directory);
const char        *portier_rule_store_get_path   (PortierRuleStore  *self);
gboolean           portier_rule_store_load       (PortierRuleStore  *self,
                                                  GError           **error);
gboolean           portier_rule_store_save       (PortierRuleStore  *self,
                                                  GError           **error);
gboolean           portier_rule_store_add        (PortierRuleStore  *self,
                                                  PortierRule       *rule,
                                                  GError           **error);
gboolean           portier_rule_store_has_room   (PortierRuleStore  *self,
                                                  GError           **error);
gboolean           portier_rule_store_remove     (PortierRuleStore  *self,
                                                  const char        *id);
const PortierRule *portier_rule_store_lookup     (PortierRuleStore  *self,
                                                  const char        *id);
GPtrArray         *portier_rule_store_dup_rules  (PortierRuleStore  *self);
guint              portier_rule_store_get_count  (PortierRuleStore  *self);

gboolean           portier_rule_check_nft_handle (const char        *handle);

G_END_DECLS
