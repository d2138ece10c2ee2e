/* portier-nft-ruleset.h: read what `nft -a list ruleset` prints, and judge it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

typedef struct
{
  guint64  handle;
  char    *text;      /* the rule without its "# handle N" */
  char    *comment;   /* its comment, or NULL */
} PortierNftRule;

typedef struct
{
  char       *family;
  char       *table;
  char       *name;
  gboolean    names_usable;  /* table and chain names pass the helper's strict check */
  gboolean    input_filter;  /* a base chain: type filter, hook input */
  gboolean    policy_drop;
  gboolean    iptables;      /* its table is managed by iptables-nft: never edited */
  GPtrArray  *rules;         /* of PortierNftRule, in order */
} PortierNftChain;

typedef struct
{
  GPtrArray  *chains;        /* of PortierNftChain */
} PortierNftRuleset;

PortierNftRuleset  *portier_nft_ruleset_parse         (const char               *text,
                                                       GError                  **error);
void                portier_nft_ruleset_free          (PortierNftRuleset        *self);
gboolean            portier_nft_chain_lets_in         (const PortierNftChain    *chain,
                                                       guint16                   port,
                                                       PortierProtocol           protocol);
GPtrArray          *portier_nft_ruleset_blocking      (const PortierNftRuleset  *self,
                                                       const PortierPortSpec    *spec);
const PortierNftRule *portier_nft_chain_find_handle   (const PortierNftChain    *chain,
                                                       guint64                   handle);
const PortierNftChain *portier_nft_ruleset_find_chain (const PortierNftRuleset  *self,
                                                       const char               *family,
                                                       const char               *table,
                                                       const char               *name);
guint               portier_nft_ruleset_count_input   (const PortierNftRuleset  *self);
void                portier_nft_ruleset_note_warnings (PortierNftRuleset        *self,
                                                       const char               *warnings);
const PortierNftRule *portier_nft_chain_first_drop    (const PortierNftChain    *chain,
                                                       const PortierPortSpec    *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierNftRuleset, portier_nft_ruleset_free)

G_END_DECLS
