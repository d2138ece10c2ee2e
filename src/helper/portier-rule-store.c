/* portier-rule-store.c: the helper's record of the rules it made
 *
 * One key file, written atomically and readable by root only. The helper removes only
 * rules that are in this record, so what it reads back is checked as strictly as what
 * callers send: an entry that does not pass is dropped with a warning, never acted on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-helper-args.h"
#include "portier-rule-store.h"

#define STORE_FILE "rules.ini"
#define GROUP_PREFIX "rule "
/* Far above what PORTIER_RULE_STORE_MAX_RULES entries take: a larger file was not
 * written by the helper. */
#define MAX_STORE_SIZE (64 * 1024 * 1024)
#define MAX_RANGES 1000

struct _PortierRuleStore
{
  GObject     parent_instance;

  char       *directory;
  char       *path;
  GPtrArray  *rules;   /* of PortierRule, in the order they were made */
};

G_DEFINE_FINAL_TYPE (PortierRuleStore, portier_rule_store, G_TYPE_OBJECT)

static void
portier_rule_store_finalize (GObject *object)
{
  PortierRuleStore *self = PORTIER_RULE_STORE (object);

  g_free (self->directory);
  g_free (self->path);
  g_ptr_array_unref (self->rules);

  G_OBJECT_CLASS (portier_rule_store_parent_class)->finalize (object);
}

static void
portier_rule_store_class_init (PortierRuleStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_rule_store_finalize;
}

static void
portier_rule_store_init (PortierRuleStore *self)
{
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_rule_free);
}

PortierRuleStore *
portier_rule_store_new (const char *directory)
{
  PortierRuleStore *self = g_object_new (PORTIER_TYPE_RULE_STORE, NULL);

  self->directory = g_strdup (directory);
  self->path = g_build_filename (directory, STORE_FILE, NULL);
  return self;
}

const char *
portier_rule_store_get_path (PortierRuleStore *self)
{
  return self->path;
}

/**
 * portier_rule_check_nft_handle:
 *
 * Returns: whether @handle is `FAMILY TABLE CHAIN NUMBER` with a family nftables filters
 *   input in and names from the strict set
 */
gboolean
portier_rule_check_nft_handle (const char *handle)
{
  g_auto(GStrv) parts = NULL;
  guint64 number;

  if (handle == NULL)
    return FALSE;

  parts = g_strsplit (handle, " ", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  if (!g_str_equal (parts[0], "inet") && !g_str_equal (parts[0], "ip") &&
      !g_str_equal (parts[0], "ip6"))
    return FALSE;
  if (!portier_helper_check_name (parts[1], 64) || !portier_helper_check_name (parts[2], 64))
    return FALSE;
  return g_ascii_string_to_unsigned (parts[3], 10, 1, G_MAXUINT32, &number, NULL);
}

static gboolean
check_ranges (GStrv ranges)
{
  if (ranges == NULL)
    return TRUE;
  if (g_strv_length (ranges) > MAX_RANGES)
    return FALSE;

  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (ranges[i], NULL);
      g_autofree char *canonical = NULL;

      /* "8000-8004" exactly as the helper writes it: digits and one dash */
      if (spec == NULL)
        return FALSE;
      canonical = portier_helper_format_ports (spec->first, spec->last);
      if (!g_str_equal (canonical, ranges[i]))
        return FALSE;
    }
  return TRUE;
}

