/* fuzz-firewall-text.c: libFuzzer target for the readers of firewall programs' output
 *
 * The first byte picks the reader: `nft -a list ruleset` or ufw's user.rules. The helper
 * runs as root; what it reads from those programs is parsed as if it were hostile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "portier-helper-args.h"
#include "portier-nft-ruleset.h"
#include "portier-ufw-rules.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  PortierPortSpec specs[] = {
    { 22, 22, PORTIER_PROTOCOL_TCP },
    { 53, 53, PORTIER_PROTOCOL_UDP },
    { 8000, 8010, PORTIER_PROTOCOL_TCP },
  };

  /* a critical or a warning from GLib is a finding too */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  if (size < 1)
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);

  if (data[0] % 2 == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PortierNftRuleset) ruleset = portier_nft_ruleset_parse (text, &error);

      if (ruleset == NULL)
        {
          g_assert_nonnull (error);
          return 0;
        }
      for (guint i = 0; i < ruleset->chains->len; i++)
        {
          const PortierNftChain *chain = g_ptr_array_index (ruleset->chains, i);

          /* names Portier would hand to nft are plain */
          if (chain->names_usable)
            g_assert_true (portier_helper_check_name (chain->table, 64) &&
                           portier_helper_check_name (chain->name, 64));
          g_assert_true (!chain->input_filter || g_str_equal (chain->family, "inet") ||
                         g_str_equal (chain->family, "ip") || g_str_equal (chain->family, "ip6"));
        }
      /* the same text as nft's warnings: only ever marks tables */
      portier_nft_ruleset_note_warnings (ruleset, text);
      for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
        {
          g_autoptr(GPtrArray) blocking = portier_nft_ruleset_blocking (ruleset, &specs[i]);

          g_assert_true (blocking->len <= portier_nft_ruleset_count_input (ruleset));
          /* Portier's accept goes before a rule of the chain itself, or at the end */
          for (guint b = 0; b < blocking->len; b++)
            {
              const PortierNftChain *chain = g_ptr_array_index (blocking, b);
              const PortierNftRule *drop = portier_nft_chain_first_drop (chain, &specs[i]);

              g_assert_true (drop == NULL ||
                             portier_nft_chain_find_handle (chain, drop->handle) != NULL);
            }
        }
    }
  else
    {
      g_autoptr(GPtrArray) tuples = portier_ufw_parse_rules (text);

      for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
        {
          (void) portier_ufw_lets_in (tuples, FALSE, specs[i].first, specs[i].protocol);
          for (guint t = 0; t < tuples->len; t++)
            (void) portier_ufw_tuple_same_ports (g_ptr_array_index (tuples, t), &specs[i]);
        }
      for (guint t = 0; t < tuples->len; t++)
        {
          const PortierUfwTuple *tuple = g_ptr_array_index (tuples, t);

          g_assert_true (tuple->comment == NULL || g_utf8_validate (tuple->comment, -1, NULL));
        }
    }
  return 0;
}
