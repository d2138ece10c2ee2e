/* portier-nft-ruleset.c: read what `nft -a list ruleset` prints, and judge it
 *
 * The helper inserts an nftables rule only where a base chain on the input hook would
 * drop or reject the port. To know where, it reads the ruleset and walks each such
 * chain as a new connection to the port would: a rule that matches nothing but the
 * port and protocol decides with its verdict, an unconditional drop or reject decides,
 * rules with other conditions (connection state, interfaces, addresses, jumps) are
 * passed over because they do not decide for a stranger's new connection, and the
 * chain's policy decides at the end.
 *
 * Portier's accept goes right before the first rule that would drop the port (the
 * administrator's conditional drops, a blocklist or invalid packets, stay ahead of it),
 * or at the end when only the policy drops. Tables that iptables-nft manages are
 * recognised (their built-in chains, or nft's own warning) and never edited.
 *
 * The text comes from nft, which runs as root, but the parser still treats it as
 * untrusted: it never fails on odd input, only understands less of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-error.h"
#include "portier-helper-args.h"
#include "portier-nft-ruleset.h"

#define MAX_NAME 64
#define MAX_TOKENS 256

typedef enum
{
  VERDICT_NONE,       /* the rule does not decide for this port */
  VERDICT_ACCEPT,
  VERDICT_DROP,       /* drop or reject */
} Verdict;

static void
nft_rule_free (PortierNftRule *rule)
{
  g_free (rule->text);
  g_free (rule->comment);
  g_free (rule);
}

static void
nft_chain_free (PortierNftChain *chain)
{
  g_free (chain->family);
  g_free (chain->table);
  g_free (chain->name);
  g_ptr_array_unref (chain->rules);
  g_free (chain);
}

void
portier_nft_ruleset_free (PortierNftRuleset *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->chains);
  g_free (self);
}

/* Splits a line into words; "quoted strings" and { sets } stay one word each. */
static GPtrArray *
tokenize (const char *line)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  const char *p = line;

  while (*p != '\0' && tokens->len < MAX_TOKENS)
    {
      const char *start;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;

      start = p;
      if (*p == '"')
        {
          p++;
          while (*p != '\0' && *p != '"')
            p++;
          if (*p == '"')
            p++;
        }
      else if (*p == '{')
        {
          int depth = 0;

          do
            {
              if (*p == '{')
                depth++;
              else if (*p == '}')
                depth--;
              p++;
            }
          while (*p != '\0' && depth > 0);
        }
      else
        {
          while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
        }
      g_ptr_array_add (tokens, g_strndup (start, p - start));
    }
  return tokens;
}

static char *
unquote (const char *word)
{
  gsize length = strlen (word);

  if (length >= 2 && word[0] == '"' && word[length - 1] == '"')
    return g_strndup (word + 1, length - 2);
  return g_strdup (word);
}

/* "# handle 12" at the end of a line: returns the number and cuts it off. */
static gboolean
split_handle (char    *line,
              guint64 *handle)
{
  char *mark = g_strrstr (line, "# handle ");

  if (mark == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (g_strstrip (mark + strlen ("# handle ")), 10, 1,
                                   G_MAXUINT64, handle, NULL))
    return FALSE;
  *mark = '\0';
  g_strchomp (line);
  return TRUE;
}

static int
count_braces (const char *line)
{
  gboolean quoted = FALSE;
  int delta = 0;

  for (const char *p = line; *p != '\0'; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (*p == '#')
        break;
      else if (*p == '{')
        delta++;
      else if (*p == '}')
        delta--;
    }
  return delta;
}

/* Whether @chain is one of the base chains iptables-nft creates: a table of iptables'
 * (filter, nat, mangle, raw, security) in its families, and a chain named after its hook
 * in capitals (INPUT on the input hook). Whoever made it, that table belongs to
 * iptables' tools. */