static PortierRule *
rule_from_group (GKeyFile    *keyfile,
                 const char  *group,
                 GError     **error)
{
  g_autoptr(PortierRule) rule = portier_rule_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *protocol = NULL;
  gint64 first, last = 0;
  gsize length;

  rule->id = g_strdup (group + strlen (GROUP_PREFIX));
  if (!portier_helper_check_rule_id (rule->id, error))
    return NULL;

  rule->backend = g_key_file_get_string (keyfile, group, "backend", error);
  if (rule->backend == NULL)
    return NULL;
  if (!g_str_equal (rule->backend, "firewalld") && !g_str_equal (rule->backend, "ufw") &&
      !g_str_equal (rule->backend, "nftables"))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "unknown backend “%s”", rule->backend);
      return NULL;
    }

  first = g_key_file_get_int64 (keyfile, group, "first", &local_error);
  if (local_error == NULL)
    last = g_key_file_get_int64 (keyfile, group, "last", &local_error);
  if (local_error == NULL)
    protocol = g_key_file_get_string (keyfile, group, "protocol", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (first < 0 || last < 0 || first > G_MAXUINT16 || last > G_MAXUINT16 ||
      !portier_helper_check_ports ((guint) first, (guint) last, protocol, &rule->protocol,
                                   NULL))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "bad ports");
      return NULL;
    }
  rule->first = (guint16) first;
  rule->last = (guint16) last;

  g_free (rule->zone);
  rule->zone = g_key_file_get_string (keyfile, group, "zone", NULL);
  if (rule->zone == NULL)
    rule->zone = g_strdup ("");
  g_free (rule->label);
  rule->label = g_key_file_get_string (keyfile, group, "label", NULL);
  if (rule->label == NULL)
    rule->label = g_strdup ("");
  g_free (rule->boot_id);
  rule->boot_id = g_key_file_get_string (keyfile, group, "boot-id", NULL);
  if (rule->boot_id == NULL)
    rule->boot_id = g_strdup ("");

  rule->owner = g_key_file_get_string (keyfile, group, "owner", NULL);
  if (rule->owner != NULL && !g_dbus_is_unique_name (rule->owner))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "bad owner");
      return NULL;
    }

  if (!portier_helper_check_zone (rule->zone, error) ||
      !portier_helper_check_label (rule->label, error))
    return NULL;

  rule->permanent = g_key_file_get_boolean (keyfile, group, "permanent", NULL);
  rule->created = g_key_file_get_int64 (keyfile, group, "created", NULL);
  rule->expires = g_key_file_get_int64 (keyfile, group, "expires", NULL);
  rule->uid = (guint32) CLAMP (g_key_file_get_int64 (keyfile, group, "uid", NULL),
                               0, G_MAXUINT32);

  rule->nft_handles = g_key_file_get_string_list (keyfile, group, "nft-handles", &length,
                                                  NULL);
  rule->runtime_ranges = g_key_file_get_string_list (keyfile, group, "runtime-ranges",
                                                     &length, NULL);
  rule->permanent_ranges = g_key_file_get_string_list (keyfile, group, "permanent-ranges",
                                                       &length, NULL);

  if (rule->nft_handles != NULL)
    for (guint i = 0; rule->nft_handles[i] != NULL; i++)
      if (!portier_rule_check_nft_handle (rule->nft_handles[i]))
        {
          g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                               "bad nftables handle");
          return NULL;
        }
  if (!check_ranges (rule->runtime_ranges) || !check_ranges (rule->permanent_ranges))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "bad ranges");
      return NULL;
    }
  if (g_str_equal (rule->backend, "firewalld") &&
      !portier_helper_check_name (rule->zone, PORTIER_HELPER_MAX_ZONE))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "no zone");
      return NULL;
    }

  return g_steal_pointer (&rule);
}

/**
 * portier_rule_store_load:
 *
 * Reads the record. A missing file is an empty record. A damaged file is moved aside
 * (`rules.ini.damaged`) for an administrator to look at, the record starts empty, and
 * the error says so (%PORTIER_ERROR_STATE_CORRUPT).
 */
gboolean
portier_rule_store_load (PortierRuleStore  *self,
                         GError           **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) groups = NULL;
  gsize length = 0;

  g_ptr_array_set_size (self->rules, 0);

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (length > MAX_STORE_SIZE ||
      !g_key_file_load_from_data (keyfile, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_autofree char *aside = g_strconcat (self->path, ".damaged", NULL);

      g_warning ("The record %s is damaged (%s); moved to %s", self->path,
                 local_error != NULL ? local_error->message : "too large", aside);
      if (g_rename (self->path, aside) != 0)
        g_warning ("Cannot move %s aside: %s", self->path, g_strerror (errno));
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "The record %s was damaged and was moved aside", self->path);
      return FALSE;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(GError) rule_error = NULL;
      PortierRule *rule;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;

      rule = rule_from_group (keyfile, groups[i], &rule_error);
      if (rule == NULL)
        {
          g_warning ("Ignoring the damaged entry [%s] of %s: %s", groups[i], self->path,
                     rule_error != NULL ? rule_error->message : "invalid");
          continue;
        }
      if (self->rules->len >= PORTIER_RULE_STORE_MAX_RULES)
        {
          /* The helper never writes more; keep those it can act on, drop none silently. */
          g_warning ("Ignoring [%s] of %s: the record holds %u rules already", groups[i],
                     self->path, PORTIER_RULE_STORE_MAX_RULES);
          portier_rule_free (rule);
          continue;
        }
      if (portier_rule_store_lookup (self, rule->id) != NULL)
        {
          g_warning ("Ignoring a second entry [%s] of %s", groups[i], self->path);
          portier_rule_free (rule);
          continue;
        }
      g_ptr_array_add (self->rules, rule);
    }

  return TRUE;
}

