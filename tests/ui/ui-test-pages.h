/* ui-test-pages.h: what the page tests share — finding widgets, sample data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-diagnosis.h"
#include "portier-guide.h"
#include "portier-ledger.h"
#include "portier-opener.h"
#include "portier-window.h"

G_BEGIN_DECLS

/* A window size the pages are looked at in. */
typedef struct
{
  const char *name;
  int         width;
  int         height;
} UiTestSize;

void                    ui_test_init                  (int          *argc,
                                                       char       ***argv);
PortierWindow          *ui_test_window_new            (int           width,
                                                       int           height);
void                    ui_test_window_destroy        (PortierWindow *window);
GtkWidget              *ui_test_child                 (GtkWidget    *widget,
                                                       GType         type,
                                                       const char   *name);
GtkWidget              *ui_test_find_row              (GtkWidget    *root,
                                                       const char   *title);
GtkWidget              *ui_test_find_label            (GtkWidget    *root,
                                                       const char   *text);
GPtrArray              *ui_test_shown_labels          (GtkWidget    *root,
                                                       const char   *skip_class);
GtkWidget              *ui_test_find_type            (GtkWidget    *root,
                                                       GType         type);
gboolean                ui_test_is_shown              (GtkWidget    *widget);
void                    ui_test_activate_entry        (GtkWidget    *editable);
void                    ui_test_click                 (GtkWidget    *button);
void                    ui_test_set_true              (gboolean     *flag);
const char             *ui_test_state_dir             (void);
void                    ui_test_state_dir_clear       (void);
void                    ui_test_fill_ledger           (void);
PortierOpenResult      *ui_test_open_result_new       (PortierVerifyStatus verify_status);
void                    ui_test_open_result_free      (PortierOpenResult *result);
PortierDiagnosisReport *ui_test_report_new            (const char * const *codes);
PortierGuide           *ui_test_guide_new             (void);
AdwMessageDialog       *ui_test_find_dialog           (void);
GString                *ui_test_check_names           (GtkWidget    *root);
void                    ui_test_show_page             (PortierWindow *window,
                                                       const char   *page);
void                    ui_test_choose_app            (PortierWindow *window,
                                                       const char   *action,
                                                       const char   *search,
                                                       const char   *app_id);
void                    ui_test_show_review           (PortierWindow *window,
                                                       const char   *search,
                                                       const char   *app_id);

G_END_DECLS