static gboolean
is_iptables_builtin (const PortierNftChain *chain,
                     const char            *hook)
{
  static const char *const tables[] = { "filter", "nat", "mangle", "raw", "security" };
  static const char *const families[] = { "ip", "ip6", "arp", "bridge" };
  g_autofree char *hook_upper = NULL;
  gboolean table_known = FALSE, family_known = FALSE;

  if (hook == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    table_known |= g_str_equal (chain->table, tables[i]);
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    family_known |= g_str_equal (chain->family, families[i]);
  hook_upper = g_ascii_strup (hook, -1);
  return table_known && family_known && g_str_equal (chain->name, hook_upper);
}

static void
mark_iptables_table (PortierNftRuleset *self,
                     const char        *family,
                     const char        *table)
{
  for (guint i = 0; i < self->chains->len; i++)
    {
      PortierNftChain *chain = g_ptr_array_index (self->chains, i);

      if (g_str_equal (chain->family, family) && g_str_equal (chain->table, table))
        chain->iptables = TRUE;
    }
}

static void
parse_chain_type (PortierNftChain *chain,
                  const char      *line)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *copy = g_strdup (line);
  const char *type = NULL, *hook = NULL, *policy = NULL;

  g_strdelimit (copy, ";", ' ');
  tokens = tokenize (copy);

  for (guint i = 0; i + 1 < tokens->len; i++)
    {
      const char *word = g_ptr_array_index (tokens, i);
      const char *next = g_ptr_array_index (tokens, i + 1);

      if (g_str_equal (word, "type"))
        type = next;
      else if (g_str_equal (word, "hook"))
        hook = next;
      else if (g_str_equal (word, "policy"))
        policy = next;
    }

  chain->input_filter = type != NULL && hook != NULL && g_str_equal (type, "filter") &&
                        g_str_equal (hook, "input") &&
                        (g_str_equal (chain->family, "inet") ||
                         g_str_equal (chain->family, "ip") ||
                         g_str_equal (chain->family, "ip6"));
  chain->policy_drop = policy != NULL && g_str_equal (policy, "drop");
  chain->iptables = is_iptables_builtin (chain, hook);
}

/**
 * portier_nft_ruleset_parse:
 * @text: the output of `nft -a list ruleset`
 *
 * Returns: (transfer full): the chains and their rules. Never fails on odd text; it only
 *   sees fewer chains.
 */
PortierNftRuleset *
portier_nft_ruleset_parse (const char  *text,
                           GError     **error)
{
  g_autoptr(PortierNftRuleset) self = g_new0 (PortierNftRuleset, 1);
  g_auto(GStrv) lines = NULL;
  g_autofree char *family = NULL;
  g_autofree char *table = NULL;
  PortierNftChain *chain = NULL;
  int depth = 0;

  self->chains = g_ptr_array_new_with_free_func ((GDestroyNotify) nft_chain_free);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                           "nft printed something that is not text");
      return NULL;
    }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      int delta = count_braces (line);
      guint64 handle;

      if (depth == 0 && g_str_has_prefix (line, "table "))
        {
          g_autoptr(GPtrArray) tokens = tokenize (line);

          g_clear_pointer (&family, g_free);
          g_clear_pointer (&table, g_free);
          if (tokens->len >= 3)
            {
              family = unquote (g_ptr_array_index (tokens, 1));
              table = unquote (g_ptr_array_index (tokens, 2));
            }
        }
      else if (depth == 1 && g_str_has_prefix (line, "chain ") && family != NULL)
        {
          g_autoptr(GPtrArray) tokens = tokenize (line);

          if (tokens->len >= 2)
            {
              chain = g_new0 (PortierNftChain, 1);
              chain->family = g_strdup (family);
              chain->table = g_strdup (table);
              chain->name = unquote (g_ptr_array_index (tokens, 1));
              chain->names_usable = portier_helper_check_name (chain->table, MAX_NAME) &&
                                    portier_helper_check_name (chain->name, MAX_NAME);
              chain->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) nft_rule_free);
              g_ptr_array_add (self->chains, chain);
            }
        }
      else if (depth == 2 && chain != NULL && g_str_has_prefix (line, "type "))
        {
          parse_chain_type (chain, line);
        }
      else if (depth == 2 && chain != NULL && delta == 0 && split_handle (line, &handle))
        {
          PortierNftRule *rule = g_new0 (PortierNftRule, 1);
          g_autoptr(GPtrArray) tokens = tokenize (line);

          rule->handle = handle;
          rule->text = g_strdup (line);
          for (guint t = 0; t + 1 < tokens->len; t++)
            if (g_str_equal (g_ptr_array_index (tokens, t), "comment"))
              {
                g_free (rule->comment);
                rule->comment = unquote (g_ptr_array_index (tokens, t + 1));
              }
          g_ptr_array_add (chain->rules, rule);
        }

      depth += delta;
      if (depth < 0)
        depth = 0;
      if (depth < 2)
        chain = NULL;
      if (depth == 0)
        {
          g_clear_pointer (&family, g_free);
          g_clear_pointer (&table, g_free);
        }
    }

  /* One built-in chain of iptables' makes the whole table iptables'. */
  for (guint i = 0; i < self->chains->len; i++)
    {
      PortierNftChain *each = g_ptr_array_index (self->chains, i);

      if (each->iptables)
        mark_iptables_table (self, each->family, each->table);
    }

  return g_steal_pointer (&self);
}