static void
set_list (GKeyFile   *keyfile,
          const char *group,
          const char *key,
          GStrv       list)
{
  if (list != NULL && list[0] != NULL)
    g_key_file_set_string_list (keyfile, group, key, (const char * const *) list,
                                g_strv_length (list));
}

gboolean
portier_rule_store_save (PortierRuleStore  *self,
                         GError           **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_comment (keyfile, NULL, NULL,
                          " The firewall rules portier-helper made. It removes only these.",
                          NULL);

  for (guint i = 0; i < self->rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (self->rules, i);
      g_autofree char *group = g_strconcat (GROUP_PREFIX, rule->id, NULL);

      g_key_file_set_string (keyfile, group, "backend", rule->backend);
      g_key_file_set_int64 (keyfile, group, "first", rule->first);
      g_key_file_set_int64 (keyfile, group, "last", rule->last);
      g_key_file_set_string (keyfile, group, "protocol",
                             portier_protocol_to_string (rule->protocol));
      g_key_file_set_string (keyfile, group, "zone", rule->zone);
      g_key_file_set_string (keyfile, group, "label", rule->label);
      g_key_file_set_boolean (keyfile, group, "permanent", rule->permanent);
      g_key_file_set_int64 (keyfile, group, "created", rule->created);
      g_key_file_set_int64 (keyfile, group, "expires", rule->expires);
      g_key_file_set_int64 (keyfile, group, "uid", rule->uid);
      g_key_file_set_string (keyfile, group, "boot-id", rule->boot_id);
      if (rule->owner != NULL)
        g_key_file_set_string (keyfile, group, "owner", rule->owner);
      set_list (keyfile, group, "nft-handles", rule->nft_handles);
      set_list (keyfile, group, "runtime-ranges", rule->runtime_ranges);
      set_list (keyfile, group, "permanent-ranges", rule->permanent_ranges);
    }

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot create %s: %s", self->directory, g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (keyfile, &length, NULL);
  return g_file_set_contents_full (self->path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * portier_rule_store_add:
 * @rule: (transfer full): the rule
 *
 * Returns: %FALSE, with %PORTIER_ERROR_LIMIT_REACHED, when the record holds
 *   %PORTIER_RULE_STORE_MAX_RULES rules already; @rule is freed then
 */
gboolean
portier_rule_store_add (PortierRuleStore  *self,
                        PortierRule       *rule,
                        GError           **error)
{
  g_return_val_if_fail (portier_rule_store_lookup (self, rule->id) == NULL, FALSE);

  if (!portier_rule_store_has_room (self, error))
    {
      portier_rule_free (rule);
      return FALSE;
    }
  g_ptr_array_add (self->rules, rule);
  return TRUE;
}

/**
 * portier_rule_store_has_room:
 *
 * Returns: whether one more rule may be added; else %FALSE with a plain error
 */
gboolean
portier_rule_store_has_room (PortierRuleStore  *self,
                             GError           **error)
{
  if (self->rules->len < PORTIER_RULE_STORE_MAX_RULES)
    return TRUE;
  g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_LIMIT_REACHED,
               "Portier keeps %u openings in this computer's firewall already; close some "
               "before opening another", PORTIER_RULE_STORE_MAX_RULES);
  return FALSE;
}

gboolean
portier_rule_store_remove (PortierRuleStore *self,
                           const char       *id)
{
  for (guint i = 0; i < self->rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (self->rules, i);

      if (g_str_equal (rule->id, id))
        {
          g_ptr_array_remove_index (self->rules, i);
          return TRUE;
        }
    }
  return FALSE;
}

const PortierRule *
portier_rule_store_lookup (PortierRuleStore *self,
                           const char       *id)
{
  for (guint i = 0; i < self->rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (self->rules, i);

      if (g_str_equal (rule->id, id))
        return rule;
    }
  return NULL;
}

/**
 * portier_rule_store_dup_rules:
 *
 * Returns: (transfer full) (element-type PortierRule): copies of every rule
 */
GPtrArray *
portier_rule_store_dup_rules (PortierRuleStore *self)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_rule_free);

  for (guint i = 0; i < self->rules->len; i++)
    g_ptr_array_add (copies, portier_rule_copy (g_ptr_array_index (self->rules, i)));
  return copies;
}

guint
portier_rule_store_get_count (PortierRuleStore *self)
{
  return self->rules->len;
}