/**
 * portier_nft_ruleset_note_warnings:
 * @warnings: what nft printed on its error output while listing
 *
 * nft says "# Warning: table ip filter is managed by iptables-nft, do not touch!" for
 * tables it sees iptables-nft's own expressions in; those tables are marked too.
 */
void
portier_nft_ruleset_note_warnings (PortierNftRuleset *self,
                                   const char        *warnings)
{
  g_auto(GStrv) lines = NULL;

  if (warnings == NULL || !g_utf8_validate (warnings, -1, NULL))
    return;
  lines = g_strsplit (warnings, "\n", 256);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *mark = strstr (lines[i], "Warning: table ");
      g_autoptr(GPtrArray) tokens = NULL;

      if (mark == NULL || strstr (mark, "managed by iptables-nft") == NULL)
        continue;
      tokens = tokenize (mark + strlen ("Warning: table "));
      if (tokens->len >= 2)
        {
          g_autofree char *family = unquote (g_ptr_array_index (tokens, 0));
          g_autofree char *table = unquote (g_ptr_array_index (tokens, 1));

          mark_iptables_table (self, family, table);
        }
    }
}

/* The items of a value: one word, or the words of a set { a, b }, split at commas and
 * not yet stripped. %NULL, and @understood cleared, for an unclosed set. */
static GStrv
split_value (const char *value,
             gboolean   *understood)
{
  g_autofree char *inner = NULL;

  if (value[0] == '{')
    {
      gsize length = strlen (value);

      if (length < 2 || value[length - 1] != '}')
        {
          *understood = FALSE;
          return NULL;
        }
      inner = g_strndup (value + 1, length - 2);
    }
  else
    inner = g_strdup (value);

  return g_strsplit (inner, ",", -1);
}

/* A port value: 22, 80-90, or a set { 22, 80-90 }. */
static gboolean
port_value_matches (const char *value,
                    guint16     port,
                    gboolean   *understood)
{
  g_auto(GStrv) items = split_value (value, understood);
  gboolean matches = FALSE;

  if (items == NULL)
    return FALSE;

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *dash = strchr (item, '-');
      guint64 low, high;

      if (dash != NULL)
        *dash = '\0';
      if (!g_ascii_string_to_unsigned (item, 10, 0, G_MAXUINT16, &low, NULL) ||
          (dash != NULL &&
           !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT16, &high, NULL)))
        {
          *understood = FALSE;
          return FALSE;
        }
      if (dash == NULL)
        high = low;
      if (port >= low && port <= high)
        matches = TRUE;
    }
  return matches;
}

static gboolean
protocol_value_matches (const char      *value,
                        PortierProtocol  protocol,
                        gboolean        *understood)
{
  const char *name = protocol == PORTIER_PROTOCOL_TCP ? "tcp" : "udp";
  g_auto(GStrv) items = split_value (value, understood);
  gboolean matches = FALSE;

  if (items == NULL)
    return FALSE;

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);

      if (g_str_equal (item, name))
        matches = TRUE;
      else if (!g_str_equal (item, "tcp") && !g_str_equal (item, "udp") &&
               !g_str_equal (item, "sctp") && !g_str_equal (item, "dccp") &&
               !g_str_equal (item, "udplite") && !g_str_equal (item, "icmp") &&
               !g_str_equal (item, "ipv6-icmp") && !g_str_equal (item, "icmpv6"))
        {
          *understood = FALSE;
          return FALSE;
        }
    }
  return matches;
}

static gboolean
is_verdict (const char *word)
{
  return g_str_equal (word, "accept") || g_str_equal (word, "drop") ||
         g_str_equal (word, "reject") || g_str_equal (word, "jump") ||
         g_str_equal (word, "goto") || g_str_equal (word, "return") ||
         g_str_equal (word, "queue") || g_str_equal (word, "continue");
}

/* What @rule does to a new connection from anywhere to @port/@protocol. */
static Verdict
rule_verdict (const PortierNftRule *rule,
              guint16               port,
              PortierProtocol       protocol)
{
  g_autoptr(GPtrArray) tokens = tokenize (rule->text);
  g_autoptr(GPtrArray) matchers = g_ptr_array_new ();
  const char *verdict = NULL;
  gboolean understood = TRUE;
  gboolean protocol_known = FALSE;
  gboolean matches = TRUE;

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *word = g_ptr_array_index (tokens, i);

      if (is_verdict (word))
        {
          verdict = word;
          break;
        }
      if (g_str_equal (word, "counter"))
        {
          if (i + 4 < tokens->len &&
              g_str_equal (g_ptr_array_index (tokens, i + 1), "packets") &&
              g_str_equal (g_ptr_array_index (tokens, i + 3), "bytes"))
            i += 4;
          continue;
        }
      if (g_str_equal (word, "comment") && i + 1 < tokens->len)
        {
          i++;
          continue;
        }
      if (g_str_equal (word, "log"))
        {
          /* a statement, not a condition: skip it and its options */
          while (i + 2 < tokens->len &&
                 (g_str_equal (g_ptr_array_index (tokens, i + 1), "prefix") ||
                  g_str_equal (g_ptr_array_index (tokens, i + 1), "level") ||
                  g_str_equal (g_ptr_array_index (tokens, i + 1), "group") ||
                  g_str_equal (g_ptr_array_index (tokens, i + 1), "snaplen") ||
                  g_str_equal (g_ptr_array_index (tokens, i + 1), "queue-threshold") ||
                  g_str_equal (g_ptr_array_index (tokens, i + 1), "flags")))
            i += 2;
          continue;
        }
      g_ptr_array_add (matchers, (gpointer) word);
    }

  if (verdict == NULL)
    return VERDICT_NONE;

  /* Only matchers on the protocol and destination port are understood; a rule with any
   * other condition does not decide for a stranger's new connection. */
  for (guint i = 0; i < matchers->len && understood; )
    {
      const char *word = g_ptr_array_index (matchers, i);
      const char *arg1 = i + 1 < matchers->len ? g_ptr_array_index (matchers, i + 1) : NULL;
      const char *arg2 = i + 2 < matchers->len ? g_ptr_array_index (matchers, i + 2) : NULL;

      if ((g_str_equal (word, "tcp") || g_str_equal (word, "udp")) && arg1 != NULL &&
          g_str_equal (arg1, "dport") && arg2 != NULL)
        {
          PortierProtocol wanted = g_str_equal (word, "tcp") ? PORTIER_PROTOCOL_TCP
                                                            : PORTIER_PROTOCOL_UDP;
          if (wanted != protocol || !port_value_matches (arg2, port, &understood))
            matches = FALSE;
          protocol_known = TRUE;
          i += 3;
        }
      else if (g_str_equal (word, "th") && arg1 != NULL && g_str_equal (arg1, "dport") &&
               arg2 != NULL)
        {
          if (!protocol_known)
            understood = FALSE;
          else if (!port_value_matches (arg2, port, &understood))
            matches = FALSE;
          i += 3;
        }
      else if (((g_str_equal (word, "meta") && arg1 != NULL && g_str_equal (arg1, "l4proto")) ||
                (g_str_equal (word, "ip") && arg1 != NULL && g_str_equal (arg1, "protocol")) ||
                (g_str_equal (word, "ip6") && arg1 != NULL && g_str_equal (arg1, "nexthdr"))) &&
               arg2 != NULL)
        {
          if (!protocol_value_matches (arg2, protocol, &understood))
            matches = FALSE;
          protocol_known = TRUE;
          i += 3;
        }
      else
        understood = FALSE;
    }

  if (!understood || !matches)
    return VERDICT_NONE;

  if (g_str_equal (verdict, "accept"))
    return VERDICT_ACCEPT;
  if (g_str_equal (verdict, "drop") || g_str_equal (verdict, "reject"))
    return VERDICT_DROP;
  return VERDICT_NONE;
}

/**
 * portier_nft_chain_lets_in:
 *
 * Returns: whether a new connection from anywhere to @port/@protocol gets past @chain
 */
gboolean
portier_nft_chain_lets_in (const PortierNftChain *chain,
                           guint16                port,
                           PortierProtocol        protocol)
{
  for (guint i = 0; i < chain->rules->len; i++)
    {
      switch (rule_verdict (g_ptr_array_index (chain->rules, i), port, protocol))
        {
        case VERDICT_ACCEPT:
          return TRUE;
        case VERDICT_DROP:
          return FALSE;
        case VERDICT_NONE:
        default:
          break;
        }
    }
  return !chain->policy_drop;
}

/**
 * portier_nft_chain_first_drop:
 * @spec: ports of one protocol
 *
 * Where Portier's accept for @spec goes in @chain: right before the rule this returns,
 * the first that would drop or reject one of the ports for a stranger (an unconditional
 * drop, or a drop of exactly such ports). Every rule before it stays ahead, the
 * administrator's conditional drops among them.
 *
 * Returns: (nullable): that rule, or %NULL when only the chain's policy drops (the
 *   accept goes at the end)
 */
const PortierNftRule *
portier_nft_chain_first_drop (const PortierNftChain *chain,
                              const PortierPortSpec *spec)
{
  for (guint i = 0; i < chain->rules->len; i++)
    {
      const PortierNftRule *rule = g_ptr_array_index (chain->rules, i);

      for (guint port = spec->first; port <= spec->last; port++)
        if (rule_verdict (rule, (guint16) port, spec->protocol) == VERDICT_DROP)
          return rule;
    }
  return NULL;
}

/**
 * portier_nft_ruleset_blocking:
 * @spec: ports of one protocol
 *
 * Returns: (transfer container) (element-type PortierNftChain): the base input chains
 *   that keep at least one port of @spec out
 */
GPtrArray *
portier_nft_ruleset_blocking (const PortierNftRuleset *self,
                              const PortierPortSpec   *spec)
{
  GPtrArray *blocking = g_ptr_array_new ();

  for (guint i = 0; i < self->chains->len; i++)
    {
      PortierNftChain *chain = g_ptr_array_index (self->chains, i);

      if (!chain->input_filter)
        continue;
      for (guint port = spec->first; port <= spec->last; port++)
        if (!portier_nft_chain_lets_in (chain, (guint16) port, spec->protocol))
          {
            g_ptr_array_add (blocking, chain);
            break;
          }
    }
  return blocking;
}

guint
portier_nft_ruleset_count_input (const PortierNftRuleset *self)
{
  guint count = 0;

  for (guint i = 0; i < self->chains->len; i++)
    if (((PortierNftChain *) g_ptr_array_index (self->chains, i))->input_filter)
      count++;
  return count;
}

const PortierNftChain *
portier_nft_ruleset_find_chain (const PortierNftRuleset *self,
                                const char              *family,
                                const char              *table,
                                const char              *name)
{
  for (guint i = 0; i < self->chains->len; i++)
    {
      const PortierNftChain *chain = g_ptr_array_index (self->chains, i);

      if (g_str_equal (chain->family, family) && g_str_equal (chain->table, table) &&
          g_str_equal (chain->name, name))
        return chain;
    }
  return NULL;
}

const PortierNftRule *
portier_nft_chain_find_handle (const PortierNftChain *chain,
                               guint64                handle)
{
  for (guint i = 0; i < chain->rules->len; i++)
    {
      const PortierNftRule *rule = g_ptr_array_index (chain->rules, i);

      if (rule->handle == handle)
        return rule;
    }
  return NULL;
}
